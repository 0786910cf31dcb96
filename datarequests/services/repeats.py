"""Repeat and excessive requests: the refusal grounds that depend on a person's history.

CCPA §1798.130(b): access need not be given more than twice in 12 months. GDPR/UK Art.
12(5), CN: staff mark a request manifestly unfounded or excessive with the reason
recorded, which allows a reasonable fee (quoted, the requester told before it is charged)
or a refusal. HK s.20(3)(c): a request that follows two or more similar ones may be refused.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from datarequests.calendars import local_day
from datarequests.clock import add_months
from datarequests.models import DataRequest, FeeQuote, Kind, RequestEvent, Status
from datarequests.reasons import coded
from datarequests.seed import CCPA_TWICE, HK_REPEAT
from datarequests.selectors import earlier_requests
from datarequests.services.intake import FEE_ASSESS_TASK
from datarequests.services.transitions import _locked, _record
from privacy_office.queue import enqueue_on_commit

if TYPE_CHECKING:
    from accounts.models import User

EXCESSIVE_GROUNDS = frozenset(
    {
        "Art.12(5) manifestly unfounded",
        "Art.12(5) manifestly excessive",
        "manifestly unfounded or excessive",
    }
)

NOT_TWICE = _(
    "This ground needs two access requests answered in the 12 months before this one was "
    "received (from %(since)s); this person had %(count)s."
)
NOT_REPEATED = _(
    "This ground needs two or more earlier similar requests by the same person; this person "
    "made %(count)s."
)
MARK_REASON_REQUIRED = _("Say why the request is manifestly unfounded or excessive.")


def access_given_in_the_year_before(request: DataRequest) -> tuple[int, str]:
    """Return how many access requests of the person were answered in the 12 months before
    this one's day of receipt (in its jurisdiction), and the first day counted."""
    jurisdiction = request.jurisdiction
    since = add_months(local_day(jurisdiction, request.received_at), -12)
    count = sum(
        1
        for earlier in earlier_requests(request).filter(kind=Kind.ACCESS, status=Status.FULFILLED)
        if local_day(jurisdiction, earlier.received_at) >= since
    )
    return count, since.isoformat()


def refusal_ground_check(request: DataRequest, ground: str, explanation: str) -> None:
    """Refuse a ground the request's history does not support. A refusal as manifestly
    unfounded or excessive records its explanation as the reason, if none was marked."""
    if ground == CCPA_TWICE:
        count, since = access_given_in_the_year_before(request)  # none for another kind
        if count < 2:
            raise ValidationError({"ground": NOT_TWICE % {"since": since, "count": count}})
    elif ground == HK_REPEAT:
        count = earlier_requests(request).count()
        if count < 2:
            raise ValidationError({"ground": NOT_REPEATED % {"count": count}})
    elif ground in EXCESSIVE_GROUNDS and not request.manifestly_excessive_reason:
        request.manifestly_excessive_reason = explanation
        request.save(update_fields=["manifestly_excessive_reason"])


@transaction.atomic
def manifestly_excessive_mark(
    *, request_id: int, actor: User | None, reason: str, now: datetime
) -> DataRequest:
    """Record why a request is manifestly unfounded or excessive: a fee may then be quoted
    (before it is charged, the requester is sent the quote) or the request refused."""
    request = _locked(request_id, "mark_excessive")
    if not reason.strip():
        raise ValidationError({"reason": MARK_REASON_REQUIRED})
    request.manifestly_excessive_reason = reason
    request.save(update_fields=["manifestly_excessive_reason"])
    _record(
        request,
        status=request.status,
        actor=actor,
        reason=coded("marked_excessive", note=reason),
        now=now,
        type=RequestEvent.Type.NOTE,
    )
    # A signed-in request of a free jurisdiction is assessed at once, at no fee: an access
    # request whose export is still to come is assessed again, so the fee can be quoted.
    quote = FeeQuote.objects.filter(request=request).first()
    unpaid = quote is None or quote.status == FeeQuote.Status.NONE
    if request.status == Status.IN_PROGRESS and request.kind == Kind.ACCESS and unpaid:
        _record(
            request,
            status=Status.ASSESSING_FEE,
            actor=actor,
            reason=coded("reassessed_excessive"),
            now=now,
        )
        enqueue_on_commit(FEE_ASSESS_TASK, request.pk)
    return request
