"""Actions that cannot be undone ask first, on a page naming the consequence (issue 15, 13)."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from datarequests import services
from datarequests.models import Channel, DataRequest, Kind, Status
from policies.models import PolicyVersion
from privacy_office import clock
from tests.conftest import verified_login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _a_wednesday(time_machine):
    time_machine.move_to(datetime(2026, 11, 25, 2, 0, tzinfo=UTC))


@pytest.fixture
def officer(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    verified_login(client, user)
    return user


def own_request(owner):
    return services.data_request_submit(
        requester=services.Requester(user=owner),
        kind=Kind.ACCESS,
        jurisdiction_code="HK",
        channel=Channel.SELF_SERVICE,
        now=clock.now(),
    )


def test_refusing_asks_first_naming_the_consequence_then_refuses(client, officer):
    request = own_request(UserFactory())
    act = reverse("admin:datarequests_datarequest_act", args=[request.pk, "refuse"])
    chosen = {"ground": "Part 8 exemption", "text": "Exempt under s.58."}

    asked = client.post(act, chosen)

    html = asked.content.decode()
    assert asked.status_code == 200
    assert "The request is closed for good and the requester is told the ground" in html
    assert 'name="confirmed" value="1"' in html and "Exempt under s.58." in html
    assert DataRequest.objects.get(pk=request.pk).status != Status.REFUSED

    client.post(act, {**chosen, "confirmed": "1"})

    refused = DataRequest.objects.get(pk=request.pk)
    assert refused.status == Status.REFUSED
    assert "Exempt under s.58." in refused.events.last().reason_text


def test_approving_an_erasure_asks_first_and_erases_nothing_until_confirmed(client, officer):
    request = own_request(UserFactory())
    DataRequest.objects.filter(pk=request.pk).update(
        kind=Kind.GUARDIAN_DELETION, status=Status.AWAITING_REVIEW
    )
    act = reverse("admin:datarequests_datarequest_act", args=[request.pk, "approve_erasure"])

    asked = client.post(act)

    assert "erased for good" in asked.content.decode()
    assert "This cannot be undone." in asked.content.decode()
    assert DataRequest.objects.get(pk=request.pk).status == Status.AWAITING_REVIEW


def test_a_requester_confirms_before_withdrawing_and_may_keep_the_request(client):
    owner = UserFactory()
    request = own_request(owner)
    client.force_login(owner)
    withdraw = reverse("requests:withdraw", args=[request.pk])

    page = client.get(reverse("requests:detail", args=[request.pk])).content.decode()
    asked = client.get(withdraw).content.decode()
    unconfirmed = client.post(withdraw)

    assert f'href="{withdraw}"' in page
    assert "Your request is closed for good and no reply will be sent." in asked
    assert "No, keep my request" in asked
    assert unconfirmed.status_code == 200
    assert DataRequest.objects.get(pk=request.pk).status != Status.WITHDRAWN

    client.post(withdraw, {"confirmed": "1"})

    assert DataRequest.objects.get(pk=request.pk).status == Status.WITHDRAWN


def test_no_one_else_reaches_the_withdrawal_page(client):
    request = own_request(UserFactory())
    client.force_login(UserFactory())

    assert client.get(reverse("requests:withdraw", args=[request.pk])).status_code == 404
    assert (
        client.post(reverse("requests:withdraw", args=[request.pk]), {"confirmed": "1"}).status_code
        == 404
    )
    assert DataRequest.objects.get(pk=request.pk).status != Status.WITHDRAWN


def test_publishing_a_policy_says_how_many_users_are_emailed_before_it_publishes(client, officer):
    UserFactory.create_batch(3)
    draft = PolicyVersion.objects.create(version="2026-12-01", title="t", text="x", summary="s")
    changelist = reverse("admin:policies_policyversion_changelist")
    chosen = {"action": "publish", "_selected_action": [draft.pk]}

    asked = client.post(changelist, chosen)

    html = asked.content.decode()
    active = UserFactory._meta.model.objects.filter(is_active=True).exclude(email="").count()
    assert f"in force at once and {active} users are emailed about it" in html
    draft.refresh_from_db()
    assert draft.published_at is None

    client.post(changelist, {**chosen, "confirmed": "1"})

    draft.refresh_from_db()
    assert draft.published_at is not None
