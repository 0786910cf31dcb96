"""The Celery app: Redis broker, database-stored beat schedules, and safe task defaults."""

import os

from celery import Celery
from celery.contrib.django.task import DjangoTask
from django.db import InterfaceError, OperationalError

os.environ.setdefault(
    "DJANGO_SETTINGS_MODULE", f"config.settings.{os.environ.get('DJANGO_ENV', 'local')}"
)


class PrivacyOfficeTask(DjangoTask):
    """Default task: retried with exponential back-off when the database or broker hiccups.

    Every task must still be safe to run twice (acks_late redelivers after a
    worker dies); ``delay_on_commit`` enqueues only once the transaction commits.
    """

    autoretry_for = (OperationalError, InterfaceError, ConnectionError, TimeoutError)
    retry_backoff = 5
    retry_backoff_max = 10 * 60
    retry_jitter = True
    max_retries = 6


app = Celery("privacy_office", task_cls=PrivacyOfficeTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
