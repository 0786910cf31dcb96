"""Cookie consent (policy E) on real responses: nothing optional before consent, withdrawal
as easy as consent, a new declarations version asks again, GPC honoured, records as proof."""

import hashlib
from datetime import timedelta

import pytest
from django.db import DatabaseError, transaction
from django.urls import reverse

from cookies.models import ConsentRecord, CookieCategory, CookieDeclaration, UndeclaredCookie
from cookies.selectors import consent_current
from privacy_office import clock
from tests.conftest import as_owner, verified_login
from tests.factories import PASSWORD, UserFactory

# Transactional: the current consent is cached when the record's transaction commits.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.urls("tests.cookies.urls")]

NECESSARY = {"po_visitor", "csrftoken", "sessionid", "django_language", "messages"}
OPTIONAL = ["identification", "statistics", "ad_targeting", "partner_tracking", "promotions"]


def set_cookies(response) -> set[str]:
    """Names the response asks the browser to keep (deletions excluded)."""
    return {name for name, morsel in response.cookies.items() if morsel["max-age"] != 0}


def deleted_cookies(response) -> set[str]:
    return {name for name, morsel in response.cookies.items() if morsel["max-age"] == 0}


def decide(client, action, **choices):
    data = {
        "action": action,
        "source": "banner",
        "next": "/",
        **{k: "on" for k, v in choices.items() if v},
    }
    return client.post(reverse("cookies:consent"), data, HTTP_USER_AGENT="Firefox/133")


def test_a_first_visit_sets_only_necessary_cookies_and_shows_the_banner(client):
    home = client.get("/")
    page = client.get("/test/sets-cookies/")

    assert "po_stats" not in set_cookies(home)
    assert set_cookies(home) <= NECESSARY
    assert "po_visitor" in set_cookies(home)
    assert 'id="cookie-banner"' in home.content.decode()
    assert set_cookies(page) & {"po_stats", "_ad_interest", "_partner_ref", "po_promo"} == set()


def test_accepting_all_lets_every_declared_cookie_through(client):
    client.get("/")
    decide(client, "accept")

    home = client.get("/")
    page = client.get("/test/sets-cookies/")

    assert "po_stats" in set_cookies(home)
    assert {"po_stats", "_ad_interest", "_partner_ref", "po_promo"} <= set_cookies(page)
    assert 'id="cookie-banner"' not in home.content.decode()


def test_rejecting_removes_optional_cookies_on_the_next_response(client):
    client.get("/")
    decide(client, "accept")
    client.get("/")
    assert client.cookies["po_stats"].value == "1"

    rejected = decide(client, "reject")
    after = client.get("/")

    assert "po_stats" in deleted_cookies(rejected)  # the very response that records the choice
    assert client.cookies["po_stats"].value == ""
    assert "po_stats" not in set_cookies(after)


def test_choosing_by_category_keeps_exactly_those(client):
    client.get("/")
    decide(client, "save", statistics=True)

    page = client.get("/test/sets-cookies/")

    assert set_cookies(page) & {"po_stats", "_ad_interest", "_partner_ref", "po_promo"} == {
        "po_stats"
    }


def test_a_change_to_the_declarations_asks_again_and_stops_optional_cookies(client):
    client.get("/")
    decide(client, "accept")
    assert "po_stats" in set_cookies(client.get("/"))

    CookieDeclaration.objects.create(
        name="po_new",
        category=CookieCategory.objects.get(code="statistics"),
        purpose="A new statistics cookie.",
        lifetime="1 day",
    )
    home = client.get("/")

    assert 'id="cookie-banner"' in home.content.decode()
    assert "po_stats" not in set_cookies(home)


def test_consent_is_asked_again_after_12_months(client):
    client.get("/")
    decide(client, "accept")
    record = ConsentRecord.objects.get()
    later = record.created_at + timedelta(days=366)

    from cookies.selectors import consent_needed

    consent = consent_current(visitor_id=record.visitor_id)
    assert not consent_needed(consent, now=record.created_at + timedelta(days=364))
    assert consent_needed(consent, now=later)


def test_gpc_refuses_ad_targeting_and_partner_tracking_unless_opted_in_after(client):
    client.get("/")
    decide(client, "accept")

    with_gpc = client.get("/test/sets-cookies/", HTTP_SEC_GPC="1")
    records = list(ConsentRecord.objects.order_by("created_at", "pk"))
    opted_in_again = client.post(
        reverse("cookies:consent"),
        {"action": "accept", "source": "centre", "next": "/"},
        HTTP_SEC_GPC="1",
    )
    after_opt_in = client.get("/test/sets-cookies/", HTTP_SEC_GPC="1")

    assert set_cookies(with_gpc) & {"_ad_interest", "_partner_ref"} == set()
    assert {"po_stats", "po_promo"} <= set_cookies(with_gpc)
    assert [r.method for r in records] == ["banner_accept", "gpc"]
    assert records[1].choices["ad_targeting"] is False
    assert opted_in_again.status_code == 302
    assert {"_ad_interest", "_partner_ref"} <= set_cookies(after_opt_in)


