"""Staff permissions hold only in a session verified by a second factor, on every door."""

import pytest
from django.urls import reverse
from django.utils import translation

from activity.models import PageView
from disclosures.models import Disclosure, Recipient
from privacy_office import clock
from privacy_office.second_factor import SECOND_FACTOR_NEEDED
from tests.conftest import verified_login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEEDED = str(SECOND_FACTOR_NEEDED)


def officer():
    return UserFactory(is_staff=True, is_superuser=True)


def page_view():
    return {
        "viewed_at": clock.now().isoformat(),
        "visitor_id": "visitor-9",
        "path": "/products/led",
        "ip_address": "198.51.100.4",
        "browser": "Firefox 133",
        "operating_system": "Ubuntu",
    }


def disclosure(subject):
    recipient = Recipient.objects.create(
        code="sf",
        organisation="SF Express",
        kind=Recipient.Kind.SERVICE_PROVIDER,
        service="…",
        jurisdiction="CN",
        confidentiality_agreed_on=clock.today(),
    )
    return {
        "recipient": recipient.code,
        "subject_id": subject.pk,
        "categories": ["registration"],
        "purpose": "B5",
        "disclosed_at": clock.now().isoformat(),
        "reference": "order 77",
    }


@pytest.mark.parametrize(
    "name",
    [
        "admin:index",
        "admin:datamap",
        "admin:datarequests_dashboard",
        "admin:accounts_user_changelist",
    ],
)
def test_the_admin_stays_closed_to_a_staff_session_without_a_second_factor(client, name):
    client.force_login(officer())

    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_admin_opens_to_a_verified_staff_session(client):
    verified_login(client, officer())

    assert client.get(reverse("admin:index")).status_code == 200


def test_browsing_ingest_refuses_a_staff_session_without_a_second_factor(client):
    client.force_login(officer())

    response = client.post(
        reverse("api-browsing-ingest"), [page_view()], content_type="application/json"
    )

    assert response.status_code == 403
    assert response.json() == {"detail": NEEDED, "fields": {}}
    assert PageView.objects.count() == 0


def test_browsing_ingest_takes_rows_from_a_verified_staff_session(client):
    verified_login(client, officer())

    response = client.post(
        reverse("api-browsing-ingest"), [page_view()], content_type="application/json"
    )

    assert response.status_code == 201
    assert PageView.objects.count() == 1


def test_disclosures_refuse_a_staff_session_without_a_second_factor(client):
    body = [disclosure(UserFactory())]
    client.force_login(officer())

    response = client.post(reverse("api-disclosures"), body, content_type="application/json")

    assert response.status_code == 403
    assert response.json() == {"detail": NEEDED, "fields": {}}
    assert Disclosure.objects.count() == 0


def test_disclosures_are_recorded_from_a_verified_staff_session(client):
    body = [disclosure(UserFactory())]
    verified_login(client, officer())

    response = client.post(reverse("api-disclosures"), body, content_type="application/json")

    assert response.status_code == 201
    assert Disclosure.objects.count() == 1


def test_an_integration_account_with_the_permission_needs_no_second_factor(client):
    from django.contrib.auth.models import Permission

    integration = UserFactory()
    integration.user_permissions.add(Permission.objects.get(codename="add_pageview"))
    client.force_login(integration)

    response = client.post(
        reverse("api-browsing-ingest"), [page_view()], content_type="application/json"
    )

    assert response.status_code == 201


def test_the_refusal_is_translated(client):
    client.force_login(officer())

    response = client.post(
        reverse("api-browsing-ingest"),
        [page_view()],
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    with translation.override("zh-hans"):
        expected = str(SECOND_FACTOR_NEEDED)
    assert response.status_code == 403
    assert expected != NEEDED
    assert response.json()["detail"] == expected


def test_a_token_somehow_held_by_staff_carries_no_staff_permission(client):
    from knox.models import AuthToken

    _instance, token = AuthToken.objects.create(user=officer())

    response = client.post(
        reverse("api-browsing-ingest"),
        [page_view()],
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token}",
    )

    assert response.status_code == 403
    assert response.json() == {"detail": NEEDED, "fields": {}}
    assert PageView.objects.count() == 0
