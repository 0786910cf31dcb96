"""Marketing (B.7): every send honours the user's opt-out per channel."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.selectors import marketing_audience
from accounts.services import marketing_email_send, marketing_preferences_set
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_marketing_email_goes_only_to_users_who_accept_it():
    accepts = UserFactory()
    refuses = UserFactory()
    never_asked = UserFactory()
    marketing_preferences_set(user=accepts, choices={"email": True})
    marketing_preferences_set(user=refuses, choices={"email": False})

    sent = marketing_email_send(subject="Gold Supplier offer", body="…")

    assert sent == 1
    assert [message.to for message in mail.outbox] == [[accepts.email]]
    assert never_asked.email not in str([m.to for m in mail.outbox])


def test_an_opt_out_made_before_a_send_is_honoured(client):
    user = UserFactory()
    marketing_preferences_set(user=user, choices={"email": True})
    client.force_login(user)

    client.put(reverse("api-marketing"), {"email": False}, content_type="application/json")
    marketing_email_send(subject="Offer", body="…")

    assert mail.outbox == []


def test_opting_out_of_email_keeps_the_other_channels():
    user = UserFactory()
    marketing_preferences_set(user=user, choices={"email": True, "phone": True})

    marketing_preferences_set(user=user, choices={"email": False})

    assert list(marketing_audience(channel="phone")) == [user]
    assert list(marketing_audience(channel="email")) == []


def test_marketing_api_reads_and_writes_the_callers_choices(client):
    user = UserFactory()
    client.force_login(user)

    put = client.put(
        reverse("api-marketing"), {"email": True, "post": True}, content_type="application/json"
    )
    got = client.get(reverse("api-marketing"))

    assert put.status_code == 200
    assert got.json() == {"email": True, "phone": False, "fax": False, "post": True}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"pigeon": True}, "Unknown channels: pigeon."),
        ({"email": "yes"}, "true or false"),
        (["email"], "true or false"),
    ],
)
def test_marketing_api_refuses_bad_input(client, body, message):
    client.force_login(UserFactory())

    response = client.put(reverse("api-marketing"), body, content_type="application/json")

    assert response.status_code == 400
    assert message in response.json()["detail"]


def test_marketing_page_saves_the_choices(client):
    user = UserFactory()
    client.force_login(user)

    client.post(reverse("accounts:marketing"), {"fax": "on"})

    assert list(marketing_audience(channel="fax")) == [user]
    assert list(marketing_audience(channel="email")) == []


def test_every_change_of_a_marketing_choice_is_kept():
    from django.apps import apps

    user = UserFactory()
    marketing_preferences_set(user=user, choices={"email": True})
    marketing_preferences_set(user=user, choices={"email": False})

    events = apps.get_model("accounts", "MarketingPreferenceEvent").objects.filter(user=user)
    assert [e.opted_in for e in events.order_by("pgh_id")] == [True, False]
