"""The read replica (DATABASE_REPLICA_URL): the read-only staff pages read from it, every
write and every read right after a write goes to the primary.

Here the replica is the test database itself, reached through a role that may only read,
in sessions that are read-only (tests/conftest.py): a write routed there fails loudly. Run
with e.g. DATABASE_REPLICA_URL=postgres://privacy_office_replica@127.0.0.1:5432/po_x (README).
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connections, transaction
from django.db.utils import InternalError
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from audit.services import audit_record
from config.settings.base import databases_with_replica
from datarequests import services
from datarequests.models import Channel, DataRequest, Kind
from privacy_office import clock
from privacy_office.db_router import replica_reads
from tests.conftest import verified_login
from tests.factories import UserFactory

needs_replica = [
    pytest.mark.skipif(
        "replica" not in settings.DATABASES,
        reason="replica test skipped: set DATABASE_REPLICA_URL to a read-only role (README)",
    ),
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
]


@pytest.fixture
def officer(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    verified_login(client, user)
    return user


def a_letter() -> DataRequest:
    return services.data_request_submit(
        requester=services.Requester(
            name="Mei Chen", email="mei.chen@example.com", postal_address="12 West Lake Road"
        ),
        kind=Kind.ACCESS,
        jurisdiction_code="CN",
        channel=Channel.LETTER,
        received_at=clock.now() - timedelta(days=2),
        now=clock.now(),
    )


def reads_of(queries: CaptureQueriesContext, table: str) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if f'"{table}"' in q["sql"]]


def get_counting(client, url: str) -> tuple:
    with (
        CaptureQueriesContext(connections["replica"]) as replica,
        CaptureQueriesContext(connections["default"]) as primary,
    ):
        response = client.get(url)
    return response, replica, primary


def _replica_test(function):
    for mark in reversed(needs_replica):
        function = mark(function)
    return function


@_replica_test
@pytest.mark.parametrize("page", ["admin:datarequests_dashboard", "admin:records_compliance"])
def test_the_read_only_staff_pages_read_from_the_replica(client, officer, page):
    a_letter()
    a_letter()

    response, replica, primary = get_counting(client, reverse(page))

    assert response.status_code == 200
    assert reads_of(replica, "datarequests_datarequest")
    assert not reads_of(primary, "datarequests_datarequest")
    # Who is signed in, and may they, is read from the primary before the page.
    assert reads_of(primary, "django_session") and not reads_of(replica, "django_session")


@_replica_test
def test_the_dashboard_from_the_replica_counts_what_the_primary_holds(client, officer):
    a_letter()
    a_letter()

    response, replica, _primary = get_counting(client, reverse("admin:datarequests_dashboard"))

    by_status = {str(label): n for _status, label, n in response.context["by_status"]}
    assert by_status["Awaiting proof of identity"] == 2
    assert reads_of(replica, "datarequests_datarequest")


@_replica_test
def test_after_a_write_the_staff_members_pages_read_the_primary_for_a_while(
    client, officer, time_machine
):
    # Frozen from the sign-in's instant on, so the staff session stays fresh on any "today".
    time_machine.move_to(clock.now(), tick=False)
    request = a_letter()
    client.post(
        reverse("admin:datarequests_datarequest_note", args=[request.pk]), {"text": "Called her."}
    )
    dashboard = reverse("admin:datarequests_dashboard")

    _response, just_after, primary = get_counting(client, dashboard)
    time_machine.shift(timedelta(seconds=settings.REPLICA_READ_YOUR_WRITES_SECONDS + 1))
    _response, a_minute_later, _primary = get_counting(client, dashboard)

    assert not just_after.captured_queries and reads_of(primary, "datarequests_datarequest")
    assert reads_of(a_minute_later, "datarequests_datarequest")


@_replica_test
def test_writes_and_audit_events_go_to_the_primary_even_while_reading_the_replica(officer):
    request = a_letter()

    with CaptureQueriesContext(connections["replica"]) as replica, replica_reads():
        loaded = DataRequest.objects.get(pk=request.pk)  # from the replica
        loaded.language = "zh-hans"
        loaded.save(update_fields=["language"])
        event = audit_record(actor=officer, action="view", target="dashboard", now=clock.now())

    assert reads_of(replica, "datarequests_datarequest")
    assert not [q for q in replica.captured_queries if not q["sql"].startswith("SELECT")]
    assert DataRequest.objects.using("default").get(pk=request.pk).language == "zh-hans"
    assert AuditEvent.objects.using("default").filter(pk=event.pk).exists()


@_replica_test
def test_reads_inside_a_transaction_stay_on_the_primary(officer):
    request = a_letter()

    with (
        CaptureQueriesContext(connections["replica"]) as replica,
        replica_reads(),
        transaction.atomic(),
    ):
        assert DataRequest.objects.get(pk=request.pk).pk == request.pk

    assert not replica.captured_queries


@_replica_test
def test_the_replica_refuses_a_write(officer):
    request = a_letter()

    with pytest.raises(InternalError, match="read-only transaction"):
        DataRequest.objects.using("replica").filter(pk=request.pk).update(language="zh-hans")


def test_without_the_setting_there_is_no_replica_no_router_and_the_same_middleware(
    monkeypatch,
):
    monkeypatch.delenv("DATABASE_REPLICA_URL", raising=False)
    databases = {"default": {"NAME": "x"}}

    routers, middleware = databases_with_replica(databases, ["a", "b"])

    assert (routers, middleware, list(databases)) == ([], ["a", "b"], ["default"])


def test_with_the_setting_the_replica_is_read_only_and_mirrors_in_tests(monkeypatch):
    monkeypatch.setenv("DATABASE_REPLICA_URL", "postgres://reader:pw@standby:5432/po")
    databases: dict = {"default": {}}

    routers, middleware = databases_with_replica(databases, ["a"])

    assert routers == ["privacy_office.db_router.ReplicaRouter"]
    assert middleware == ["a", "privacy_office.db_router.RecentWriteMiddleware"]
    replica = databases["replica"]
    assert (replica["HOST"], replica["USER"], replica["TEST"]) == (
        "standby",
        "reader",
        {"MIRROR": "default"},
    )
    assert replica["OPTIONS"]["options"] == "-c default_transaction_read_only=on"


def test_a_replica_that_is_not_postgresql_is_refused(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setenv("DATABASE_REPLICA_URL", "mysql://reader@standby/po")
    with pytest.raises(ImproperlyConfigured, match="PostgreSQL"):
        databases_with_replica({}, [])