def test_gpc_without_a_decision_refuses_ads_in_the_api(client):
    client.get("/")
    client.put(
        reverse("api-cookie-consent"),
        {"choices": dict.fromkeys(OPTIONAL, True)},
        content_type="application/json",
    )

    answer = client.get(reverse("api-cookie-consent"), HTTP_SEC_GPC="1").json()

    assert answer["choices"]["ad_targeting"] is False
    assert answer["choices"]["statistics"] is True
    assert answer["gpc"] is True


def test_a_record_holds_every_field_of_the_proof(client):
    user = UserFactory()
    client.force_login(user)
    client.get("/")
    decide(client, "save", statistics=True, promotions=True)

    record = ConsentRecord.objects.get()

    assert record.visitor_id == client.cookies["po_visitor"].value
    assert record.user == user
    assert record.choices == {
        "necessary": True,
        "identification": False,
        "statistics": True,
        "ad_targeting": False,
        "partner_tracking": False,
        "promotions": True,
    }
    assert len(record.declarations_version) == 12
    assert record.policy_version == "2018-11-02"
    assert record.method == "banner_save"
    assert record.ip_truncated == "127.0.0.0"
    assert len(record.user_agent_hash) == 64 and "Firefox" not in record.user_agent_hash
    assert record.created_at <= clock.now()


def test_records_cannot_be_changed_or_deleted_anywhere(client):
    client.get("/")
    decide(client, "accept")
    record = ConsentRecord.objects.get()
    verified_login(client, UserFactory(is_staff=True, is_superuser=True))

    change = client.post(reverse("admin:cookies_consentrecord_change", args=[record.pk]), {})
    delete = client.post(
        reverse("admin:cookies_consentrecord_delete", args=[record.pk]), {"post": "yes"}
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        ConsentRecord.objects.filter(pk=record.pk).update(choices={})
    with pytest.raises(DatabaseError), transaction.atomic():
        ConsentRecord.objects.filter(pk=record.pk).delete()

    assert change.status_code == 403
    assert delete.status_code == 403
    assert ConsentRecord.objects.get(pk=record.pk).choices["statistics"] is True


def test_signing_in_links_the_visitor_so_choices_follow_the_user(client):
    user = UserFactory()
    client.get("/")
    decide(client, "save", statistics=True)  # anonymous
    client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})

    other_browser = client.__class__()
    other_browser.force_login(user)
    page = other_browser.get("/test/sets-cookies/")

    assert "po_stats" in set_cookies(page)
    assert "_ad_interest" not in set_cookies(page)


def test_a_persons_consent_history_is_in_their_data(client):
    user = UserFactory()
    client.get("/")
    decide(client, "reject")
    client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})

    data = client.get(reverse("api-my-data")).json()

    browsing = next(c for c in data["categories"] if c["category"] == "browsing")
    consent = next(m for m in browsing["models"] if m["model"] == "cookies.ConsentRecord")
    assert consent["rows"][0]["method"] == "Banner: reject all"


def test_an_undeclared_cookie_is_reported_to_staff(client, caplog):
    client.get("/test/sets-cookies/")

    assert UndeclaredCookie.objects.get().name == "mystery_tracker"
    assert "Undeclared cookie mystery_tracker" in caplog.text


def test_categories_api_lists_each_category_with_its_cookies(client):
    categories = client.get(reverse("api-cookie-categories")).json()

    assert [c["code"] for c in categories] == ["necessary", *OPTIONAL]
    statistics = next(c for c in categories if c["code"] == "statistics")
    assert statistics["cookies"][0]["name"] == "po_stats"
    assert categories[0]["always_on"] is True


def test_consent_api_records_and_reads_choices(client):
    put = client.put(
        reverse("api-cookie-consent"),
        {"choices": {"statistics": True}},
        content_type="application/json",
    )
    get = client.get(reverse("api-cookie-consent")).json()

    assert put.status_code == 200
    assert get["choices"] == {
        "necessary": True,
        "identification": False,
        "statistics": True,
        "ad_targeting": False,
        "partner_tracking": False,
        "promotions": False,
    }
    assert get["needs_consent"] is False
    assert ConsentRecord.objects.get().method == "api"


def test_a_visitors_decision_is_one_insert_and_is_read_back_from_the_cache(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(reverse("api-cookie-consent"))  # the visitor's cookie, and the caches warm
    with CaptureQueriesContext(connection) as captured:
        put = client.put(
            reverse("api-cookie-consent"),
            {"choices": {"ad_targeting": True}},
            content_type="application/json",
        )

    assert put.status_code == 200
    assert [q["sql"].split()[0] for q in captured.captured_queries] == ["INSERT"]
    visitor = client.cookies["po_visitor"].value
    assert consent_current(visitor_id=visitor).choices["ad_targeting"] is True
    assert ConsentRecord.objects.get(visitor_id=visitor).choices["ad_targeting"] is True


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"choices": {"tracking": True}}, "Unknown cookie categories: tracking."),
        ({"choices": {"statistics": "yes"}}, "Each choice must be true or false."),
        ({"statistics": True}, 'Send {"choices"'),
    ],
)
def test_consent_api_refuses_bad_input(client, body, message):
    response = client.put(reverse("api-cookie-consent"), body, content_type="application/json")

    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert not ConsentRecord.objects.exists()


