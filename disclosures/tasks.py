from celery import shared_task

from disclosures.statistics import release_compute
from privacy_office import clock


@shared_task
def release_compute_task(release_id: int) -> None:
    release_compute(release_id=release_id, now=clock.now())
