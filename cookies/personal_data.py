from cookies.models import (
    ConsentRecord,
    CookieCategory,
    CookieDeclaration,
    SaleOptOut,
    UndeclaredCookie,
    VisitorLink,
)
from cookies.selectors import records_of_user
from privacy_office.registry import Category, Erasure, SubjectQuery, declare, personal

PROOF_DAYS = 3 * 365  # consent must stay provable (GDPR Art. 7(1)) for as long as claims run
PROOF = "proof of what the visitor chose, which the law requires us to be able to show"

declare(CookieCategory, subject=None, exempt={"title": "the name of a cookie category"})
declare(CookieDeclaration, subject=None, exempt={"name": "the name of a cookie"})
declare(UndeclaredCookie, subject=None, exempt={"name": "the name of a cookie"})


declare(
    ConsentRecord,
    subject=SubjectQuery(
        rows_of=records_of_user,
        description="made by the user, or anonymously on a browser before it signed in as them",
    ),
    category=Category.BROWSING,
    fields=[
        personal(
            name,
            purposes=["B6", "B9"],
            erasure=Erasure.KEEP,
            keep_reason=PROOF,
            retention_days=PROOF_DAYS,
        )
        for name in (
            "visitor_id",
            "choices",
            "declarations_version",
            "policy_version",
            "method",
            "gpc",
            "created_at",
            "ip_truncated",
            "user_agent_hash",
            "event_id",
        )
    ],
    retained_from="created_at",
    retention_kept=(
        "proof of consent: the application's role may not delete it; the owner purges it "
        "past its retention (README, Security)"
    ),
)
declare(
    VisitorLink,
    subject="user",
    category=Category.BROWSING,
    fields=[
        personal("visitor_id", purposes=["B6", "B9"], erasure=Erasure.DELETE),
        personal("linked_at", purposes=["B6", "B9"], erasure=Erasure.DELETE),
    ],
)
declare(
    SaleOptOut,
    subject="user",
    category=Category.REGISTRATION,
    fields=[
        personal("source", purposes=["B6", "B9"], erasure=Erasure.DELETE),
        personal("opted_out_at", purposes=["B6", "B9"], erasure=Erasure.DELETE),
    ],
)
