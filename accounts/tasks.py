from celery import shared_task

from accounts.password_reset import password_reset_mail_send
from accounts.services import sign_in_records_purge
from accounts.two_factor import staff_without_second_factor_disable
from privacy_office import clock


@shared_task
def sign_in_records_purge_task() -> int:
    return sign_in_records_purge(now=clock.now())


@shared_task
def staff_without_second_factor_disable_task() -> int:
    return staff_without_second_factor_disable(now=clock.now())


@shared_task
def password_reset_mail_task(*, email: str, domain: str, use_https: bool) -> None:
    password_reset_mail_send(email=email, domain=domain, use_https=use_https)
