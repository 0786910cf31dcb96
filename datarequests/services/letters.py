"""Letters to a requester without an email address: every message the product would email
(an ask, a fee quote, an extension, a notice, a refusal, a receipt, the reply) is kept as
a letter (``notify._send``), which staff download, print, post and record as posted.

Where the law's clock hangs on the requester hearing of something, the letter's posting
day counts, not the day it was written: an ask by letter stops the clock only from the day
it is posted (``transitions.clock_inputs``), and a letter the law wants sent by a day (an
extension before the first period ends, a delay notice before the reply is due, the reply
itself) carries that day as ``post_by``; the staff pages warn while it is unposted on that
day, and the evidence pack judges the deadline by the posting day.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from audit.models import Action
from audit.services import audit_record
from datarequests.calendars import local_day
from datarequests.models import (
    Correspondence,
    DataRequest,
    DispatchMethod,
    MessageChannel,
    SentMessage,
)
from datarequests.services.transitions import CHANGE, request_due_at, request_notice_due_at
from privacy_office.text import StrOrPromise

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger("datarequests")

NO_POSTED_DATE = _("Give the date the letter was posted.")
POSTED_IN_FUTURE = _("The letter cannot have been posted after today.")
POSTED_BEFORE_WRITTEN = _("The letter cannot have been posted before it was written (%(day)s).")
UNKNOWN_POST_METHOD = _("Choose how the letter was sent.")
POST_TRACKING_NEEDED = _("Registered post and courier give a tracking number: write it down.")
ALREADY_POSTED = _("This letter was already recorded as posted.")
NOT_A_LETTER = _("This message was emailed, not sent as a letter.")
NO_POSTAL_ADDRESS = _("The request has no postal address: add it before posting the letter.")


@dataclass(frozen=True)
class Letter:
    filename: str
    content: bytes


def _staff_only(actor: User) -> None:
    if not (actor.is_staff and actor.has_perm(CHANGE)):
        raise PermissionDenied


def letter_read(
    *, message_id: int, actor: User, now: datetime, request_id: int | None = None
) -> Letter | None:
    """Return a letter to post as a PDF for staff who act on requests, and audit the read;
    None when there is no such letter. Raise PermissionDenied to anyone else."""
    from datarequests.letters import notice_letter_pdf

    if not (actor.is_staff and actor.has_perm(CHANGE)):
        logger.warning("Letter %s: download refused to user %s", message_id, actor.pk)
        raise PermissionDenied
    message = (
        SentMessage.objects.select_related("request__jurisdiction", "request__requester")
        .filter(pk=message_id, channel=MessageChannel.LETTER)
        .first()
    )
    if message is None or (request_id is not None and message.request_id != request_id):
        return None
    content = notice_letter_pdf(message=message)
    audit_record(
        actor=actor,
        action=Action.READ,
        target=f"datarequests.DataRequest:{message.request_id}",
        subject=message.request.requester,
        rows=[message.request_id],
        categories=["identity", "activity"],
        reference=f"request {message.request_id}",
        detail=f"letter read: {message.key} ({message.pk})",
        now=now,
    )
    return Letter(
        filename=f"request-{message.request_id}-{message.key}-{message.pk}.pdf", content=content
    )


def letter_lateness(message: SentMessage, *, now: datetime) -> str:
    """Return "late" when the letter was (or, still unposted, is now) past its day to post,
    "due" when unposted on that very day, else ""."""
    if message.channel != MessageChannel.LETTER or message.post_by is None:
        return ""
    if message.posted_on is not None:
        return "late" if message.posted_on > message.post_by else ""
    today = local_day(message.request.jurisdiction, now)
    if today > message.post_by:
        return "late"
    return "due" if today == message.post_by else ""


def _clock_refresh(request: DataRequest, *, now: datetime) -> None:
    request.due_at = request_due_at(request, now=now)
    request.notice_due_at = request_notice_due_at(request, now=now)
    request.save(update_fields=["due_at", "notice_due_at"])


def ask_letter_clock_refresh(request: DataRequest, *, now: datetime) -> None:
    """An ask just kept as a letter: the clock runs on until it is posted."""
    _clock_refresh(request, now=now)


@transaction.atomic
def letter_posted_record(
    *,
    message_id: int,
    actor: User,
    posted_on: date | None,
    method: str,
    tracking: str = "",
    now: datetime,
) -> SentMessage:
    """Record that a letter was posted (the day, how, any tracking number), and who said so.

    An ask's posting day is when the requester's part begins: the request's due date is
    worked out again from it."""
    _staff_only(actor)
    message = (
        SentMessage.objects.select_for_update(of=("self",))
        .select_related("request__jurisdiction")
        .filter(pk=message_id)
        .first()
    )
    if message is None:
        raise SentMessage.DoesNotExist
    if message.channel != MessageChannel.LETTER:
        raise ValidationError(NOT_A_LETTER)
    if message.posted_on is not None:
        raise ValidationError(ALREADY_POSTED)
    if not message.to.strip():
        raise ValidationError(NO_POSTAL_ADDRESS)
    jurisdiction = message.request.jurisdiction
    tracking = (tracking or "").strip()
    written = local_day(jurisdiction, message.sent_at)
    errors: dict[str, StrOrPromise] = {}
    if posted_on is None:
        errors["posted_on"] = NO_POSTED_DATE
    elif posted_on > local_day(jurisdiction, now):
        errors["posted_on"] = POSTED_IN_FUTURE
    elif posted_on < written:
        errors["posted_on"] = POSTED_BEFORE_WRITTEN % {"day": written.isoformat()}
    if method not in DispatchMethod.values:
        errors["method"] = UNKNOWN_POST_METHOD
    elif method in {DispatchMethod.REGISTERED, DispatchMethod.COURIER} and not tracking:
        errors["tracking"] = POST_TRACKING_NEEDED
    if errors:
        raise ValidationError(errors)
    message.posted_on = posted_on
    message.posted_method = method
    message.posted_tracking = tracking[:64]
    message.posted_recorded_by = actor
    message.posted_recorded_at = now
    message.full_clean()
    message.save(
        update_fields=[
            "posted_on",
            "posted_method",
            "posted_tracking",
            "posted_recorded_by",
            "posted_recorded_at",
        ]
    )
    audit_record(
        actor=actor,
        action=Action.CHANGE,
        target=f"datarequests.DataRequest:{message.request_id}",
        rows=[message.request_id],
        reference=f"request {message.request_id}",
        detail=f"letter posted: {message.key} ({message.pk}) on {posted_on} by {method}",
        now=now,
    )
    if message.key == Correspondence.ASKED:
        request = DataRequest.objects.select_for_update(of=("self",)).get(pk=message.request_id)
        _clock_refresh(request, now=now)
    return message
