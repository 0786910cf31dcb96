"""Periodic work of recipient notices, installed into django-celery-beat."""

from django.utils.translation import gettext_noop

from privacy_office.schedules import ScheduleDefault

SCHEDULES = [
    ScheduleDefault(
        name=gettext_noop("Remind recipients of unacknowledged notices"),
        task="disclosures.tasks.notices_remind_task",
        minute="15",
        hour="8",
        description=gettext_noop(
            "Marks notices of corrections and erasures overdue past their date and reminds "
            "each recipient every N days until it acknowledges."
        ),
    ),
]
