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
    restarts_on_answer=True,
    pauses_for_clarification=True,
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


def test_uk_staff_checking_an_enclosed_id_never_moves_the_start():
    # ICO: the clock starts on receipt; two weeks of staff checking change nothing.
    steps = [
        (date(2026, 3, 2), S.RECEIVED, False),
        (date(2026, 3, 2), S.AWAITING_IDENTITY, False),
        (date(2026, 3, 16), S.ASSESSING_FEE, False),
    ]
    assert due(UK, steps) == date(2026, 4, 2)
    assert due(UK, steps[:2]) == date(2026, 4, 2)


def test_uk_clock_restarts_when_the_id_asked_for_arrives():
    steps = [
        (date(2026, 3, 2), S.RECEIVED, False),
        (date(2026, 3, 2), S.AWAITING_IDENTITY, False),
        (date(2026, 3, 4), S.AWAITING_REQUESTER, False),  # ID asked for
        (date(2026, 3, 16), S.AWAITING_IDENTITY, False),  # it arrives
    ]
    assert due(UK, steps[:3]) is None  # waiting for the requester: the clock will restart
    assert due(UK, steps) == date(2026, 4, 16)


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


def test_a_staff_identity_check_stops_no_clock():
    hk_like = ClockRules(amount=40, unit=DeadlineUnit.CALENDAR_DAYS, pauses_for_identity=True)
    steps = [(date(2026, 3, 2), S.RECEIVED, False), (date(2026, 3, 2), S.AWAITING_IDENTITY, False)]
    assert due(hk_like, steps, today=date(2026, 3, 20)) == date(2026, 4, 11)


def test_singapore_30_days_and_a_pause_for_the_fee():
    sg = ClockRules(amount=30, unit=DeadlineUnit.CALENDAR_DAYS, pauses_for_fee=True)
    steps = [
        (date(2026, 6, 1), S.RECEIVED, False),
        (date(2026, 6, 2), S.AWAITING_PAYMENT, False),
        (date(2026, 6, 9), S.IN_PROGRESS, False),
    ]
    assert due(sg, steps[:1]) == date(2026, 7, 1)
    assert due(sg, steps) == date(2026, 7, 8)


# --- the legal engine (issue 14): calendars, time zones, s.71, extensions, asks, notices ---

from datarequests.clock import (  # noqa: E402
    extension_allowed_until,
    pending_steps,
)
from datarequests.models import Asked, Notice  # noqa: E402

HK71 = ClockRules(amount=40, unit=DeadlineUnit.CALENDAR_DAYS, pauses_for_fee=True, holiday_end=True)
# Cap. 149 general holidays of Hong Kong, April 2026 (gov.hk): Good Friday, the day after,
# the day following Ching Ming, the day following Easter Monday.
HK_APRIL_2026 = {date(2026, 4, 3), date(2026, 4, 4), date(2026, 4, 6), date(2026, 4, 7)}
# China 2026 (State Council notice): Spring Festival 16-20 and 23 Feb off; Sat 14 and Sat
# 28 Feb are make-up working days.
CN_FEB_2026_OFF = {date(2026, 2, d) for d in (16, 17, 18, 19, 20, 23)}
CN_FEB_2026_WORK = {date(2026, 2, 14), date(2026, 2, 28)}


def calendar_due(rules, steps, holidays=frozenset(), workdays=frozenset(), today=TODAY):
    return due_date(
        rules=rules,
        events=events(*steps),
        holidays=set(holidays),
        workdays=set(workdays),
        today=today,
    )


def test_hong_kong_period_ending_on_a_sunday_runs_to_monday():
    received = [(date(2026, 3, 3), S.RECEIVED, False)]  # + 40 days = Sunday 12 April
    assert calendar_due(HK, received) == date(2026, 4, 12)
    assert calendar_due(HK71, received) == date(2026, 4, 13)


def test_hong_kong_period_ending_on_a_general_holiday_runs_past_every_one():
    # 23 Feb + 40 = Sat 4 April, the day following Good Friday; Sun 5; 6 and 7 April are
    # general holidays too: the period runs to Wednesday 8 April.
    received = [(date(2026, 2, 23), S.RECEIVED, False)]
    assert calendar_due(HK71, received, HK_APRIL_2026) == date(2026, 4, 8)
    assert calendar_due(HK71, received) == date(2026, 4, 4)  # no calendar: a plain Saturday


def test_hong_kong_saturday_is_no_general_holiday():
    assert calendar_due(HK71, [(date(2026, 3, 2), S.RECEIVED, False)], HK_APRIL_2026) == (
        date(2026, 4, 11)
    )


def test_china_make_up_saturdays_are_working_days():
    received = [(date(2026, 2, 9), S.RECEIVED, False)]  # a Monday
    # 10-13 Feb (4), Sat 14 (5), 24-27 (9), Sat 28 (10), 2-6 March (15)
    assert calendar_due(CN, received, CN_FEB_2026_OFF, CN_FEB_2026_WORK) == date(2026, 3, 6)
    # without the make-up days: 10-13 (4), 24-27 (8), 2-6 March (13), 9, 10 March (15)
    assert calendar_due(CN, received, CN_FEB_2026_OFF) == date(2026, 3, 10)
    # without any calendar: weekdays only, 2 March
    assert calendar_due(CN, received) == date(2026, 3, 2)


