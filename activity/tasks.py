from celery import shared_task
from django.utils import timezone

from activity.services import browsing_partitions_maintain


@shared_task
def browsing_partitions_maintain_task() -> dict:
    created, dropped = browsing_partitions_maintain(today=timezone.now().date())
    return {"created": created, "dropped": dropped}
