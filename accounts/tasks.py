from celery import shared_task

from accounts.services import sign_in_records_purge
from privacy_office import clock


@shared_task
def sign_in_records_purge_task() -> int:
    return sign_in_records_purge(now=clock.now())
