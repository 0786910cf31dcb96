from accounts.models import User
from privacy_office.registry import SELF, Category, Erasure, declare, personal

declare(
    User,
    subject=SELF,
    category=Category.REGISTRATION,
    fields=[
        personal("username", purposes=["B1", "B3"], mandatory=True, erasure=Erasure.REDACT),
        personal("first_name", purposes=["B1", "B3", "B4", "B7"], correctable=True),
        personal("last_name", purposes=["B1", "B3", "B4", "B7"], correctable=True),
        personal("email", purposes=["B1", "B3", "B4", "B7"], mandatory=True, correctable=True),
        personal(
            "date_joined",
            purposes=["B3"],
            erasure=Erasure.KEEP,
            keep_reason="when the account existed, needed to answer claims (B9)",
        ),
        personal("last_login", purposes=["B3"], category=Category.BROWSING),
    ],
)
