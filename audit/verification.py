"""Check the audit trail: every event's signature, the links, the numbering and the checkpoints.

Each problem is a finding in words an auditor can act on: an event altered
after it was written, a chain recomputed, events missing from the middle, the
newest events deleted, the table emptied, a checkpoint file edited.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext as _

from audit.chain import GENESIS, event_hash
from audit.checkpoints import Checkpoint, checkpoint_path, checkpoints_read
from audit.keys import chain_keys
from audit.models import AuditEvent


class Finding(models.TextChoices):
    ALTERED = "altered", "an event was altered"
    RECOMPUTED = "recomputed", "the chain was recomputed"
    UNKNOWN_KEY = "unknown_key", "signed with an unknown key"
    RELINKED = "relinked", "an event does not follow the one before it"
    GAP = "gap", "events missing from the middle"
    TAIL_DELETED = "tail_deleted", "the newest events were deleted"
    TRUNCATED = "truncated", "the trail was emptied"
    CHECKPOINT_MISMATCH = "checkpoint_mismatch", "the trail differs from a checkpoint"
    CHECKPOINT_UNREADABLE = "checkpoint_unreadable", "a checkpoint line is not signed"
    CHECKPOINT_SHRANK = "checkpoint_shrank", "a checkpoint records fewer events than before"


@dataclass(frozen=True)
class Problem:
    kind: Finding
    message: str
    event_id: int | None = None  # the first event concerned, where there is one


@dataclass
class TrailReport:
    checked: int = 0
    problems: list[Problem] = field(default_factory=list)
    first_broken_id: int | None = None
    intact_before_first_finding: int = 0
    checkpoints: list[Checkpoint] = field(default_factory=list)
    last_seq: int | None = None
    checkpoint_file_missing: bool = False

    @property
    def intact(self) -> bool:
        return not self.problems

    def add(self, kind: Finding, message: str, event_id: int | None = None) -> None:
        if event_id is not None and self.first_broken_id is None:
            self.first_broken_id = event_id
            self.intact_before_first_finding = self.checked
        self.problems.append(Problem(kind, message, event_id))


def _when(checkpoint: Checkpoint) -> str:
    return checkpoint.at.isoformat(sep=" ", timespec="seconds")


def _chain_walk(report: TrailReport, watched: set[int]) -> dict[int, tuple[int, str]]:
    """Check each event in order; return (id, hash) of the events whose number is watched."""
    keys = chain_keys()
    seen: dict[int, tuple[int, str]] = {}
    previous_hash, expected_seq = GENESIS, 1
    bad_run: list[AuditEvent] = []  # consecutive events whose signature fails

    def close_run() -> None:
        if not bad_run:
            return
        first, last = bad_run[0], bad_run[-1]
        if len(bad_run) == 1:
            report.add(
                Finding.ALTERED,
                _(
                    "Event #%(seq)s (id %(id)s) was altered after it was written: its content "
                    "no longer matches its signature."
                )
                % {"seq": first.seq, "id": first.pk},
                first.pk,
            )
        else:
            report.add(
                Finding.RECOMPUTED,
                _(
                    "Events #%(first)s to #%(last)s (ids %(first_id)s to %(last_id)s) do not "
                    "match the trail's key: they were rewritten and the chain recomputed by "
                    "someone without the key."
                )
                % {"first": first.seq, "last": last.seq, "first_id": first.pk, "last_id": last.pk},
                first.pk,
            )
        bad_run.clear()

    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=5000):
        if event.seq > expected_seq:
            close_run()
            report.add(
                Finding.GAP,
                _(
                    "Events #%(first)s to #%(last)s are missing: they were deleted from the "
                    "middle of the trail (the next event kept is id %(id)s)."
                )
                % {"first": expected_seq, "last": event.seq - 1, "id": event.pk},
                event.pk,
            )
        elif event.previous_hash != previous_hash:
            close_run()
            report.add(
                Finding.RELINKED,
                _(
                    "Event #%(seq)s (id %(id)s) does not follow the event before it: an event "
                    "before it was replaced, or it was inserted."
                )
                % {"seq": event.seq, "id": event.pk},
                event.pk,
            )
        key = keys.get(event.key_id)
        if key is None:
            close_run()
            report.add(
                Finding.UNKNOWN_KEY,
                _(
                    "Event #%(seq)s (id %(id)s) is signed with a key this installation does not "
                    "know (%(key)s): the key was removed from AUDIT_CHAIN_KEYS, or the event "
                    "was forged."
                )
                % {"seq": event.seq, "id": event.pk, "key": event.key_id or "-"},
                event.pk,
            )
        elif not hmac.compare_digest(event_hash(event, event.previous_hash, key), event.hash):
            bad_run.append(event)
        else:
            close_run()
        if event.seq in watched:
            seen[event.seq] = (event.pk, event.hash)
        previous_hash, expected_seq = event.hash, event.seq + 1
        report.checked += 1
        report.last_seq = event.seq
    close_run()
    return seen


def _checkpoints_compare(report: TrailReport, seen: dict[int, tuple[int, str]]) -> None:
    tail_reported = mismatch_reported = False
    previous: Checkpoint | None = None
    for checkpoint in report.checkpoints:
        if previous is not None and checkpoint.count < previous.count:
            report.add(
                Finding.CHECKPOINT_SHRANK,
                _(
                    "The checkpoint of %(at)s records %(count)s events, fewer than the "
                    "%(before)s of the checkpoint before it: events were deleted between them."
                )
                % {"at": _when(checkpoint), "count": checkpoint.count, "before": previous.count},
            )
        previous = checkpoint
    # The newest checkpoint says the most about the tail; the oldest one that disagrees
    # says from where the chain was rewritten.
    for checkpoint in reversed(report.checkpoints):
        if not checkpoint.count or checkpoint.last_seq is None or tail_reported:
            continue
        if report.checked == 0:
            report.add(
                Finding.TRUNCATED,
                _(
                    "The trail is empty, but the checkpoint of %(at)s recorded %(count)s events "
                    "ending with #%(seq)s: the table was emptied (truncated)."
                )
                % {"at": _when(checkpoint), "count": checkpoint.count, "seq": checkpoint.last_seq},
            )
            tail_reported = True
        elif checkpoint.last_seq > (report.last_seq or 0):
            report.add(
                Finding.TAIL_DELETED,
                _(
                    "The newest events were deleted: the checkpoint of %(at)s recorded "
                    "%(count)s events ending with #%(seq)s (id %(id)s), but the trail now ends "
                    "at #%(last)s. Events #%(first_missing)s to #%(seq)s are gone."
                )
                % {
                    "at": _when(checkpoint),
                    "count": checkpoint.count,
                    "seq": checkpoint.last_seq,
                    "id": checkpoint.last_id,
                    "last": report.last_seq,
                    "first_missing": report.last_seq + 1,
                },
            )
            tail_reported = True
    for checkpoint in report.checkpoints:
        if mismatch_reported or checkpoint.last_seq not in seen:
            continue
        event_id, event_hash_now = seen[checkpoint.last_seq]
        if (event_id, event_hash_now) != (checkpoint.last_id, checkpoint.head_hash):
            report.add(
                Finding.CHECKPOINT_MISMATCH,
                _(
                    "Event #%(seq)s is not the one the checkpoint of %(at)s recorded (id "
                    "%(cid)s, hash %(chash)s…; now id %(id)s, hash %(hash)s…): the trail up to "
                    "it was rewritten and its chain recomputed after the checkpoint."
                )
                % {
                    "seq": checkpoint.last_seq,
                    "at": _when(checkpoint),
                    "cid": checkpoint.last_id,
                    "chash": (checkpoint.head_hash or "")[:12],
                    "id": event_id,
                    "hash": event_hash_now[:12],
                },
                event_id,
            )
            mismatch_reported = True


def audit_trail_verify(*, checkpoints: bool = True) -> TrailReport:
    """Verify the whole trail, and with ``checkpoints`` against the checkpoint file too."""
    report = TrailReport()
    watched: set[int] = set()
    if checkpoints:
        checkpoint_file = checkpoints_read()
        report.checkpoints = checkpoint_file.checkpoints
        report.checkpoint_file_missing = not checkpoint_path().exists()
        watched = {c.last_seq for c in report.checkpoints if c.last_seq is not None}
        for number in checkpoint_file.unreadable_lines:
            report.add(
                Finding.CHECKPOINT_UNREADABLE,
                _(
                    "Line %(line)s of the checkpoint file %(path)s is not a checkpoint signed "
                    "by this installation's key: the file was edited."
                )
                % {"line": number, "path": checkpoint_path()},
            )
    seen = _chain_walk(report, watched)
    if checkpoints:
        _checkpoints_compare(report, seen)
    if report.first_broken_id is None:
        report.intact_before_first_finding = report.checked
    return report


def audit_chain_verify() -> tuple[int, int | None]:
    """Walk the chain in order; return (events checked, id of the first broken event or None).

    The full check, with checkpoints and findings in words, is ``audit_trail_verify``.
    """
    report = audit_trail_verify(checkpoints=False)
    return report.intact_before_first_finding, report.first_broken_id
