"""The one way services hand work to the workers: by task name, once the transaction commits.

A service names the task (``"datarequests.tasks.fee_assess_task"``) instead of importing
it, so tasks import services and never the reverse. Celery's ``send_task`` ignores
``task_always_eager``; with eager tasks on (the unit tests' ``eager_tasks``) the task runs
here and now, in this process, as ``delay`` would have run it. The app is the current one
(the project's, made current where the project package imports it), so this module names
no module of the project.
"""

from __future__ import annotations

from celery import current_app as app
from django.db import transaction


def _registered(task_name: str):
    if task_name not in app.tasks:
        app.loader.import_default_modules()  # the apps' tasks modules, found by discovery
    return app.tasks[task_name]


def enqueue(task_name: str, *args, countdown: float | None = None) -> None:
    """Send the task now (for callers outside a transaction: the sweep, a task handing on)."""
    if app.conf.task_always_eager:
        _registered(task_name).apply(args=args)
        return
    app.send_task(task_name, args=args, countdown=countdown)


def enqueue_on_commit(task_name: str, *args, countdown: float | None = None) -> None:
    """Send the task once the current transaction commits (never, if it rolls back)."""
    transaction.on_commit(lambda: enqueue(task_name, *args, countdown=countdown))
