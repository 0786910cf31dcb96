"""What verify_audit tells an auditor after someone with the database's owner rights tampered.

The application's own role cannot do any of this (tests/audit/test_db_roles.py);
these tests tamper as the owner, as an attacker holding those rights would (so they are
transactional: the owner's connection sees only what was committed).
"""

import json
from datetime import UTC, datetime
from io import StringIO

import pgtrigger
import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from audit.chain import event_hash, event_hash_unkeyed
from audit.checkpoints import audit_checkpoint_write
from audit.keys import chain_key_id
from audit.models import AuditEvent
from audit.services import audit_record
from audit.tasks import audit_checkpoint_task
from privacy_office import clock
from tests.conftest import as_owner

pytestmark = pytest.mark.django_db(transaction=True)

WRITTEN = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CHECKPOINTED = datetime(2026, 3, 2, 9, 15, tzinfo=UTC)


def write_events(count: int) -> list[AuditEvent]:
    return [
        audit_record(actor=None, action="change", target=f"x:{n}", now=clock.now())
        for n in range(count)
    ]


def verify() -> str:
    """Run verify_audit; return what it printed, failing or not."""
    out, err = StringIO(), StringIO()
    try:
        call_command("verify_audit", stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue() + err.getvalue() + str(error)
    return out.getvalue() + err.getvalue()


def tamper(statement: str, params=()) -> None:
    """Run ``statement`` as the tables' owner, with the append-only trigger switched off."""
    with (
        as_owner(),
        transaction.atomic(),
        pgtrigger.ignore("audit.AuditEvent:audit_events_append_only"),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, params)


@pytest.fixture
def trail(time_machine):
    """Five events, anchored by a checkpoint a quarter of an hour later."""
    time_machine.move_to(WRITTEN, tick=False)
    events = write_events(5)
    time_machine.move_to(CHECKPOINTED, tick=False)
    audit_checkpoint_task()
    return events


def test_an_intact_trail_passes_against_its_checkpoints(trail):
    output = verify()

    assert "Checked against 1 checkpoints" in output
    assert "covers events up to #5." in output
    assert output.rstrip().endswith("The audit trail is intact: 5 events.")


def test_the_checkpoint_records_count_last_id_head_hash_and_time(trail, settings):
    line = json.loads(settings.AUDIT_CHECKPOINT_PATH.read_text().splitlines()[-1])

    assert (line["count"], line["last_seq"], line["last_id"], line["head_hash"], line["at"]) == (
        5,
        5,
        trail[-1].pk,
        trail[-1].hash,
        "2026-03-02T09:15:00+00:00",
    )
    assert line["signature"]


def test_an_altered_middle_event_is_named(trail):
    tamper("UPDATE audit_auditevent SET target = 'x:tampered' WHERE id = %s", [trail[2].pk])

    output = verify()

    assert (
        f"Event #3 (id {trail[2].pk}) was altered after it was written: its content no longer "
        "matches its signature." in output
    )
    assert "The audit trail is broken: 1 findings; 5 events checked." in output


def test_deleting_the_newest_events_is_named_as_tail_deletion(trail):
    tamper("DELETE FROM audit_auditevent WHERE seq > 3")

    output = verify()

    assert (
        "The newest events were deleted: the checkpoint of 2026-03-02 09:15:00+00:00 recorded "
        f"5 events ending with #5 (id {trail[4].pk}), but the trail now ends at #3. "
        "Events #4 to #5 are gone." in output
    )


def test_an_emptied_table_is_named_as_truncated(trail):
    tamper("TRUNCATE audit_auditevent")

    output = verify()

    assert (
        "The trail is empty, but the checkpoint of 2026-03-02 09:15:00+00:00 recorded 5 events "
        "ending with #5: the table was emptied (truncated)." in output
    )


def test_a_chain_recomputed_without_the_key_is_named(trail):
    """The old, unkeyed SHA-256 formula is public: anyone could recompute it."""
    previous = trail[1].hash
    for event in AuditEvent.objects.filter(seq__gte=3).order_by("seq"):
        event.target = "x:rewritten" if event.seq == 3 else event.target
        event.previous_hash, event.hash = previous, event_hash_unkeyed(event, previous)
        tamper(
            "UPDATE audit_auditevent SET target = %s, previous_hash = %s, hash = %s WHERE id = %s",
            [event.target, event.previous_hash, event.hash, event.pk],
        )
        previous = event.hash

    output = verify()

    assert (
        f"Events #3 to #5 (ids {trail[2].pk} to {trail[4].pk}) do not match the trail's key: "
        "they were rewritten and the chain recomputed by someone without the key." in output
    )


def test_a_chain_recomputed_with_the_stolen_key_is_caught_by_the_checkpoint(trail, settings):
    key = settings.AUDIT_CHAIN_KEYS[0].encode()
    previous = trail[1].hash
    for event in AuditEvent.objects.filter(seq__gte=3).order_by("seq"):
        event.target = "x:rewritten" if event.seq == 3 else event.target
        event.previous_hash, event.hash = previous, event_hash(event, previous, key)
        tamper(
            "UPDATE audit_auditevent SET target = %s, previous_hash = %s, hash = %s WHERE id = %s",
            [event.target, event.previous_hash, event.hash, event.pk],
        )
        previous = event.hash

    output = verify()

    assert (
        f"Event #5 is not the one the checkpoint of 2026-03-02 09:15:00+00:00 recorded (id "
        f"{trail[4].pk}, hash {trail[4].hash[:12]}…; now id {trail[4].pk}, hash {previous[:12]}…): "
        "the trail up to it was rewritten and its chain recomputed after the checkpoint." in output
    )
    assert "The audit trail is broken: 1 findings" in output


def test_events_deleted_from_the_middle_are_named_as_a_gap(trail):
    tamper("DELETE FROM audit_auditevent WHERE seq IN (2, 3)")

    output = verify()

    assert (
        "Events #2 to #3 are missing: they were deleted from the middle of the trail (the next "
        f"event kept is id {trail[3].pk})." in output
    )


def test_an_edited_checkpoint_line_is_named(trail, settings):
    path = settings.AUDIT_CHECKPOINT_PATH
    path.write_text(path.read_text().replace('"count": 5', '"count": 9'))

    output = verify()

    assert f"Line 1 of the checkpoint file {path} is not a checkpoint signed" in output


def test_events_signed_before_a_key_rotation_still_verify(settings):
    old_key = settings.AUDIT_CHAIN_KEYS[0]
    before = write_events(2)
    settings.AUDIT_CHAIN_KEYS = ["a-new-chain-key-of-more-than-32-characters", old_key]
    after = write_events(2)

    assert [e.key_id for e in before + after] == [chain_key_id(old_key)] * 2 + [
        chain_key_id(settings.AUDIT_CHAIN_KEYS[0])
    ] * 2
    assert verify().rstrip().endswith("The audit trail is intact: 4 events.")


def test_an_event_under_a_key_no_longer_listed_is_named(settings):
    old_key = settings.AUDIT_CHAIN_KEYS[0]
    event = write_events(1)[0]
    settings.AUDIT_CHAIN_KEYS = ["a-new-chain-key-of-more-than-32-characters"]

    assert (
        f"Event #1 (id {event.pk}) is signed with a key this installation does not know "
        f"({chain_key_id(old_key)})" in verify()
    )


def test_the_checkpoint_runs_on_a_schedule():
    from django_celery_beat.models import PeriodicTask

    from privacy_office.schedules import schedules_install

    schedules_install()

    task = PeriodicTask.objects.get(task="audit.tasks.audit_checkpoint_task")
    assert (task.crontab.minute, task.crontab.hour, task.enabled) == ("*/15", "*", True)


def test_checkpoints_append_and_never_rewrite_the_file(settings, time_machine):
    time_machine.move_to(WRITTEN, tick=False)
    write_events(1)
    audit_checkpoint_write(now=clock.now())
    first = settings.AUDIT_CHECKPOINT_PATH.read_text()
    write_events(1)
    audit_checkpoint_write(now=clock.now())

    lines = settings.AUDIT_CHECKPOINT_PATH.read_text().splitlines()
    assert settings.AUDIT_CHECKPOINT_PATH.read_text().startswith(first)
    assert [json.loads(line)["count"] for line in lines] == [1, 2]


@pytest.mark.parametrize(
    ("chain_keys", "refusal"),
    [
        ("", "AUDIT_CHAIN_KEYS must be set in production"),
        ("local-development-only-audit-chain-key", "AUDIT_CHAIN_KEYS holds a development"),
    ],
)
def test_production_refuses_to_start_without_a_chain_key(chain_keys, refusal):
    import secrets
    import subprocess
    import sys

    from cryptography.fernet import Fernet

    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "example.com",
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "FIELD_BLIND_INDEX_KEY": secrets.token_urlsafe(32),
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
        "CELERY_BROKER_URL": "redis://127.0.0.1:1/0",
        "AUDIT_CHAIN_KEYS": chain_keys,
        "AUDIT_CHECKPOINT_PATH": "/var/lib/privacy-office-anchor/audit-checkpoints.jsonl",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode != 0
    assert refusal in result.stderr
