from policies.models import PolicyAcknowledgement, PolicyNotice
from privacy_office.registry import Category, Erasure, declare, personal

declare(
    PolicyNotice,
    subject="user",
    category=Category.REGISTRATION,
    fields=[
        personal("claimed_at", purposes=["B3", "B9"], erasure=Erasure.DELETE),
        personal("sent_at", purposes=["B3", "B9"], erasure=Erasure.DELETE),
    ],
)
declare(
    PolicyAcknowledgement,
    subject="user",
    category=Category.REGISTRATION,
    fields=[
        personal(
            "acknowledged_at",
            purposes=["B3", "B9"],
            erasure=Erasure.KEEP,
            keep_reason="proof that the user was told of the policy in force (policy H)",
        )
    ],
)
