"""Two-factor sign-in for staff (policy G): an authenticator app (TOTP) and recovery codes."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

AUTHENTICATOR = "authenticator"
RECOVERY = "recovery codes"


def authenticator_pending(*, user) -> TOTPDevice:
    """Return the user's unconfirmed authenticator, creating it (with a new secret) if needed."""
    device = TOTPDevice.objects.filter(user=user, name=AUTHENTICATOR, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR, confirmed=False)


@transaction.atomic
def authenticator_confirm(*, user, token: str) -> list[str] | None:
    """Confirm the pending authenticator with a code from it; return new recovery codes.

    None when the code is wrong (the device stays unconfirmed).
    """
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(user=user, name=AUTHENTICATOR, confirmed=False)
        .first()
    )
    if device is None or not device.verify_token(token.strip()):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return recovery_codes_renew(user=user)


@transaction.atomic
def recovery_codes_renew(*, user) -> list[str]:
    """Replace the user's recovery codes with new ones, each usable once; return them."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [secrets.token_hex(4) for _ in range(settings.RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def authenticator_device(*, user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, name=AUTHENTICATOR, confirmed=True).first()
