"""The audit chain's arithmetic: what each event's hash covers, keyed and (before the
keys) unkeyed. Shared by the writer (services) and the checker (verification)."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC

from audit.models import AuditEvent

GENESIS = "0" * 64


def event_payload(event: AuditEvent, previous_hash: str) -> bytes:
    payload = {
        "at": event.at.astimezone(UTC).isoformat(),
        "actor": event.actor_id,
        "action": event.action,
        "subject": event.subject_id,
        "categories": sorted(event.categories),
        "target": event.target,
        "reference": event.reference,
        "detail": event.detail,
        "previous": previous_hash,
    }
    # Named only when an event has them, so events written before the fields verify as ever.
    if event.rows:
        payload["rows"] = list(event.rows)
    if event.subjects:
        payload["subjects"] = list(event.subjects)
    if event.seq is not None:  # the unkeyed chain before numbering had neither
        payload["seq"] = event.seq
        payload["key"] = event.key_id
    return json.dumps(payload, sort_keys=True).encode()


def event_hash(event: AuditEvent, previous_hash: str, key: bytes) -> str:
    """Return the event's HMAC-SHA256 under ``key``, chained to ``previous_hash``."""
    return hmac.new(key, event_payload(event, previous_hash), hashlib.sha256).hexdigest()


def event_hash_unkeyed(event: AuditEvent, previous_hash: str) -> str:
    """Return the plain SHA-256 of the chain before it was keyed (migration 0003 re-signs it)."""
    return hashlib.sha256(event_payload(event, previous_hash)).hexdigest()
