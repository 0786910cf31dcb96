"""The one way a request moves: the ``TRANSITIONS`` table, the row lock, the event.

Each transition locks the request row, checks that the status is one its action may
start from (so two staff clicking at once move it once; the second gets
``AlreadyMoved``), appends an event with actor, time and reason, recomputes the due date
from the events, and audits the move. Services, the admin's buttons and filters, and
the API all read the table; no other list says which status an action starts from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from audit.models import Action
from audit.services import audit_record
from datarequests.calendars import end_of_day, holiday_calendar, local_day
from datarequests.clock import ClockEvent, ClockRules, Step, due_date, pending_steps
from datarequests.models import OPEN_STATUSES, DataRequest, Jurisdiction, Kind, RequestEvent
from datarequests.models import Status as S
from datarequests.rules import rules_of
from privacy_office.exceptions import Conflict
from privacy_office.text import StrOrPromise

if TYPE_CHECKING:
    from accounts.models import User

STAFF, REQUESTER, SYSTEM = "staff", "requester", "system"
CHANGE = "datarequests.change_datarequest"
REFUSE = "datarequests.refuse_datarequest"
APPROVE_ERASURE = "datarequests.approve_erasure"


@dataclass(frozen=True)
class Transition:
    """An action: the statuses it may start from, where it leads, and who may take it.

    ``to`` is empty where the status stays (an extension); ``permission`` is what a staff
    member needs besides changing requests; ``applies`` narrows it to some requests;
    ``consequence``, for an action that cannot be undone, is what the confirmation step
    says before it is taken."""

    label: StrOrPromise
    sources: frozenset[str]
    to: tuple[str, ...]
    by: str = STAFF
    permission: str | None = None
    applies: Callable[[DataRequest], bool] | None = None
    consequence: StrOrPromise | None = None


def _a_correction(request: DataRequest) -> bool:
    return request.kind == Kind.CORRECTION


def _an_erasure(request: DataRequest) -> bool:
    return request.kind in (Kind.GUARDIAN_DELETION, Kind.ERASURE)


def _extensible(request: DataRequest) -> bool:
    return bool(rules_of(request).extension_amount)


def _awaits_receipt_notice(request: DataRequest) -> bool:
    return (
        bool(rules_of(request).receipt_notice_working_days)
        and not request.events.filter(type=RequestEvent.Type.NOTICE, notice="receipt").exists()
    )


def _a_marked_excessive_candidate(request: DataRequest) -> bool:
    return not request.manifestly_excessive_reason


OPEN = frozenset(OPEN_STATUSES)

# In the order the admin shows its buttons.
TRANSITIONS: dict[str, Transition] = {
    "verify": Transition(
        _("Identity checked"), frozenset({S.AWAITING_IDENTITY}), (S.ASSESSING_FEE,), STAFF, CHANGE
    ),
    # Singapore (PDPR reg 7): the requester accepts or declines the written estimate.
    "accept_estimate": Transition(
        _("Accept the fee estimate"),
        frozenset({S.AWAITING_ACCEPTANCE}),
        (S.AWAITING_PAYMENT,),
        REQUESTER,
    ),
    "decline_estimate": Transition(
        _("Decline the fee estimate"),
        frozenset({S.AWAITING_ACCEPTANCE}),
        (S.WITHDRAWN,),
        REQUESTER,
    ),
    # A requester with no account (a letter, the public form) answers by post or email: staff
    # record that answer.
    "accept_estimate_recorded": Transition(
        _("The requester accepted the estimate (by letter or email)"),
        frozenset({S.AWAITING_ACCEPTANCE}),
        (S.AWAITING_PAYMENT,),
        STAFF,
        CHANGE,
    ),
    "decline_estimate_recorded": Transition(
        _("The requester declined the estimate (by letter or email)"),
        frozenset({S.AWAITING_ACCEPTANCE}),
        (S.WITHDRAWN,),
        STAFF,
        CHANGE,
    ),
    # A fee higher than an accepted estimate goes back to the requester as a new estimate.
    "revise_fee": Transition(
        _("Revise the fee"),
        frozenset({S.AWAITING_ACCEPTANCE, S.AWAITING_PAYMENT}),
        (S.AWAITING_ACCEPTANCE, S.AWAITING_PAYMENT),
        STAFF,
        CHANGE,
    ),
    "paid": Transition(
        _("Fee paid"), frozenset({S.AWAITING_PAYMENT}), (S.IN_PROGRESS,), STAFF, CHANGE
    ),
    "waive": Transition(
        _("Waive the fee"), frozenset({S.AWAITING_PAYMENT}), (S.IN_PROGRESS,), STAFF, CHANGE
    ),
    "approve": Transition(
        _("Approve the corrections"),
        frozenset({S.AWAITING_REVIEW}),
        (S.FULFILLED,),
        STAFF,
        CHANGE,
        applies=_a_correction,
    ),
    "approve_erasure": Transition(
        _("Approve the erasure"),
        frozenset({S.AWAITING_REVIEW}),
        (S.IN_PROGRESS,),
        STAFF,
        APPROVE_ERASURE,
        applies=_an_erasure,
        consequence=_(
            "The data is erased for good: only a record of what was erased stays. "
            "This cannot be undone."
        ),
    ),
    # A postal reply: staff print the pack, post it and record how; that ends the request.
    "dispatch": Transition(
        _("Reply posted"), frozenset({S.AWAITING_DISPATCH}), (S.FULFILLED,), STAFF, CHANGE
    ),
    # Asking the requester for something sent: where the law says so the clock stops (the UK:
    # it restarts when the answer arrives). Staff checking what came in stops nothing.
    "ask_identity": Transition(
        _("Ask the requester for proof of identity"),
        frozenset({S.AWAITING_IDENTITY}),
        (S.AWAITING_REQUESTER,),
        STAFF,
        CHANGE,
    ),
    "ask_clarification": Transition(
        _("Ask the requester to clarify the request"),
        frozenset({S.AWAITING_IDENTITY, S.AWAITING_REVIEW}),
        (S.AWAITING_REQUESTER,),
        STAFF,
        CHANGE,
    ),
    "answered": Transition(
        _("The requester's answer arrived"),
        frozenset({S.AWAITING_REQUESTER}),
        (S.AWAITING_IDENTITY, S.AWAITING_REVIEW),
        STAFF,
        CHANGE,
    ),
    "extend": Transition(_("Extend the deadline"), OPEN, (), STAFF, CHANGE, applies=_extensible),
    "confirm_receipt": Transition(
        _("Confirm receipt"),
        OPEN,
        (),
        STAFF,
        CHANGE,
        applies=_awaits_receipt_notice,
    ),
    "notify_delay": Transition(
        _("Send the notice the law asks for when the deadline cannot be met"),
        OPEN,
        (),
        STAFF,
        CHANGE,
        applies=lambda request: bool(rules_of(request).delay_notice),
    ),
    # GDPR/UK Art. 12(5), CN, CCPA: recorded with its reason; it allows a fee or a refusal.
    "mark_excessive": Transition(
        _("Mark manifestly unfounded or excessive"),
        OPEN,
        (S.ASSESSING_FEE,),  # an access request in progress at no fee: assessed again
        STAFF,
        CHANGE,
        applies=_a_marked_excessive_candidate,
    ),
    "refuse": Transition(
        _("Refuse"),
        OPEN,
        (S.REFUSED,),
        STAFF,
        REFUSE,
        consequence=_(
            "The request is closed for good and the requester is told the ground and your "
            "reasons. It cannot be reopened."
        ),
    ),
    "withdraw": Transition(
        _("Withdraw this request"),
        OPEN,
        (S.WITHDRAWN,),
        REQUESTER,
        consequence=_(
            "Your request is closed for good and no reply will be sent. To ask again you "
            "make a new request, and its deadline starts from that day."
        ),
    ),
    # The workers' steps: a zero fee goes on at once (a correction then waits for review).
    "assess": Transition(
        _("Assessing the fee"),
        frozenset({S.ASSESSING_FEE}),
        (S.AWAITING_ACCEPTANCE, S.AWAITING_PAYMENT, S.IN_PROGRESS, S.AWAITING_REVIEW),
        SYSTEM,
    ),
    "lapse": Transition(
        _("Lapsed"), frozenset({S.AWAITING_ACCEPTANCE, S.AWAITING_PAYMENT}), (S.LAPSED,), SYSTEM
    ),
    "fulfil": Transition(
        _("Fulfilled"), frozenset({S.IN_PROGRESS}), (S.FULFILLED, S.AWAITING_DISPATCH), SYSTEM
    ),
}


def transition_allowed(action: str, status: str) -> bool:
    """Return whether the action may start from this status."""
    return status in TRANSITIONS[action].sources


def actions_available(request: DataRequest, user: User) -> list[str]:
    """Return the actions this user may take on the request now, in the table's order.

    Staff take theirs with their permissions; the requester may withdraw their own."""
    available = []
    for name, transition in TRANSITIONS.items():
        if request.status not in transition.sources:
            continue
        if transition.applies is not None and not transition.applies(request):
            continue
        if transition.by == STAFF:
            allowed = user.is_staff and all(
                user.has_perm(p) for p in {CHANGE, transition.permission} if p
            )
        elif transition.by == REQUESTER:
            allowed = user.pk is not None and request.requester_id == user.pk
        else:
            allowed = False
        if allowed:
            available.append(name)
    return available


class AlreadyMoved(Conflict):
    """The request is no longer where the action expected it (another click was first)."""

    def __init__(self, request: DataRequest) -> None:
        self.status = request.status
        super().__init__(
            _(
                "This request has already moved on: it is now “%(status)s”. "
                "Reload the page to see where it stands."
            )
            % {"status": request.get_status_display()}
        )


def clock_rules(jurisdiction: Jurisdiction) -> ClockRules:
    return ClockRules(
        amount=jurisdiction.deadline_amount,
        unit=jurisdiction.deadline_unit,
        next_working_day=jurisdiction.next_working_day_rule,
        holiday_end=jurisdiction.holiday_end_rule,
        pauses_for_identity=jurisdiction.clock_pauses_for_identity,
        pauses_for_clarification=jurisdiction.clock_pauses_for_clarification,
        pauses_for_fee=jurisdiction.clock_pauses_for_fee,
        fee_needs_estimate=jurisdiction.fee_needs_accepted_estimate,
        restarts_on_answer=jurisdiction.clock_restarts_on_answer,
        extension_amount=jurisdiction.extension_amount,
        extension_unit=jurisdiction.extension_unit,
        receipt_notice_working_days=jurisdiction.receipt_notice_working_days,
        delay_notice=jurisdiction.delay_notice,
        delay_notice_days_before=jurisdiction.delay_notice_days_before,
    )


@dataclass(frozen=True)
class ClockInputs:
    """What the pure clock needs about one request, in its jurisdiction's zone and calendar."""

    rules: ClockRules
    events: list[ClockEvent]
    holidays: frozenset[date]
    workdays: frozenset[date]
    today: date


