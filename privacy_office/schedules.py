"""Periodic work that every installation runs, installed into django-celery-beat's tables.

Each app declares its own in ``<app>/schedules.py`` (a ``SCHEDULES`` list of
``ScheduleDefault``), found the way ``personal_data.py`` is, so the core names no app's task.

Schedules live in the database so staff can see, pause and retime them in the
admin; installing only creates what is missing and never overwrites a change
staff made.
"""

from dataclasses import dataclass
from importlib import import_module

from django.db import DEFAULT_DB_ALIAS
from django.utils.translation import gettext_noop


@dataclass(frozen=True)
class ScheduleDefault:
    name: str
    task: str
    minute: str
    hour: str
    description: str


# The core's own periodic work; each app declares its own in <app>/schedules.py.
SCHEDULES = [
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
        name=gettext_noop("Purge data past its retention"),
        task="privacy_office.tasks.retention_purge_task",
        minute="20",
        hour="3",
        description=gettext_noop(
            "Deletes every night the rows older than the retention their declaration in the "
            "registry states, and records what each run removed."
        ),
    ),
]


def schedules_declared() -> list[ScheduleDefault]:
    """Return the schedules that the installed apps declare in their ``schedules`` modules."""
    from django.apps import apps
    from django.utils.module_loading import module_has_submodule

    declared = []
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "schedules"):
            module = import_module(f"{config.name}.schedules")
            declared += [
                s for s in getattr(module, "SCHEDULES", []) if isinstance(s, ScheduleDefault)
            ]
    return declared


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

    for default in schedules_declared():
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
