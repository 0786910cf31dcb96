"""Paying a fee: where to pay (per jurisdiction), the payment staff record, the receipt."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from datarequests import notify
from datarequests.models import DataRequest, FeePayment, FeeQuote
from datarequests.reasons import coded
from datarequests.selectors import payment_details_of
from datarequests.services.fees import _proceed
from datarequests.services.transitions import _locked

if TYPE_CHECKING:
    from accounts.models import User

NO_REFERENCE = _("Give the payment reference shown on the bank statement.")
NOT_AN_AMOUNT = _("Write the amount received as a number, such as 50.00.")
WRONG_CURRENCY = _(
    "The payment is in %(paid)s but the quote is in %(quoted)s: record it once it is "
    "converted, or ask the requester to pay in %(quoted)s."
)
WRONG_AMOUNT = _(
    "The payment of %(paid)s %(currency)s does not match the quote of %(quoted)s "
    "%(currency)s. Record the payment only once the full amount has arrived."
)


@transaction.atomic
def fee_payment_record(
    *,
    request_id: int,
    actor: User,
    amount: str,
    currency: str,
    reference: str,
    now: datetime,
) -> DataRequest:
    """Record the payment of a quoted fee; it must match the quote's amount and currency.
    The quote is then paid, work resumes, and the requester gets a receipt."""
    reference = (reference or "").strip()
    currency = (currency or "").strip().upper()
    errors = {}
    try:
        paid = Decimal((amount or "").strip().replace(",", ""))
        if not paid.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        paid = None
        errors["amount"] = NOT_AN_AMOUNT
    if not reference:
        errors["reference"] = NO_REFERENCE
    if errors:
        raise ValidationError(errors)
    request = _locked(request_id, "paid")
    quote = request.fee_quote
    if currency and currency != quote.currency:
        raise ValidationError(
            {"currency": WRONG_CURRENCY % {"paid": currency, "quoted": quote.currency}}
        )
    if paid != quote.amount:
        raise ValidationError(
            {
                "amount": WRONG_AMOUNT
                % {
                    "paid": f"{paid:,.2f}",
                    "quoted": f"{quote.amount:,.2f}",
                    "currency": quote.currency,
                }
            }
        )
    payment = FeePayment(
        quote=quote,
        amount=paid,
        currency=quote.currency,
        reference=reference[:100],
        actor=actor,
        recorded_at=now,
    )
    payment.full_clean()
    payment.save()
    quote.status = FeeQuote.Status.PAID
    quote.settled_at = now
    quote.settlement_note = reference[:100]
    quote.save(update_fields=["status", "settled_at", "settlement_note"])
    _proceed(
        request,
        reason=coded(
            "fee_paid_reference", amount=paid, currency=quote.currency, reference=reference
        ),
        actor=actor,
        now=now,
    )
    notify.fee_receipt(request, payment=payment)
    return request


def fee_letter_read(*, request_id: int, actor: User, now: datetime) -> bytes | None:
    """Return the fee quote as a letter to post (PDF) for staff who act on requests, and
    audit the read; None when the request has no quote awaiting payment."""
    from audit.models import Action
    from audit.services import audit_record
    from datarequests.letters import fee_quote_letter_pdf
    from datarequests.services.transitions import CHANGE

    if not (actor.is_staff and actor.has_perm(CHANGE)):
        raise PermissionDenied
    request = (
        DataRequest.objects.select_related("jurisdiction", "fee_quote", "requester")
        .filter(pk=request_id, fee_quote__status=FeeQuote.Status.QUOTED)
        .first()
    )
    if request is None:
        return None
    letter = fee_quote_letter_pdf(request=request, payment=payment_details_of(request), now=now)
    audit_record(
        actor=actor,
        action=Action.READ,
        target=f"datarequests.DataRequest:{request_id}",
        subject=request.requester,
        rows=[request_id],
        categories=["activity"],
        detail="fee letter read",
        now=now,
    )
    return letter
