"""Fees: the quote from the request's real volume, its payment or waiver, and its lapse."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DateTimeField, ExpressionWrapper, F, IntegerField, Q, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext_lazy as _

from datarequests import notify
from datarequests.fees import FeeRules, FeeTerms, quote_lines, volume_matters
from datarequests.models import DataRequest, FeeQuote, Kind, Status
from datarequests.reasons import coded, fee_line
from datarequests.rules import fee_schedule_of, rules_of
from datarequests.selectors import request_subject
from datarequests.services.fulfilment import EXPORT_BUILD_TASK
from datarequests.services.transitions import TRANSITIONS, AlreadyMoved, _locked, _record
from privacy_office.queue import enqueue_on_commit
from privacy_office.registry import registry
from privacy_office.subject_data import subject_rows

if TYPE_CHECKING:
    from accounts.models import User


def request_volume(request: DataRequest) -> dict[str, int]:
    """Return how many rows each declared model holds about the requester."""
    subject = request_subject(request)
    volume = {}
    for declaration in registry.declarations():
        if not declaration.fields:
            continue
        count = subject_rows(declaration, subject).count()
        if count:
            volume[declaration.label] = count
    return volume


def fee_quote_lines(request: DataRequest, volume: Mapping[str, int] | None = None) -> list[dict]:
    """Return the quote's lines for this request under its jurisdiction's rules.

    Without ``volume``, the requester's rows are counted only where their number changes
    the fee (a free request's counts would read every declared table for nothing)."""
    jurisdiction = rules_of(request)
    rules = FeeRules(
        access_fee=jurisdiction.access_fee,
        correction_fee_banned=jurisdiction.correction_fee_banned,
        cap=jurisdiction.fee_cap,
        kind=request.kind,
        manifestly_excessive=bool(request.manifestly_excessive_reason),
        by_post=bool(request.postal_address),
        lowest_form=jurisdiction.fee_lowest_form_rule,
        electronic_offered=bool(request.requester_email),
    )
    row = fee_schedule_of(request)
    schedule = FeeTerms(**row) if row is not None else None
    if volume is None:
        counted = volume_matters(rules=rules, schedule=schedule)
        volume = request_volume(request) if counted else {}
    return quote_lines(rules=rules, schedule=schedule, volume=volume)


@transaction.atomic
def fee_assess(*, request_id: int, now: datetime) -> DataRequest:
    """Quote the fee from the request's real volume; a zero fee proceeds at once.

    Where the law asks for a written estimate the applicant accepts first (SG, PDPR reg 7),
    the quote is that estimate and nothing is charged until it is accepted."""
    request = _locked(request_id, "assess")
    lines = fee_quote_lines(request)
    amount = sum((Decimal(line["amount"]) for line in lines), Decimal(0))
    estimate = bool(amount) and rules_of(request).fee_needs_accepted_estimate
    FeeQuote.objects.update_or_create(
        request=request,
        defaults={
            "amount": amount,
            "currency": request.jurisdiction.currency,
            "lines": lines,
            "status": FeeQuote.Status.QUOTED if amount else FeeQuote.Status.NONE,
            "quoted_at": now,
            "is_estimate": estimate,
        },
    )
    if amount:
        _ask_for_the_fee(request, amount=amount, estimate=estimate, now=now)
        return request
    _proceed(request, reason=coded("no_fee"), actor=None, now=now)
    return request


def _ask_for_the_fee(
    request: DataRequest,
    *,
    amount: Decimal,
    estimate: bool,
    now: datetime,
    actor: User | None = None,
    note: str = "",
) -> None:
    values: dict = {"amount": amount, "currency": request.jurisdiction.currency}
    code = "estimate_sent" if estimate else "fee_quoted"
    if note:
        code, values = f"{code}_revised", {**values, "note": note}
    status = Status.AWAITING_ACCEPTANCE if estimate else Status.AWAITING_PAYMENT
    _record(request, status=status, actor=actor, reason=coded(code, **values), now=now)
    request.fee_quote.refresh_from_db()
    notify.fee_quoted(request)


REVISION_REASON_REQUIRED = _("Say why the fee changes, in words the requester will understand.")
REVISION_AMOUNT = _("Give the new fee as an amount of at least 0.01.")


@transaction.atomic
def fee_estimate_answer(
    *,
    request_id: int,
    requester: User | None,
    accept: bool,
    now: datetime,
    recorded_by: User | None = None,
) -> DataRequest:
    """The requester accepts the written estimate (the fee is then due) or declines it (the
    request ends, nothing charged). The clock waits for this answer, not for the payment.

    ``recorded_by``: the staff member who records an answer that came by letter or email
    (a requester with no account has no page to answer on)."""
    action = "accept_estimate" if accept else "decline_estimate"
    if recorded_by is not None:
        action, requester = f"{action}_recorded", recorded_by
    request = _locked(request_id, action)
    quote = request.fee_quote
    quote.status = FeeQuote.Status.ACCEPTED if accept else FeeQuote.Status.DECLINED
    quote.answered_at = now
    quote.save(update_fields=["status", "answered_at"])
    if accept:
        reason = coded("estimate_accepted", amount=quote.amount, currency=quote.currency)
        _record(request, status=Status.AWAITING_PAYMENT, actor=requester, reason=reason, now=now)
    else:
        reason = coded("estimate_declined")
        _record(request, status=Status.WITHDRAWN, actor=requester, reason=reason, now=now)
    return request


@transaction.atomic
def fee_revise(
    *, request_id: int, actor: User | None, amount: Decimal, reason: str, now: datetime
) -> DataRequest:
    """Change the fee, with the reason. Where the law asks for an accepted estimate, a fee
    higher than the one accepted is a new estimate that the requester accepts or declines."""
    if not reason.strip():
        raise ValidationError({"text": REVISION_REASON_REQUIRED})
    if amount is None or amount < Decimal("0.01"):
        raise ValidationError({"amount": REVISION_AMOUNT})
    request = _locked(request_id, "revise_fee")
    quote = request.fee_quote
    amount = amount.quantize(Decimal("0.01"))
    difference = amount - quote.amount
    quote.lines = [*quote.lines, fee_line("revision", difference, note=reason)]
    estimate = rules_of(request).fee_needs_accepted_estimate
    again = estimate and (request.status == Status.AWAITING_ACCEPTANCE or difference > 0)
    quote.amount = amount
    quote.quoted_at = now
    quote.is_estimate = estimate
    quote.status = FeeQuote.Status.QUOTED if again or not estimate else FeeQuote.Status.ACCEPTED
    quote.save(update_fields=["lines", "amount", "quoted_at", "is_estimate", "status"])
    if again or not estimate:
        _ask_for_the_fee(request, amount=amount, estimate=again, now=now, actor=actor, note=reason)
    else:
        _record(
            request,
            status=Status.AWAITING_PAYMENT,
            actor=actor,
            reason=coded("fee_lowered", amount=amount, currency=quote.currency, note=reason),
            now=now,
        )
    return request


def _proceed(
    request: DataRequest, *, reason: tuple[str, dict], actor: User | None, now: datetime
) -> None:
    _record(request, status=Status.IN_PROGRESS, actor=actor, reason=reason, now=now)
    if request.kind == Kind.CORRECTION:
        _record(
            request,
            status=Status.AWAITING_REVIEW,
            actor=None,
            reason=coded("review_corrections"),
            now=now,
        )
    elif request.kind in (Kind.GUARDIAN_DELETION, Kind.ERASURE):
        # Four eyes: an officer who neither entered nor verified the request approves it.
        _record(
            request,
            status=Status.AWAITING_REVIEW,
            actor=None,
            reason=coded("review_erasure"),
            now=now,
        )
    else:
        enqueue_on_commit(EXPORT_BUILD_TASK, request.pk)


@transaction.atomic
def fee_settle(
    *, request_id: int, actor: User | None, waived: bool, note: str, now: datetime
) -> DataRequest:
    """Record a payment (with its reference) or a waiver (with its reason); work resumes."""
    if not note.strip():
        raise ValidationError(
            {
                "note": _("Give the reason for the waiver.")
                if waived
                else _("Give the payment reference.")
            }
        )
    request = _locked(request_id, "waive" if waived else "paid")
    quote = request.fee_quote
    quote.status = FeeQuote.Status.WAIVED if waived else FeeQuote.Status.PAID
    quote.settled_at = now
    quote.settlement_note = note
    quote.save(update_fields=["status", "settled_at", "settlement_note"])
    reason = coded("fee_waived" if waived else "fee_paid", note=note)
    _proceed(request, reason=reason, actor=actor, now=now)
    return request


def quotes_lapse(*, now: datetime) -> int:
    """Lapse every request whose quote went unpaid past its period; return how many.

    One query finds them, however many requests wait for payment; each lapse is then
    its own transition (event, notice).
    """
    # The rules the request was received under (its snapshot), else its jurisdiction's.
    lapses = Q(rules__quote_lapses=True) | Q(rules={}, jurisdiction__quote_lapses=True)
    valid_days = Coalesce(
        Cast(KT("rules__quote_valid_days"), IntegerField()), F("jurisdiction__quote_valid_days")
    )
    expired = (
        DataRequest.objects.filter(
            lapses, status__in=TRANSITIONS["lapse"].sources, fee_quote__isnull=False
        )
        .annotate(
            lapses_at=ExpressionWrapper(
                F("fee_quote__quoted_at") + valid_days * Value(timedelta(days=1)),
                output_field=DateTimeField(),
            )
        )
        .filter(lapses_at__lte=now)
        .values_list("pk", flat=True)
    )
    lapsed = 0
    for request_id in list(expired):
        with transaction.atomic():
            try:
                request = _locked(request_id, "lapse")
            except AlreadyMoved:
                continue
            FeeQuote.objects.filter(request=request).update(status=FeeQuote.Status.LAPSED)
            _record(
                request,
                status=Status.LAPSED,
                actor=None,
                reason=coded("fee_lapsed", days=rules_of(request).quote_valid_days),
                now=now,
            )
            notify.lapsed(request)
            lapsed += 1
    return lapsed


def quote_cancel(request: DataRequest) -> None:
    """An unpaid quote of a request that ends no longer stands (nor shows as outstanding)."""
    FeeQuote.objects.filter(
        request=request, status__in=[FeeQuote.Status.QUOTED, FeeQuote.Status.ACCEPTED]
    ).update(status=FeeQuote.Status.CANCELLED)
