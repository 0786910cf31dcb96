import io
import zipfile

import pytest

from tests.factories import PASSWORD, UserFactory, person_with_data_in_every_category

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_user_asks_for_their_data_and_downloads_it(browser_page, live_server, eager_tasks):
    user = person_with_data_in_every_category(UserFactory(username="mei"))
    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "mei")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/me/")

    page.click("text=My requests")
    page.check("input[value=access]")
    page.select_option("#id_jurisdiction", "EU")
    page.click("main button[type=submit]")

    page.wait_for_url("**/requests/*/")
    assert "Fulfilled" in page.locator("p.status").inner_text()
    with page.expect_download() as download_info:
        page.click("text=Download my data (zip)")
    archive = zipfile.ZipFile(io.BytesIO(download_info.value.path().read_bytes()))
    assert "letter.pdf" in archive.namelist()
    assert user.email in archive.read("data.json").decode()
