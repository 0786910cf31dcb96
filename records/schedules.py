"""Periodic work of records, installed into django-celery-beat by privacy_office.schedules."""

from django.utils.translation import gettext_noop

from privacy_office.schedules import ScheduleDefault

SCHEDULES = [
    ScheduleDefault(
        name=gettext_noop("Check the audit trail"),
        task="records.tasks.trail_check_task",
        minute="45",
        hour="4",
        description=gettext_noop(
            "Runs what verify_audit checks (signatures, numbering, checkpoints) and keeps the "
            "result for the compliance page."
        ),
    ),
]
