from celery import shared_task

from activity.services import browsing_partitions_maintain
from privacy_office import clock


@shared_task
def browsing_partitions_maintain_task() -> dict:
    created, dropped = browsing_partitions_maintain(today=clock.now().date())
    return {"created": created, "dropped": dropped}
