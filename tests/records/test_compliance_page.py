"""The compliance page: open and overdue figures, the log book, the metrics and the last
verify_audit result; the auditor reads every record for the regulator and nothing else."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from accounts.roles import AUDITOR, CUSTOMER_SERVICE, PRIVACY_OFFICER, REQUEST_HANDLER
from datarequests.models import Channel, DataRequest, Jurisdiction, Kind, Status
from records.models import TrailCheck
from tests.conftest import verified_login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 10, 4, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _today(time_machine, settings, tmp_path):
    time_machine.move_to(NOW, tick=False)
    settings.AUDIT_CHECKPOINT_PATH = tmp_path / "audit-checkpoints.jsonl"


def staff(role):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


def request_due(status, due_at):
    return DataRequest.objects.create(
        kind=Kind.ACCESS,
        status=status,
        channel=Channel.API,
        jurisdiction=Jurisdiction.objects.get(code="EU"),
        language="en",
        received_at=NOW - timedelta(days=40),
        due_at=due_at,
    )


def test_the_page_shows_open_and_overdue_requests_and_the_last_trail_check(client):
    request_due(Status.IN_PROGRESS, NOW - timedelta(days=1))  # overdue
    request_due(Status.AWAITING_IDENTITY, NOW + timedelta(days=5))  # open, in time
    request_due(Status.FULFILLED, NOW - timedelta(days=3))  # closed: neither
    call_command("verify_audit", "--no-checkpoints")
    verified_login(client, staff(AUDITOR))

    page = client.get(reverse("admin:records_compliance")).content.decode()

    assert '<td id="open">2</td>' in page
    assert '<td id="overdue">1</td>' in page
    check = TrailCheck.objects.get()
    assert (check.at, check.intact) == (NOW, True)
    assert (
        f"Intact when last checked by verify_audit on 2026-06-10 12:00: {check.checked} events"
        in page
    )
    assert "<svg" in page


def test_the_page_says_when_the_trail_was_never_checked(client):
    verified_login(client, staff(AUDITOR))

    page = client.get(reverse("admin:records_compliance")).content.decode()

    assert "verify_audit has not been run yet." in page


REGULATOR_PAGES = {
    "compliance": ("admin:records_compliance", []),
    "ccpa": ("admin:records_ccpa", []),
    "art30": ("admin:records_art30", []),
    "log book": ("admin:records_logbookentry_changelist", []),
    "trail checks": ("admin:records_trailcheck_changelist", []),
    "evidence": ("admin:records_evidence", []),
    "requests": ("admin:datarequests_datarequest_changelist", []),
    "people": ("admin:accounts_user_changelist", []),
}
OPENS = {
    AUDITOR: {"compliance", "ccpa", "art30", "log book", "trail checks"},
    REQUEST_HANDLER: {
        "compliance",
        "ccpa",
        "art30",
        "log book",
        "trail checks",
        "evidence",
        "requests",
        "people",
    },
    CUSTOMER_SERVICE: {"people"},
    PRIVACY_OFFICER: set(REGULATOR_PAGES),
}


@pytest.mark.parametrize("role", list(OPENS))
def test_each_role_opens_exactly_its_regulator_pages(client, role):
    verified_login(client, staff(role))

    opened = {
        name
        for name, (url, args) in REGULATOR_PAGES.items()
        if client.get(reverse(url, args=args)).status_code == 200
    }

    assert opened == OPENS[role]


def test_the_auditor_cannot_take_an_evidence_pack(client):
    request = request_due(Status.IN_PROGRESS, NOW)
    verified_login(client, staff(AUDITOR))

    response = client.get(reverse("admin:records_evidence"), {"request": request.pk})

    assert response.status_code == 403


def test_the_officer_downloads_an_evidence_pack_from_the_admin(client):
    request = request_due(Status.IN_PROGRESS, NOW)
    verified_login(client, staff(PRIVACY_OFFICER))

    response = client.get(reverse("admin:records_evidence"), {"request": request.pk})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert f"evidence-request-{request.pk}.zip" in response["Content-Disposition"]


def test_unverified_staff_do_not_see_the_compliance_page(client):
    client.force_login(staff(PRIVACY_OFFICER))

    response = client.get(reverse("admin:records_compliance"))

    assert response.status_code == 302


def test_the_nightly_check_keeps_its_result_for_the_page(client):
    from audit.checkpoints import audit_checkpoint_write
    from audit.services import audit_record
    from records.schedules import SCHEDULES
    from records.tasks import trail_check_task

    audit_record(actor=None, action="change", target="x:1", now=NOW)
    audit_checkpoint_write(now=NOW)

    assert trail_check_task() is True
    check = TrailCheck.objects.get()
    assert (check.at, check.intact, check.checked, check.findings) == (NOW, True, 1, [])
    assert "records.tasks.trail_check_task" in {s.task for s in SCHEDULES}
