"""The legal clock of a request: its due date, from the event history and the law's rules.

Pure functions of dates, so every jurisdiction's arithmetic can be checked by
hand in tests. The due date is never typed in; it is recomputed whenever an
event changes it. Dates here are already in the jurisdiction's own time zone
(``datarequests.calendars`` turns instants into them), and the holiday
calendar comes in as two sets: days off, and weekend days that are working
days (China's make-up working days).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence, Set
from dataclasses import dataclass
from datetime import date, timedelta

from datarequests.models import Asked, DeadlineUnit, Notice, Status

# Where the law may stop the clock: while the requester has been asked for something
# (proof of identity, a clarification, the fee). Staff checking stops nothing.
PAUSABLE_STATUSES = (Status.AWAITING_REQUESTER, Status.AWAITING_ACCEPTANCE, Status.AWAITING_PAYMENT)
SUNDAY = 6


@dataclass(frozen=True)
class ClockRules:
    amount: int
    unit: str
    next_working_day: bool = False
    # HK Cap. 1 s.71: a period ending on a general holiday (Sundays included) runs on.
    holiday_end: bool = False
    pauses_for_identity: bool = False
    pauses_for_clarification: bool = False
    pauses_for_fee: bool = False
    # SG (PDPR reg 7): the clock waits for the estimate's acceptance, not for the payment.
    fee_needs_estimate: bool = False
    # UK (ICO): the clock restarts on the day the ID, fee or clarification asked for arrives.
    restarts_on_answer: bool = False
    extension_amount: int | None = None
    extension_unit: str = ""
    receipt_notice_working_days: int | None = None
    delay_notice: str = ""
    delay_notice_days_before: int = 0


@dataclass(frozen=True)
class ClockEvent:
    on: date
    status: str
    extended: bool = False
    asked: str = ""
    notice: str = ""


@dataclass(frozen=True)
class Step:
    """A step the law asks for, still to be taken, and the last day for it."""

    name: str
    due: date


def is_working_day(day: date, holidays: Set[date], workdays: Set[date] = frozenset()) -> bool:
    if day in workdays:
        return True
    return day.weekday() < 5 and day not in holidays


def is_general_holiday(day: date, holidays: Set[date]) -> bool:
    """HK Cap. 1 s.71: every Sunday is a general holiday, and so is each listed day."""
    return day.weekday() == SUNDAY or day in holidays


def add_months(day: date, months: int) -> date:
    """Same date ``months`` later; the month's last day where that date does not exist."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_working_days(
    day: date, count: int, holidays: Set[date], workdays: Set[date] = frozenset()
) -> date:
    while count > 0:
        day += timedelta(days=1)
        if is_working_day(day, holidays, workdays):
            count -= 1
    return day


def add_period(
    day: date, amount: int, unit: str, holidays: Set[date], workdays: Set[date] = frozenset()
) -> date:
    if unit == DeadlineUnit.MONTHS:
        return add_months(day, amount)
    if unit == DeadlineUnit.WORKING_DAYS:
        return add_working_days(day, amount, holidays, workdays)
    return day + timedelta(days=amount)


def period_end(
    day: date, rules: ClockRules, holidays: Set[date], workdays: Set[date] = frozenset()
) -> date:
    """Move a period's last day on as the law says when it falls on a day off."""
    if rules.next_working_day:
        while not is_working_day(day, holidays, workdays):
            day += timedelta(days=1)
    if rules.holiday_end:
        while is_general_holiday(day, holidays):
            day += timedelta(days=1)
    return day


def _stops_the_clock(rules: ClockRules, status: str, asked: str) -> bool:
    if status == Status.AWAITING_ACCEPTANCE:
        return rules.pauses_for_fee
    if status == Status.AWAITING_PAYMENT:
        return rules.pauses_for_fee and not rules.fee_needs_estimate
    if status == Status.AWAITING_REQUESTER:
        if asked == Asked.IDENTITY:
            return rules.pauses_for_identity
        if asked == Asked.CLARIFICATION:
            return rules.pauses_for_clarification
    return False


