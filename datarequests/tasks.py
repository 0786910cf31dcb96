"""Workers for requests: thin and safe to run twice (each service checks the status it expects)."""

import contextlib

import psycopg
from celery import shared_task
from django.db import InterfaceError, OperationalError

from datarequests import services
from datarequests.exports import exports_purge
from privacy_office import clock

# The export reads through a raw COPY below Django: a backend terminated mid-read raises
# psycopg's own OperationalError, which Django's (in the default retry list) is not.
EXPORT_RETRY_FOR = (
    OperationalError,
    InterfaceError,
    ConnectionError,
    TimeoutError,
    psycopg.OperationalError,
)


@shared_task
def fee_assess_task(request_id: int) -> None:
    # AlreadyMoved: delivered twice, or staff acted first; nothing is left to do.
    with contextlib.suppress(services.AlreadyMoved):
        services.fee_assess(request_id=request_id, now=clock.now())


@shared_task(autoretry_for=EXPORT_RETRY_FOR)
def export_build_task(request_id: int) -> None:
    with contextlib.suppress(services.AlreadyMoved):
        services.access_fulfil(request_id=request_id, now=clock.now())


@shared_task
def requests_sweep_task() -> dict:
    return services.requests_sweep(now=clock.now())


@shared_task
def exports_purge_task() -> int:
    return exports_purge(now=clock.now())


@shared_task
def staff_reminder_task() -> int:
    now = clock.now()
    services.paused_clocks_refresh(now=now)
    return services.staff_reminder_send(now=now)


@shared_task
def minor_erase_task(request_id: int) -> None:
    with contextlib.suppress(services.AlreadyMoved):
        services.guardian_deletion_fulfil(request_id=request_id, now=clock.now())


@shared_task
def subject_erase_task(request_id: int) -> None:
    with contextlib.suppress(services.AlreadyMoved):
        services.erasure_fulfil(request_id=request_id, now=clock.now())


@shared_task
def scans_purge_task() -> int:
    from datarequests.scans import scans_purge

    return scans_purge(now=clock.now())


@shared_task
def requests_escalate_task() -> dict:
    return services.requests_escalate(now=clock.now())
