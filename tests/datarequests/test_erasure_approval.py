"""Four eyes on a guardian's deletion: whoever entered a letter cannot approve its erasure."""

from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from datarequests import services
from datarequests.models import DataRequest, Jurisdiction, Status
from privacy_office import clock
from tests.conftest import verified_login
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]


def test_the_staff_member_who_entered_a_guardians_letter_cannot_approve_the_erasure(
    client, django_capture_on_commit_callbacks, time_machine
):
    time_machine.move_to(datetime(2026, 11, 25, 2, 0, tzinfo=UTC))
    UserFactory(username="chan-siu-ming", birth_year=2013)
    clerk = UserFactory(is_staff=True, is_superuser=True)
    verified_login(client, clerk)
    client.post(
        reverse("admin:datarequests_datarequest_add"),
        {
            "kind": "guardian_deletion",
            "jurisdiction": Jurisdiction.objects.get(code="HK").pk,
            "requester_name": "Chan Tai Man",
            "postal_address": "Flat 3, 8 Nathan Road, Kowloon",
            "language": "en",
            "envelope_date": "2026-11-20",
            "minor_named": "chan-siu-ming",
            "guardianship_document": SimpleUploadedFile("proof.pdf", b"%PDF-1.7 birth record"),
        },
    )
    request = DataRequest.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.identity_verify(
            request_id=request.pk,
            actor=UserFactory(is_staff=True),
            method="ID card and birth certificate seen",
            now=clock.now(),
        )
    act = reverse("admin:datarequests_datarequest_act", args=[request.pk, "approve_erasure"])

    refused = client.post(act, {"confirmed": "1"}, follow=True)

    assert "another privacy officer must approve" in refused.content.decode()
    assert DataRequest.objects.get().status == Status.AWAITING_REVIEW

    verified_login(client, UserFactory(is_staff=True, is_superuser=True))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(act, {"confirmed": "1"})

    assert DataRequest.objects.get().status == Status.FULFILLED
