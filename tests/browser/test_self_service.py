import pytest

from accounts.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_registers_and_sees_their_data(browser_page, live_server):
    page = browser_page
    page.goto(f"{live_server.url}/accounts/register/")
    page.fill("#id_username", "meichen")
    page.fill("#id_password", "Lanterns-over-Xihu-2026")
    page.fill("#id_password_again", "Lanterns-over-Xihu-2026")
    page.fill("#id_first_name", "Mei")
    page.fill("#id_last_name", "Chen")
    page.fill("#id_email", "mei.chen@example.com")
    page.fill("#id_phone", "+86 571 8888 0000")
    page.fill("#id_birth_year", "1990")
    page.fill("#id_country", "CN")
    page.click("main button[type=submit]")

    page.wait_for_url("**/accounts/me/")
    assert page.locator("h1").inner_text() == "Everything we hold about you"
    registration = page.locator("section#registration")
    assert "mei.chen@example.com" in registration.inner_text()
    assert "Free" in registration.inner_text()
    assert User.objects.filter(username="meichen").exists()


def test_a_minor_is_refused_with_the_reason_on_the_page(browser_page, live_server):
    page = browser_page
    page.goto(f"{live_server.url}/accounts/register/")
    for field, value in {
        "username": "young",
        "password": "Lanterns-over-Xihu-2026",
        "password_again": "Lanterns-over-Xihu-2026",
        "first_name": "Xiao",
        "last_name": "Li",
        "email": "young@example.com",
        "phone": "+86 571 0000 0000",
        "birth_date": "2015-06-01",
        "country": "CN",
    }.items():
        page.fill(f"#id_{field}", value)
    page.click("main button[type=submit]")

    alert = page.get_by_role("alert")
    assert "You must be 18 or older to register" in alert.inner_text()
    assert page.input_value("#id_email") == "young@example.com"  # nothing typed is lost
    assert not User.objects.filter(username="young").exists()
