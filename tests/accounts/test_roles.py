"""Staff roles (policy G): each role sees and can do exactly its share."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.roles import AUDITOR, CUSTOMER_SERVICE, PRIVACY_OFFICER, REQUEST_HANDLER
from datarequests import services
from datarequests.models import Channel, DataRequest, Kind, Status
from privacy_office import clock
from tests.conftest import verified_login
from tests.factories import PaymentCardFactory, UserFactory

pytestmark = pytest.mark.django_db


def staff(role: str):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def world():
    card = PaymentCardFactory()
    letter = services.data_request_submit(
        requester=services.Requester(name="Li Wei", postal_address="Hangzhou"),
        kind=Kind.ACCESS,
        jurisdiction_code="HK",
        channel=Channel.LETTER,
        now=clock.now(),
    )
    return {"person": card.user, "card": card, "request": letter}


def pages(world) -> dict[str, str]:
    return {
        "person": reverse("admin:accounts_user_change", args=[world["person"].pk]),
        "card": reverse("admin:accounts_paymentcard_change", args=[world["card"].pk]),
        "requests": reverse("admin:datarequests_datarequest_changelist"),
        "request": reverse("admin:datarequests_datarequest_change", args=[world["request"].pk]),
        "dashboard": reverse("admin:datarequests_dashboard"),
        "consent": reverse("admin:cookies_consentrecord_changelist"),
        "statistics": reverse("admin:cookies_statistics"),
        "audit": reverse("admin:audit_auditevent_changelist"),
        "jurisdiction": reverse("admin:datarequests_jurisdiction_changelist"),
        "groups": reverse("admin:auth_group_changelist"),
        "data map": reverse("admin:datamap"),
        "log book": reverse("admin:records_logbookentry_changelist"),
    }


ALLOWED = {
    PRIVACY_OFFICER: {
        "person",
        "card",
        "requests",
        "request",
        "dashboard",
        "consent",
        "statistics",
        "audit",
        "jurisdiction",
        "groups",
        "data map",
        "log book",
    },
    REQUEST_HANDLER: {
        "person",
        "card",
        "requests",
        "request",
        "dashboard",
        "statistics",
        "jurisdiction",
        "data map",
        "log book",
    },
    CUSTOMER_SERVICE: {"person", "card", "data map"},
    AUDITOR: {"audit", "dashboard", "statistics", "data map", "log book"},
}


@pytest.mark.parametrize("role", list(ALLOWED))
def test_each_role_opens_exactly_its_pages(client, world, role):
    verified_login(client, staff(role))

    opened = {name for name, url in pages(world).items() if client.get(url).status_code == 200}

    assert opened == ALLOWED[role]


@pytest.mark.parametrize(
    ("role", "moves"),
    [(PRIVACY_OFFICER, True), (REQUEST_HANDLER, True), (CUSTOMER_SERVICE, False), (AUDITOR, False)],
)
def test_only_request_staff_can_move_a_request(client, world, role, moves):
    verified_login(client, staff(role))
    url = reverse("admin:datarequests_datarequest_act", args=[world["request"].pk, "verify"])

    response = client.post(url, {"text": "ID card seen"})

    status = DataRequest.objects.get(pk=world["request"].pk).status
    assert (status == Status.ASSESSING_FEE) is moves
    assert response.status_code == (302 if moves else 403)


@pytest.mark.parametrize(
    ("role", "refuses"),
    [(PRIVACY_OFFICER, True), (REQUEST_HANDLER, False)],
)
def test_only_the_privacy_officer_refuses(client, world, role, refuses):
    verified_login(client, staff(role))
    url = reverse("admin:datarequests_datarequest_act", args=[world["request"].pk, "refuse"])
    page = client.get(reverse("admin:datarequests_datarequest_change", args=[world["request"].pk]))

    client.post(url, {"ground": "Part 8 exemption", "text": "Exempt.", "confirmed": "1"})

    assert (DataRequest.objects.get(pk=world["request"].pk).status == Status.REFUSED) is refuses
    assert ('value="Refuse"' in page.content.decode()) is refuses


def test_customer_service_sees_a_card_masked_and_cannot_change_or_export(client, world):
    verified_login(client, staff(CUSTOMER_SERVICE))

    page = client.get(reverse("admin:accounts_paymentcard_change", args=[world["card"].pk]))
    change = client.post(reverse("admin:accounts_user_change", args=[world["person"].pk]), {})
    export = client.post(
        reverse("admin:cookies_consentrecord_changelist"), {"action": "export_as_proof"}
    )

    assert "•••• 1111" in page.content.decode()
    assert "4111111111111111" not in page.content.decode()
    assert change.status_code == 403
    assert export.status_code == 403


def test_the_auditor_sees_no_personal_data(client, world):
    verified_login(client, staff(AUDITOR))

    index = client.get(reverse("admin:index")).content.decode()

    for forbidden in (
        "accounts/user/",
        "accounts/paymentcard/",
        "activity/lead/",
        "cookies/consentrecord/",
    ):
        assert f'href="/admin/{forbidden}"' not in index
    assert reverse("admin:audit_auditevent_changelist") in index


@pytest.mark.parametrize(
    ("role", "status"),
    [(PRIVACY_OFFICER, 201), (REQUEST_HANDLER, 403), (CUSTOMER_SERVICE, 403), (AUDITOR, 403)],
)
def test_only_the_privacy_officer_ingests_browsing_logs_through_the_api(client, role, status):
    verified_login(client, staff(role))
    row = {"viewed_at": clock.now().isoformat(), "visitor_id": "v", "path": "/"}

    response = client.post(reverse("api-browsing-ingest"), [row], content_type="application/json")

    assert response.status_code == status


def test_roles_are_created_by_migration_with_their_permissions():
    officer = Group.objects.get(name=PRIVACY_OFFICER)
    auditor = Group.objects.get(name=AUDITOR)

    assert officer.permissions.filter(codename="refuse_datarequest").exists()
    assert set(auditor.permissions.values_list("codename", flat=True)) == {
        "view_auditevent",
        "view_reports",
        "view_logbookentry",
        "view_logbookannotation",
        "view_trailcheck",
    }
