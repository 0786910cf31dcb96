from celery import shared_task
from django.conf import settings

from disclosures import notices
from disclosures.statistics import release_compute
from privacy_office import clock


@shared_task
def release_compute_task(release_id: int) -> None:
    release_compute(release_id=release_id, now=clock.now())


@shared_task(bind=True, max_retries=None)
def notice_send_task(self, notice_id: int) -> None:
    """Send one notice; while the receiver is down, retry with doubling back-off."""
    try:
        notices.notice_send(notice_id=notice_id, now=clock.now())
    except notices.DeliveryFailed as error:
        attempts = self.request.retries + 1
        final = attempts >= settings.NOTICE_MAX_ATTEMPTS
        notices.notice_delivery_failed(
            notice_id=notice_id, reason=str(error), final=final, now=clock.now()
        )
        if final:
            return
        if self.request.is_eager:  # the unit tests' eager tasks: the next attempt at once
            self.apply(args=(notice_id,), retries=attempts, throw=True)
            return
        raise self.retry(countdown=notices.retry_countdown(attempts)) from error


@shared_task
def notices_remind_task() -> dict:
    return notices.notices_remind(now=clock.now())