def clock_inputs(request: DataRequest, *, now: datetime) -> ClockInputs:
    """Return the request's events as days in its jurisdiction, with the holiday calendar."""
    jurisdiction = rules_of(request)
    today = local_day(jurisdiction, now)
    recorded = list(request.events.order_by("at", "pk"))
    days = [local_day(jurisdiction, event.at) for event in recorded]
    asked_by_letter = _asks_by_letter(request)
    for index, event in enumerate(recorded):
        if event.pk in asked_by_letter:
            # An ask by letter waits for the requester from the day it is posted (until then
            # they know of nothing to answer), never past the next step.
            posted = asked_by_letter[event.pk] or today
            later = days[index + 1] if index + 1 < len(days) else posted
            days[index] = max(days[index], min(posted, later))
    events = [
        ClockEvent(
            on=day,
            status=event.status,
            extended=event.type == RequestEvent.Type.EXTENDED,
            asked=event.asked,
            notice=event.notice if event.type == RequestEvent.Type.NOTICE else "",
        )
        for event, day in zip(recorded, days, strict=True)
    ]
    first = events[0].on.year if events else today.year
    # Two years on covers the longest period (a month and two of extension, or pauses).
    calendar = holiday_calendar(jurisdiction, range(first, max(first, today.year) + 2))
    return ClockInputs(
        clock_rules(jurisdiction), events, calendar.holidays, calendar.workdays, today
    )


