"""The sweep recovers a guardian deletion whose erasure message was lost: it sends the
erasure again, through the real broker."""

from datetime import timedelta

import pytest

from config.celery import app
from datarequests import services
from datarequests.models import Channel, DataRequest, Kind, Status
from privacy_office import clock
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def queued_tasks() -> list[tuple[str, list]]:
    """Take every message waiting in the broker's default queue: (task name, arguments)."""
    taken = []
    with app.connection_for_read() as connection:
        queue = connection.SimpleQueue(app.conf.task_default_queue)
        try:
            while True:
                try:
                    message = queue.get(block=False)
                except queue.Empty:
                    return taken
                args, _kwargs, _embed = message.decode()
                taken.append((message.headers["task"], args))
                message.ack()
        finally:
            queue.close()


def test_the_sweep_resends_a_stuck_guardian_deletion():
    request = services.data_request_submit(
        requester=services.Requester(user=UserFactory()),
        kind=Kind.GUARDIAN_DELETION,
        jurisdiction_code="HK",
        channel=Channel.API,
        minor=UserFactory(),
        now=clock.now(),
    )
    DataRequest.objects.filter(pk=request.pk).update(status=Status.IN_PROGRESS)
    app.control.purge()  # whatever earlier tests left in the queue

    services.requests_sweep(now=clock.now() + timedelta(minutes=20))

    sent = [
        request_id
        for name, args in queued_tasks()
        if name == "datarequests.tasks.minor_erase_task"
        for request_id in args
    ]
    assert sent == [request.pk]
