"""The demo's console text messages, masked like the logs: the web and worker output never
carries a full phone number (the code itself is shown, as the console mail shows it)."""

from __future__ import annotations

from sms.backends.console import SmsBackend

from privacy_office.logging import mask_text


class MaskedConsoleSmsBackend(SmsBackend):
    """Write each text message as its reader sees it, the recipient's number masked."""

    def write_message(self, message) -> int:
        for recipient in message.recipients:
            lines = [f"From: {message.originator}", f"To: {recipient}", "", message.body]
            self.stream.write(mask_text("\n".join(lines)) + "\n" + "-" * 79 + "\n")
        return len(message.recipients)
