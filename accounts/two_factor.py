"""Two-factor sign-in for staff (policy G): an authenticator app (TOTP) and recovery codes.

A staff member enrols only through a one-time link an officer issued (a password alone
enrols nothing); staff accounts that never enrol are disabled after STAFF_ENROLMENT_DAYS.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import EnrolmentLink, User
from audit.models import Action
from audit.services import audit_record
from privacy_office.recovery_codes import recovery_code_digest

AUTHENTICATOR = "authenticator"
RECOVERY = "recovery codes"


def authenticator_pending(*, user) -> TOTPDevice:
    """Return the user's unconfirmed authenticator, creating it (with a new secret) if needed."""
    device = TOTPDevice.objects.filter(user=user, name=AUTHENTICATOR, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR, confirmed=False)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def enrolment_link_issue(*, user: User, actor: User | None, now: datetime) -> str:
    """Issue a one-time enrolment link for a staff member; return its token (stored nowhere).

    Earlier unused links of the user end: only the newest one works.
    """
    EnrolmentLink.objects.filter(user=user, used_at__isnull=True).update(expires_at=now)
    token = secrets.token_urlsafe(32)
    link = EnrolmentLink(
        user=user,
        token_digest=_digest(token),
        issued_by=actor if getattr(actor, "pk", None) else None,
        issued_at=now,
        expires_at=now + timedelta(hours=settings.STAFF_ENROLMENT_LINK_HOURS),
    )
    link.full_clean()
    link.save()
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=f"{EnrolmentLink._meta.label}:{link.pk}",
        subject=user,
        detail=f"second-factor enrolment link issued, valid until {link.expires_at.isoformat()}",
        now=now,
    )
    return token


def enrolment_link_valid(*, user, token: str, now: datetime) -> EnrolmentLink | None:
    """Return the user's unused, unexpired link with this token, else None."""
    return _valid_links(user=user, token=token, now=now).first()


def _valid_links(*, user, token: str, now: datetime):
    return EnrolmentLink.objects.filter(
        user=user, token_digest=_digest(token), used_at__isnull=True, expires_at__gt=now
    )


@transaction.atomic
def authenticator_confirm(*, user, token: str, link_token: str, now: datetime) -> list[str] | None:
    """Confirm the pending authenticator with a code from it; return new recovery codes.

    The enrolment link ``link_token`` is used up. None when the link is not (or no longer)
    valid or the code is wrong (the device stays unconfirmed, the link unused).
    """
    # PostgreSQL re-checks the conditions on the locked row: a link used a moment ago by
    # a concurrent confirmation is not found.
    link = _valid_links(user=user, token=link_token, now=now).select_for_update().first()
    if link is None:
        return None
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(user=user, name=AUTHENTICATOR, confirmed=False)
        .first()
    )
    if device is None or not device.verify_token(token.strip()):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    link.used_at = now
    link.save(update_fields=["used_at"])
    audit_record(
        actor=user,
        action=Action.CHANGE,
        target=f"{EnrolmentLink._meta.label}:{link.pk}",
        subject=user,
        detail="second-factor enrolment link used: authenticator enrolled",
        now=now,
    )
    return recovery_codes_renew(user=user)


@transaction.atomic
def recovery_codes_renew(*, user) -> list[str]:
    """Replace the user's recovery codes with new ones, each usable once; return them.

    Only their keyed digests are stored (privacy_office.recovery_codes): the codes returned
    here are shown once and can never be read back.
    """
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [secrets.token_hex(4) for _ in range(settings.RECOVERY_CODES)]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=recovery_code_digest(code)) for code in codes
    )
    return codes


def authenticator_device(*, user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, name=AUTHENTICATOR, confirmed=True).first()


def staff_without_second_factor_disable(*, now: datetime) -> int:
    """Disable staff accounts that have had no confirmed second factor for
    STAFF_ENROLMENT_DAYS since they became staff; return how many. Re-runnable."""
    cutoff = now - timedelta(days=settings.STAFF_ENROLMENT_DAYS)
    confirmed = Q(user=OuterRef("pk"), confirmed=True)
    overdue = (
        User.objects.filter(Q(is_staff=True) | Q(is_superuser=True))
        .filter(is_active=True, staff_since__lt=cutoff)
        .exclude(Exists(TOTPDevice.objects.filter(confirmed)))
        .exclude(Exists(StaticDevice.objects.filter(confirmed)))
    )
    disabled = 0
    with transaction.atomic():
        ids = list(overdue.select_for_update().values_list("pk", flat=True))
        User.objects.filter(pk__in=ids).update(is_active=False)
        for user in User.objects.filter(pk__in=ids):
            audit_record(
                actor=None,
                action=Action.CHANGE,
                target=f"{User._meta.label}:{user.pk}",
                subject=user,
                detail=(
                    "staff account disabled: no second factor "
                    f"{settings.STAFF_ENROLMENT_DAYS} days after becoming staff"
                ),
                now=now,
            )
            disabled += 1
    return disabled
