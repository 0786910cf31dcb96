from celery import shared_task

from privacy_office import clock
from privacy_office.retention import retention_purge
from privacy_office.services import sessions_purge


@shared_task
def sessions_purge_task() -> int:
    return sessions_purge(now=clock.now())


@shared_task
def retention_purge_task() -> int:
    return retention_purge(now=clock.now()).total
