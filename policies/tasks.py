from datetime import timedelta

from celery import shared_task

from policies.services import policy_notices_send
from privacy_office import clock

# Well inside the 15-minute soft limit: a fan-out to millions of users goes on in new tasks.
RUN_FOR = timedelta(minutes=10)


@shared_task
def policy_notices_send_task(version_id: int) -> int:
    return policy_notices_send(version_id=version_id, now_fn=clock.now, until=clock.now() + RUN_FOR)
