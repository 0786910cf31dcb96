"""Ending a request early or giving it more time: refusal, withdrawal, extension."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from datarequests import notify
from datarequests.calendars import zone_name
from datarequests.clock import extension_allowed_until
from datarequests.models import DataRequest, Notice, RequestEvent, Status
from datarequests.reasons import coded
from datarequests.rules import rules_of
from datarequests.services.fees import quote_cancel
from datarequests.services.repeats import refusal_ground_check
from datarequests.services.transitions import _locked, _record, clock_inputs
from datarequests.signals import request_refused

if TYPE_CHECKING:
    from accounts.models import User

NO_EXTENSION = _("The law of this request allows no extension.")
ALREADY_EXTENDED = _("This request's deadline was already extended.")
GROUND_REQUIRED = _("Choose a refusal ground of this jurisdiction.")
REASON_REQUIRED = _("Give the reason in a sentence the requester can understand.")
LATE_EXTENSION = _(
    "Too late to extend: under %(law)s the requester must be told of an extension by "
    "%(until)s (%(zone)s), within the first period. An overdue request stays overdue."
)


@transaction.atomic
def data_request_refuse(
    *, request_id: int, actor, ground: str, explanation: str, now: datetime
) -> DataRequest:
    """Refuse with one of the jurisdiction's grounds and reasons the requester can read."""
    request = _locked(request_id, "refuse")
    if ground not in rules_of(request).refusal_grounds:
        raise ValidationError({"ground": GROUND_REQUIRED})
    if not explanation.strip():
        raise ValidationError({"explanation": REASON_REQUIRED})
    refusal_ground_check(request, ground, explanation)
    quote_cancel(request)
    _record(
        request,
        status=Status.REFUSED,
        actor=actor,
        reason=coded("refused", ground=ground, explanation=explanation),
        now=now,
    )
    request_refused.send(
        DataRequest, request=request, ground=ground, explanation=explanation, actor=actor, now=now
    )
    notify.refused(request, ground=ground, explanation=explanation)
    return request


@transaction.atomic
def data_request_withdraw(*, request_id: int, requester: User, now: datetime) -> DataRequest:
    """Withdraw the owner's request while it is not yet fulfilled."""
    request = _locked(request_id, "withdraw")
    quote_cancel(request)
    _record(
        request,
        status=Status.WITHDRAWN,
        actor=requester,
        reason=coded("withdrawn"),
        now=now,
    )
    return request


@transaction.atomic
def deadline_extend(
    *, request_id: int, actor: User | None, reason: str, now: datetime
) -> DataRequest:
    """Extend the deadline once, where the law allows it, with the reasons given.

    Only within the first period (GDPR Art. 12(3), the UK: the first month; CCPA regs
    §7021(b): the first 45 days), so an overdue request can never be extended. The notice
    with the reasons goes to the requester, by email or (no email) as a letter staff post."""
    request = _locked(request_id, "extend")
    if not rules_of(request).extension_amount:
        raise ValidationError(NO_EXTENSION)
    if request.events.filter(type=RequestEvent.Type.EXTENDED).exists():
        raise ValidationError(ALREADY_EXTENDED)
    if not reason.strip():
        raise ValidationError({"reason": REASON_REQUIRED})
    inputs = clock_inputs(request, now=now)
    until = extension_allowed_until(
        rules=inputs.rules,
        events=inputs.events,
        holidays=inputs.holidays,
        workdays=inputs.workdays,
        today=inputs.today,
    )
    if until is not None and inputs.today > until:
        raise ValidationError(
            LATE_EXTENSION
            % {
                "law": rules_of(request).law,
                "until": until.isoformat(),
                "zone": zone_name(request.jurisdiction),
            }
        )
    _record(
        request,
        status=request.status,
        actor=actor,
        reason=reason,
        now=now,
        type=RequestEvent.Type.EXTENDED,
        notice=Notice.EXTENSION,
        sent_by=notify.sent_by(request),
    )
    # By letter: posted within the first period, as the notice must reach the requester.
    notify.extended(request, reason=reason, post_by=until)
    return request
