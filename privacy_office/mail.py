"""The demo's console mail, masked like the logs: the web and worker output never carries a
full email address, card or account number."""

from __future__ import annotations

from django.core.mail.backends.console import EmailBackend

from privacy_office.logging import mask_text


class MaskedConsoleEmailBackend(EmailBackend):
    """Write each message as a person reads it (headers, text, attachment names), masked."""

    def write_message(self, message) -> None:
        lines = [
            f"Subject: {message.subject}",
            f"From: {message.from_email}",
            f"To: {', '.join(message.to)}",
        ]
        if message.cc:
            lines.append(f"Cc: {', '.join(message.cc)}")
        lines += ["", message.body]
        for attachment in message.attachments:
            name = attachment[0] if isinstance(attachment, tuple) else attachment.get_filename()
            lines.append(f"[attachment: {name}]")
        self.stream.write(mask_text("\n".join(lines)) + "\n" + "-" * 79 + "\n")
