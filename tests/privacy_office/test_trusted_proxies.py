"""Behind a reverse proxy each visitor keeps their own rate limit and lockout."""

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.5"


def register(client, visitor: str, forged: str = ""):
    forwarded = f"{forged}, {visitor}" if forged else visitor
    client.cookies.clear()
    return client.post(
        reverse("api-register"),
        {},
        content_type="application/json",
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_visitors_behind_one_proxy_are_counted_each_by_their_own_address(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "register": (1, 3600)}

    first = [register(client, "203.0.113.7").status_code for _ in range(2)]
    other = register(client, "198.51.100.9").status_code

    assert first == [400, 429]  # the second try of the same visitor is over the limit
    assert other == 400  # another visitor through the same proxy is not


def test_a_forged_forwarded_for_entry_does_not_escape_the_limit(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "register": (1, 3600)}

    answers = [register(client, "203.0.113.7", forged=f"192.0.2.{n}").status_code for n in range(3)]

    assert answers == [400, 429, 429]


def test_without_trusted_proxies_the_forwarded_header_is_ignored(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "register": (1, 3600)}

    answers = [register(client, f"203.0.113.{n}").status_code for n in range(2)]

    assert answers == [400, 429]  # every request came from the proxy's own address


def test_the_sign_in_lockout_locks_the_visitor_not_everyone_behind_the_proxy(client, settings):
    from axes.models import AccessAttempt

    settings.TRUSTED_PROXY_COUNT = 1
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login": (100, 60)}
    user = UserFactory()
    for _ in range(5):
        client.post(
            reverse("accounts:login"),
            {"username": user.username, "password": "wrong"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="203.0.113.7",
        )

    colleague = client.post(
        reverse("accounts:login"),
        {"username": user.username, "password": PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.9",
    )

    assert AccessAttempt.objects.get().ip_address == "203.0.113.7"
    assert colleague.status_code == 302  # signed in: the lockout is the other visitor's
