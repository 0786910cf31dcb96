"""The reply letter is drawn in a child forked as the build begins: it parses the font
while the rows are read (the font then never stays in the worker) and draws the letter
once it is sent the counts. A child that fails or hangs is killed and reaped and the
letter is drawn in the worker; an abandoned build's child is reaped too."""

import os
import time
from pathlib import Path

import pytest

from datarequests import exports, letters
from datarequests.exports import ForkedChild, export_create
from privacy_office import clock
from tests.datarequests.helpers import access_request, export_zip
from tests.factories import person_with_data_in_every_category


def _done_where(child_does):
    parent = os.getpid()

    def work(given: bytes) -> bytes:
        if os.getpid() == parent:
            return b"drawn in the worker for " + given
        return child_does(given)

    return work


def _nothing() -> None:
    pass


def no_child_left() -> bool:
    """No child of this process is left, as a zombie or alive."""
    return Path(f"/proc/self/task/{os.getpid()}/children").read_text().split() == []


def test_the_letter_comes_from_the_child_prepared_before_it_was_asked(tmp_path):
    marker = tmp_path / "prepared-by"

    def prepare() -> None:
        marker.write_text(str(os.getpid()))

    child = ForkedChild(prepare, _done_where(lambda given: b"drawn in the child for " + given))
    deadline = time.monotonic() + 10
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    prepared_by = int(marker.read_text())  # before any counts were sent

    assert child.answer(b"3 rows") == b"drawn in the child for 3 rows"
    assert prepared_by != os.getpid()
    assert no_child_left()


def test_a_long_answer_and_a_long_question_cross_the_pipes_whole():
    question = os.urandom(300_000)  # more than a pipe holds: sent while the child reads
    child = ForkedChild(_nothing, _done_where(lambda given: given[::-1] * 8))

    assert child.answer(question) == question[::-1] * 8
    assert no_child_left()


@pytest.mark.parametrize("fails_in", ["prepare", "work"])
def test_a_child_that_fails_leaves_the_letter_to_the_worker(fails_in):
    def fail(*_args) -> bytes:
        raise RuntimeError("the letter's process has no database connection")

    prepare = fail if fails_in == "prepare" else _nothing
    work = _done_where(fail if fails_in == "work" else lambda given: b"drawn in the child")
    child = ForkedChild(prepare, work)

    assert child.answer(b"counts") == b"drawn in the worker for counts"
    assert no_child_left()


def test_counts_too_long_for_the_pipe_sent_to_a_child_that_failed_reach_the_worker():
    def fail() -> None:
        raise RuntimeError("the font is missing")

    child = ForkedChild(fail, _done_where(lambda given: b"drawn in the child"))
    time.sleep(0.5)  # the child has failed and exited: the pipe has no reader
    counts = b"9" * 300_000  # more than the pipe holds: the write meets the closed end

    assert child.answer(counts) == b"drawn in the worker for " + counts
    assert no_child_left()


def test_a_child_that_never_reads_its_counts_is_killed_at_the_deadline(monkeypatch):
    monkeypatch.setattr(exports, "LETTER_CHILD_SECONDS", 1)
    child = ForkedChild(lambda: time.sleep(600), _done_where(lambda given: b"never"))
    counts = b"9" * 300_000  # more than the pipe holds, and no one reads it

    assert child.answer(counts) == b"drawn in the worker for " + counts
    assert no_child_left()


def test_a_child_that_hangs_is_killed_and_the_letter_drawn_in_the_worker(monkeypatch):
    monkeypatch.setattr(exports, "LETTER_CHILD_SECONDS", 1)
    before = set(os.listdir("/proc/self/task"))

    def hang(_given) -> bytes:
        time.sleep(600)
        return b"never"

    child = ForkedChild(_nothing, _done_where(hang))

    assert child.answer(b"counts") == b"drawn in the worker for counts"
    assert no_child_left() and set(os.listdir("/proc/self/task")) == before


def test_a_child_whose_answer_is_never_asked_for_is_reaped_and_its_pipes_closed():
    fds = len(os.listdir("/proc/self/fd"))
    child = ForkedChild(lambda: time.sleep(600), _done_where(lambda given: b"never"))

    child.close()

    assert no_child_left()
    assert len(os.listdir("/proc/self/fd")) == fds


def test_a_fork_refused_leaves_the_letter_to_the_worker_and_no_pipe_open(monkeypatch):
    def refused():
        raise OSError(12, "Cannot allocate memory")

    before = len(os.listdir("/proc/self/fd"))
    monkeypatch.setattr(exports.os, "fork", refused)

    child = ForkedChild(_nothing, lambda given: b"drawn in the worker")

    assert child.answer(b"counts") == b"drawn in the worker"
    assert len(os.listdir("/proc/self/fd")) == before


@pytest.mark.django_db
def test_an_export_has_its_letter_drawn_in_the_child_not_in_the_worker(monkeypatch):
    worker = os.getpid()
    real = letters.reply_letter_pdf

    def drawn_where(**kwargs) -> bytes:
        return (
            real(**kwargs)
            + f"\n%drawn by {'worker' if os.getpid() == worker else 'child'}".encode()
        )

    monkeypatch.setattr(letters, "reply_letter_pdf", drawn_where)
    request = access_request(person_with_data_in_every_category())

    export = export_create(request=request, now=clock.now())

    letter = export_zip(export).read("letter.pdf")
    assert letter.startswith(b"%PDF") and letter.endswith(b"%drawn by child")
    assert no_child_left()


@pytest.mark.django_db
def test_an_export_that_fails_midway_leaves_no_child_and_no_pipe_open(monkeypatch):
    request = access_request(person_with_data_in_every_category())
    fds = len(os.listdir("/proc/self/fd"))

    def storage_down(**_kwargs):
        raise OSError("the export storage is down")

    monkeypatch.setattr(exports, "export_file_store", storage_down)

    with pytest.raises(OSError, match="storage is down"):
        export_create(request=request, now=clock.now())
    assert no_child_left()
    assert len(os.listdir("/proc/self/fd")) == fds


def test_a_child_still_preparing_dies_with_the_worker():
    """A worker killed outright (its hard time limit, the OOM killer) leaves no child behind."""
    import signal
    import subprocess
    import sys

    script = (
        "import time, django; django.setup(); from datarequests.exports import ForkedChild; "
        "child = ForkedChild(lambda: time.sleep(600), lambda given: b''); "
        "print(child._pid, flush=True); time.sleep(600)"
    )
    worker = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    child = int(worker.stdout.readline())
    assert Path(f"/proc/{child}").exists()

    worker.send_signal(signal.SIGKILL)
    worker.wait()

    def gone() -> bool:
        status = Path(f"/proc/{child}/status")
        return not status.exists() or "\nState:\tZ" in status.read_text()

    deadline = time.monotonic() + 10
    while not gone() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert gone(), Path(f"/proc/{child}/status").read_text()[:300]
