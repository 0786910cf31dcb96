"""Browsing information (A.6): partitioned by month, bulk ingest, retention by dropping months."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import ProgrammingError, connection
from django.urls import reverse

from activity import partitions
from activity.models import PageView
from activity.services import IngestError, browsing_ingest, browsing_partitions_maintain
from privacy_office import clock
from tests.conftest import as_owner, verified_login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def row(**changes):
    return {
        "viewed_at": clock.now().isoformat(),
        "visitor_id": "visitor-9",
        "path": "/products/led",
        "ip_address": "198.51.100.4",
        "browser": "Firefox 133",
        "operating_system": "Ubuntu",
        **changes,
    }


def test_the_table_is_partitioned_by_month_with_indexes_for_one_subject():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT partstrat FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
            "WHERE c.relname = 'activity_pageview'"
        )
        strategy = cursor.fetchone()
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'activity_pageview'")
        indexes = " ".join(r[0] for r in cursor.fetchall())

    assert strategy == ("r",)
    assert "(user_id, viewed_at)" in indexes
    assert "(visitor_id, viewed_at)" in indexes


def test_ingest_stores_rows_and_creates_the_month_it_needs():
    user = UserFactory()

    now = datetime(2031, 3, 5, tzinfo=UTC)

    result = browsing_ingest(
        rows=[
            row(user_id=user.pk, viewed_at="2031-03-02T00:00:00Z"),
            row(viewed_at="2030-12-31T23:00:00Z"),
        ],
        now=now,
    )

    assert result.stored == 2
    assert result.partitions_created == ["activity_pageview_p2030_12", "activity_pageview_p2031_03"]
    stored = PageView.objects.get(user=user)
    assert (stored.ip_address, stored.browser, stored.session_id) == (
        "198.51.100.4",
        "Firefox 133",
        "visitor-9",
    )


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (row(viewed_at="yesterday"), "Row 2: viewed_at must be a date and time with a time zone"),
        (row(viewed_at="2026-11-20T10:00:00"), "Row 2: viewed_at must be a date and time"),
        (row(ip_address="999.1.1.1"), "Row 2: ip_address is not an IP address"),
        (row(path=""), "Row 2: missing path"),
        (row(user_id="12"), "Row 2: user_id must be a whole number"),
        (row(viewed_at="2099-01-01T00:00:00Z"), "Row 2: viewed_at is in the future"),
        (row(viewed_at="2020-01-01T00:00:00Z"), "Row 2: viewed_at is older than the retention"),
        ("a string", "Row 2: each row must be an object"),
    ],
)
def test_a_bad_row_stores_nothing_and_says_which_and_why(bad, message):
    with pytest.raises(IngestError) as error:
        browsing_ingest(rows=[row(), bad, row()])

    assert str(error.value).startswith(message)
    assert PageView.objects.count() == 0


def test_ingest_api_is_for_staff_and_reports_bad_rows(client):
    client.force_login(UserFactory())
    refused = client.post(reverse("api-browsing-ingest"), [row()], content_type="application/json")
    verified_login(client, UserFactory(is_staff=True))  # staff, but not allowed to ingest
    not_allowed = client.post(
        reverse("api-browsing-ingest"), [row()], content_type="application/json"
    )
    verified_login(client, UserFactory(is_staff=True, is_superuser=True))
    stored = client.post(
        reverse("api-browsing-ingest"), [row(), row()], content_type="application/json"
    )
    bad = client.post(
        reverse("api-browsing-ingest"),
        [row(), row(ip_address="x")],
        content_type="application/json",
    )
    empty = client.post(reverse("api-browsing-ingest"), {}, content_type="application/json")
    too_many = client.post(
        reverse("api-browsing-ingest"), [row()] * 10_001, content_type="application/json"
    )

    assert refused.status_code == 403
    assert not_allowed.status_code == 403
    assert (stored.status_code, stored.json()) == (201, {"stored": 2})
    assert (bad.status_code, bad.json()["detail"]) == (
        400,
        "Row 2: ip_address is not an IP address",
    )
    assert empty.status_code == 400
    assert too_many.status_code == 413
    assert PageView.objects.count() == 2


def test_ingest_command_loads_a_json_lines_file(tmp_path):
    path = tmp_path / "views.jsonl"
    path.write_text("\n".join(json.dumps(row(path=f"/p/{n}")) for n in range(25)) + "\n")

    call_command("ingest_browsing", str(path))

    assert PageView.objects.count() == 25


def test_ingest_command_refuses_a_bad_file_whole(tmp_path):
    path = tmp_path / "views.jsonl"
    path.write_text(json.dumps(row()) + "\n{not json\n")

    with pytest.raises(CommandError, match=r"Row 2: not valid JSON\. Nothing was stored\."):
        call_command("ingest_browsing", str(path))
    assert PageView.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_retention_drops_whole_months_past_13_months_and_keeps_the_rest():
    today = date(2026, 11, 25)
    old = datetime(2025, 9, 15, tzinfo=UTC)
    kept = datetime(2025, 11, 15, tzinfo=UTC)
    browsing_ingest(
        rows=[row(viewed_at=old.isoformat()), row(viewed_at=kept.isoformat())],
        now=datetime(2025, 12, 1, tzinfo=UTC),
    )

    with as_owner():  # dropping tables is the owner's job (README, Security)
        created, dropped = browsing_partitions_maintain(today=today)

    assert "activity_pageview_p2025_09" in dropped
    assert "activity_pageview_p2025_11" not in dropped
    assert "activity_pageview_p2027_02" in partitions.existing_partitions()
    assert [view.viewed_at for view in PageView.objects.all()] == [kept]
    assert set(created) <= set(partitions.existing_partitions())
    with as_owner():
        assert browsing_partitions_maintain(today=today + timedelta(days=1))[1] == []


@pytest.mark.django_db(transaction=True)
def test_the_app_role_creates_a_months_partition_but_cannot_drop_one(app_role):
    created = partitions.partitions_ensure(first=date(2031, 7, 1), last=date(2031, 7, 31))

    with pytest.raises(ProgrammingError, match="must be owner of table activity_pageview"):
        partitions.partitions_drop_before(cutoff=date(2031, 8, 1))
    assert created == ["activity_pageview_p2031_07"]
    assert "activity_pageview_p2031_07" in partitions.existing_partitions()


def test_a_well_formed_but_impossible_time_is_a_clear_error():
    with pytest.raises(IngestError, match="Row 1: viewed_at must be a date and time"):
        browsing_ingest(rows=[row(viewed_at="2026-11-20T10:61:00+00:00")])
