"""Periodic work of activity, installed into django-celery-beat by privacy_office.schedules."""

from django.utils.translation import gettext_noop

from privacy_office.schedules import ScheduleDefault

SCHEDULES = [
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
]
