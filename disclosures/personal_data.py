from disclosures.models import Disclosure, StatisticalRelease
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
