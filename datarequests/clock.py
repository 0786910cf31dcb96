"""The legal clock of a request: its due date, from the event history and the law's rules.

Pure functions of dates, so every jurisdiction's arithmetic can be checked by
hand in tests. The due date is never typed in; it is recomputed whenever an
event changes it.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from datarequests.models import DeadlineUnit, Status

# Where the law may stop the clock: while the request waits for proof of identity or the fee.
PAUSABLE_STATUSES = (Status.AWAITING_IDENTITY, Status.AWAITING_PAYMENT)


@dataclass(frozen=True)
class ClockRules:
    amount: int
    unit: str
    next_working_day: bool = False
    pauses_for_identity: bool = False
    pauses_for_fee: bool = False
    starts_after_identity_and_fee: bool = False
    extension_amount: int | None = None
    extension_unit: str = ""


@dataclass(frozen=True)
class ClockEvent:
    on: date
    status: str
    extended: bool = False


def is_working_day(day: date, holidays: set[date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_months(day: date, months: int) -> date:
    """Same date ``months`` later; the month's last day where that date does not exist."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_working_days(day: date, count: int, holidays: set[date]) -> date:
    while count > 0:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            count -= 1
    return day


def add_period(day: date, amount: int, unit: str, holidays: set[date]) -> date:
    if unit == DeadlineUnit.MONTHS:
        return add_months(day, amount)
    if unit == DeadlineUnit.WORKING_DAYS:
        return add_working_days(day, amount, holidays)
    return day + timedelta(days=amount)


def _paused_statuses(rules: ClockRules) -> set[str]:
    paused = set()
    if rules.pauses_for_identity:
        paused.add(Status.AWAITING_IDENTITY)
    if rules.pauses_for_fee:
        paused.add(Status.AWAITING_PAYMENT)
    return paused


def _periods(events: Sequence[ClockEvent], today: date) -> Iterable[tuple[str, date, date]]:
    """Yield (status, from, to) for each stretch the request spent in a status."""
    changes = [event for event in events if not event.extended]
    for current, following in zip(changes, [*changes[1:], None], strict=True):
        yield current.status, current.on, following.on if following else today


def _days_in(start: date, end: date, unit: str, holidays: set[date]) -> int:
    if unit == DeadlineUnit.WORKING_DAYS:
        return sum(
            1
            for offset in range((end - start).days)
            if is_working_day(start + timedelta(days=offset + 1), holidays)
        )
    return (end - start).days


def due_date(
    *, rules: ClockRules, events: Sequence[ClockEvent], holidays: set[date], today: date
) -> date | None:
    """Return the day a reply is due, or None while the clock has not started.

    The clock runs from receipt (or, where the law says so, from when both
    identity and fee are in), stops while the request waits for what the law
    lets the clock stop for (the current wait counting up to ``today``), and
    gains the extension once one was given.
    """
    if not events:
        return None
    start = events[0].on
    if rules.starts_after_identity_and_fee:
        waiting = {Status.RECEIVED, *PAUSABLE_STATUSES}
        last_wait_end = None
        for status, _begin, end in _periods(events, today):
            if status in waiting:
                last_wait_end = end
        statuses = [event.status for event in events if not event.extended]
        if statuses[-1] in waiting - {Status.RECEIVED}:
            return None
        start = max(start, last_wait_end or start)
        paused_days = 0
    else:
        paused = _paused_statuses(rules)
        paused_days = sum(
            _days_in(begin, end, rules.unit, holidays)
            for status, begin, end in _periods(events, today)
            if status in paused
        )
    due = add_period(start, rules.amount, rules.unit, holidays)
    if any(event.extended for event in events) and rules.extension_amount:
        due = add_period(due, rules.extension_amount, rules.extension_unit or rules.unit, holidays)
    if paused_days:
        unit = DeadlineUnit.WORKING_DAYS if rules.unit == DeadlineUnit.WORKING_DAYS else ""
        due = add_period(due, paused_days, unit, holidays)
    if rules.next_working_day:
        while not is_working_day(due, holidays):
            due += timedelta(days=1)
    return due
