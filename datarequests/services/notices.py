"""The notices the law asks for on the way to the reply, each a tracked step.

CCPA regs §7021(a): confirm receipt within 10 business days (sent at intake to a
requester with an email address; staff post it to others). HK s.19(2): if the 40 days
cannot be met, a written notice with reasons before they end. SG: if not within 30 days,
a written notice of when the reply will come. Each goes in the requester's language.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from datarequests import notify
from datarequests.calendars import local_day
from datarequests.models import DataRequest, Notice, RequestEvent
from datarequests.reasons import coded
from datarequests.rules import rules_of
from datarequests.services.transitions import _locked, _record

if TYPE_CHECKING:
    from accounts.models import User

NOTICE_TEXT_REQUIRED = _("Give the reasons and the date, as the requester will read them.")
NOTICE_NOT_ASKED = _("The law of this request asks for no such notice.")
NOTICE_ALREADY_SENT = _("This notice was already sent.")


def _notice_record(
    request: DataRequest,
    *,
    notice: str,
    text: str | tuple[str, dict],
    actor: User | None,
    now: datetime,
) -> None:
    # The day the law gives this notice: by letter, the day to post it by.
    due = request.notice_due_at
    post_by = local_day(request.jurisdiction, due) if due else None
    _record(
        request,
        status=request.status,
        actor=actor,
        reason=text,
        now=now,
        type=RequestEvent.Type.NOTICE,
        notice=notice,
        sent_by=notify.sent_by(request),
    )
    # The email of a notice staff wrote quotes their words; the product's own (a confirmation
    # of receipt) says all in its template.
    notify.notice(
        request, notice=notice, text=text if isinstance(text, str) else "", post_by=post_by
    )


@transaction.atomic
def delay_notice_send(
    *, request_id: int, actor: User | None, text: str, now: datetime
) -> DataRequest:
    """Send the jurisdiction's notice for a reply that cannot come within the deadline."""
    request = _locked(request_id, "notify_delay")
    notice = rules_of(request).delay_notice
    if not notice:
        raise ValidationError(NOTICE_NOT_ASKED)
    if request.events.filter(type=RequestEvent.Type.NOTICE, notice=notice).exists():
        raise ValidationError(NOTICE_ALREADY_SENT)
    if not text.strip():
        raise ValidationError({"text": NOTICE_TEXT_REQUIRED})
    _notice_record(request, notice=notice, text=text, actor=actor, now=now)
    return request


def receipt_notice_pending(request: DataRequest) -> bool:
    return bool(rules_of(request).receipt_notice_working_days) and not (
        request.events.filter(type=RequestEvent.Type.NOTICE, notice=Notice.RECEIPT).exists()
    )


def receipt_confirm(request: DataRequest, *, actor: User | None, now: datetime) -> None:
    """Confirm receipt by email where the law asks for it, inside the intake's transaction."""
    if request.requester_email and receipt_notice_pending(request):
        _notice_record(
            request, notice=Notice.RECEIPT, text=coded("receipt_confirmed"), actor=actor, now=now
        )


@transaction.atomic
def receipt_confirm_send(*, request_id: int, actor: User | None, now: datetime) -> DataRequest:
    """Record the confirmation of receipt staff sent (a letter, for a postal requester)."""
    request = _locked(request_id, "confirm_receipt")
    if not receipt_notice_pending(request):
        raise ValidationError(NOTICE_ALREADY_SENT)
    _notice_record(
        request, notice=Notice.RECEIPT, text=coded("receipt_confirmed"), actor=actor, now=now
    )
    return request
