"""Periodic work that every installation runs, installed into django-celery-beat's tables.

Schedules live in the database so staff can see, pause and retime them in the
admin; installing only creates what is missing and never overwrites a change
staff made.
"""

from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS
from django.utils.translation import gettext_noop


@dataclass(frozen=True)
class ScheduleDefault:
    name: str
    task: str
    minute: str
    hour: str
    description: str


DEFAULT_SCHEDULES = [
    ScheduleDefault(
        name=gettext_noop("Purge expired sessions"),
        task="privacy_office.tasks.sessions_purge_task",
        minute="30",
        hour="3",
        description=gettext_noop(
            "Deletes expired sign-in sessions every night: they record who was signed in."
        ),
    ),
    ScheduleDefault(
        name=gettext_noop("Purge old sign-in records"),
        task="accounts.tasks.sign_in_records_purge_task",
        minute="40",
        hour="3",
        description=gettext_noop(
            "Deletes lockout and sign-in records (IP address, browser) past their 90 days."
        ),
    ),
    ScheduleDefault(
        name=gettext_noop("Maintain browsing partitions"),
        task="activity.tasks.browsing_partitions_maintain_task",
        minute="10",
        hour="2",
        description=gettext_noop(
            "Creates the next months' page-view partitions and drops months past the "
            "13-month retention (A.6)."
        ),
    ),
    ScheduleDefault(
        name=gettext_noop("Sweep data requests"),
        task="datarequests.tasks.requests_sweep_task",
        minute="*/15",
        hour="*",
        description=gettext_noop(
            "Lapses unpaid quotes and re-sends fee assessments and exports that a lost "
            "message left waiting."
        ),
    ),
    ScheduleDefault(
        name=gettext_noop("Remind staff of request deadlines"),
        task="datarequests.tasks.staff_reminder_task",
        minute="0",
        hour="9",
        description=gettext_noop(
            "Emails staff the requests due within 3 days and escalates overdue ones."
        ),
    ),
    ScheduleDefault(
        name=gettext_noop("Purge old exports"),
        task="datarequests.tasks.exports_purge_task",
        minute="50",
        hour="3",
        description=gettext_noop("Deletes access exports 30 days after they were made."),
    ),
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


def defaults_install(using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """Install the purposes and the periodic tasks that are missing (post_migrate handler)."""
    from django_celery_beat.models import PeriodicTask

    from privacy_office.installing import install_when_migrated
    from privacy_office.models import Purpose
    from privacy_office.services import purposes_install

    install_when_migrated(Purpose, purposes_install, using)
    install_when_migrated(PeriodicTask, schedules_install, using)


def schedules_install() -> None:
    """Create the default periodic tasks that are missing; staff changes are kept."""
    from django.conf import settings
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    for default in DEFAULT_SCHEDULES:
        if PeriodicTask.objects.filter(name=default.name).exists():
            continue
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=default.minute,
            hour=default.hour,
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone=settings.TIME_ZONE,
        )
        PeriodicTask.objects.create(
            name=default.name, task=default.task, crontab=crontab, description=default.description
        )
