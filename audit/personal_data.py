from audit.models import AuditEvent
from privacy_office.registry import Category, Erasure, declare, personal

TRAIL_DAYS = 6 * 366
KEPT = "the proof of who handled whose data, kept for accountability (policy G, C.2)"

declare(
    AuditEvent,
    subject="subject",
    category=Category.ACTIVITY,
    fields=[
        personal(
            name,
            purposes=["B9"],
            erasure=Erasure.KEEP,
            keep_reason=KEPT,
            retention_days=TRAIL_DAYS,
        )
        for name in ("at", "action", "target", "categories", "reference")
    ],
    retained_from="at",
    retention_kept=(
        "append-only proof: the application's role may not delete it, and the chain and its "
        "checkpoints would name removed events as tampering; the owner purges it by hand"
    ),
)