def _asks_by_letter(request: DataRequest) -> dict[int, date | None]:
    """The asks sent as letters, by their event, with the day each was posted (or None)."""
    from datarequests.models import Correspondence, MessageChannel, SentMessage

    if request.requester_email:
        return {}
    return dict(
        SentMessage.objects.filter(
            request=request,
            key=Correspondence.ASKED,
            channel=MessageChannel.LETTER,
            event__isnull=False,
        ).values_list("event_id", "posted_on")
    )


def _due_day(inputs: ClockInputs) -> date | None:
    return due_date(
        rules=inputs.rules,
        events=inputs.events,
        holidays=inputs.holidays,
        workdays=inputs.workdays,
        today=inputs.today,
    )


def request_due_at(request: DataRequest, *, now: datetime) -> datetime | None:
    """Return the end of the day the reply is due (in the jurisdiction), from the events."""
    day = _due_day(clock_inputs(request, now=now))
    return None if day is None else end_of_day(request.jurisdiction, day)


def request_steps(request: DataRequest, *, now: datetime) -> list[Step]:
    """Return the notices the law still asks for on this request, each with its last day."""
    if request.status not in OPEN_STATUSES:
        return []
    inputs = clock_inputs(request, now=now)
    return pending_steps(
        rules=inputs.rules,
        events=inputs.events,
        due=_due_day(inputs),
        holidays=inputs.holidays,
        workdays=inputs.workdays,
    )


