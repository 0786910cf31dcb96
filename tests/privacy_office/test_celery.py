import time
from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django_celery_beat.models import PeriodicTask

from config.celery import app
from privacy_office import clock
from privacy_office.tasks import sessions_purge_task


def wait_until(condition, *, seconds=20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def make_session(*, expires_in: timedelta) -> str:
    store = SessionStore()
    store["visitor"] = "v-1"
    store.set_expiry(int(expires_in.total_seconds()))
    store.create()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=clock.now() + expires_in
    )
    return store.session_key


@pytest.mark.worker
def test_task_goes_through_redis_to_a_real_worker_and_changes_the_database(celery_worker_thread):
    expired = make_session(expires_in=timedelta(days=-1))
    live = make_session(expires_in=timedelta(days=1))

    sessions_purge_task.delay()

    assert wait_until(lambda: not Session.objects.filter(session_key=expired).exists())
    assert Session.objects.filter(session_key=live).exists()
    assert app.conf.broker_url.startswith(("redis://", "redis+socket://"))


@pytest.mark.worker
def test_task_enqueued_on_commit_runs_only_after_the_commit(celery_worker_thread):
    from django.db import transaction

    expired = make_session(expires_in=timedelta(days=-1))
    with transaction.atomic():
        sessions_purge_task.delay_on_commit()
        time.sleep(1)
        assert Session.objects.filter(session_key=expired).exists()

    assert wait_until(lambda: not Session.objects.filter(session_key=expired).exists())


@pytest.mark.django_db
def test_session_purge_schedule_is_stored_for_beat_and_editable():
    task = PeriodicTask.objects.get(name="Purge expired sessions")

    assert task.task == "privacy_office.tasks.sessions_purge_task"
    assert (task.crontab.hour, task.crontab.minute) == ("3", "30")
    assert task.enabled


@pytest.mark.django_db
def test_each_apps_own_schedules_are_installed_for_beat():
    stored = dict(PeriodicTask.objects.values_list("name", "task"))

    assert stored["Purge old sign-in records"] == "accounts.tasks.sign_in_records_purge_task"
    assert stored["Maintain browsing partitions"] == (
        "activity.tasks.browsing_partitions_maintain_task"
    )
    assert stored["Sweep data requests"] == "datarequests.tasks.requests_sweep_task"
    assert stored["Remind staff of request deadlines"] == "datarequests.tasks.staff_reminder_task"
    assert stored["Purge old exports"] == "datarequests.tasks.exports_purge_task"


@pytest.mark.django_db
def test_installing_schedules_again_keeps_what_staff_changed():
    from privacy_office.schedules import schedules_install

    PeriodicTask.objects.filter(name="Purge expired sessions").update(enabled=False)

    schedules_install()

    assert PeriodicTask.objects.filter(name="Purge expired sessions").count() == 1
    assert not PeriodicTask.objects.get(name="Purge expired sessions").enabled


def test_tasks_acknowledge_late_and_retry_with_back_off():
    assert app.conf.task_acks_late is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert sessions_purge_task.retry_backoff and sessions_purge_task.max_retries == 6
    assert app.conf.task_soft_time_limit < app.conf.broker_transport_options["visibility_timeout"]
