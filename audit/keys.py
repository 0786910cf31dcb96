"""The audit trail's keys, read from settings when used (never at import).

``AUDIT_CHAIN_KEYS`` holds the HMAC keys of the chain, newest first: new events
are signed with the first, and each event records the id of the key that
signed it, so a retired key stays listed until no event needs it.
``AUDIT_CHECKPOINT_SIGNING_KEY`` is an Ed25519 private key (32 random bytes,
base64) that signs the checkpoints written outside the database.
"""

from __future__ import annotations

import base64
import binascii
import hashlib

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Values that only local and test settings may use; production settings refuse them.
DEVELOPMENT_PREFIX = "local-development-only"
CHAIN_KEY_MIN_LENGTH = 32


def chain_key_id(key: str) -> str:
    """Return the short public name of a chain key (a fingerprint, not the key)."""
    return hashlib.sha256(b"privacy-office audit chain key id\0" + key.encode()).hexdigest()[:16]


def chain_keys() -> dict[str, bytes]:
    """Return the chain keys by id, newest first."""
    keys = list(getattr(settings, "AUDIT_CHAIN_KEYS", None) or [])
    if not keys:
        raise ImproperlyConfigured("AUDIT_CHAIN_KEYS is empty: the audit trail cannot be signed.")
    return {chain_key_id(key): key.encode() for key in keys}


def chain_signing_key() -> tuple[str, bytes]:
    """Return (id, key) of the newest chain key, which signs new events."""
    return next(iter(chain_keys().items()))


def checkpoint_private_key_from(value: str | None) -> Ed25519PrivateKey:
    """Parse an Ed25519 private key given as 32 bytes in base64."""
    try:
        raw = base64.b64decode(value or "", validate=True)
    except (binascii.Error, ValueError) as error:
        raise ImproperlyConfigured(
            "AUDIT_CHECKPOINT_SIGNING_KEY is not base64 (make one with: python -c "
            "'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')."
        ) from error
    if len(raw) != 32:
        raise ImproperlyConfigured(
            "AUDIT_CHECKPOINT_SIGNING_KEY must be 32 bytes in base64 (an Ed25519 private key)."
        )
    return Ed25519PrivateKey.from_private_bytes(raw)


def checkpoint_private_key() -> Ed25519PrivateKey:
    return checkpoint_private_key_from(getattr(settings, "AUDIT_CHECKPOINT_SIGNING_KEY", None))


def public_key_id(public_key: Ed25519PublicKey) -> str:
    """Return the fingerprint of a checkpoint public key."""
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def is_development_value(value: str) -> bool:
    """Return whether a key is one of the committed development defaults."""
    if value.startswith(DEVELOPMENT_PREFIX):
        return True
    try:
        return base64.b64decode(value, validate=True).startswith(DEVELOPMENT_PREFIX.encode())
    except (binascii.Error, ValueError):
        return False
