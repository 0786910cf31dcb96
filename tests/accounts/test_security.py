"""Account security (G): lockout, shared computers, idle sessions, the password notice."""

import time

import pytest
from django.urls import reverse

from accounts.middleware import LAST_SEEN_KEY
from privacy_office import clock
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
    assert then_right["Retry-After"] == "900"
    assert "_auth_user_id" not in client.session


def test_the_api_token_endpoint_is_locked_out_too(client):
    user = UserFactory()
    for _ in range(5):
        client.post(reverse("api-token"), {"username": user.username, "password": "nope"})

    response = client.post(reverse("api-token"), {"username": user.username, "password": PASSWORD})

    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    assert "try again in 15 minutes" in response.json()["detail"]


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


def test_sign_in_records_are_purged_after_90_days():
    from datetime import timedelta

    from axes.models import AccessLog

    from accounts.services import sign_in_records_purge

    now = clock.now()
    old = AccessLog.objects.create(username="a", ip_address="203.0.113.1", user_agent="x")
    recent = AccessLog.objects.create(username="b", ip_address="203.0.113.2", user_agent="y")
    AccessLog.objects.filter(pk=old.pk).update(attempt_time=now - timedelta(days=91))

    assert sign_in_records_purge(now=now) == 1
    assert list(AccessLog.objects.values_list("pk", flat=True)) == [recent.pk]


def test_every_default_schedule_names_a_registered_task():
    from django_celery_beat.models import PeriodicTask

    from config.celery import app
    from privacy_office.schedules import schedules_declared

    app.loader.import_default_modules()
    stored = dict(PeriodicTask.objects.values_list("name", "task"))
    for default in schedules_declared():
        assert stored[default.name] == default.task
        assert default.task in app.tasks