def request_notice_due_at(request: DataRequest, *, now: datetime) -> datetime | None:
    steps = request_steps(request, now=now)
    return end_of_day(request.jurisdiction, steps[0].due) if steps else None


def _record(
    request: DataRequest,
    *,
    status: str,
    actor: User | None,
    reason: str | tuple[str, dict],
    now: datetime,
    type: str = RequestEvent.Type.STATUS,
    asked: str = "",
    notice: str = "",
    sent_by: str = "",
) -> RequestEvent:
    """Move the request and append its event. ``reason``: what a person typed (kept as
    typed), or one of the product's reasons as ``coded(code, **params)``, put into words in
    each reader's language when read."""
    request.status = status
    code, params = reason if isinstance(reason, tuple) else ("", {})
    event = RequestEvent.objects.create(
        request=request,
        type=type,
        status=status,
        actor=actor,
        reason="" if code else str(reason),
        reason_code=code,
        reason_params=params,
        at=now,
        asked=asked,
        notice=notice,
        sent_by=sent_by,
    )
    request.due_at = request_due_at(request, now=now)
    request.notice_due_at = request_notice_due_at(request, now=now)
    request.save(update_fields=["status", "due_at", "notice_due_at"])
    audit_record(
        actor=actor,
        action=Action.TRANSITION,
        target=f"datarequests.DataRequest:{request.pk}",
        subject=request.requester,
        reference=f"request {request.pk}",
        detail=f"{type}: {status}",
        now=now,
    )
    return event


def _locked(request_id: int, action: str) -> DataRequest:
    """Lock the request's row; raise ``AlreadyMoved`` unless the action may start from it."""
    request = (
        DataRequest.objects.select_for_update(of=("self",))
        .select_related("jurisdiction", "requester")
        .get(pk=request_id)
    )
    if not transition_allowed(action, request.status):
        raise AlreadyMoved(request)
    return request
