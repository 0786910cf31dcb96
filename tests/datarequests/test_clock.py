"""Due dates per jurisdiction, against dates worked out by hand (JURISDICTIONS.md)."""

from datetime import date

import pytest

from datarequests.clock import ClockEvent, ClockRules, add_months, due_date
from datarequests.models import DeadlineUnit
from datarequests.models import Status as S

HK = ClockRules(amount=40, unit=DeadlineUnit.CALENDAR_DAYS, pauses_for_fee=True)
EU = ClockRules(
    amount=1,
    unit=DeadlineUnit.MONTHS,
    next_working_day=True,
    extension_amount=2,
    extension_unit=DeadlineUnit.MONTHS,
)
UK = ClockRules(
    amount=1,
    unit=DeadlineUnit.MONTHS,
    next_working_day=True,
    starts_after_identity_and_fee=True,
)
CN = ClockRules(amount=15, unit=DeadlineUnit.WORKING_DAYS)
CA = ClockRules(
    amount=45,
    unit=DeadlineUnit.CALENDAR_DAYS,
    extension_amount=45,
    extension_unit=DeadlineUnit.CALENDAR_DAYS,
)
TODAY = date(2026, 11, 25)


def events(*steps):
    return [ClockEvent(on=on, status=status, extended=extended) for on, status, extended in steps]


def due(rules, steps, holidays=frozenset(), today=TODAY):
    return due_date(rules=rules, events=events(*steps), holidays=set(holidays), today=today)


def test_hong_kong_40_calendar_days_from_receipt():
    # 2 March 2026 + 40 days = 11 April 2026 (a Saturday: HK does not move it)
    assert due(HK, [(date(2026, 3, 2), S.RECEIVED, False)]) == date(2026, 4, 11)


def test_hong_kong_clock_stops_while_the_fee_is_unpaid():
    steps = [
        (date(2026, 3, 2), S.RECEIVED, False),
        (date(2026, 3, 2), S.ASSESSING_FEE, False),
        (date(2026, 3, 5), S.AWAITING_PAYMENT, False),  # quote out on day 3
        (date(2026, 3, 15), S.IN_PROGRESS, False),  # paid 10 days later
    ]
    assert due(HK, steps) == date(2026, 4, 21)  # 11 April + 10 days


def test_an_unpaid_fee_keeps_moving_the_date_until_today():
    steps = [
        (date(2026, 11, 1), S.RECEIVED, False),
        (date(2026, 11, 20), S.AWAITING_PAYMENT, False),
    ]
    assert due(HK, steps, today=date(2026, 11, 25)) == date(2026, 12, 16)  # 11 Dec + 5 days


def test_gdpr_month_ends_on_the_same_date_of_the_next_month():
    assert due(EU, [(date(2026, 3, 10), S.RECEIVED, False)]) == date(2026, 4, 10)  # a Friday


def test_gdpr_31_january_is_due_on_the_last_day_of_february():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    # 28 Feb 2026 is a Saturday: the deadline moves to Monday 2 March
    assert due(EU, [(date(2026, 1, 31), S.RECEIVED, False)]) == date(2026, 3, 2)


def test_gdpr_deadline_on_a_holiday_moves_to_the_next_working_day():
    # received Tue 5 May 2026 -> Fri 5 June; 5 June declared a holiday -> Mon 8 June
    assert due(EU, [(date(2026, 5, 5), S.RECEIVED, False)], holidays={date(2026, 6, 5)}) == (
        date(2026, 6, 8)
    )


def test_gdpr_extension_adds_two_months():
    steps = [(date(2026, 3, 10), S.RECEIVED, False), (date(2026, 3, 20), S.IN_PROGRESS, True)]
    assert due(EU, steps) == date(2026, 6, 10)  # a Wednesday


def test_uk_clock_starts_when_identity_arrives():
    steps = [
        (date(2026, 3, 2), S.RECEIVED, False),
        (date(2026, 3, 2), S.AWAITING_IDENTITY, False),
        (date(2026, 3, 16), S.ASSESSING_FEE, False),
    ]
    assert due(UK, steps) == date(2026, 4, 16)


def test_uk_clock_has_not_started_while_identity_is_awaited():
    steps = [(date(2026, 3, 2), S.RECEIVED, False), (date(2026, 3, 2), S.AWAITING_IDENTITY, False)]
    assert due(UK, steps) is None


def test_china_15_working_days_skip_weekends_and_loaded_holidays():
    # Mon 28 Sep 2026; National Day 1-7 Oct loaded as holidays.
    holidays = {date(2026, 10, d) for d in range(1, 8)}
    # working days: 29, 30 Sep (2); 8, 9 Oct (4); 12-16 (9); 19-23 (14); 26 Oct (15)
    assert due(CN, [(date(2026, 9, 28), S.RECEIVED, False)], holidays) == date(2026, 10, 26)
    assert due(CN, [(date(2026, 9, 28), S.RECEIVED, False)]) == date(2026, 10, 19)


def test_california_45_days_and_one_45_day_extension():
    assert due(CA, [(date(2026, 1, 5), S.RECEIVED, False)]) == date(2026, 2, 19)
    extended = [(date(2026, 1, 5), S.RECEIVED, False), (date(2026, 2, 1), S.IN_PROGRESS, True)]
    assert due(CA, extended) == date(2026, 4, 5)


@pytest.mark.parametrize("rules", [HK, EU, UK, CN, CA])
def test_no_events_means_no_clock(rules):
    assert due(rules, []) is None


def test_singapore_30_days_and_a_pause_for_the_fee():
    sg = ClockRules(amount=30, unit=DeadlineUnit.CALENDAR_DAYS, pauses_for_fee=True)
    steps = [
        (date(2026, 6, 1), S.RECEIVED, False),
        (date(2026, 6, 2), S.AWAITING_PAYMENT, False),
        (date(2026, 6, 9), S.IN_PROGRESS, False),
    ]
    assert due(sg, steps[:1]) == date(2026, 7, 1)
    assert due(sg, steps) == date(2026, 7, 8)
