"""Periodic work of data requests, installed into django-celery-beat by privacy_office.schedules."""

from django.utils.translation import gettext_noop

from privacy_office.schedules import ScheduleDefault

SCHEDULES = [
    ScheduleDefault(
        name=gettext_noop("Sweep data requests"),
        task="datarequests.tasks.requests_sweep_task",
        minute="*/5",
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
        name=gettext_noop("Purge old letter scans and guardianship proofs"),
        task="datarequests.tasks.scans_purge_task",
        minute="55",
        hour="3",
        description=gettext_noop(
            "Deletes the letter scans and guardianship proofs of requests closed more than "
            "90 days ago."
        ),
    ),
    # The staff desk (issue 15).
    ScheduleDefault(
        name=gettext_noop("Escalate requests near or past their deadline"),
        task="datarequests.tasks.requests_escalate_task",
        minute="15",
        hour="*",
        description=gettext_noop(
            "Warns the assignee and the privacy officers once a request passes its "
            "jurisdiction's warning threshold, and every day while it is overdue."
        ),
    ),
]