def test_gdpr_month_into_29_february_2028():
    assert calendar_due(EU, [(date(2028, 1, 29), S.RECEIVED, False)]) == date(2028, 2, 29)
    assert calendar_due(EU, [(date(2028, 1, 31), S.RECEIVED, False)]) == date(2028, 2, 29)
    assert calendar_due(EU, [(date(2028, 2, 29), S.RECEIVED, False)]) == date(2028, 3, 29)


def test_gdpr_deadline_on_easter_monday_with_and_without_the_calendar():
    received = [(date(2026, 3, 6), S.RECEIVED, False)]  # + 1 month = Monday 6 April
    assert calendar_due(EU, received) == date(2026, 4, 6)
    assert calendar_due(EU, received, {date(2026, 4, 6)}) == date(2026, 4, 7)


def test_uk_deadline_on_good_friday_runs_past_easter():
    received = [(date(2026, 3, 3), S.RECEIVED, False)]  # + 1 month = Good Friday 3 April
    england = {date(2026, 4, 3), date(2026, 4, 6)}
    assert calendar_due(UK, received, england) == date(2026, 4, 7)


def test_eu_clarification_asked_stops_the_clock_until_it_arrives():
    eu = ClockRules(
        amount=1, unit=DeadlineUnit.MONTHS, next_working_day=True, pauses_for_clarification=True
    )
    steps = [
        ClockEvent(on=date(2026, 3, 10), status=S.RECEIVED),
        ClockEvent(on=date(2026, 3, 12), status=S.AWAITING_REQUESTER, asked=Asked.CLARIFICATION),
        ClockEvent(on=date(2026, 3, 22), status=S.AWAITING_IDENTITY),
    ]
    # 10 April + 10 days stopped = Monday 20 April
    assert due_date(rules=eu, events=steps, holidays=set(), today=TODAY) == date(2026, 4, 20)
    # an ID asked for does not stop the EU clock (only a clarification does here)
    asked_id = [
        steps[0],
        ClockEvent(on=date(2026, 3, 12), status=S.AWAITING_REQUESTER, asked=Asked.IDENTITY),
        steps[2],
    ]
    assert due_date(rules=eu, events=asked_id, holidays=set(), today=TODAY) == date(2026, 4, 10)


def test_notices_along_the_way_do_not_stop_or_move_the_clock():
    steps = [
        ClockEvent(on=date(2026, 1, 5), status=S.RECEIVED),
        ClockEvent(on=date(2026, 1, 6), status=S.RECEIVED, notice=Notice.RECEIPT),
    ]
    assert due_date(rules=CA, events=steps, holidays=set(), today=TODAY) == date(2026, 2, 19)


def test_an_extension_is_notified_within_the_first_period():
    eu = [
        ClockEvent(on=date(2026, 3, 2), status=S.RECEIVED),
        ClockEvent(on=date(2026, 3, 20), status=S.IN_PROGRESS, extended=True),
    ]
    ca = [ClockEvent(on=date(2026, 1, 5), status=S.RECEIVED)]
    # GDPR: the first month, to 2 April; CCPA: the first 45 days, to 19 February
    assert extension_allowed_until(rules=EU, events=eu, holidays=set(), today=TODAY) == (
        date(2026, 4, 2)
    )
    assert extension_allowed_until(rules=CA, events=ca, holidays=set(), today=TODAY) == (
        date(2026, 2, 19)
    )


def test_statutory_notices_and_their_last_days():
    ccpa = ClockRules(amount=45, unit=DeadlineUnit.CALENDAR_DAYS, receipt_notice_working_days=10)
    hk = ClockRules(
        amount=40,
        unit=DeadlineUnit.CALENDAR_DAYS,
        delay_notice=Notice.DELAY,
        delay_notice_days_before=1,
    )
    sg = ClockRules(amount=30, unit=DeadlineUnit.CALENDAR_DAYS, delay_notice=Notice.REPLY_DATE)
    # CCPA: 10 business days from Mon 5 Jan 2026, Martin Luther King Day (19 Jan) off
    ca_steps = pending_steps(
        rules=ccpa,
        events=[ClockEvent(on=date(2026, 1, 5), status=S.RECEIVED)],
        due=date(2026, 2, 19),
        holidays={date(2026, 1, 19)},
    )
    assert [(s.name, s.due) for s in ca_steps] == [(Notice.RECEIPT, date(2026, 1, 20))]
    # HK s.19(2): before day 40 (11 April 2026): 10 April
    hk_steps = pending_steps(
        rules=hk,
        events=[ClockEvent(on=date(2026, 3, 2), status=S.RECEIVED)],
        due=date(2026, 4, 11),
        holidays=set(),
    )
    assert [(s.name, s.due) for s in hk_steps] == [(Notice.DELAY, date(2026, 4, 10))]
    # SG: by day 30; once sent, no longer pending
    sent = [
        ClockEvent(on=date(2026, 6, 1), status=S.RECEIVED),
        ClockEvent(on=date(2026, 6, 20), status=S.IN_PROGRESS, notice=Notice.REPLY_DATE),
    ]
    assert [
        (s.name, s.due)
        for s in pending_steps(rules=sg, events=sent[:1], due=date(2026, 7, 1), holidays=set())
    ] == [(Notice.REPLY_DATE, date(2026, 7, 1))]
    assert pending_steps(rules=sg, events=sent, due=date(2026, 7, 1), holidays=set()) == []
