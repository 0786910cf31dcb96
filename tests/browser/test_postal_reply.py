"""A letter from a person with no account, in a real browser: staff enter it, check the
identity, download the print pack, post it and record the dispatch."""

from datetime import UTC, date, datetime

import pytest

from activity.models import Lead
from datarequests.models import DataRequest, Dispatch, SentMessage, Status
from tests.conftest import staff_signs_in
from tests.pdf_text import letter_paragraphs

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
    staff_signs_in(page, live_server, staff_user)

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


def test_a_letter_without_an_account_or_email_gets_an_ask_by_letter_then_the_reply(
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
    staff_signs_in(page, live_server, staff_user)

    page.goto(f"{live_server.url}/admin/datarequests/datarequest/add/")
    page.select_option("#id_kind", "access")
    page.select_option("#id_jurisdiction", label="CN (PIPL Arts. 44-50)")
    page.fill("#id_requester_name", "Mei Chen")
    page.fill("#id_postal_address", "12 West Lake Road\nHangzhou 310000")
    page.select_option("#id_language", "en")
    page.fill("#id_envelope_date", "2026-11-20")
    page.click("input[name=_save]")
    request = DataRequest.objects.get()
    assert request.requester_email == ""

    # No ID enclosed: staff ask for it, by letter, since there is no email address.
    page.goto(f"{live_server.url}/admin/datarequests/datarequest/{request.pk}/change/")
    page.fill("form[action$='/act/ask_identity/'] textarea", "A copy of your ID card, both sides.")
    page.click("input[value='Ask the requester for proof of identity']")
    page.locator("#request-letters-to-post").wait_for()
    letter = SentMessage.objects.get(request=request, key="asked")
    assert (letter.channel, letter.posted_on) == ("letter", None)

    page.goto(f"{live_server.url}/admin/")
    page.locator("#letters-to-post").wait_for()
    assert "letters to post" in page.locator("#letters-to-post").inner_text()
    page.click("#letters-to-post")
    page.locator(f"#letter-{letter.pk}").wait_for()
    assert "West Lake" not in page.content()  # the queue masks the address
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(tmp_path / f"letters-to-post-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    with page.expect_download() as download_info:
        page.click(f"#letter-{letter.pk} >> text=Download the letter")
    text = letter_paragraphs(download_info.value.path().read_bytes())
    assert f"Our reference: request {request.pk}" in text
    assert "A copy of your ID card, both sides." in " ".join(text)

    row = page.locator(f"#letter-{letter.pk}")
    row.locator("input[name=posted_on]").fill("2026-11-25")
    row.locator("select[name=method]").select_option("post")
    row.locator("input[value='Letter posted']").click()
    page.click("input[value='Yes: the letter was posted']")
    page.locator("text=Letter recorded as posted.").wait_for()
    letter.refresh_from_db()
    assert letter.posted_on == date(2026, 11, 25)

    # The ID arrives; staff check it; the reply is printed and posted.
    page.goto(f"{live_server.url}/admin/datarequests/datarequest/{request.pk}/change/")
    assert "Posted on 2026-11-25 by Ordinary post" in page.content()
    page.click('input[value="The requester\'s answer arrived"]')
    page.locator("text=Done:").wait_for()
    page.fill("form[action$='/act/verify/'] textarea", "ID card copy received by post")
    page.click("input[value='Identity checked']")
    page.locator("text=Download the print pack").wait_for()
    request.refresh_from_db()
    assert request.status == Status.AWAITING_DISPATCH
    page.fill("input[name=dispatched_on]", "2026-11-25")
    page.select_option("select[name=method]", "post")
    page.click("input[value='Reply posted']")
    page.locator("text=Done: Reply posted.").wait_for()
    request.refresh_from_db()
    assert request.status == Status.FULFILLED
    assert Dispatch.objects.filter(request=request).exists()
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(tmp_path / f"postal-letters-done-{width}.png"), full_page=True)
