"""The fee's lines as a pure function of the law's rules, the schedule and the volume."""

from decimal import Decimal

from datarequests.fees import FeeRules, FeeTerms, quote_lines, volume_matters
from datarequests.models import FeeRule, Kind
from datarequests.reasons import fee_line_label


def shown(lines: list[dict]) -> list[tuple[str, str]]:
    return [(fee_line_label(line), line["amount"]) for line in lines]


SCHEDULE = FeeTerms(
    base_amount=Decimal("50.00"), per_thousand_records=Decimal("2.50"), postage=Decimal("12.00")
)


def test_a_reasonable_fee_charges_the_base_and_the_copies_by_the_thousand():
    rules = FeeRules(access_fee=FeeRule.REASONABLE)

    lines = quote_lines(rules=rules, schedule=SCHEDULE, volume={"a.A": 1_500, "b.B": 500})

    assert shown(lines) == [
        ("Locating, retrieving and redacting", "50.00"),
        ("Copies: 2,000 records", "5.00"),
    ]


def test_a_written_reply_adds_postage_and_lines_that_cost_nothing_are_left_out():
    rules = FeeRules(access_fee=FeeRule.REASONABLE, by_post=True)

    lines = quote_lines(rules=rules, schedule=SCHEDULE, volume={"a.A": 1})  # copies: 0.0025

    assert shown(lines) == [
        ("Locating, retrieving and redacting", "50.00"),
        ("Postage", "12.00"),
    ]


def test_a_total_above_the_cap_is_reduced_to_it():
    rules = FeeRules(access_fee=FeeRule.REASONABLE, cap=Decimal("40.00"))

    lines = quote_lines(rules=rules, schedule=SCHEDULE, volume={"a.A": 4_000})

    assert shown(lines) == [
        ("Locating, retrieving and redacting", "50.00"),
        ("Copies: 4,000 records", "10.00"),
        ("Reduction to the legal cap", "-20.00"),
    ]
    assert sum(Decimal(line["amount"]) for line in lines) == Decimal("40.00")


def test_a_free_law_charges_only_a_manifestly_excessive_request():
    free = FeeRules(access_fee=FeeRule.FREE)
    excessive = FeeRules(access_fee=FeeRule.FREE, manifestly_excessive=True)

    assert quote_lines(rules=free, schedule=SCHEDULE, volume={"a.A": 9_000}) == []
    assert quote_lines(rules=excessive, schedule=SCHEDULE, volume={})[0]["amount"] == "50.00"


def test_a_banned_correction_fee_and_a_missing_schedule_charge_nothing():
    correction = FeeRules(access_fee=FeeRule.REASONABLE, kind=Kind.CORRECTION)
    access = FeeRules(access_fee=FeeRule.REASONABLE)

    assert quote_lines(rules=correction, schedule=SCHEDULE, volume={"a.A": 10}) == []
    assert quote_lines(rules=access, schedule=None, volume={"a.A": 10}) == []


def test_the_records_matter_only_where_a_fee_is_charged_for_each_thousand():
    reasonable = FeeRules(access_fee=FeeRule.REASONABLE)
    flat = FeeTerms(base_amount=Decimal("50.00"))

    assert volume_matters(rules=reasonable, schedule=SCHEDULE)
    assert not volume_matters(rules=reasonable, schedule=flat)
    assert not volume_matters(rules=reasonable, schedule=None)
    assert not volume_matters(rules=FeeRules(access_fee=FeeRule.FREE), schedule=SCHEDULE)
    assert volume_matters(
        rules=FeeRules(access_fee=FeeRule.FREE, manifestly_excessive=True), schedule=SCHEDULE
    )