def _periods(events: Sequence[ClockEvent], today: date) -> Iterable[tuple[ClockEvent, date, date]]:
    """Yield (event, from, to) for each stretch the request spent in a status."""
    changes = [event for event in events if not event.extended and not event.notice]
    for current, following in zip(changes, [*changes[1:], None], strict=True):
        yield current, current.on, following.on if following else today


def _days_in(start: date, end: date, unit: str, holidays: Set[date], workdays: Set[date]) -> int:
    if unit == DeadlineUnit.WORKING_DAYS:
        return sum(
            1
            for offset in range((end - start).days)
            if is_working_day(start + timedelta(days=offset + 1), holidays, workdays)
        )
    return (end - start).days


def due_date(
    *,
    rules: ClockRules,
    events: Sequence[ClockEvent],
    holidays: Set[date],
    today: date,
    workdays: Set[date] = frozenset(),
    with_extension: bool = True,
) -> date | None:
    """Return the day a reply is due, or None while the clock waits to restart.

    The clock runs from receipt, whoever is checking what. Where the law says so it
    stops while the requester has been asked for something (the current wait counting
    up to ``today``), or (the UK) starts again on the day the answer arrives. It gains
    the extension once one was given (unless ``with_extension`` is false: the first
    period, within which an extension must be notified).
    """
    if not events:
        return None
    start = events[0].on
    paused_days = 0
    periods = list(_periods(events, today))
    if rules.restarts_on_answer:
        for event, _begin, end in periods:
            if event.status in PAUSABLE_STATUSES:
                start = max(start, end)
        if periods and periods[-1][0].status in PAUSABLE_STATUSES:
            return None
    else:
        paused_days = sum(
            _days_in(begin, end, rules.unit, holidays, workdays)
            for event, begin, end in periods
            if _stops_the_clock(rules, event.status, event.asked)
        )
    due = add_period(start, rules.amount, rules.unit, holidays, workdays)
    extended = with_extension and any(event.extended for event in events)
    if extended and rules.extension_amount:
        due = add_period(
            due, rules.extension_amount, rules.extension_unit or rules.unit, holidays, workdays
        )
    if paused_days:
        unit = DeadlineUnit.WORKING_DAYS if rules.unit == DeadlineUnit.WORKING_DAYS else ""
        due = add_period(due, paused_days, unit, holidays, workdays)
    return period_end(due, rules, holidays, workdays)


def extension_allowed_until(
    *,
    rules: ClockRules,
    events: Sequence[ClockEvent],
    holidays: Set[date],
    today: date,
    workdays: Set[date] = frozenset(),
) -> date | None:
    """Return the last day an extension may be notified: the end of the first period.

    GDPR Art. 12(3) and the UK: within the first month; CCPA regs §7021(b): within the
    first 45 days. After it the request is, or is about to be, overdue, and stays so."""
    return due_date(
        rules=rules,
        events=events,
        holidays=holidays,
        today=today,
        workdays=workdays,
        with_extension=False,
    )


def pending_steps(
    *,
    rules: ClockRules,
    events: Sequence[ClockEvent],
    due: date | None,
    holidays: Set[date],
    workdays: Set[date] = frozenset(),
) -> list[Step]:
    """Return the notices the law asks for that are not sent yet, each with its last day.

    CCPA §7021(a): confirm receipt within 10 business days. HK s.19(2): if the 40 days
    cannot be met, a written notice with reasons before they end. SG: if not within 30
    days, a written notice of when the reply will come."""
    if not events:
        return []
    sent = {event.notice for event in events if event.notice}
    steps = []
    if rules.receipt_notice_working_days and Notice.RECEIPT not in sent:
        received = events[0].on
        steps.append(
            Step(
                Notice.RECEIPT,
                add_working_days(received, rules.receipt_notice_working_days, holidays, workdays),
            )
        )
    if rules.delay_notice and rules.delay_notice not in sent and due is not None:
        steps.append(Step(rules.delay_notice, due - timedelta(days=rules.delay_notice_days_before)))
    return sorted(steps, key=lambda step: step.due)
