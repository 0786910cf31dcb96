"""In a real browser: a Hong Kong fee quoted with where to pay, paid and receipted; an overdue
request escalated to its assignee, who finds it on the staff home and on the request page."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from playwright.sync_api import expect

from accounts.roles import PRIVACY_OFFICER, REQUEST_HANDLER
from datarequests import services
from datarequests.models import (
    Channel,
    DataRequest,
    FeePayment,
    InternalNote,
    Jurisdiction,
    Kind,
    PaymentDetails,
    Status,
)
from privacy_office import clock
from tests.conftest import STAFF_PASSWORD, staff_signs_in
from tests.factories import PASSWORD, UserFactory, person_with_data_in_every_category

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _a_wednesday_in_hong_kong(time_machine):
    time_machine.move_to(datetime(2026, 11, 25, 2, 0, tzinfo=UTC))


def _staff_page(browser_page, live_server, user):
    page = browser_page.context.browser.new_page()
    staff_signs_in(page, live_server, user)
    return page


def _both_widths(page, folder, name):
    for width, height in ((1280, 800), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        path = folder / f"{name}-{width}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 0
    page.set_viewport_size({"width": 1280, "height": 800})


def test_a_hong_kong_fee_is_quoted_paid_and_receipted(
    browser_page, live_server, staff_user, eager_tasks, tmp_path
):
    PaymentDetails.objects.create(
        jurisdiction=Jurisdiction.objects.get(code="HK"),
        payee="Zhejiang Foreign Trade Internet Ltd.",
        bank_name="HSBC Hong Kong",
        account_number="004-123-456789-001",
        bank_code="HSBCHKHHHKH",
        reference_prefix="PO-HK-",
    )
    buyer = person_with_data_in_every_category(UserFactory(username="chan"))
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "chan")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/me/")
    page.click("text=My requests")
    page.check("input[value=access]")
    page.select_option("#id_jurisdiction", "HK")
    page.click("main button[type=submit]")
    page.wait_for_url("**/requests/*/")

    request = DataRequest.objects.get(requester=buyer)
    reference = f"PO-HK-{request.pk}"
    quote = request.fee_quote
    assert request.status == Status.AWAITING_PAYMENT
    main = page.locator("main")
    expect(main.get_by_text("Zhejiang Foreign Trade Internet Ltd.", exact=True)).to_be_visible()
    expect(main.get_by_text("004-123-456789-001", exact=True)).to_be_visible()
    expect(main.locator("strong", has_text=reference).first).to_be_visible()
    _both_widths(page, tmp_path, "fee-quoted")

    staff = _staff_page(browser_page, live_server, staff_user)
    staff.goto(f"{live_server.url}/admin/datarequests/datarequest/{request.pk}/change/")
    paid_form = staff.locator("#request-actions form", has=staff.locator("input[value='Fee paid']"))
    paid_form.locator("input[name=amount]").fill("1.00")  # not what was quoted: refused
    paid_form.locator("textarea[name=text]").fill(reference)
    paid_form.locator("input[type=submit]").click()
    expect(staff.get_by_text("does not match the quote")).to_be_visible()
    assert not FeePayment.objects.exists()

    paid_form = staff.locator("#request-actions form", has=staff.locator("input[value='Fee paid']"))
    paid_form.locator("input[name=amount]").fill(str(quote.amount))
    paid_form.locator("textarea[name=text]").fill(reference)
    paid_form.locator("input[type=submit]").click()
    expect(staff.get_by_text("Done: Fee paid.")).to_be_visible()
    _both_widths(staff, tmp_path, "fee-paid-staff")

    payment = FeePayment.objects.get()
    assert (payment.amount, payment.currency, payment.reference) == (
        quote.amount,
        "HKD",
        reference,
    )
    receipt = next(m for m in mail.outbox if m.subject.startswith("Receipt"))
    assert receipt.to == [buyer.email]
    assert f"(reference {reference})" in receipt.body
    page.reload()
    expect(page.locator("p.status")).not_to_contain_text("Awaiting payment")
    _both_widths(page, tmp_path, "fee-receipted")


def test_an_overdue_request_escalates_to_its_assignee_once_a_day(
    browser_page, live_server, staff_user, tmp_path
):
    handler = UserFactory(username="handler-li", is_staff=True, email="li@example.com")
    handler.set_password(STAFF_PASSWORD)
    handler.save()
    handler.groups.add(Group.objects.get(name=REQUEST_HANDLER))
    staff_user.groups.add(Group.objects.get(name=PRIVACY_OFFICER))  # the officer is told too
    request = services.data_request_submit(
        requester=services.Requester(name="Wong Siu Ming", postal_address="8 Nathan Road"),
        kind=Kind.ACCESS,
        jurisdiction_code="HK",
        channel=Channel.LETTER,
        now=clock.now(),
    )
    DataRequest.objects.filter(pk=request.pk).update(
        assignee=handler, due_at=datetime(2026, 11, 20, 15, 59, tzinfo=UTC)
    )

    # What beat runs every day, twice today: one escalation, one email per recipient.
    assert services.requests_escalate(now=clock.now()) == {"warned": 0, "escalated": 1}
    assert services.requests_escalate(now=clock.now()) == {"warned": 0, "escalated": 0}
    escalations = [m for m in mail.outbox if f"Data request {request.pk}:" in m.subject]
    assert len(escalations) == 1
    assert "li@example.com" in escalations[0].to and "officer@example.com" in escalations[0].to
    assert "days overdue: 5" in escalations[0].subject

    page = _staff_page(browser_page, live_server, handler)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.wait_for_url("**/admin/")
    overdue = page.locator("#desk-cards a.desk-card.alert", has_text="overdue")
    expect(overdue.locator(".n")).to_have_text("1")  # the card is red, with this request
    expect(page.locator("#desk-cards a", has_text="my open requests").locator(".n")).to_have_text(
        "1"
    )
    _both_widths(page, tmp_path, "escalation-home")
    page.goto(f"{live_server.url}/admin/datarequests/datarequest/{request.pk}/change/")
    notes = page.locator("#internal-notes")
    expect(notes.get_by_text("days overdue: 5")).to_be_visible()
    _both_widths(page, tmp_path, "escalation-request")
    assert (
        InternalNote.objects.filter(request=request, type=InternalNote.Type.ESCALATED).count() == 1
    )
