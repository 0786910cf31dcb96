import pytest

from tests.conftest import staff_recovery_code
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NECESSARY = {"po_visitor", "csrftoken", "sessionid", "django_language", "messages"}


def jar(page) -> set[str]:
    return {cookie["name"] for cookie in page.context.cookies()}


def test_reject_then_choose_in_the_preference_centre_and_staff_see_the_records(
    browser_page, live_server
):
    page = browser_page
    page.goto(f"{live_server.url}/")
    banner = page.locator("#cookie-banner")
    assert banner.is_visible()
    accept, reject = (
        banner.get_by_role("button", name="Accept all"),
        banner.get_by_role("button", name="Reject all"),
    )
    assert accept.bounding_box()["width"] == reject.bounding_box()["width"]  # equally prominent

    reject.click()
    page.goto(f"{live_server.url}/")
    assert not page.locator("#cookie-banner").is_visible()
    assert jar(page) <= NECESSARY

    page.click("text=Cookie preferences")
    page.check("input[name=statistics]")
    page.click("button[value=save]")
    page.goto(f"{live_server.url}/")
    assert "po_stats" in jar(page)
    assert jar(page) - NECESSARY == {"po_stats"}

    staff = UserFactory(username="officer2", is_staff=True, is_superuser=True)
    admin = page.context.browser.new_page()
    admin.goto(f"{live_server.url}/admin/cookies/consentrecord/")
    admin.fill("#id_username", staff.username)
    admin.fill("#id_password", PASSWORD)
    admin.fill("#id_otp_token", staff_recovery_code(staff))
    admin.click("input[type=submit]")
    admin.wait_for_selector("#result_list")
    rows = admin.locator("#result_list tbody tr")
    assert rows.count() == 2
    assert "Preference centre" in rows.nth(0).inner_text()
    assert "Banner: reject all" in rows.nth(1).inner_text()
