"""Recovery codes at rest: a keyed digest of each code, never the code itself.

A staff member sees their codes once, when they are made (accounts.two_factor);
django-otp's ``StaticToken.token`` (16 characters) then holds HMAC-SHA256 of the
code under a key derived from ``SECRET_KEY``, cut to 96 bits. The codes are
random, so a fast keyed hash is enough: without the key a copy of the database
gives nothing to guess against. Checking one compares its digest with every
stored digest in constant time; ``SECRET_KEY_FALLBACKS`` keep codes working
across a key rotation.
"""

from __future__ import annotations

import base64
import hmac

from django.conf import settings
from django.db import transaction
from django.utils.crypto import salted_hmac
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

KEY_SALT = "privacy_office.recovery_codes"


def recovery_code_digest(code: str, *, secret: str | None = None) -> str:
    """Return the 16-character digest stored for ``code`` (under ``secret``, else SECRET_KEY)."""
    normalised = code.strip().lower()
    mac = salted_hmac(KEY_SALT, normalised, secret=secret, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(mac[:12]).decode()


def _digests(code: str) -> list[str]:
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [recovery_code_digest(code, secret=secret) for secret in secrets]


@transaction.atomic
def recovery_code_use(*, device: StaticDevice, code: str) -> bool:
    """Use up the device's recovery code ``code``; return whether it was one of them.

    Every stored digest is compared, in constant time, with the code's digests; the match is
    deleted, so a code works once (two sign-ins racing with one code: one wins). Failures count
    towards django-otp's throttle, as its own check does.
    """
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        return False
    candidates = _digests(code)
    match = None
    for token in device.token_set.select_for_update():
        for candidate in candidates:
            if hmac.compare_digest(token.token.encode(), candidate.encode()):
                match = token
    used = match is not None and StaticToken.objects.filter(pk=match.pk).delete()[0] == 1
    if used:
        device.throttle_reset(commit=False)
        device.set_last_used_timestamp(commit=False)
        device.save()
    else:
        device.throttle_increment()
    return used
