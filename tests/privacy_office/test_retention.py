"""Declared retention is enforced: the nightly purge deletes what is older than declared."""

from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.db import models
from django.urls import reverse

from activity.models import Lead
from cookies.models import ConsentRecord
from datarequests import services
from datarequests.models import Channel, DataRequest, ErasureTombstone, Kind, RequestEvent
from privacy_office import clock
from privacy_office.checks import registry_problems
from privacy_office.models import RetentionRun
from privacy_office.registry import Registry, personal
from privacy_office.retention import expired_delete, expiries, retention_purge
from tests.conftest import verified_login
from tests.factories import UserFactory

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def _lead(collected_at: datetime, name: str) -> Lead:
    lead = Lead.objects.create(
        event_name="Canton Fair", event_date=date(2024, 4, 15), full_name=name, email="a@b.cn"
    )
    Lead.objects.filter(pk=lead.pk).update(collected_at=collected_at)
    return lead


def _attempt(at: datetime, username: str) -> None:
    attempt = AccessAttempt.objects.create(
        username=username, ip_address="203.0.113.9", user_agent="curl", failures_since_start=1
    )
    AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=at)


@pytest.mark.django_db
def test_purge_expired_deletes_rows_older_than_their_declared_retention(time_machine):
    time_machine.move_to(NOW, tick=False)
    _lead(NOW - timedelta(days=731), "Old Lead")
    _lead(NOW - timedelta(days=729), "Young Lead")
    _attempt(NOW - timedelta(days=91), "old-attempt")
    _attempt(NOW - timedelta(days=89), "young-attempt")
    out = StringIO()

    call_command("purge_expired", stdout=out)

    assert list(Lead.objects.values_list("full_name", flat=True)) == ["Young Lead"]
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["young-attempt"]
    assert "activity.Lead: 1 removed" in out.getvalue()
    assert "axes.AccessAttempt: 1 removed" in out.getvalue()
    assert "disclosures.Disclosure: 0 removed" in out.getvalue()
    run = RetentionRun.objects.get()
    assert run.ran_at == NOW
    assert run.removed["activity.Lead"] == 1
    assert run.removed["axes.AccessAttempt"] == 1
    assert run.total == 2


@pytest.mark.django_db
def test_purge_expired_run_again_removes_nothing_more(time_machine):
    time_machine.move_to(NOW, tick=False)
    _lead(NOW - timedelta(days=800), "Old Lead")
    call_command("purge_expired", stdout=StringIO())
    out = StringIO()

    call_command("purge_expired", stdout=out)

    assert "activity.Lead: 0 removed" in out.getvalue()
    assert [run.total for run in RetentionRun.objects.all()] == [0, 1]


@pytest.mark.django_db
def test_purge_deletes_in_chunks_until_none_is_left(time_machine):
    time_machine.move_to(NOW, tick=False)
    for n in range(5):
        _lead(NOW - timedelta(days=731 + n), f"Old {n}")
    _lead(NOW, "Young")
    (leads,) = [rule for rule in expiries(now=clock.now()) if rule.declaration.model is Lead]

    removed = expired_delete(leads, chunk=2)

    assert removed["activity.Lead"] == 5
    assert list(Lead.objects.values_list("full_name", flat=True)) == ["Young"]


@pytest.mark.django_db
def test_declarations_that_say_keep_keep_their_rows(time_machine):
    time_machine.move_to(NOW, tick=False)
    old = ConsentRecord.objects.create(
        visitor_id="v-1",
        choices={"necessary": True},
        declarations_version="1",
        policy_version="1",
        method="banner",
        gpc=False,
        created_at=NOW - timedelta(days=5 * 365),
    )
    out = StringIO()

    call_command("purge_expired", stdout=out)

    assert ConsentRecord.objects.filter(pk=old.pk).exists()
    assert "cookies.ConsentRecord: kept" in out.getvalue()
    assert "audit.AuditEvent: kept" in out.getvalue()
    assert "cookies.ConsentRecord" in RetentionRun.objects.get().kept


def _old_request(received_at: datetime) -> DataRequest:
    request = services.data_request_submit(
        requester=services.Requester(user=UserFactory()),
        kind=Kind.ACCESS,
        jurisdiction_code="EU",
        channel=Channel.API,
        now=received_at,
    )
    RequestEvent.objects.filter(request=request).update(at=received_at)
    return request


@pytest.mark.django_db
def test_an_old_request_goes_with_its_events_unless_a_younger_tombstone_holds_it(time_machine):
    time_machine.move_to(NOW, tick=False)
    gone = _old_request(NOW - timedelta(days=5 * 365))
    held = _old_request(NOW - timedelta(days=5 * 365))
    ErasureTombstone.objects.create(
        request=held, subject_id=1, erased_at=NOW - timedelta(days=30), categories=[], counts={}
    )

    run = retention_purge(now=NOW)

    assert not DataRequest.objects.filter(pk=gone.pk).exists()
    assert DataRequest.objects.filter(pk=held.pk).exists()  # the proof of erasure needs it
    assert not RequestEvent.objects.filter(request_id=gone.pk).exists()
    assert run.removed["datarequests.DataRequest"] == 1
    assert run.removed["datarequests.RequestEvent"] >= 1
    assert run.removed["datarequests.ErasureTombstone"] == 0


@pytest.mark.django_db
def test_the_runs_are_listed_in_the_admin(client, time_machine):
    time_machine.move_to(NOW, tick=False)
    verified_login(client, UserFactory(is_staff=True, is_superuser=True))
    _lead(NOW - timedelta(days=731), "Old Lead")
    call_command("purge_expired", stdout=StringIO())

    page = client.get(reverse("admin:privacy_office_retentionrun_changelist"))

    assert page.status_code == 200
    assert "activity.Lead" in page.content.decode()


@pytest.mark.django_db
def test_the_purge_is_on_the_nightly_schedule():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="privacy_office.tasks.retention_purge_task")
    assert (task.crontab.hour, task.crontab.minute) == ("3", "20")


class Kept(models.Model):
    collected_at = models.DateTimeField()
    notes = models.TextField()

    class Meta:
        app_label = "privacy_office"
        managed = False


def test_a_declared_retention_must_say_what_age_is_measured_from():
    registry = Registry()
    registry.declare(
        Kept,
        subject=None,
        category="activity",
        fields=[personal("notes", purposes=["B9"], retention_days=30)],
    )

    problems = [error.msg for error in registry_problems([Kept], registry)]

    assert any("declares retention_days but no retained_from" in msg for msg in problems)


def test_the_age_field_must_be_a_date_or_time():
    registry = Registry()
    registry.declare(
        Kept,
        subject=None,
        category="activity",
        fields=[personal("notes", purposes=["B9"], retention_days=30)],
        retained_from="notes",
    )

    problems = [error.msg for error in registry_problems([Kept], registry)]

    assert any("retained_from 'notes' is not a date or time field" in msg for msg in problems)
