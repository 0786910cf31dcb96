"""Write the audit trail: one event per change or staff read, numbered and chained by HMAC.

Each event's hash is an HMAC-SHA256, under a key from the environment
(``AUDIT_CHAIN_KEYS``), of its own fields, its number in the trail and the
previous event's hash, so an altered, removed or inserted row breaks the chain
from that point on, and a chain recomputed without the key does not verify
(``python manage.py verify_audit``). Writers take a transaction-level advisory
lock, so the chain has one order, and numbers without gaps, however many
processes write.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from django.db import connection, transaction

from audit.chain import GENESIS, event_hash
from audit.keys import chain_signing_key
from audit.models import AuditEvent
from privacy_office.text import printable

if TYPE_CHECKING:
    from accounts.models import User

CHAIN_LOCK = 7_301_991  # any constant, the same for every writer
ROWS_KEPT = 1000


@transaction.atomic
def audit_record(
    *,
    actor: User | None,
    action: str,
    target: str,
    now: datetime,
    subject=None,
    categories: Iterable[str] = (),
    reference: str = "",
    detail: str = "",
    rows: Iterable = (),
    subjects: Iterable[int] = (),
) -> AuditEvent:
    """Append one event to the chain.

    ``rows`` are the primary keys of what a page showed (the first ``ROWS_KEPT``),
    ``subjects`` the ids of every person they are about.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
    last = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
    key_id, key = chain_signing_key()
    event = AuditEvent(
        seq=last[0] + 1 if last else 1,
        # UTC, as the database gives it back: the hash must be the same when verified.
        at=now.astimezone(UTC),
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        subject=subject if getattr(subject, "pk", None) else None,
        categories=sorted(set(categories)),
        rows=[str(row) for row in list(rows)[:ROWS_KEPT]],
        subjects=sorted({int(subject) for subject in subjects if subject is not None}),
        target=printable(target)[:200],
        reference=printable(reference)[:100],
        detail=printable(detail)[:300],
        previous_hash=last[1] if last else GENESIS,
        key_id=key_id,
    )
    event.hash = event_hash(event, event.previous_hash, key)
    event.save()
    return event
