"""A new authenticator is linked only by someone who has passed the existing second factor."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_linking_a_new_authenticator_needs_the_existing_second_factor(client):
    officer = UserFactory(is_staff=True)
    StaticDevice.objects.create(user=officer, name="recovery codes", confirmed=True)
    client.post(reverse("accounts:login"), {"username": officer.username, "password": PASSWORD})

    response = client.get(reverse("accounts:two-factor"))

    # Refused: a new authenticator comes only through an officer's enrolment link, and a
    # password alone never reaches the page that would link one.
    assert response.status_code == 403
    assert not TOTPDevice.objects.filter(user=officer).exists()
