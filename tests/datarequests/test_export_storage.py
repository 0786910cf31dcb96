"""Exports through the ``exports`` storage: a storage other than the folder (here Django's
InMemoryStorage, which has no path on disk; and a real S3 endpoint, moto's server) holds the
sealed file, the downloads stream from it and the purge deletes it."""

import io
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.storage import storages
from django.urls import reverse

from audit.models import AuditEvent
from datarequests import services
from datarequests.export_storage import export_file_is_sealed, export_storage, staging_dir
from datarequests.exports import export_dir, exports_purge
from datarequests.models import Channel, DataRequest, Export, Kind, Status
from privacy_office import clock
from tests.conftest import verified_login
from tests.factories import UserFactory, person_with_data_in_every_category

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]

IN_MEMORY = {"BACKEND": "django.core.files.storage.InMemoryStorage"}


@pytest.fixture
def exports_in_memory(settings):
    settings.STORAGES = {**settings.STORAGES, "exports": IN_MEMORY}
    yield storages["exports"]


def folder_files() -> set[str]:
    return {p.name for p in export_dir().iterdir()} | {p.name for p in staging_dir().iterdir()}


def fulfilled_access_request(client, capture) -> DataRequest:
    owner = person_with_data_in_every_category()
    client.force_login(owner)
    with capture(execute=True):
        response = client.post(
            reverse("api-requests"),
            {"kind": "access", "jurisdiction": "EU"},
            content_type="application/json",
        )
    request = DataRequest.objects.get(pk=response.json()["id"])
    assert request.status == Status.FULFILLED
    return request


def test_the_export_is_kept_in_the_configured_storage_not_the_folder(
    client, exports_in_memory, django_capture_on_commit_callbacks
):
    before = folder_files()

    request = fulfilled_access_request(client, django_capture_on_commit_callbacks)

    name = request.export.path
    assert "/" not in name and name.startswith(f"{request.pk}-") and name.endswith(".zip.enc")
    assert exports_in_memory.exists(name)
    assert export_file_is_sealed(name)  # encrypted at rest in the bucket too
    assert folder_files() == before  # nothing left on this host's disk, not even the staging


def test_the_owner_downloads_the_export_streamed_from_the_storage(
    client, exports_in_memory, django_capture_on_commit_callbacks
):
    request = fulfilled_access_request(client, django_capture_on_commit_callbacks)

    response = client.get(reverse("api-request-export", args=[request.pk]))

    assert response.status_code == 200 and response.streaming
    body = b"".join(response.streaming_content)
    assert int(response["Content-Length"]) == len(body) == request.export.size
    archive = zipfile.ZipFile(io.BytesIO(body))
    assert request.requester.email in archive.read("data.json").decode()


def test_a_damaged_object_is_refused_not_served_in_part(
    client, exports_in_memory, django_capture_on_commit_callbacks
):
    request = fulfilled_access_request(client, django_capture_on_commit_callbacks)
    name = request.export.path
    with exports_in_memory.open(name, "rb") as handle:
        sealed = handle.read()
    exports_in_memory.delete(name)
    exports_in_memory.save(name, io.BytesIO(sealed[:-40]))  # cut short

    with pytest.raises(ValueError, match="damaged or incomplete"):
        client.get(reverse("api-request-export", args=[request.pk]))


def test_a_missing_object_is_no_export_to_download(
    client, exports_in_memory, django_capture_on_commit_callbacks
):
    request = fulfilled_access_request(client, django_capture_on_commit_callbacks)
    exports_in_memory.delete(request.export.path)

    response = client.get(reverse("api-request-export", args=[request.pk]))

    assert response.status_code == 404


def test_the_purge_deletes_the_object_and_orphans_in_the_storage(
    client, exports_in_memory, django_capture_on_commit_callbacks, time_machine
):
    request = fulfilled_access_request(client, django_capture_on_commit_callbacks)
    name = request.export.path
    exports_in_memory.save("999999-deadbeefdeadbeef.zip.enc", io.BytesIO(b"orphan"))
    time_machine.move_to(clock.now() + timedelta(days=31))

    purged = exports_purge(now=clock.now())

    assert purged == 1
    assert not exports_in_memory.exists(name)
    assert not exports_in_memory.exists("999999-deadbeefdeadbeef.zip.enc")
    assert Export.objects.get(pk=request.export.pk).purged_at is not None
    client.force_login(request.requester)  # a month on: the session has ended
    assert client.get(reverse("api-request-export", args=[request.pk])).status_code == 404


