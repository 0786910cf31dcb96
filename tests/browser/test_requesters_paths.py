"""The requesters' paths in a real browser: the request form's kinds, a guardian's request
with its proof, a forgotten password reset by email. Screenshots at 1280 and 390 px go to
the test's own folder."""

import re

import pytest
from django.core import mail

from datarequests.models import DataRequest, Kind, Status
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def screenshots(page, folder, name):
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/me/")


def test_the_form_shows_each_kinds_inputs_only_for_that_kind(browser_page, live_server, tmp_path):
    UserFactory(username="mei")
    page = browser_page
    sign_in(page, live_server, "mei")
    page.goto(f"{live_server.url}/requests/")
    corrections, guardian = page.locator(".for-correction"), page.locator(".for-guardian")

    assert corrections.is_hidden() and guardian.is_hidden()
    page.check("input[name=kind][value=correction]")
    assert corrections.is_visible() and guardian.is_hidden()
    options = page.locator("#id_correction_field_1 option").all_inner_texts()
    assert "Registration: last name (now: Chen)" in options
    screenshots(page, tmp_path, "correction-form")
    page.check("input[name=kind][value=access]")
    assert corrections.is_hidden() and guardian.is_hidden()


def test_a_guardian_asks_from_the_web_form_with_the_proof(browser_page, live_server, tmp_path):
    minor = UserFactory(username="little-li", birth_year=2013)
    UserFactory(username="parent")
    proof = tmp_path / "birth-certificate.pdf"
    proof.write_bytes(PDF)
    page = browser_page
    sign_in(page, live_server, "parent")
    page.goto(f"{live_server.url}/requests/")

    page.check("input[name=kind][value=guardian_deletion]")
    assert page.locator(".for-guardian").is_visible()
    page.select_option("#id_jurisdiction", "HK")
    page.fill("#id_minor", "little-li")
    page.set_input_files("#id_guardianship_document", str(proof))
    screenshots(page, tmp_path, "guardian-form")
    page.click("main form.request-form button[type=submit]")

    page.wait_for_url(re.compile(r".*/requests/\d+/$"))
    request = DataRequest.objects.get()
    assert (request.kind, request.minor_id, request.status) == (
        Kind.GUARDIAN_DELETION,
        minor.pk,
        Status.AWAITING_IDENTITY,
    )
    assert request.guardianship_document.name.startswith("guardianship/")
    screenshots(page, tmp_path, "guardian-received")


def test_a_forgotten_password_is_reset_by_email(browser_page, live_server, tmp_path, eager_tasks):
    UserFactory(username="mei", email="mei@example.com")
    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/")

    page.click("text=Forgot your password?")
    page.fill("#id_email", "mei@example.com")
    screenshots(page, tmp_path, "reset-ask")
    page.click("main button[type=submit]")
    page.wait_for_url("**/password-reset/sent/")
    link = re.search(r"https?://\S+/accounts/password-reset/\S+/\S+/", mail.outbox[0].body)
    page.goto(live_server.url + "/" + link.group(0).split("/", 3)[3])
    page.fill("#id_new_password1", "Lanterns-over-Xihu-2027")
    page.fill("#id_new_password2", "Lanterns-over-Xihu-2027")
    page.click("main button[type=submit]")
    page.wait_for_url("**/password-reset/done/")
    screenshots(page, tmp_path, "reset-done")

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "mei")
    page.fill("#id_password", "Lanterns-over-Xihu-2027")
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/me/")
    assert [m.subject for m in mail.outbox] == [
        "Set a new password for your account",
        "Your password was changed",
    ]


def test_a_lead_verified_by_code_downloads_the_export_from_the_mailed_link(
    browser_page, live_server, eager_tasks, tmp_path
):
    import io
    import zipfile
    from datetime import date

    from activity.models import Lead

    Lead.objects.create(
        event_name="Canton Fair",
        event_date=date(2025, 10, 15),
        full_name="Mei Chen",
        email="mei.chen@example.com",
    )
    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/")

    page.click("text=No account, but we may hold data about you? Ask for a copy.")
    page.fill("#id_email", "mei.chen@example.com")
    page.select_option("#id_jurisdiction", "EU")
    screenshots(page, tmp_path, "lead-ask")
    page.click("main button[type=submit]")
    page.wait_for_url("**/without-an-account/code/")
    code = re.search(r"^\s*(\d{6})\s*$", mail.outbox[0].body, re.M).group(1)
    page.fill("#id_code", code)
    page.click("main button[type=submit]")
    page.locator("text=is confirmed").wait_for()
    screenshots(page, tmp_path, "lead-confirmed")

    link = re.search(r"https?://\S+(/requests/download/\S+/)", mail.outbox[-1].body).group(1)
    with page.expect_download() as download_info:
        page.evaluate("url => { window.location.href = url; }", live_server.url + link)
    archive = zipfile.ZipFile(io.BytesIO(download_info.value.path().read_bytes()))
    assert "Canton Fair" in archive.read("csv/activity.Lead.csv").decode()
    assert DataRequest.objects.get().status == Status.FULFILLED


def test_a_lead_known_by_phone_gets_the_code_and_the_export_link_by_sms(
    browser_page, live_server, eager_tasks, tmp_path
):
    import io
    import zipfile
    from datetime import date

    import sms

    from activity.models import Lead

    Lead.objects.create(
        event_name="Canton Fair",
        event_date=date(2025, 10, 15),
        full_name="Mei Chen",
        phone="+86 571 8888 0000",
    )
    page = browser_page
    page.goto(f"{live_server.url}/requests/without-an-account/")

    page.click("text=We know you only by your phone number? Ask with it instead.")
    assert page.locator("#id_email").count() == 0
    page.fill("#id_phone", "+86 571 8888")
    page.select_option("#id_jurisdiction", "EU")
    page.click("main button[type=submit]")
    page.locator("p.error", has_text="for example +852 9123 4567").wait_for()
    page.fill("#id_phone", "+86 571 8888 0000")
    screenshots(page, tmp_path, "phone-ask")
    page.click("main button[type=submit]")
    page.wait_for_url("**/without-an-account/code/")
    assert "+86 •••• 0000" in page.inner_text("main")
    code = re.search(r"\b(\d{6})\b", sms.outbox[0].body).group(1)
    page.fill("#id_code", code)
    page.click("main button[type=submit]")
    page.locator("text=is confirmed").wait_for()
    screenshots(page, tmp_path, "phone-confirmed")

    assert mail.outbox == []
    link = re.search(r"https?://\S+(/requests/download/\S+/)", sms.outbox[-1].body).group(1)
    with page.expect_download() as download_info:
        page.evaluate("url => { window.location.href = url; }", live_server.url + link)
    archive = zipfile.ZipFile(io.BytesIO(download_info.value.path().read_bytes()))
    assert "Canton Fair" in archive.read("csv/activity.Lead.csv").decode()
    assert DataRequest.objects.get().requester_phone == "+8657188880000"
