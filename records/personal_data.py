from privacy_office.registry import Category, Erasure, declare, personal
from records.models import LOGBOOK_DAYS, LogBookAnnotation, LogBookEntry, TrailCheck

LOGBOOK = "the log book of refusals the PDPO requires (Hong Kong, s.27), kept 4 years"


def logged(name: str):
    return personal(
        name,
        purposes=["B9"],
        erasure=Erasure.KEEP,
        keep_reason=LOGBOOK,
        retention_days=LOGBOOK_DAYS,
    )


declare(
    LogBookEntry,
    subject="requester",
    category=Category.ACTIVITY,
    fields=[
        logged(name)
        for name in (
            "recorded_at",
            "section",
            "ground",
            "reasons",
            "data_concerned",
            "request_kind",
            "received_at",
            "requester_name",
            "requester_email",
        )
    ],
    exempt={
        "recorded_by": "the staff member who refused, named for accountability",
        "request": "the request's number",
    },
    retained_from="recorded_at",
)
declare(
    LogBookAnnotation,
    subject="entry__requester",
    category=Category.ACTIVITY,
    fields=[logged("text"), logged("at")],
    exempt={"author": "the staff member who annotated"},
    retained_from="entry__recorded_at",
)
declare(TrailCheck, subject=None)
