"""Acknowledging the policy sends the user back inside the site, whatever ``next`` says."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_acknowledging_the_policy_never_redirects_off_site(client):
    client.force_login(UserFactory())

    response = client.post(reverse("policies:acknowledge"), {"next": "https://evil.example/"})

    assert response["Location"] == reverse("accounts:my-data")
