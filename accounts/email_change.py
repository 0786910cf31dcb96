"""A change of a user's email address (issue 13, item 9): the new address is proven first.

Asking for a change sends a signed, expiring link to the NEW address, and the answer is
the same whether the address is free or held by another account; the address changes only
when the link is followed, and then only if no other account holds it by then.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.services import registration_update

SALT = "accounts.email_change"
LINK_SENT = gettext_lazy(
    "We sent a link to the new address. Your email address changes when you follow it."
)
LINK_INVALID = gettext_lazy(
    "This link is not valid: it may have expired or been used already. Ask for the change "
    "again from your account."
)
# Names no account: the person following the link learns only that the change did not happen.
CHANGE_REFUSED = gettext_lazy(
    "Your email address could not be changed to this one. Choose another address."
)


def email_change_request(
    *, user: User, new_email: str, link_for: Callable[[str], str], now: datetime
) -> bool:
    """Mail a link that changes ``user``'s address to ``new_email`` to that address.

    Return False (and send nothing) when it is already the user's address. Whether another
    account holds it is not checked here, so the answer cannot tell.
    """
    if not new_email or new_email.strip().lower() == user.email.strip().lower():
        return False
    token = signing.dumps(
        {"user": user.pk, "from": user.email, "to": new_email, "at": now.isoformat()},
        salt=SALT,
        compress=True,
    )
    hours = settings.EMAIL_CHANGE_LINK_HOURS
    body = _(
        "Someone asked to change the email address of the account %(username)s to this "
        "address. To confirm, open this link within %(hours)s hours:\n\n%(link)s\n\n"
        "If it was not you, ignore this message: nothing changes."
    ) % {"username": user.get_username(), "hours": hours, "link": link_for(token)}
    send_mail(
        _("Confirm your new email address"),
        body,
        settings.DEFAULT_FROM_EMAIL,
        [new_email],
        fail_silently=False,
    )
    return True


def email_change_pending(*, token: str, now: datetime) -> dict | None:
    """Return the change a link asks for ({"user", "from", "to", "at"}), or None if invalid."""
    try:
        change = signing.loads(token, salt=SALT)
        asked_at = datetime.fromisoformat(change["at"])
    except (signing.BadSignature, TypeError, KeyError, ValueError):
        return None
    if not timedelta(0) <= now - asked_at <= timedelta(hours=settings.EMAIL_CHANGE_LINK_HOURS):
        return None
    # Used once: after the change (or any other), the address it started from is gone.
    if not User.objects.filter(pk=change["user"], email=change["from"], is_active=True).exists():
        return None
    return change


@transaction.atomic
def email_change_confirm(*, token: str, now: datetime) -> User:
    """Apply the change a link asks for; the new address counts as verified.

    Raise ValidationError when the link is not valid or another account holds the address.
    """
    change = email_change_pending(token=token, now=now)
    if change is None:
        raise ValidationError(LINK_INVALID)
    user = User.objects.select_for_update().get(pk=change["user"])
    if User.objects.filter(email__iexact=change["to"]).exclude(pk=user.pk).exists():
        raise ValidationError(CHANGE_REFUSED)
    try:
        with transaction.atomic():
            registration_update(user=user, actor=user, cleaned={"email": change["to"]})
    except (IntegrityError, ValidationError) as error:  # taken a moment ago
        raise ValidationError(CHANGE_REFUSED) from error
    User.objects.filter(pk=user.pk).update(email_verified_at=now)
    user.refresh_from_db()
    return user


@transaction.atomic
def registration_edit(
    *,
    user: User,
    cleaned: dict,
    new_email: str | None,
    link_for: Callable[[str], str],
    now: datetime,
) -> tuple[list[str], bool]:
    """Apply validated changes of registration information except the email address, for
    which a link is mailed to ``new_email``; return the fields changed and whether a link
    went out. ``cleaned["email"]``, if present, is the current address and stays."""
    changed = registration_update(user=user, actor=user, cleaned={**cleaned, "email": user.email})
    sent = new_email is not None and email_change_request(
        user=user, new_email=new_email, link_for=link_for, now=now
    )
    return changed, sent
