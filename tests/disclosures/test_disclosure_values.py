"""Disclosures recorded through the API: an odd value answers 400 saying what is wrong."""

import pytest
from django.urls import reverse

from disclosures.models import Recipient
from privacy_office import clock
from tests.conftest import verified_login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"purpose": ["B1"]}, "purpose must be one of B1 to B9"),
        ({"categories": [{}]}, "categories must list some of"),
        ({"disclosed_at": "2025-02-30T10:00:00+00:00"}, "disclosed_at must be a date and time"),
    ],
)
def test_odd_disclosure_values_answer_400(client, change, message):
    Recipient.objects.create(
        code="sf", organisation="SF", kind="bank", service="x", jurisdiction="CN"
    )
    verified_login(client, UserFactory(is_staff=True, is_superuser=True))
    row = {
        "recipient": "sf",
        "subject_id": UserFactory().pk,
        "categories": ["account"],
        "purpose": "B5",
        "disclosed_at": clock.now().isoformat(),
        **change,
    }

    response = client.post(reverse("api-disclosures"), [row], content_type="application/json")

    assert response.status_code == 400
    assert message in response.json()["detail"]
