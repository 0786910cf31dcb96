"""Mail servers that misbehave, in place of the one that leaves the machine. Each keeps what
it does send in ``django.core.mail.outbox``, like Django's test backend."""

import smtplib

from django.core import mail
from django.core.mail.backends import locmem

REFUSED_DOMAIN = "refused.example"


class RefusingEmailBackend(locmem.EmailBackend):
    """A server that refuses every address at ``refused.example`` (no such user)."""

    def send_messages(self, messages):
        for message in messages:
            refused = [to for to in message.recipients() if to.endswith("@" + REFUSED_DOMAIN)]
            if refused:
                raise smtplib.SMTPRecipientsRefused(dict.fromkeys(refused, (550, b"no such user")))
        return super().send_messages(messages)


class DyingEmailBackend(locmem.EmailBackend):
    """The worker is killed once four messages have gone out: the fifth is never sent."""

    LIVES = 4

    def send_messages(self, messages):
        if len(mail.outbox) >= self.LIVES:
            raise SystemExit("worker killed")
        return super().send_messages(messages)
