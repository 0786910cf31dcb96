"""Fees: the quote from the request's real volume, its payment or waiver, and its lapse."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DateTimeField, ExpressionWrapper, F, Value
from django.utils.translation import gettext_lazy as _

from datarequests import notify
from datarequests.fees import FeeRules, FeeTerms, quote_lines
from datarequests.models import DataRequest, FeeQuote, FeeSchedule, Kind, Status
from datarequests.selectors import request_subject
from datarequests.services.fulfilment import EXPORT_BUILD_TASK
from datarequests.services.transitions import TRANSITIONS, AlreadyMoved, _locked, _record
from privacy_office.queue import enqueue_on_commit
from privacy_office.registry import registry
from privacy_office.subject_data import subject_rows
from privacy_office.text import StrOrPromise

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


def fee_quote_lines(request: DataRequest, volume: Mapping[str, int]) -> list[dict]:
    """Return the quote's lines for this request under its jurisdiction's rules."""
    jurisdiction = request.jurisdiction
    rules = FeeRules(
        access_fee=jurisdiction.access_fee,
        correction_fee_banned=jurisdiction.correction_fee_banned,
        cap=jurisdiction.fee_cap,
        kind=request.kind,
        manifestly_excessive=bool(request.manifestly_excessive_reason),
        by_post=bool(request.postal_address),
    )
    row = FeeSchedule.objects.filter(jurisdiction=jurisdiction, kind=request.kind).first()
    schedule = (
        FeeTerms(
            base_amount=row.base_amount,
            per_thousand_records=row.per_thousand_records,
            postage=row.postage,
        )
        if row is not None
        else None
    )
    return quote_lines(rules=rules, schedule=schedule, volume=volume)


@transaction.atomic
def fee_assess(*, request_id: int, now: datetime) -> DataRequest:
    """Quote the fee from the request's real volume; a zero fee proceeds at once."""
    request = _locked(request_id, "assess")
    lines = fee_quote_lines(request, request_volume(request))
    amount = sum((Decimal(line["amount"]) for line in lines), Decimal(0))
    FeeQuote.objects.update_or_create(
        request=request,
        defaults={
            "amount": amount,
            "currency": request.jurisdiction.currency,
            "lines": lines,
            "status": FeeQuote.Status.QUOTED if amount else FeeQuote.Status.NONE,
            "quoted_at": now,
        },
    )
    if amount:
        _record(
            request,
            status=Status.AWAITING_PAYMENT,
            actor=None,
            reason=_("fee quoted: %(amount)s %(currency)s")
            % {"amount": amount, "currency": request.jurisdiction.currency},
            now=now,
        )
        notify.fee_quoted(request)
        return request
    _proceed(request, reason=_("no fee"), actor=None, now=now)
    return request


def _proceed(
    request: DataRequest, *, reason: StrOrPromise, actor: User | None, now: datetime
) -> None:
    _record(request, status=Status.IN_PROGRESS, actor=actor, reason=reason, now=now)
    if request.kind == Kind.CORRECTION:
        _record(
            request,
            status=Status.AWAITING_REVIEW,
            actor=None,
            reason=_("waiting for staff to review the corrections"),
            now=now,
        )
    elif request.kind in (Kind.GUARDIAN_DELETION, Kind.ERASURE):
        # Four eyes: an officer who neither entered nor verified the request approves it.
        _record(
            request,
            status=Status.AWAITING_REVIEW,
            actor=None,
            reason=_("waiting for a privacy officer to approve the erasure"),
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
    reason = _("fee waived: %(note)s") if waived else _("fee paid: %(note)s")
    _proceed(request, reason=reason % {"note": note}, actor=actor, now=now)
    return request


def quotes_lapse(*, now: datetime) -> int:
    """Lapse every request whose quote went unpaid past its period; return how many.

    One query finds them, however many requests wait for payment; each lapse is then
    its own transition (event, notice).
    """
    expired = (
        DataRequest.objects.filter(status__in=TRANSITIONS["lapse"].sources, fee_quote__isnull=False)
        .annotate(
            lapses_at=ExpressionWrapper(
                F("fee_quote__quoted_at")
                + F("jurisdiction__quote_valid_days") * Value(timedelta(days=1)),
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
                reason=_("the fee was not paid within %(days)s days")
                % {"days": request.jurisdiction.quote_valid_days},
                now=now,
            )
            notify.lapsed(request)
            lapsed += 1
    return lapsed


def quote_cancel(request: DataRequest) -> None:
    """An unpaid quote of a request that ends no longer stands (nor shows as outstanding)."""
    FeeQuote.objects.filter(request=request, status=FeeQuote.Status.QUOTED).update(
        status=FeeQuote.Status.CANCELLED
    )
