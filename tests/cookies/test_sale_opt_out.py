"""Opting out of the sale or sharing of personal information (CCPA §1798.120, §1798.135):
the "Do not sell or share" page and a signed-in user's Global Privacy Control signal refuse
ad targeting and partner tracking, are recorded as consent decisions are, are remembered on
the account (every browser it signs in on) and shown in My data."""

import pytest
from django.urls import reverse

from cookies.models import ConsentRecord, SaleOptOut
from tests.cookies.test_consent import decide, set_cookies
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.urls("tests.cookies.urls")]

ADS = {"_ad_interest", "_partner_ref"}


def test_a_signed_in_users_gpc_signal_is_remembered_on_the_account_for_every_browser(client):
    person = UserFactory()
    client.force_login(person)
    client.get("/")
    decide(client, "accept")

    client.get("/test/sets-cookies/", HTTP_SEC_GPC="1")
    other_browser = client.__class__()
    other_browser.force_login(person)
    other_browser.get("/")
    without_signal = other_browser.get("/test/sets-cookies/")

    opt_out = SaleOptOut.objects.get(user=person)
    assert opt_out.source == "gpc"
    assert ConsentRecord.objects.filter(user=person, method="gpc", gpc=True).count() == 1
    assert set_cookies(without_signal) & ADS == set()
    assert "po_stats" in set_cookies(without_signal)


def test_the_do_not_sell_page_opts_out_records_it_and_my_data_shows_it(client):
    person = UserFactory()
    client.force_login(person)
    client.get("/")
    decide(client, "accept")

    page = client.get(reverse("cookies:do-not-sell"))
    client.post(reverse("cookies:do-not-sell"))
    after = client.get("/test/sets-cookies/")
    again = client.get(reverse("cookies:do-not-sell")).content.decode()
    my_data = client.get(reverse("accounts:my-data")).content.decode()

    assert '<button type="submit">Opt out</button>' in page.content.decode()
    assert SaleOptOut.objects.get(user=person).source == "form"
    record = ConsentRecord.objects.filter(user=person).order_by("-created_at", "-pk").first()
    assert record.method == "opt_out_sale"
    assert record.choices["ad_targeting"] is False and record.choices["statistics"] is True
    assert set_cookies(after) & ADS == set()
    assert "You have opted out" in again
    assert "Opt-outs of sale or sharing" in my_data


def test_an_anonymous_visitor_opts_out_for_this_browser_only(client):
    client.get("/")
    decide(client, "accept")

    client.post(reverse("cookies:do-not-sell"))
    after = client.get("/test/sets-cookies/")

    assert not SaleOptOut.objects.exists()
    assert ConsentRecord.objects.filter(method="opt_out_sale").count() == 1
    assert set_cookies(after) & ADS == set()


def test_choosing_ad_cookies_again_is_the_opt_in_that_lifts_the_account_opt_out(client):
    person = UserFactory()
    client.force_login(person)
    client.get("/")
    client.post(reverse("cookies:do-not-sell"))

    decide(client, "accept")
    after = client.get("/test/sets-cookies/")

    assert not SaleOptOut.objects.filter(user=person).exists()
    assert set_cookies(after) >= ADS
