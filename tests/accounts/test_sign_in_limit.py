"""The sign-in limit counts per address: a visitor cookie the client makes up is no way round it."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_made_up_visitor_cookie_does_not_escape_the_sign_in_limit(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login": (3, 60)}
    user = UserFactory()
    answers = []
    for n in range(4):
        client.cookies["po_visitor"] = f"madeup{n:010d}"
        answers.append(
            client.post(reverse("accounts:login"), {"username": user.username, "password": "x"})
        )

    assert answers[-1].status_code == 429
