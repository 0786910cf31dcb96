from celery import shared_task
from django.utils import timezone

from privacy_office.services import sessions_purge


@shared_task
def sessions_purge_task() -> int:
    return sessions_purge(now=timezone.now())
