from celery import shared_task
from django.utils import timezone

from policies.services import policy_notices_send


@shared_task
def policy_notices_send_task(version_id: int) -> int:
    return policy_notices_send(version_id=version_id, now_fn=timezone.now)
