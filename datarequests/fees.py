"""The fee of a request: its quote's lines, from the law's rules, the schedule and the volume.

Pure functions of their inputs, like ``clock.py``, so every jurisdiction's fee can be
checked by hand in tests; the service reads the rows and stores the quote.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from datarequests.models import FeeRule, Kind
from datarequests.reasons import fee_line


@dataclass(frozen=True)
class FeeRules:
    """What the law of a jurisdiction allows to be charged, for one request."""

    access_fee: str
    correction_fee_banned: bool = True
    cap: Decimal | None = None
    kind: str = Kind.ACCESS
    manifestly_excessive: bool = False  # the reason staff recorded, if any
    by_post: bool = False  # a written reply goes by post
    # HK s.28(4): no more than the lowest fee among the forms offered (the reply by email
    # costs no postage, so a requester offered both is charged no postage).
    lowest_form: bool = False
    electronic_offered: bool = True


@dataclass(frozen=True)
class FeeTerms:
    """What a request of one kind costs in one jurisdiction, before the cap."""

    base_amount: Decimal = Decimal(0)
    per_thousand_records: Decimal = Decimal(0)
    postage: Decimal = Decimal(0)


def money(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def fee_may_apply(*, rules: FeeRules, schedule: FeeTerms | None) -> bool:
    """Whether the request can cost anything: not where the law bans the fee or gives the
    request free, nor where no schedule is set."""
    if rules.kind == Kind.CORRECTION and rules.correction_fee_banned:
        return False
    if rules.kind == Kind.ERASURE:
        return False  # no law here lets erasure be charged for
    if rules.access_fee == FeeRule.FREE and not rules.manifestly_excessive:
        return False
    return schedule is not None


def volume_matters(*, rules: FeeRules, schedule: FeeTerms | None) -> bool:
    """Whether the number of records changes the fee (only then are they counted)."""
    return fee_may_apply(rules=rules, schedule=schedule) and bool(
        schedule and schedule.per_thousand_records
    )


def quote_lines(
    *, rules: FeeRules, schedule: FeeTerms | None, volume: Mapping[str, int]
) -> list[dict]:
    """Return the quote's lines ({"code", "params", "amount"}, amounts as text with two
    decimals; ``reasons.fee_line_label`` puts a line into the reader's words).

    No lines where the law bans the fee or gives the request free, or no schedule is set;
    the lines that cost nothing are left out, and a reduction brings a total above the
    cap down to it."""
    if schedule is None or not fee_may_apply(rules=rules, schedule=schedule):
        return []
    records = sum(volume.values())
    lines = [
        ("handling", schedule.base_amount, {}),
        (
            "copies",
            money(schedule.per_thousand_records * Decimal(records) / 1000),
            {"records": records},
        ),
    ]
    postage_charged = rules.by_post and not (rules.lowest_form and rules.electronic_offered)
    if postage_charged:
        lines.append(("postage", schedule.postage, {}))
    lines = [line for line in lines if line[1] > 0]
    total = sum((amount for _code, amount, _params in lines), Decimal(0))
    if rules.cap is not None and total > rules.cap:
        lines.append(("cap_reduction", rules.cap - total, {}))
    return [fee_line(code, money(amount), **params) for code, amount, params in lines]
