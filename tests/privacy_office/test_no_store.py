"""Pages and API answers with personal data are never stored by a browser or a proxy."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name", ["accounts:my-data", "api-me", "api-my-data", "api-requests", "api-cookie-consent"]
)
def test_answers_with_personal_data_say_no_store(client, name):
    client.force_login(UserFactory())

    response = client.get(reverse(name))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_error_answers_say_no_store_too(client):
    response = client.get("/api/v1/requests/")

    assert response.status_code in (401, 403)
    assert "no-store" in response["Cache-Control"]
