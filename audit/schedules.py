"""Periodic work of audit, installed into django-celery-beat by privacy_office.schedules."""

from django.utils.translation import gettext_noop

from privacy_office.schedules import ScheduleDefault

SCHEDULES = [
    ScheduleDefault(
        name=gettext_noop("Anchor the audit trail"),
        task="audit.tasks.audit_checkpoint_task",
        minute="*/15",
        hour="*",
        description=gettext_noop(
            "Appends a signed checkpoint of the audit trail's newest event to a file outside "
            "the database, so verify_audit finds deleted, emptied or recomputed trails."
        ),
    ),
]
