"""Fees can be paid: where to pay is admin data shown on the quote (page, email, letter),
staff record a payment that must match the quote, and the requester gets a receipt."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse

from audit.models import AuditEvent
from datarequests import services
from datarequests.models import (
    Channel,
    DataRequest,
    FeePayment,
    FeeQuote,
    Jurisdiction,
    Kind,
    PaymentDetails,
    Status,
)
from privacy_office import clock
from tests.conftest import verified_login
from tests.factories import UserFactory, person_with_data_in_every_category
from tests.pdf_text import letter_paragraphs

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]


@pytest.fixture(autouse=True)
def _on_a_winter_morning(time_machine):
    time_machine.move_to(datetime(2026, 11, 25, 2, 0, tzinfo=UTC))


@pytest.fixture
def hk_payee():
    return PaymentDetails.objects.create(
        jurisdiction=Jurisdiction.objects.get(code="HK"),
        payee="Zhejiang Foreign Trade Internet Ltd.",
        bank_name="HSBC Hong Kong",
        account_number="004-123-456789-001",
        bank_code="HSBCHKHHHKH",
        reference_prefix="PO-HK-",
        instructions="Charges are paid by the sender.",
    )


def hk_request(client, user, capture):
    client.force_login(user)
    with capture(execute=True):
        response = client.post(
            reverse("api-requests"),
            {"kind": "access", "jurisdiction": "HK"},
            content_type="application/json",
        )
    return DataRequest.objects.get(pk=response.json()["id"])


def pay(client, request_id, capture, **body):
    with capture(execute=True):
        return client.post(
            reverse("admin:datarequests_datarequest_act", args=[request_id, "paid"]),
            body,
            follow=True,
        )


def test_staff_enter_where_hong_kong_fees_are_paid_in_the_admin(client):
    verified_login(client, UserFactory(is_staff=True, is_superuser=True))

    response = client.post(
        reverse("admin:datarequests_paymentdetails_add"),
        {
            "jurisdiction": Jurisdiction.objects.get(code="HK").pk,
            "payee": "Zhejiang Foreign Trade Internet Ltd.",
            "bank_name": "HSBC Hong Kong",
            "account_number": "004-123-456789-001",
            "reference_prefix": "PO-HK-",
        },
    )

    assert response.status_code == 302
    assert PaymentDetails.objects.get().jurisdiction.code == "HK"


def test_a_hong_kong_fee_is_quoted_with_where_to_pay_then_paid_and_receipted(
    client, hk_payee, django_capture_on_commit_callbacks
):
    buyer = person_with_data_in_every_category()
    request = hk_request(client, buyer, django_capture_on_commit_callbacks)
    reference = f"PO-HK-{request.pk}"
    quote = request.fee_quote

    assert request.status == Status.AWAITING_PAYMENT
    quoted = mail.outbox[-1].body
    assert "Payee: Zhejiang Foreign Trade Internet Ltd." in quoted
    assert "Account number: 004-123-456789-001" in quoted
    assert f"Payment reference (quote it with the payment): {reference}" in quoted
    page = client.get(reverse("requests:detail", args=[request.pk])).content.decode()
    assert "HSBC Hong Kong" in page and f"<strong>{reference}</strong>" in page

    officer = UserFactory(is_staff=True, is_superuser=True)
    verified_login(client, officer)
    short = pay(
        client, request.pk, django_capture_on_commit_callbacks, amount="50.00", text=reference
    )
    assert (
        f"The payment of 50.00 HKD does not match the quote of {quote.amount:,.2f} HKD"
        in short.content.decode()
    )
    foreign = pay(
        client,
        request.pk,
        django_capture_on_commit_callbacks,
        amount=str(quote.amount),
        currency="USD",
        text=reference,
    )
    assert "The payment is in USD but the quote is in HKD" in foreign.content.decode()
    request.refresh_from_db()
    assert request.status == Status.AWAITING_PAYMENT and not FeePayment.objects.exists()

    paid = pay(
        client,
        request.pk,
        django_capture_on_commit_callbacks,
        amount=str(quote.amount),
        currency="HKD",
        text=reference,
    )

    assert "Done: Fee paid." in paid.content.decode()
    request.refresh_from_db()
    assert request.status == Status.FULFILLED
    assert request.fee_quote.status == FeeQuote.Status.PAID
    payment = FeePayment.objects.get()
    assert (payment.amount, payment.currency, payment.reference, payment.actor) == (
        quote.amount,
        "HKD",
        reference,
        officer,
    )
    receipt = next(m for m in mail.outbox if m.subject.startswith("Receipt"))
    assert receipt.to == [buyer.email]
    assert receipt.subject == f"Receipt for the fee of your request {request.pk}"
    assert f"We received your payment of {quote.amount} HKD" in receipt.body
    assert f"(reference {reference})" in receipt.body


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"amount": "fifty", "text": "ref"}, "Write the amount received as a number"),
        ({"amount": "NaN", "text": "ref"}, "Write the amount received as a number"),
        ({"amount": "1", "text": "  "}, "Give the payment reference"),
    ],
)
def test_a_payment_with_bad_details_is_refused(
    client, hk_payee, django_capture_on_commit_callbacks, body, message
):
    request = hk_request(
        client, person_with_data_in_every_category(), django_capture_on_commit_callbacks
    )
    verified_login(client, UserFactory(is_staff=True, is_superuser=True))

    response = pay(client, request.pk, django_capture_on_commit_callbacks, **body)

    assert message in response.content.decode()
    request.refresh_from_db()
    assert request.status == Status.AWAITING_PAYMENT
    assert not FeePayment.objects.exists()


def test_only_verified_staff_who_handle_requests_record_a_payment(
    client, hk_payee, django_capture_on_commit_callbacks
):
    buyer = person_with_data_in_every_category()
    request = hk_request(client, buyer, django_capture_on_commit_callbacks)
    body = {"amount": str(request.fee_quote.amount), "text": "ref"}
    url = reverse("admin:datarequests_datarequest_act", args=[request.pk, "paid"])

    assert client.post(url, body).status_code == 302  # the requester: sent to sign in
    client.force_login(UserFactory(is_staff=True, is_superuser=True))  # no second factor
    assert client.post(url, body).status_code == 302
    auditor = UserFactory(is_staff=True)
    auditor.user_permissions.add(Permission.objects.get(codename="view_datarequest"))
    verified_login(client, auditor)
    assert client.post(url, body).status_code == 403

    request.refresh_from_db()
    assert request.status == Status.AWAITING_PAYMENT
    assert not FeePayment.objects.exists()


def test_a_postal_requesters_quote_is_a_letter_with_where_to_pay(client, hk_payee):
    request = services.data_request_submit(
        requester=services.Requester(name="Chan Tai Man", postal_address="8 Nathan Road"),
        kind=Kind.ACCESS,
        jurisdiction_code="HK",
        channel=Channel.LETTER,
        now=clock.now(),
    )
    officer = UserFactory(is_staff=True, is_superuser=True)
    services.identity_verify(
        request_id=request.pk, actor=officer, method="HKID copy", now=clock.now()
    )
    services.fee_assess(request_id=request.pk, now=clock.now())
    verified_login(client, officer)
    url = reverse("admin:datarequests_datarequest_fee_letter", args=[request.pk])
    page = client.get(reverse("admin:datarequests_datarequest_change", args=[request.pk]))
    assert url in page.content.decode()

    letter = client.get(url)

    assert letter["Content-Type"] == "application/pdf"
    text = letter_paragraphs(letter.content)
    assert "Chan Tai Man" in text and "8 Nathan Road" in text
    assert "Zhejiang Foreign Trade Internet Ltd." in text
    assert text[-2:] == ["Privacy Officer", "Zhejiang Foreign Trade Internet Ltd."]
    assert f"PO-HK-{request.pk}" in text
    assert AuditEvent.objects.filter(actor=officer, detail="fee letter read").count() == 1
