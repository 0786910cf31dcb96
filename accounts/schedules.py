"""Periodic work of accounts, installed into django-celery-beat by privacy_office.schedules."""

from django.utils.translation import gettext_noop

from privacy_office.schedules import ScheduleDefault

SCHEDULES = [
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
        name=gettext_noop("Disable staff accounts without a second factor"),
        task="accounts.tasks.staff_without_second_factor_disable_task",
        minute="10",
        hour="*",
        description=gettext_noop(
            "Disables staff accounts that enrolled no second factor within the set days "
            "after becoming staff."
        ),
    ),
]
