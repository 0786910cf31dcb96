"""A letter from a person with no account, in a real browser: staff enter it, check the
identity, download the print pack, post it and record the dispatch."""

from datetime import UTC, date, datetime

import pytest

from activity.models import Lead
from datarequests.models import DataRequest, Dispatch, Status
from tests.conftest import staff_recovery_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_letter_without_an_account_ends_in_a_posted_reply(
    browser_page, live_server, staff_user, eager_tasks, tmp_path, time_machine
):
    time_machine.move_to(datetime(2026, 11, 25, 2, 0, tzinfo=UTC))  # 10:00 in Hangzhou
    Lead.objects.create(
        event_name="Canton Fair",
        event_date=date(2025, 10, 15),
        full_name="Mei Chen",
        email="mei.chen@example.com",
    )
    page = browser_page
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", "officer")
    page.fill("#id_password", "correct horse battery")
    page.fill("#id_otp_token", staff_recovery_code(staff_user))
    page.click("input[type=submit]")

    page.goto(f"{live_server.url}/admin/datarequests/datarequest/add/")
    page.select_option("#id_kind", "access")
    page.select_option("#id_jurisdiction", label="CN (PIPL Arts. 44-50)")
    page.fill("#id_requester_name", "Mei Chen")
    page.fill("#id_requester_email", "mei.chen@example.com")
    page.fill("#id_postal_address", "12 West Lake Road\nHangzhou 310000")
    page.select_option("#id_language", "en")
    page.fill("#id_envelope_date", "2026-11-20")
    page.click("input[name=_save]")
    request = DataRequest.objects.get()

    page.goto(f"{live_server.url}/admin/datarequests/datarequest/{request.pk}/change/")
    page.fill("form[action$='/act/verify/'] textarea", "ID card copy enclosed")
    page.click("input[value='Identity checked']")
    page.locator("text=Download the print pack").wait_for()
    request.refresh_from_db()
    assert request.status == Status.AWAITING_DISPATCH
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(tmp_path / f"postal-reply-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    with page.expect_download() as download_info:
        page.click("text=Download the print pack")
    assert download_info.value.path().read_bytes().startswith(b"%PDF")

    page.fill("input[name=dispatched_on]", "2026-11-25")
    page.select_option("select[name=method]", "registered")
    page.fill("input[name=tracking]", "RR123456789CN")
    page.click("input[value='Reply posted']")

    page.locator("text=Done: Reply posted.").wait_for()
    request.refresh_from_db()
    assert request.status == Status.FULFILLED
    assert Dispatch.objects.get(request=request).tracking == "RR123456789CN"
    assert "Posted on 2026-11-25 by Registered post" in page.content()
