"""A JSON body nested deeper than Python can follow is a client's error, not the server's."""

import pytest
from django.urls import reverse

from privacy_office.parsers import TOO_DEEP
from tests.conftest import verified_login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DEEP = "[" * 200_000


def test_a_deeply_nested_body_answers_400_to_anyone(client):
    response = client.post(reverse("api-register"), DEEP, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"detail": str(TOO_DEEP), "fields": {}}


def test_a_deeply_nested_bulk_body_answers_400(client):
    verified_login(client, UserFactory(is_staff=True, is_superuser=True))

    response = client.post(reverse("api-browsing-ingest"), DEEP, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"detail": str(TOO_DEEP), "fields": {}}
