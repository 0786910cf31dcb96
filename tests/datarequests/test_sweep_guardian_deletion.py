"""The sweep recovers a guardian deletion whose erasure message was lost."""

from datetime import timedelta

import pytest
from celery import current_app

from datarequests import services
from datarequests.models import Channel, DataRequest, Kind, Status
from privacy_office import clock
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_sweep_resends_a_stuck_guardian_deletion(monkeypatch):
    sent = []

    def send_task(name, args, countdown=None):
        if name == "datarequests.tasks.minor_erase_task":
            sent.extend(args)

    monkeypatch.setattr(current_app, "send_task", send_task)
    request = services.data_request_submit(
        requester=services.Requester(user=UserFactory()),
        kind=Kind.GUARDIAN_DELETION,
        jurisdiction_code="HK",
        channel=Channel.API,
        minor=UserFactory(),
        now=clock.now(),
    )
    DataRequest.objects.filter(pk=request.pk).update(status=Status.IN_PROGRESS)

    services.requests_sweep(now=clock.now() + timedelta(minutes=20))

    assert sent == [request.pk]
