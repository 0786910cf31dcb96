from django.db.models import Q

from datarequests.models import (
    CorrectionItem,
    DataRequest,
    Dispatch,
    EmailCodeChallenge,
    ErasureTombstone,
    Export,
    FeePayment,
    FeeQuote,
    InternalNote,
    Jurisdiction,
    PaymentDetails,
    RequestEvent,
    SentMessage,
)
from privacy_office.registry import (
    Category,
    Erasure,
    Identifiers,
    SubjectQuery,
    declare,
    personal,
)

RECORD_DAYS = 4 * 365 + 1  # the longest record duty: HK's log of refusals (s.27), 4 years
RECORD = "proof of how the request was handled (HK s.27, CCPA regs 7101)"


# Letter scans and guardianship proofs show identity documents: they are kept only while a
# complaint about how identity was checked may still come, then the files are deleted
# (datarequests.scans.scans_purge, nightly); the request's record stays.
SCAN_DAYS = 90
SCAN = "proof of the requester's identity or guardianship while the request is handled"


def scan(name: str):
    return personal(
        name,
        purposes=["B4", "B9"],
        erasure=Erasure.DELETE,
        keep_reason=SCAN,
        retention_days=SCAN_DAYS,
    )


def record(name: str, **options):
    return personal(
        name,
        purposes=["B4", "B9"],
        erasure=Erasure.KEEP,
        keep_reason=RECORD,
        retention_days=RECORD_DAYS,
        **options,
    )


declare(
    DataRequest,
    subject=Identifiers(email="requester_email", phone="requester_phone", user="requester"),
    category=Category.ACTIVITY,
    fields=[
        record("kind"),
        record("status"),
        record("channel"),
        record("requester_name"),
        record("requester_email"),
        record("requester_phone"),
        record("postal_address"),
        record("minor_named"),
        record("language"),
        record("details"),
        scan("letter_scan"),
        scan("guardianship_document"),
        scan("agent_permission"),
        record("received_at"),
        record("identity_method"),
        record("due_at"),
    ],
    retained_from="received_at",
)
declare(
    RequestEvent,
    subject="request__requester",
    category=Category.ACTIVITY,
    fields=[
        record("status"),
        record("reason"),
        record("reason_code"),
        record("reason_params"),
        record("at"),
    ],
    retained_from="at",
)
declare(
    CorrectionItem,
    subject="request__requester",
    category=Category.ACTIVITY,
    fields=[record("field"), record("old_value"), record("new_value"), record("applied_at")],
    retained_from="request__received_at",
)
declare(
    FeeQuote,
    subject="request__requester",
    category=Category.ACTIVITY,
    fields=[record("amount"), record("currency"), record("status"), record("quoted_at")],
    retained_from="quoted_at",
)
declare(
    Export,
    subject="request__requester",
    category=Category.ACTIVITY,
    fields=[record("created_at"), record("expires_at"), record("purged_at")],
    retained_from="created_at",
)

declare(
    Jurisdiction,
    subject=None,
    exempt={
        "name": "the name of a jurisdiction, not of a person",
        "complaint_authority_address": "a public authority's office address, not a person's",
    },
)

# What remains of an erased person: the proof of the erasure (policy F), no data.
declare(
    ErasureTombstone,
    subject=SubjectQuery(
        rows_of=lambda user: Q(subject_id=user.pk), description="the erased account"
    ),
    category=Category.ACTIVITY,
    fields=[record("erased_at"), record("categories"), record("counts")],
    retained_from="erased_at",
)

# How a postal reply was sent (the staff member who posted it is staff's record, not data).
declare(
    Dispatch,
    subject="request__requester",
    category=Category.ACTIVITY,
    fields=[record("dispatched_on"), record("method"), record("tracking")],
    retained_from="recorded_at",
)

# A request held for its one-time code: the code only as a hash, the row gone after a day.
declare(
    EmailCodeChallenge,
    subject=Identifiers(email="email", phone="phone"),
    category=Category.ACTIVITY,
    fields=[
        personal(name, purposes=["B4"], erasure=Erasure.DELETE, retention_days=1)
        for name in ("email", "phone", "name", "details", "created_at")
    ],
    retained_from="created_at",
)

declare(
    FeePayment,
    subject="quote__request__requester",
    category=Category.ACTIVITY,
    fields=[record("amount"), record("currency"), record("reference"), record("recorded_at")],
    retained_from="recorded_at",
)
declare(
    PaymentDetails,
    subject=None,
    exempt=dict.fromkeys(
        ("payee", "bank_name", "account_number", "bank_code"),
        "the privacy office's own account for fees, not a person's",
    ),
)

# Staff's working notes on a request (the desk, issue 15): the author is the staff member.
# They are not part of the requester's copy; whether a note must be disclosed in an access
# reply is for the privacy officer to judge when writing it.
declare(
    InternalNote,
    subject=None,
    exempt={
        "author": "the staff member who wrote the note, not the requester",
        "text": "staff's internal working note on the handling of a request",
    },
)

# What was sent to the requester is theirs to see again: it goes into their copy.
declare(
    SentMessage,
    subject="request__requester",
    category=Category.ACTIVITY,
    fields=[
        record("channel"),
        record("to"),
        record("subject"),
        record("body"),
        record("full_text"),
        record("sent_at"),
        record("posted_on"),
        record("posted_method"),
        record("posted_tracking"),
    ],
    retained_from="sent_at",
)
