"""Several hosts' workers on one RabbitMQ broker (issue 18, item 3): two workers with
different names consume the same quorum queue, and every request is fulfilled exactly once.

Needs the machine's RabbitMQ (RABBITMQ_URL, default amqp://guest:guest@127.0.0.1:5672//);
`.ci/run` starts it and fails if this test was skipped.
"""

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection

from datarequests import services
from datarequests.models import Channel, DataRequest, Export, Kind, Status
from datarequests.services.fulfilment import EXPORT_BUILD_TASK
from datarequests.services.intake import FEE_ASSESS_TASK
from privacy_office import clock
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[1]
RABBITMQ_URL = os.environ.get("RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672//")
WORKERS = ("alpha", "beta")
REQUESTS = 8


def rabbitmq_reachable() -> bool:
    address = urlsplit(RABBITMQ_URL)
    try:
        socket.create_connection((address.hostname, address.port or 5672), timeout=2).close()
    except OSError:
        return False
    return True


def database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{db['USER']}{password}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def answering(control) -> set[str]:
    replies = control.ping(timeout=2.0) or []
    return {name.split("@")[0] for reply in replies for name in reply}


# dateless: the workers are other processes on the machine's clock.
@pytest.mark.dateless
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_two_named_workers_share_a_rabbitmq_quorum_queue_and_fulfil_each_request_once(
    monkeypatch,
):
    if not rabbitmq_reachable():
        pytest.skip(f"rabbitmq test skipped: no RabbitMQ at {RABBITMQ_URL}")
    run = uuid.uuid4().hex[:12]
    queue = f"privacy-office-test-{run}"
    names = {name: f"{name}-{run}" for name in WORKERS}
    env = {
        **os.environ,
        "DJANGO_ENV": "test",
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url(),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CELERY_BROKER_URL": RABBITMQ_URL,
        "CELERY_QUORUM_QUEUES": "1",
        "CELERY_QUEUE": queue,
    }
    # Each worker has its own name, as one per host would.
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config.celery",
                "worker",
                "-n",
                f"{names[name]}@%h",
                "--pool=solo",
                "--loglevel=WARNING",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=env,
        )
        for name in WORKERS
    ]
    # Celery prefers CELERY_BROKER_URL from the environment to an app's own broker argument.
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    # Remote control (ping, stats) replies through classic auto-deleted queues, which cannot
    # be quorum queues: one app asks, another sends the tasks.
    control = Celery("test-control", broker=RABBITMQ_URL, set_as_current=False).control
    sender = Celery("test-sender", broker=RABBITMQ_URL, set_as_current=False)
    sender.conf.update(
        task_default_queue=queue,
        task_default_queue_type="quorum",
        broker_transport_options={"confirm_publish": True},
    )
    try:
        wait_for(
            lambda: answering(control) >= set(names.values()),
            seconds=60,
            what="both workers to answer a ping over RabbitMQ",
        )

        requests = [
            services.data_request_submit(
                requester=services.Requester(user=UserFactory()),
                kind=Kind.ACCESS,
                jurisdiction_code="EU",
                channel=Channel.API,
                now=clock.now(),
            )
            for _ in range(REQUESTS)
        ]
        # The web's own enqueue went to its own broker: send the first step again, through
        # RabbitMQ; the workers send the next step (the export) through it themselves.
        for request in requests:
            sender.send_task(FEE_ASSESS_TASK, args=[request.pk])

        ids = [request.pk for request in requests]
        wait_for(
            lambda: (
                Export.objects.filter(request_id__in=ids).count() == REQUESTS
                and not DataRequest.objects.filter(pk__in=ids)
                .exclude(status=Status.FULFILLED)
                .exists()
            ),
            seconds=180,
            what="every request to be fulfilled",
        )
        stats = control.inspect(timeout=2.0).stats() or {}
        done = {
            name.split("@")[0]: reply.get("total", {}).get(EXPORT_BUILD_TASK, 0)
            for name, reply in stats.items()
        }
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait(timeout=30)
        with sender.connection_for_write() as conn:
            conn.default_channel.queue_delete(queue)

    # Exactly one export per request, though each task ran on whichever worker took it.
    assert (
        sorted(Export.objects.filter(request_id__in=ids).values_list("request_id", flat=True))
        == ids
    )
    assert sum(done.values()) == REQUESTS, done
    busy = {name for name, reply in stats.items() if sum(reply.get("total", {}).values())}
    assert {name.split("@")[0] for name in busy} == set(names.values()), stats  # both worked
