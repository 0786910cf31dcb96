"""Letter scans and guardianship proofs: sealed at rest, read through an audited, permissioned
door, purged 90 days after the request closed (issue 13, 6)."""

import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from audit.models import AuditEvent
from datarequests import services
from datarequests.models import Channel, DataRequest, Kind
from datarequests.scans import scans_purge
from privacy_office import clock
from privacy_office.encrypted_files import MAGIC
from tests.conftest import verified_login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SCAN = b"%PDF-1.4 Chan Tai Man, HKID A123456(7)"
RECEIVED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def media(settings, tmp_path, time_machine):
    time_machine.move_to(RECEIVED, tick=False)
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def officer(client):
    user = UserFactory(username="officer", is_staff=True, is_superuser=True)
    verified_login(client, user)
    return user


def letter(requester=None) -> DataRequest:
    return services.data_request_submit(
        requester=services.Requester(
            user=requester, name="Chan Tai Man", postal_address="8 Nathan Road"
        ),
        kind=Kind.ACCESS,
        jurisdiction_code="HK",
        channel=Channel.LETTER,
        letter_scan=SimpleUploadedFile("letter-chan.pdf", SCAN),
        now=clock.now(),
    )


def on_disk(request: DataRequest) -> Path:
    return Path(request.letter_scan.path)


def test_a_letter_scan_is_sealed_owner_only_under_a_name_nobody_can_guess(media):
    request = letter()

    path = on_disk(request)
    assert path.is_relative_to(media / "letters")
    assert "chan" not in path.name and len(path.stem) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert path.read_bytes().startswith(MAGIC)
    assert b"Chan Tai Man" not in path.read_bytes()


def test_staff_with_the_permission_download_it_and_the_read_is_audited(client, officer):
    person = UserFactory()
    request = letter(requester=person)

    page = client.get(reverse("admin:datarequests_datarequest_change", args=[request.pk]))
    url = reverse("admin:datarequests_datarequest_scan", args=[request.pk, "letter_scan"])
    response = client.get(url)

    assert url in page.content.decode()
    assert request.letter_scan.name not in page.content.decode()
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == SCAN
    event = AuditEvent.objects.get(action="read", detail="letter_scan read")
    assert (event.actor, event.subject, event.target) == (
        officer,
        person,
        f"datarequests.DataRequest:{request.pk}",
    )


def test_staff_without_the_permission_are_refused_and_nothing_is_read(client):
    request = letter()
    handler = UserFactory(is_staff=True)
    handler.user_permissions.add(
        Permission.objects.get(codename="view_datarequest"),
        Permission.objects.get(codename="change_datarequest"),
    )
    verified_login(client, handler)

    response = client.get(
        reverse("admin:datarequests_datarequest_scan", args=[request.pk, "letter_scan"])
    )

    assert response.status_code == 403
    assert not AuditEvent.objects.filter(detail="letter_scan read").exists()


def test_the_request_handler_role_may_read_scans():
    from django.contrib.auth.models import Group

    handler = UserFactory(is_staff=True)
    handler.groups.add(Group.objects.get(name="Request handler"))

    assert handler.has_perm("datarequests.view_scans_datarequest")


def test_scans_are_purged_90_days_after_the_request_closed_and_not_before(time_machine):
    person = UserFactory()
    closed, still_open = letter(requester=person), letter(requester=person)
    services.data_request_withdraw(request_id=closed.pk, requester=person, now=clock.now())
    closed_file, open_file = on_disk(closed), on_disk(still_open)

    time_machine.move_to(RECEIVED + timedelta(days=89), tick=False)
    assert scans_purge(now=clock.now()) == 0
    assert closed_file.exists()

    time_machine.move_to(RECEIVED + timedelta(days=91), tick=False)
    assert scans_purge(now=clock.now()) == 1
    assert scans_purge(now=clock.now()) == 0  # re-runnable

    assert not closed_file.exists()
    assert open_file.exists()
    assert DataRequest.objects.get(pk=closed.pk).letter_scan.name == ""
    assert DataRequest.objects.get(pk=still_open.pk).letter_scan.name


def test_the_purge_runs_every_night():
    from datarequests.schedules import SCHEDULES

    assert "datarequests.tasks.scans_purge_task" in {s.task for s in SCHEDULES}


def test_reseal_scans_seals_a_file_left_in_clear_by_an_earlier_version(media):
    request = letter()
    clear = media / "letters" / "letter.pdf"
    clear.write_bytes(SCAN)
    clear.chmod(0o644)
    DataRequest.objects.filter(pk=request.pk).update(letter_scan="letters/letter.pdf")

    call_command("reseal_scans", stdout=open("/dev/null", "w"))  # noqa: SIM115

    request.refresh_from_db()
    sealed = on_disk(request)
    assert not clear.exists()
    assert sealed.read_bytes().startswith(MAGIC)
    assert stat.S_IMODE(sealed.stat().st_mode) == 0o600
    assert request.letter_scan.read() == SCAN
