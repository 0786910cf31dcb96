"""Forgotten passwords (issue 15, item 5): a reset link by email through Django's views, and
a "your password was changed" message after every change or reset.

The reset form answers the same whether or not an account has the address (Django's form
sends only to active accounts with a usable password, and the page that follows says "if
an account has this address"). Besides the per-address limit on the door, each email
address receives at most ``RESET_MAILS_PER_HOUR`` links, counted under a hash of the
address, so nobody can fill a stranger's inbox; over it nothing is sent and the answer
is still the same.

The link is mailed by a worker (``password_reset_mail_task``), never while the page waits:
an SMTP round trip only for known addresses would tell, by the time the answer takes,
whether an account has the address. The worker makes the link itself, so no token passes
through the broker.
"""

from __future__ import annotations

import hashlib
import logging
import smtplib
from datetime import UTC

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import User
from privacy_office import clock
from privacy_office.ratelimit import seconds_to_wait

logger = logging.getLogger("accounts")

RESET_EMAIL_SCOPE = "password_reset_email"
RESET_EMAIL_TEMPLATE = "accounts/email/password_reset.txt"
RESET_SUBJECT_TEMPLATE = "accounts/email/password_reset_subject.txt"


def _address_key(email: str) -> str:
    return "email:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


class PasswordResetRequestForm(PasswordResetForm):
    """Django's reset form, mailing each account in its own language, at most a few links
    an hour to one address."""

    def get_users(self, email):
        if seconds_to_wait(RESET_EMAIL_SCOPE, _address_key(email)):
            return iter(())
        return super().get_users(email)

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        user = context["user"]
        with translation.override(getattr(user, "preferred_language", None) or None):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)


def password_reset_mail_send(*, email: str, domain: str, use_https: bool) -> None:
    """Mail a reset link to each active account with the address (within its hourly limit)."""
    form = PasswordResetRequestForm({"email": email})
    if form.is_valid():
        form.save(
            domain_override=domain,
            use_https=use_https,
            subject_template_name=RESET_SUBJECT_TEMPLATE,
            email_template_name=RESET_EMAIL_TEMPLATE,
        )


def password_changed_notify(*, user: User, reset_link: str) -> None:
    """Tell the account's holder, at its address, that its password was just changed, with
    what to do if it was not them. Sent after commit; a mail failure changes nothing."""
    if not user.email:
        return
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        subject = _("Your password was changed")
        body = _(
            "The password of your account %(username)s was changed on %(when)s (UTC).\n\n"
            "If this was you, there is nothing to do.\n\n"
            "If it was not you, someone else may know your password: set a new one at once "
            "with this page, and tell us:\n\n%(link)s\n\n"
            "Our staff will never ask you for your password."
        ) % {
            "username": user.get_username(),
            "when": clock.now().astimezone(UTC).strftime("%Y-%m-%d %H:%M"),
            "link": reset_link,
        }
    message = (subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])

    def deliver() -> None:
        try:
            send_mail(*message)
        except (OSError, smtplib.SMTPException):
            logger.warning("Could not email user %s that their password changed", user.pk)

    transaction.on_commit(deliver)


def lockout_clear(*, username: str) -> None:
    """Lift the sign-in pause of an account whose password was just reset by its holder."""
    from axes.utils import reset

    reset(username=username)
