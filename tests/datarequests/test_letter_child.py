"""The reply letter is drawn in a forked child (its font then never stays in the worker);
a child that fails or hangs is killed and reaped, and the letter is drawn in the worker."""

import os
import time
from pathlib import Path

from datarequests import exports


def _drawn_where(child_does):
    parent = os.getpid()

    def build() -> bytes:
        if os.getpid() == parent:
            return b"drawn in the worker"
        return child_does()

    return build


def test_the_letter_comes_from_the_child():
    assert exports._in_forked_child(_drawn_where(lambda: b"drawn in the child")) == (
        b"drawn in the child"
    )


def test_a_child_that_fails_leaves_the_letter_to_the_worker():
    def fail() -> bytes:
        raise RuntimeError("the letter's process has no database connection")

    assert exports._in_forked_child(_drawn_where(fail)) == b"drawn in the worker"


def test_a_child_that_hangs_is_killed_and_the_letter_drawn_in_the_worker(monkeypatch):
    monkeypatch.setattr(exports, "LETTER_CHILD_SECONDS", 1)
    before = set(os.listdir("/proc/self/task"))

    def hang() -> bytes:
        time.sleep(600)
        return b"never"

    assert exports._in_forked_child(_drawn_where(hang)) == b"drawn in the worker"
    # Reaped: no child of this process is left, as a zombie or alive.
    children = Path(f"/proc/self/task/{os.getpid()}/children").read_text().split()
    assert children == [] and set(os.listdir("/proc/self/task")) == before


def test_a_fork_refused_leaves_the_letter_to_the_worker_and_no_pipe_open(monkeypatch):
    def refused():
        raise OSError(12, "Cannot allocate memory")

    before = len(os.listdir("/proc/self/fd"))
    monkeypatch.setattr(exports.os, "fork", refused)

    assert exports._in_forked_child(lambda: b"drawn in the worker") == b"drawn in the worker"
    assert len(os.listdir("/proc/self/fd")) == before
