from celery import shared_task
from django.utils import timezone

from disclosures.statistics import release_compute


@shared_task
def release_compute_task(release_id: int) -> None:
    release_compute(release_id=release_id, now=timezone.now())