def test_staff_see_rates_per_category_and_export_records_as_proof(client):
    client.get("/")
    decide(client, "save", statistics=True)
    verified_login(client, UserFactory(is_staff=True, is_superuser=True))

    statistics = client.get(reverse("admin:cookies_statistics"))
    export = client.post(
        reverse("admin:cookies_consentrecord_changelist"),
        {"action": "export_as_proof", "_selected_action": [ConsentRecord.objects.get().pk]},
    )

    assert statistics.status_code == 200
    rates = dict(statistics.context["weeks"][0].rates)
    assert rates["Statistics"] == 100 and rates["Ad targeting"] == 0
    assert export["Content-Type"].startswith("text/csv")
    assert "banner_save" in export.content.decode()


def test_a_shared_browser_never_hands_one_users_records_or_choices_to_another(client):
    alice, bob = UserFactory(), UserFactory()
    client.get("/")
    client.post(reverse("accounts:login"), {"username": alice.username, "password": PASSWORD})
    decide(client, "accept")
    client.post(reverse("accounts:logout"))
    client.post(reverse("accounts:login"), {"username": bob.username, "password": PASSWORD})

    page = client.get("/test/sets-cookies/")
    data = client.get(reverse("api-my-data")).content.decode()

    assert set_cookies(page) & {"po_stats", "_ad_interest"} == set()
    assert "banner_accept" not in data and "Banner: accept all" not in data


def test_a_shared_computer_sign_in_does_not_adopt_the_browsers_choices(client):
    user = UserFactory()
    client.get("/")
    decide(client, "accept")  # someone before, anonymously
    client.post(
        reverse("accounts:login"),
        {"username": user.username, "password": PASSWORD, "shared_computer": "on"},
    )

    data = client.get(reverse("api-my-data")).content.decode()

    assert "Banner: accept all" not in data


def test_a_withdrawal_on_one_device_reaches_the_users_other_devices(client):
    user = UserFactory()
    laptop, phone = client, client.__class__()
    laptop.force_login(user)
    phone.force_login(user)
    laptop.get("/")
    decide(laptop, "accept")
    assert "_ad_interest" in set_cookies(laptop.get("/test/sets-cookies/"))

    phone.get("/")
    decide(phone, "reject")

    assert set_cookies(laptop.get("/test/sets-cookies/")) & {"_ad_interest", "po_stats"} == set()


def test_gpc_does_not_renew_an_expired_consent(client):
    from datetime import timedelta as days

    client.get("/")
    decide(client, "accept")
    record = ConsentRecord.objects.get()
    with (
        as_owner(),
        transaction.atomic(),
        __import__("pgtrigger").ignore("cookies.ConsentRecord:consent_records_append_only"),
    ):
        ConsentRecord.objects.filter(pk=record.pk).update(
            created_at=record.created_at - days(days=400)
        )
    from django.core.cache import cache

    cache.clear()

    page = client.get("/test/sets-cookies/", HTTP_SEC_GPC="1")

    assert ConsentRecord.objects.count() == 1
    assert set_cookies(page) & {"po_stats", "po_promo"} == set()


def test_gpc_with_choices_naming_a_removed_category_still_answers(client):
    client.get("/")
    decide(client, "accept")
    CookieDeclaration.objects.filter(category__code="promotions").delete()
    CookieCategory.objects.filter(code="promotions").delete()

    page = client.get("/test/sets-cookies/", HTTP_SEC_GPC="1")

    assert page.status_code == 200
    assert ConsentRecord.objects.count() == 1  # the change asks again; nothing to withdraw
    assert set_cookies(page) & {"_ad_interest", "_partner_ref"} == set()


def test_the_browser_hash_in_a_consent_record_is_keyed(client, settings):
    from cookies.services import hash_user_agent

    agent = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
    client.put(
        reverse("api-cookie-consent"),
        {"choices": {"statistics": True}},
        content_type="application/json",
        HTTP_USER_AGENT=agent,
    )
    stored = ConsentRecord.objects.get().user_agent_hash

    # a list of common user agents hashed without the key does not find it
    assert stored != hashlib.sha256(agent.encode()).hexdigest()
    assert stored == hash_user_agent(agent)  # the same browser gives the same proof
    settings.FIELD_BLIND_INDEX_KEY = "another key of at least thirty-two characters"
    assert hash_user_agent(agent) != stored
