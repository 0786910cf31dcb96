"""Encrypted model fields for financial data (policy A.3), with masking and a blind index.

Values are encrypted with ``MultiFernet`` over ``FIELD_ENCRYPTION_KEYS`` (newest
first, so keys can be rotated) and never with ``SECRET_KEY``. An encrypted
column cannot be searched; a field that must be looked up keeps an HMAC of the
normalised value beside it (``blind_index``).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

MASK = "••••"


@functools.cache
def _cipher(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty: encrypted fields need a key.")
    return MultiFernet([Fernet(key) for key in keys])


def cipher() -> MultiFernet:
    return _cipher(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(value: str) -> str:
    return cipher().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return cipher().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise ImproperlyConfigured(
            "An encrypted value cannot be read with FIELD_ENCRYPTION_KEYS: was a key removed?"
        ) from error


def digits_only(value: str) -> str:
    return re.sub(r"\D", "", value)


def blind_index(value: str) -> str:
    """Return a keyed hash of the value, for equality look-ups of an encrypted field."""
    key = settings.FIELD_BLIND_INDEX_KEY.encode()
    return hmac.new(key, value.strip().lower().encode(), hashlib.sha256).hexdigest()


def mask_number(value: str | None) -> str:
    """Return a number with all but its last four digits hidden: ``•••• 1234``."""
    if not value:
        return ""
    digits = digits_only(value) or value
    return f"{MASK} {digits[-4:]}"


class EncryptedTextField(models.TextField):
    """Text stored as a Fernet token; Python code sees the plain value.

    Only ``isnull`` look-ups work on it; search through a blind index instead.
    """

    description = "Text encrypted at rest"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":  # an optional field left empty is stored empty
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)
