"""A new email address is proven by a link mailed to it, and the door tells nothing about
other accounts (issue 13, item 9)."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

START = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
SENT = "We sent a link to the new address."


def patch_email(client, address):
    return client.patch(reverse("api-me"), {"email": address}, content_type="application/json")


def link_in(message) -> str:
    return re.search(r"http://testserver(/accounts/me/email/[^/\s]+/)", message.body).group(1)


def test_the_answer_is_the_same_whether_the_address_is_free_or_taken(client):
    UserFactory(email="taken@example.com")
    bob = UserFactory(email="bob@example.com")
    client.force_login(bob)

    free = patch_email(client, "free@example.com")
    taken = patch_email(client, "Taken@example.com")

    assert free.status_code == taken.status_code == 202
    assert free.json() == taken.json() and SENT in free.json()["detail"]
    assert [m.to for m in mail.outbox] == [["free@example.com"], ["Taken@example.com"]]
    bob.refresh_from_db()
    assert bob.email == "bob@example.com"


def test_the_address_changes_when_the_link_is_followed_once(client, time_machine):
    time_machine.move_to(START, tick=False)
    bob = UserFactory(email="bob@example.com", email_verified_at=None)
    client.force_login(bob)
    patch_email(client, "new@example.com")
    link = link_in(mail.outbox[0])

    page = client.get(link)
    confirmed = client.post(link)
    again = client.post(link)

    bob.refresh_from_db()
    assert page.status_code == 200
    assert confirmed.status_code == 302
    assert (bob.email, bob.email_verified_at) == ("new@example.com", START)
    assert again.status_code == 400 and "expired or been used" in again.content.decode()


def test_an_expired_link_changes_nothing(client, time_machine):
    time_machine.move_to(START, tick=False)
    bob = UserFactory(email="bob@example.com")
    client.force_login(bob)
    patch_email(client, "new@example.com")
    link = link_in(mail.outbox[0])

    time_machine.move_to(START + timedelta(hours=24, seconds=1), tick=False)
    response = client.post(link)

    bob.refresh_from_db()
    assert response.status_code == 400 and bob.email == "bob@example.com"


def test_a_link_to_an_address_taken_meanwhile_is_refused_naming_no_account(client):
    bob = UserFactory(email="bob@example.com")
    client.force_login(bob)
    patch_email(client, "wanted@example.com")
    alice = UserFactory(username="alice", email="WANTED@example.com")

    response = client.post(link_in(mail.outbox[0]))

    body = response.content.decode()
    bob.refresh_from_db()
    assert response.status_code == 400
    assert "could not be changed to this one" in body
    assert "alice" not in body and alice.email not in body
    assert bob.email == "bob@example.com"


def test_a_forged_link_changes_nothing(client):
    bob = UserFactory(email="bob@example.com")
    client.force_login(bob)
    patch_email(client, "new@example.com")
    link = link_in(mail.outbox[0])
    token = link.split("/")[-2]
    forged = link.replace(token, token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))

    response = client.post(forged)

    assert response.status_code == 400
    assert User.objects.get(pk=bob.pk).email == "bob@example.com"


def test_the_edit_page_sends_a_link_instead_of_changing_the_address(client):
    UserFactory(email="taken@example.com")
    bob = UserFactory(email="bob@example.com")
    client.force_login(bob)
    form = client.get(reverse("accounts:edit")).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}

    response = client.post(
        reverse("accounts:edit"), {**data, "email": "taken@example.com", "city": "Ningbo"}
    )

    bob.refresh_from_db()
    assert response.status_code == 302
    assert SENT in client.get(response["Location"]).content.decode()
    assert (bob.email, bob.city) == ("bob@example.com", "Ningbo")
    assert [m.to for m in mail.outbox] == [["taken@example.com"]]


def test_patch_me_is_rate_limited(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "me_edit": (3, 3600)}
    client.force_login(UserFactory())

    answers = [patch_email(client, f"new{n}@example.com").status_code for n in range(4)]

    assert answers == [202, 202, 202, 429]
    assert len(mail.outbox) == 3
