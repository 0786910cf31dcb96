"""Write the audit trail: one event per change or staff read, chained by hashes.

Each event's hash covers its own fields and the previous event's hash, so an
altered, removed or inserted row breaks the chain from that point on
(``python manage.py verify_audit``). Writers take a transaction-level advisory
lock, so the chain has one order however many processes write.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, datetime

from django.db import connection, transaction

from audit.models import AuditEvent
from privacy_office.text import printable

GENESIS = "0" * 64
CHAIN_LOCK = 7_301_991  # any constant, the same for every writer


def event_hash(event: AuditEvent, previous_hash: str) -> str:
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
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


@transaction.atomic
def audit_record(
    *,
    actor,
    action: str,
    target: str,
    now: datetime,
    subject=None,
    categories: Iterable[str] = (),
    reference: str = "",
    detail: str = "",
) -> AuditEvent:
    """Append one event to the chain."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
    last = AuditEvent.objects.order_by("-pk").values_list("hash", flat=True).first()
    event = AuditEvent(
        # UTC, as the database gives it back: the hash must be the same when verified.
        at=now.astimezone(UTC),
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        subject=subject if getattr(subject, "pk", None) else None,
        categories=sorted(set(categories)),
        target=printable(target)[:200],
        reference=printable(reference)[:100],
        detail=printable(detail)[:300],
        previous_hash=last or GENESIS,
    )
    event.hash = event_hash(event, event.previous_hash)
    event.save()
    return event


def audit_chain_verify() -> tuple[int, int | None]:
    """Walk the chain in order; return (events checked, id of the first broken event or None)."""
    previous = GENESIS
    checked = 0
    for event in AuditEvent.objects.order_by("pk").iterator(chunk_size=5000):
        if event.previous_hash != previous or event_hash(event, previous) != event.hash:
            return checked, event.pk
        previous = event.hash
        checked += 1
    return checked, None
