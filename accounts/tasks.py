from celery import shared_task
from django.utils import timezone

from accounts.services import sign_in_records_purge


@shared_task
def sign_in_records_purge_task() -> int:
    return sign_in_records_purge(now=timezone.now())
