"""Account security (G): lockout, shared computers, idle sessions, the password notice."""

import time

import pytest
from django.urls import reverse

from accounts.middleware import LAST_SEEN_KEY
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def sign_in(client, username, password, **extra):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password, **extra}
    )


def test_five_failed_sign_ins_lock_the_account_for_that_connection(client):
    user = UserFactory()
    for _ in range(4):
        assert sign_in(client, user.username, "wrong password").status_code == 200

    fifth = sign_in(client, user.username, "wrong password")
    then_right = sign_in(client, user.username, PASSWORD)

    assert fifth.status_code == 429
    assert then_right.status_code == 429
    assert "try again in 15 minutes" in then_right.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_api_token_endpoint_is_locked_out_too(client):
    user = UserFactory()
    for _ in range(5):
        client.post(reverse("api-token"), {"username": user.username, "password": "nope"})

    response = client.post(reverse("api-token"), {"username": user.username, "password": PASSWORD})

    assert response.status_code == 429


def test_a_token_signs_an_api_client_in(client):
    user = UserFactory()

    token = client.post(
        reverse("api-token"), {"username": user.username, "password": PASSWORD}
    ).json()["token"]
    me = client.get(reverse("api-me"), HTTP_AUTHORIZATION=f"Token {token}")

    assert me.json()["username"] == user.username


def test_shared_computer_sign_in_ends_with_the_browser(client):
    user = UserFactory()

    sign_in(client, user.username, PASSWORD, shared_computer="on")

    assert client.session.get_expire_at_browser_close()


def test_own_computer_sign_in_is_remembered(client):
    user = UserFactory()

    sign_in(client, user.username, PASSWORD)

    assert not client.session.get_expire_at_browser_close()


@pytest.mark.parametrize(("shared", "idle_minutes"), [(False, 121), (True, 16)])
def test_an_idle_session_is_signed_out(client, shared, idle_minutes):
    user = UserFactory()
    sign_in(client, user.username, PASSWORD, **({"shared_computer": "on"} if shared else {}))
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - idle_minutes * 60
    session.save()

    response = client.get(reverse("accounts:my-data"))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_an_active_session_stays_signed_in(client):
    user = UserFactory()
    sign_in(client, user.username, PASSWORD, shared_computer="on")
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - 10 * 60
    session.save()

    assert client.get(reverse("accounts:my-data")).status_code == 200


def test_sign_in_page_says_staff_never_ask_for_a_password(client):
    page = client.get(reverse("accounts:login")).content.decode()

    assert "Our staff will never ask for your password" in page
    assert "This is a public or shared computer" in page
