"""Erasing a minor who sold something: the order belongs to the buyer too, and the buyer's
part of it stays as it was."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from datarequests import services
from datarequests.models import Channel, DataRequest, Kind, Status
from privacy_office import clock
from tests.factories import OrderFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]


def test_erasing_a_minor_who_sold_leaves_the_buyers_order_alone(
    django_capture_on_commit_callbacks,
):
    minor, buyer = UserFactory(birth_year=2012), UserFactory()
    order = OrderFactory(buyer=buyer, seller=minor, delivery_address="Buyer's street 1")
    request = services.data_request_submit(
        requester=services.Requester(user=UserFactory()),
        kind=Kind.GUARDIAN_DELETION,
        jurisdiction_code="HK",
        channel=Channel.API,
        minor=minor,
        now=clock.now(),
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.identity_verify(
            request_id=request.pk,
            actor=None,
            method="mother's ID and birth certificate seen",
            now=clock.now(),
            guardianship_document=SimpleUploadedFile("birth.pdf", b"%PDF-1.7 certificate"),
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.guardian_erasure_approve(  # a second person, a privacy officer
            request_id=request.pk,
            actor=UserFactory(is_staff=True, is_superuser=True),
            now=clock.now(),
        )

    assert DataRequest.objects.get(pk=request.pk).status == Status.FULFILLED  # erased
    order.refresh_from_db()
    assert order.delivery_address == "Buyer's street 1"