def test_a_new_export_replaces_the_old_object_once_committed(
    client, exports_in_memory, django_capture_on_commit_callbacks
):
    request = fulfilled_access_request(client, django_capture_on_commit_callbacks)
    old = request.export.path
    from datarequests.exports import export_create

    with django_capture_on_commit_callbacks(execute=True):
        new = export_create(request=request, now=clock.now())

    assert new.path != old
    assert exports_in_memory.exists(new.path) and not exports_in_memory.exists(old)


def test_a_staff_reply_export_from_the_storage_is_audited(
    client, exports_in_memory, django_capture_on_commit_callbacks, time_machine
):
    time_machine.move_to(datetime(2026, 11, 25, 2, 0, tzinfo=UTC))
    officer = UserFactory(is_staff=True, is_superuser=True)
    verified_login(client, officer)
    request = services.data_request_submit(
        requester=services.Requester(
            name="Mei Chen",
            email="mei.chen@example.com",
            postal_address="12 West Lake Road\nHangzhou 310000",
        ),
        kind=Kind.ACCESS,
        jurisdiction_code="CN",
        channel=Channel.LETTER,
        received_at=datetime(2026, 11, 20, 4, 0, tzinfo=UTC),
        now=clock.now(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:datarequests_datarequest_act", args=[request.pk, "verify"]),
            {"text": "ID card copy enclosed with the letter"},
        )
    request.refresh_from_db()
    assert request.status == Status.AWAITING_DISPATCH
    assert export_storage().exists(request.export.path)

    response = client.get(reverse("admin:datarequests_datarequest_reply_export", args=[request.pk]))

    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert "data.json" in archive.namelist()
    assert AuditEvent.objects.filter(actor=officer, detail="reply export read").count() == 1


def test_unset_the_exports_stay_in_the_folder_under_media_root(
    client, django_capture_on_commit_callbacks
):
    request = fulfilled_access_request(client, django_capture_on_commit_callbacks)

    assert (export_dir() / request.export.path).stat().st_size > request.export.size


@pytest.fixture
def exports_in_an_s3_bucket(settings, monkeypatch):
    """A real S3 endpoint over HTTP on this machine (moto's server), one bucket for exports,
    configured through the same settings production reads."""
    moto_server = pytest.importorskip("moto.server")
    import boto3

    from config.settings.base import export_storage_settings

    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",  # moto's: no real credential
        "EXPORT_STORAGE_BUCKET": "privacy-office-exports",
        "EXPORT_STORAGE_ENDPOINT_URL": endpoint,
        "EXPORT_STORAGE_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    bucket = boto3.resource("s3", endpoint_url=endpoint, region_name="us-east-1").Bucket(
        "privacy-office-exports"
    )
    bucket.create()
    settings.STORAGES = {**settings.STORAGES, "exports": export_storage_settings(export_dir())}
    try:
        yield bucket
    finally:
        server.stop()


def test_on_s3_the_export_is_uploaded_downloaded_and_purged_through_the_bucket(
    client, exports_in_an_s3_bucket, django_capture_on_commit_callbacks, time_machine
):
    before = folder_files()

    request = fulfilled_access_request(client, django_capture_on_commit_callbacks)

    stored = exports_in_an_s3_bucket.Object(f"exports/{request.export.path}")
    assert stored.content_length > request.export.size  # sealed: the header and the tags
    assert stored.server_side_encryption == "AES256"
    assert folder_files() == before
    response = client.get(reverse("api-request-export", args=[request.pk]))
    body = b"".join(response.streaming_content)
    assert len(body) == request.export.size
    assert "data.json" in zipfile.ZipFile(io.BytesIO(body)).namelist()

    time_machine.move_to(clock.now() + timedelta(days=31))
    assert exports_purge(now=clock.now()) == 1
    assert [o.key for o in exports_in_an_s3_bucket.objects.all()] == []
