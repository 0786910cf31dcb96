"""Staff sign in to the admin with two factors; the API hands them no token."""

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_staff_get_no_api_token(client):
    officer = UserFactory(is_staff=True)

    response = client.post(
        reverse("api-token"), {"username": officer.username, "password": PASSWORD}
    )

    assert response.status_code == 400
    assert "Staff accounts sign in to the admin with two factors" in str(response.json())
