from disclosures.models import (
    Disclosure,
    NoticeEvent,
    Recipient,
    RecipientNotice,
    StatisticalRelease,
)
from privacy_office.registry import Category, Erasure, declare, personal

KEPT = "the record of who received the person's data, needed to pass corrections on (C, D)"

declare(
    Disclosure,
    subject="subject",
    category=Category.ACTIVITY,
    fields=[
        personal(name, purposes=["B9"], erasure=Erasure.KEEP, keep_reason=KEPT, retention_days=2192)
        for name in ("categories", "purpose", "disclosed_at", "reference")
    ],
    retained_from="disclosed_at",
)

declare(
    StatisticalRelease,
    subject=None,
    exempt={"name": "the name of a statistical release: counts, no person"},
)

NOTICE = "proof that a correction or erasure was passed on to a recipient (GDPR Art. 19)"
declare(
    RecipientNotice,
    subject="subject",
    category=Category.ACTIVITY,
    fields=[
        # The corrected values told to the recipient: blanked when the person is erased.
        personal("payload", purposes=["B9"], erasure=Erasure.REDACT, retention_days=2192),
        *(
            personal(name, purposes=["B9"], erasure=Erasure.KEEP, keep_reason=NOTICE)
            for name in ("kind", "state", "created_at", "acknowledged_at", "delivery_id")
        ),
    ],
    retained_from="created_at",
)
declare(
    NoticeEvent,
    subject=None,
    exempt={"what": "a step of a notice (sent, delivered, reminded): no personal data"},
)
declare(
    Recipient,
    subject=None,
    exempt={
        "notify_email": "an organisation's address for notices (a role mailbox), not a person's",
    },
)
