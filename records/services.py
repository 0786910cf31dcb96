"""Writes of the log book: an entry with each Hong Kong refusal or withholding, annotations."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from datarequests.models import DataRequest, Kind
from records.models import LogBookAnnotation, LogBookEntry, Section, TrailCheck

if TYPE_CHECKING:
    from accounts.models import User

LOGBOOK_JURISDICTION = "HK"
ANNOTATION_REQUIRED = _("Write the annotation.")
WITHHELD_REQUIRED = _("Say which data was withheld and why.")
NOT_HONG_KONG = _("The log book holds Hong Kong requests only (PDPO s.27).")
# The refusals s.27(2)(a) asks to be logged: access (s.20) and correction (s.24) requests.
SECTION_OF_KIND: dict[str, str] = {Kind.ACCESS: Section.S20, Kind.CORRECTION: Section.S24}


def data_concerned(request: DataRequest) -> str:
    """Describe the data a request asked for, in the site's language (as the request says it)."""
    if request.kind == Kind.CORRECTION:
        lines = [
            f"{item.field} [{item.object_id}]: {item.old_value!r} -> {item.new_value!r}"
            for item in request.corrections.order_by("pk")
        ]
        return "\n".join(["correction of:", *lines])
    asked = request.details.strip() or "a copy of all personal data held about the requester"
    return f"access to: {asked}"


def _entry_create(
    *,
    request: DataRequest,
    section: str,
    ground: str,
    reasons: str,
    concerned: str,
    actor: User | None,
    now: datetime,
) -> LogBookEntry:
    entry = LogBookEntry(
        recorded_at=now,
        section=section,
        ground=ground[:300],
        reasons=reasons,
        data_concerned=concerned,
        request=request,
        request_kind=request.kind,
        received_at=request.received_at,
        requester=request.requester,
        requester_name=request.requester_name
        or (request.requester.get_full_name() if request.requester else ""),
        requester_email=request.requester_email
        or (request.requester.email if request.requester else ""),
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    entry.full_clean(exclude=["request", "requester", "recorded_by"])
    entry.save()
    return entry


@transaction.atomic
def logbook_refusal_record(
    *, request: DataRequest, ground: str, explanation: str, actor: User | None, now: datetime
) -> LogBookEntry | None:
    """Log a Hong Kong access or correction refusal, in the refusal's own transaction."""
    section = SECTION_OF_KIND.get(request.kind)
    if request.jurisdiction.code != LOGBOOK_JURISDICTION or section is None:
        return None
    return _entry_create(
        request=request,
        section=section,
        ground=ground,
        reasons=explanation,
        concerned=data_concerned(request),
        actor=actor,
        now=now,
    )


@transaction.atomic
def logbook_withholding_record(
    *, request_id: int, withheld: str, reasons: str, actor: User | None, now: datetime
) -> LogBookEntry:
    """Log data withheld from a copy supplied under s.21(2), before the copy goes out."""
    request = DataRequest.objects.select_related("jurisdiction", "requester").get(pk=request_id)
    if request.jurisdiction.code != LOGBOOK_JURISDICTION:
        raise ValidationError(NOT_HONG_KONG)
    if not withheld.strip() or not reasons.strip():
        raise ValidationError(WITHHELD_REQUIRED)
    return _entry_create(
        request=request,
        section=Section.S21_2,
        ground="s.21(2)",
        reasons=reasons,
        concerned=withheld,
        actor=actor,
        now=now,
    )


@transaction.atomic
def logbook_annotate(
    *, entry_id: int, text: str, author: User | None, now: datetime
) -> LogBookAnnotation:
    """Add a note to an entry; the entry itself never changes."""
    if not text.strip():
        raise ValidationError({"text": ANNOTATION_REQUIRED})
    entry = LogBookEntry.objects.get(pk=entry_id)
    annotation = LogBookAnnotation(
        entry=entry,
        entry_recorded_at=entry.recorded_at,
        text=text,
        author=author if getattr(author, "pk", None) else None,
        at=now,
    )
    annotation.full_clean(exclude=["author"])
    annotation.save()
    return annotation


def trail_check_record(*, report, now: datetime) -> TrailCheck:
    """Keep the result of a ``verify_audit`` run (an ``audit.verification.TrailReport``)."""
    return TrailCheck.objects.create(
        at=now,
        intact=report.intact,
        checked=report.checked,
        findings=[problem.message for problem in report.problems],
    )
