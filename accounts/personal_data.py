from django.apps import apps

from accounts.models import (
    REGISTRATION_FIELDS,
    Address,
    BankAccount,
    EnrolmentLink,
    MarketingPreference,
    Membership,
    PaymentCard,
    User,
)
from privacy_office.registry import SELF, Category, Erasure, Mask, declare, personal

IDENTITY = ["B1", "B2", "B3"]
CONTACT = ["B1", "B3", "B4", "B5", "B7"]
HISTORY_DAYS = 730

declare(
    User,
    subject=SELF,
    category=Category.REGISTRATION,
    fields=[
        personal("username", purposes=["B1", "B3"], mandatory=True),
        personal("first_name", purposes=CONTACT, mandatory=True, correctable=True),
        personal("last_name", purposes=CONTACT, mandatory=True, correctable=True),
        personal("email", purposes=CONTACT, mandatory=True, correctable=True),
        personal("email_verified_at", purposes=["B1"]),
        personal("staff_since", purposes=["B1"]),
        personal("phone", purposes=CONTACT, mandatory=True, correctable=True),
        personal("fax", purposes=CONTACT, correctable=True),
        personal("gender", purposes=["B3", "B6"], correctable=True),
        personal("birth_date", purposes=IDENTITY, correctable=True),
        personal("birth_year", purposes=IDENTITY, mandatory=True, correctable=True),
        personal("address_line", purposes=CONTACT, correctable=True),
        personal("city", purposes=CONTACT, correctable=True),
        personal("region", purposes=CONTACT, correctable=True),
        personal("postal_code", purposes=CONTACT, correctable=True),
        personal("country", purposes=CONTACT, mandatory=True, correctable=True),
        personal("company_name", purposes=["B3", "B5"], personal=False, correctable=True),
        personal("preferred_language", purposes=["B3", "B4"], correctable=True),
        personal("notify_by_email", purposes=["B3", "B4"], correctable=True),
        personal("notify_by_sms", purposes=["B3", "B4"], correctable=True),
        personal(
            "date_joined",
            purposes=["B3", "B9"],
            erasure=Erasure.KEEP,
            keep_reason="when the account existed, needed to answer claims (B9)",
        ),
        personal("last_login", purposes=["B3"], category=Category.BROWSING),
    ],
)

# The history of registration changes copies the same fields: every copy is declared.
declare(
    apps.get_model("accounts", "RegistrationChange"),
    subject="pgh_obj",
    category=Category.REGISTRATION,
    fields=[
        personal(name, purposes=["B3", "B9"], erasure=Erasure.DELETE, retention_days=HISTORY_DAYS)
        for name in (*REGISTRATION_FIELDS, "pgh_created_at")
    ],
    retained_from="pgh_created_at",
)

declare(
    Membership,
    subject="user",
    category=Category.REGISTRATION,
    fields=[
        personal("level", purposes=["B3", "B7"], erasure=Erasure.DELETE),
        personal("started_on", purposes=["B3", "B7"], erasure=Erasure.DELETE),
        personal("ends_on", purposes=["B3", "B7"], erasure=Erasure.DELETE),
    ],
)

declare(
    MarketingPreference,
    subject="user",
    category=Category.REGISTRATION,
    fields=[
        personal("channel", purposes=["B7"], erasure=Erasure.DELETE, correctable=True),
        personal("opted_in", purposes=["B7"], erasure=Erasure.DELETE, correctable=True),
        personal("changed_at", purposes=["B7", "B9"], erasure=Erasure.DELETE),
    ],
)
# Each change of a marketing choice, kept as proof of consent or opt-out.
declare(
    apps.get_model("accounts", "MarketingPreferenceEvent"),
    subject="user",
    category=Category.REGISTRATION,
    fields=[
        personal(name, purposes=["B7", "B9"], erasure=Erasure.DELETE, retention_days=HISTORY_DAYS)
        for name in ("channel", "opted_in", "changed_at", "pgh_created_at")
    ],
    retained_from="pgh_created_at",
)

ACCOUNT = ["B5", "B9"]
declare(
    BankAccount,
    subject="user",
    category=Category.ACCOUNT,
    fields=[
        personal("bank_name", purposes=ACCOUNT, erasure=Erasure.DELETE),
        personal("holder_name", purposes=ACCOUNT, erasure=Erasure.DELETE, correctable=True),
        personal("account_number", purposes=ACCOUNT, erasure=Erasure.DELETE, masked=Mask.LAST_FOUR),
        personal("created_at", purposes=ACCOUNT, erasure=Erasure.DELETE),
    ],
)
declare(
    PaymentCard,
    subject="user",
    category=Category.ACCOUNT,
    fields=[
        personal("holder_name", purposes=ACCOUNT, erasure=Erasure.DELETE, correctable=True),
        personal("card_number", purposes=ACCOUNT, erasure=Erasure.DELETE, masked=Mask.LAST_FOUR),
        personal("expiry", purposes=ACCOUNT, erasure=Erasure.DELETE, masked=Mask.ALL),
        personal("created_at", purposes=ACCOUNT, erasure=Erasure.DELETE),
    ],
)
declare(
    Address,
    subject="user",
    category=Category.ACCOUNT,
    fields=[
        personal(name, purposes=["B5"], erasure=Erasure.DELETE, correctable=True)
        for name in (
            "kind",
            "recipient_name",
            "address_line",
            "city",
            "region",
            "postal_code",
            "country",
            "phone",
        )
    ],
)

# One-time links to enrol a staff member's second factor (policy G): when each was issued,
# by whom, and used. The token is stored only as a digest.
declare(
    EnrolmentLink,
    subject="user",
    category=Category.REGISTRATION,
    fields=[
        personal(name, purposes=["B1"], erasure=Erasure.DELETE)
        for name in ("issued_by", "issued_at", "expires_at", "used_at")
    ],
    exempt={"token_digest": "the hash of a one-time secret: never shown or exported"},
)
