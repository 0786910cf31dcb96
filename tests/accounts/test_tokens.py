"""API tokens: stored as a digest, ending after their lifetime, on a password change and when
the account becomes staff; staff get none, and their refusal says nothing about the password."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from tests.conftest import verified_login
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def token_for(client, user, password=PASSWORD) -> str:
    response = client.post(reverse("api-token"), {"username": user.username, "password": password})
    assert response.status_code == 200, response.content
    return response.json()["token"]


def me(client, token):
    return client.get(reverse("api-me"), HTTP_AUTHORIZATION=f"Token {token}")


def test_the_database_holds_no_token_only_its_digest(client):
    token = token_for(client, UserFactory())

    with connection.cursor() as cursor:
        cursor.execute("SELECT t::text FROM knox_authtoken t")
        rows = [text for (text,) in cursor.fetchall()]

    assert len(rows) == 1
    assert token not in rows[0]
    assert me(client, token).status_code == 200


def test_a_token_ends_after_its_lifetime(client, time_machine):
    time_machine.move_to("2026-03-02 09:00:00+00:00", tick=False)
    token = token_for(client, UserFactory())
    lifetime = settings.REST_KNOX["TOKEN_TTL"]

    time_machine.shift(lifetime - timedelta(minutes=1))
    still = me(client, token)
    time_machine.shift(timedelta(minutes=2))
    ended = me(client, token)

    assert lifetime == timedelta(days=30)
    assert still.status_code == 200
    assert ended.status_code == 401
    assert ended.json() == {"detail": "Invalid token.", "fields": {}}


def test_changing_the_password_on_the_page_ends_every_token(client):
    user = UserFactory()
    tokens = [token_for(client, user), token_for(client, user)]
    client.force_login(user)

    changed = client.post(
        reverse("accounts:password"),
        {
            "old_password": PASSWORD,
            "new_password1": "Lanterns-over-Xihu-2026",
            "new_password2": "Lanterns-over-Xihu-2026",
        },
    )
    client.logout()

    assert changed.status_code == 302
    assert [me(client, token).status_code for token in tokens] == [401, 401]


def test_setting_the_password_in_the_admin_ends_every_token(client):
    user = UserFactory()
    token = token_for(client, user)
    verified_login(client, UserFactory(is_staff=True, is_superuser=True))

    changed = client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"password1": "Lanterns-over-Xihu-2026", "password2": "Lanterns-over-Xihu-2026"},
    )
    client.logout()

    assert changed.status_code == 302
    assert me(client, token).status_code == 401


def test_set_password_ends_every_token(client):
    user = UserFactory()
    token = token_for(client, user)

    user.set_password("Lanterns-over-Xihu-2026")
    user.save()

    assert me(client, token).status_code == 401


def test_other_changes_to_an_account_keep_its_tokens(client):
    user = UserFactory()
    token = token_for(client, user)

    user.city = "Hangzhou"
    user.save()

    assert me(client, token).status_code == 200


@pytest.mark.parametrize("flag", ["is_staff", "is_superuser"])
def test_becoming_staff_ends_every_token(client, flag):
    user = UserFactory()
    token = token_for(client, user)

    setattr(user, flag, True)
    user.save()

    assert me(client, token).status_code == 401


def test_the_refusal_for_staff_is_the_answer_to_a_wrong_password(client):
    officer = UserFactory(is_staff=True)
    member = UserFactory()

    def ask(username, password):
        response = client.post(reverse("api-token"), {"username": username, "password": password})
        return response.status_code, response.json()

    right_password = ask(officer.username, PASSWORD)
    wrong_password = ask(officer.username, "nope")
    member_wrong = ask(member.username, "nope")
    nobody = ask("nobody-here", PASSWORD)

    assert right_password == wrong_password == member_wrong == nobody
    assert right_password[0] == 400
    assert "token" not in right_password[1]


def test_staff_tries_count_towards_the_lockout_as_wrong_passwords_do(client):
    officer = UserFactory(is_staff=True)
    for _ in range(5):
        client.post(reverse("api-token"), {"username": officer.username, "password": PASSWORD})

    member = UserFactory()
    for _ in range(5):
        client.post(reverse("api-token"), {"username": member.username, "password": "nope"})

    staff_next = client.post(
        reverse("api-token"), {"username": officer.username, "password": PASSWORD}
    )
    member_next = client.post(
        reverse("api-token"), {"username": member.username, "password": PASSWORD}
    )

    assert staff_next.status_code == member_next.status_code == 429


def test_the_admin_shows_who_holds_a_token_but_never_the_token(client):
    from knox.models import AuthToken

    holder = UserFactory(username="integration")
    token = token_for(client, holder)
    stored = AuthToken.objects.get(user=holder)
    verified_login(client, UserFactory(is_staff=True, is_superuser=True))

    listing = client.get(reverse("admin:knox_authtoken_changelist")).content.decode()
    page = client.get(reverse("admin:knox_authtoken_change", args=[stored.pk])).content.decode()
    by_key = client.get(reverse("admin:knox_authtoken_changelist"), {"q": stored.token_key})
    added = client.get(reverse("admin:knox_authtoken_add"))

    assert "integration" in listing and "integration" in page
    assert [shown for shown in (listing, page) if token in shown or stored.token_key in shown] == []
    assert by_key.context["cl"].result_count == 0  # the key's first characters find nothing
    assert added.status_code == 403
