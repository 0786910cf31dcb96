import pytest
from playwright.sync_api import expect

from tests.conftest import staff_signs_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_signs_in_and_reads_the_data_map(browser_page, live_server, staff_user):
    page = browser_page
    staff_signs_in(page, live_server, staff_user)

    page.click("text=Data map")

    assert page.locator("h1").inner_text() == "Data map"
    email_row = page.locator("tr").filter(has=page.get_by_text("accounts.User.email", exact=True))
    assert "B1B3B4B5B7" in email_row.inner_text().replace("\t", "").replace(" ", "")
    page.click("text=Browsing information (A.6)")
    expect(page.locator("code", has_text="accounts.User.last_login")).to_be_visible()
    assert page.get_by_text("accounts.User.email", exact=True).count() == 0
