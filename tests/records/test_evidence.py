"""The evidence pack of one request: what it holds, that it verifies with our command and with
the standalone script (the standard library only), and that any changed byte fails both."""

import base64
import hashlib
import io
import json
import subprocess
import sys
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from audit.checkpoints import audit_checkpoint_write
from audit.models import AuditEvent
from datarequests import services
from datarequests.models import Channel, Dispatch, Kind
from privacy_office import clock
from records import verify_evidence_standalone as standalone
from records.evidence import evidence_pack_build, evidence_public_key, evidence_verify
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SCAN = b"%PDF-1.4 Chan Tai Man, HKID A123456(7)"
STANDALONE = Path(standalone.__file__)


def at(day: int, month: int = 3, hour: int = 2) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=UTC)  # 10:00 in Hong Kong


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.AUDIT_CHECKPOINT_PATH = tmp_path / "audit-checkpoints.jsonl"


@pytest.fixture
def hk_letter(time_machine):
    """A Hong Kong letter, received Monday 2 March 2026: identity checked 3 March, a fee quoted
    3 March and paid 5 March, the s.19(2) delay notice sent 9 April, refused 10 April."""
    time_machine.move_to(at(2), tick=False)
    officer = UserFactory(username="officer", is_staff=True)
    request = services.data_request_submit(
        requester=services.Requester(
            name="Chan Tai Man", email="chan@example.com", postal_address="8 Nathan Road"
        ),
        kind=Kind.ACCESS,
        jurisdiction_code="HK",
        channel=Channel.LETTER,
        letter_scan=SimpleUploadedFile("letter-chan.pdf", SCAN),
        entered_by=officer,
        now=at(2),
    )
    services.identity_verify(
        request_id=request.pk, actor=officer, method="HKID card copy seen", now=at(3)
    )
    services.fee_assess(request_id=request.pk, now=at(3, hour=3))
    services.fee_settle(
        request_id=request.pk, actor=officer, waived=False, note="HSBC ref 7781", now=at(5)
    )
    services.delay_notice_send(
        request_id=request.pk,
        actor=officer,
        text="Archived orders must be retrieved from storage; we reply by 30 April.",
        now=at(9, month=4),
    )
    services.data_request_refuse(
        request_id=request.pk,
        actor=officer,
        ground="s.20(1)(b) another person's data would be disclosed and cannot be redacted",
        explanation="The records name other buyers throughout.",
        now=at(10, month=4),
    )
    audit_checkpoint_write(now=at(10, month=4, hour=3))
    time_machine.move_to(at(11, month=4), tick=False)
    return request, officer


def members(pack: bytes) -> dict:
    archive = zipfile.ZipFile(io.BytesIO(pack))
    return {name: archive.read(name) for name in archive.namelist()}


def member_json(pack: bytes, name: str):
    return json.loads(members(pack)[name])


def build(request, officer) -> bytes:
    return evidence_pack_build(request_id=request.pk, actor=officer, now=at(11, month=4)).content


def test_the_pack_holds_the_requests_whole_story(hk_letter):
    request, officer = hk_letter

    pack = build(request, officer)

    events = member_json(pack, "events.json")
    assert [(e["at"], e["status"], e["type"]) for e in events] == [
        ("2026-03-02T02:00:00+00:00", "received", "status"),
        ("2026-03-02T02:00:00+00:00", "awaiting_identity", "status"),
        ("2026-03-03T02:00:00+00:00", "assessing_fee", "status"),
        ("2026-03-03T03:00:00+00:00", "awaiting_payment", "status"),
        ("2026-03-05T02:00:00+00:00", "in_progress", "status"),
        ("2026-04-09T02:00:00+00:00", "in_progress", "notice"),
        ("2026-04-10T02:00:00+00:00", "refused", "status"),
    ]
    assert events[0]["actor"] == {"id": officer.pk, "username": "officer"}  # entered the letter
    assert events[1]["actor"] is None  # the system put it in the identity queue
    assert events[-1]["actor"] == {"id": officer.pk, "username": "officer"}
    fees = member_json(pack, "fees.json")
    assert (fees["status"], fees["currency"]) == ("paid", "HKD")
    assert fees["paid_or_waived_at"] == "2026-03-05T02:00:00+00:00"
    assert fees["payment_reference_or_waiver_reason"] == "HSBC ref 7781"
    assert members(pack)["scans/letter_scan.pdf"] == SCAN
    sent = [(m["at"][:10], m["what"]) for m in member_json(pack, "messages.json")["sent"]]
    assert sent == [
        ("2026-03-03", "fee quote"),
        ("2026-04-09", "notice that the deadline cannot be met, with reasons"),
        ("2026-04-10", "refusal notice with the ground and reasons"),
    ]
    assert member_json(pack, "policy.json")["published_at"] == "2018-11-02T00:00:00+00:00"
    assert member_json(pack, "logbook.json")[0]["section"] == "s.20"
    assert member_json(pack, "export_manifest.json") is None


def test_the_pack_says_which_deadline_was_kept(hk_letter):
    request, officer = hk_letter

    deadlines = member_json(build(request, officer), "deadlines.json")

    # 40 days from 2 March is 11 April; the fee was unpaid 3 to 5 March (2 days, the clock
    # stops): 13 April, a Monday. The delay notice is due the day before: 12 April.
    assert [(d["deadline"], d["due"], d["done"], d["kept"]) for d in deadlines] == [
        ("reply", "2026-04-13", "2026-04-10", True),
        ("notice that the deadline cannot be met, with reasons", "2026-04-12", "2026-04-09", True),
    ]


def test_the_audit_entries_are_tied_to_the_signed_checkpoint(hk_letter):
    request, officer = hk_letter

    audit = member_json(build(request, officer), "audit.json")

    about = AuditEvent.objects.filter(target=f"datarequests.DataRequest:{request.pk}").exclude(
        detail="evidence pack made"  # the pack's own read, written after it was made
    )
    assert [e["seq"] for e in audit["entries"]] == sorted(about.values_list("seq", flat=True))
    assert len(audit["entries"]) == 7  # seven steps, as in events.json
    head = AuditEvent.objects.order_by("-seq").exclude(detail="evidence pack made").first()
    assert audit["checkpoint"]["last_seq"] == head.seq
    assert audit["chain"][-1]["hash"] == head.hash
    assert audit["chain"][0]["seq"] == audit["entries"][0]["seq"]


def test_making_the_pack_is_an_audited_read(hk_letter):
    request, officer = hk_letter

    build(request, officer)

    read = AuditEvent.objects.order_by("-seq").first()
    assert (read.actor, read.action, read.detail) == (officer, "read", "evidence pack made")
    assert read.target == f"datarequests.DataRequest:{request.pk}"


def test_the_pack_verifies_with_the_command_and_the_standalone_script(hk_letter, tmp_path):
    request, officer = hk_letter
    path = tmp_path / "pack.zip"
    path.write_bytes(build(request, officer))
    out = io.StringIO()

    call_command("verify_evidence", str(path), stdout=out)
    script = subprocess.run(
        # -I -S: no site-packages and no project on the path, the standard library only.
        [sys.executable, "-I", "-S", str(STANDALONE), str(path), public_key_b64()],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert "OK: the evidence pack is intact and signed." in out.getvalue()
    assert script.returncode == 0, script.stdout + script.stderr
    assert "OK: the evidence pack is intact" in script.stdout
    assert "anchored by the checkpoint of 2026-04-10T03:00:00+00:00" in script.stdout


def public_key_b64() -> str:
    return base64.b64encode(evidence_public_key()).decode()


def test_any_changed_byte_fails_both_verifiers(hk_letter):
    request, officer = hk_letter
    pack = build(request, officer)
    assert evidence_verify(pack)[0] == []
    names = zipfile.ZipFile(io.BytesIO(pack)).namelist()
    positions = [
        0,  # the first local header's signature
        30 + len(names[0]) + 5,  # inside the manifest's compressed bytes
        len(pack) // 2,  # somewhere in the members
        pack.rfind(b"PK\x01\x02") + 10,  # the central directory (a date field)
        len(pack) - standalone.COMMENT_LENGTH - 3,  # the end record's directory offset
        len(pack) - standalone.COMMENT_LENGTH - 1,  # the comment's length
        len(pack) - 20,  # the signature itself
        len(pack) - 1,  # its last character
    ]
    key = evidence_public_key()

    for position in positions:
        tampered = bytearray(pack)
        tampered[position] ^= 0x01
        problems, _notes = evidence_verify(bytes(tampered))
        assert problems, f"a change at byte {position} went unnoticed"
        assert standalone.verify(bytes(tampered), key)[0], f"standalone missed byte {position}"


def test_a_pack_signed_with_another_key_fails(hk_letter):
    request, officer = hk_letter
    pack = build(request, officer)
    other = Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    problems, _notes = evidence_verify(pack, public_key=other)

    assert problems == [
        "the signature does not hold: the file was altered or signed by another key"
    ]


def test_a_member_rewritten_and_re_signed_with_a_stolen_manifest_still_fails(hk_letter):
    """Rewriting a member without the key breaks the signature; the manifest's hashes name it."""
    request, officer = hk_letter
    pack = build(request, officer)
    contents = members(pack)
    contents["fees.json"] = contents["fees.json"].replace(b"HSBC ref 7781", b"HSBC ref 0000")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in contents.items():
            archive.writestr(name, content)

    problems, _notes = standalone.verify(buffer.getvalue(), evidence_public_key())

    assert problems == ["the file carries no evidence signature (or it was altered)"]


def test_the_verify_command_fails_loudly_on_a_tampered_pack(hk_letter, tmp_path):
    request, officer = hk_letter
    pack = bytearray(build(request, officer))
    pack[len(pack) // 3] ^= 0xFF
    path = tmp_path / "pack.zip"
    path.write_bytes(bytes(pack))

    with pytest.raises(CommandError, match="FAILED: the signature does not hold"):
        call_command("verify_evidence", str(path))


def test_an_extended_correction_records_the_extension_and_the_change(time_machine):
    time_machine.move_to(datetime(2026, 1, 5, 9, 0, tzinfo=UTC), tick=False)
    user = UserFactory(city="Hangzhou")
    request = services.data_request_submit(
        requester=services.Requester(user=user),
        kind=Kind.CORRECTION,
        jurisdiction_code="EU",
        channel=Channel.API,
        corrections=[{"field": "accounts.User.city", "value": "Ningbo"}],
        now=datetime(2026, 1, 5, 9, 0, tzinfo=UTC),
    )
    services.deadline_extend(
        request_id=request.pk,
        actor=None,
        reason="The order records are in archive storage.",
        now=datetime(2026, 1, 20, 9, 0, tzinfo=UTC),
    )
    services.data_request_refuse(
        request_id=request.pk,
        actor=None,
        ground="Art.12(5) manifestly unfounded",
        explanation="Our records show Hangzhou.",
        now=datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
    )

    pack = evidence_pack_build(
        request_id=request.pk, actor=None, now=datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    ).content

    assert evidence_verify(pack)[0] == []
    assert standalone.verify(pack, evidence_public_key())[0] == []
    # One month from 5 January is 5 February, two more months: 5 April, Easter Sunday; Easter
    # Monday is a holiday too, so the next working day: 7 April. The extension had to be
    # notified within the first month (by 5 February); it was on 20 January.
    deadlines = member_json(pack, "deadlines.json")
    assert [(d["deadline"], d["due"], d["done"], d["kept"]) for d in deadlines] == [
        ("reply", "2026-04-07", "2026-03-02", True),
        ("extension notified within the first period", "2026-02-05", "2026-01-20", True),
    ]
    assert member_json(pack, "corrections.json") == [
        {
            "field": "accounts.User.city",
            "row": str(user.pk),
            "old_value": "Hangzhou",
            "new_value": "Ningbo",
            "applied_at": None,
        }
    ]
    assert member_json(pack, "logbook.json") == []


def test_the_export_manifest_names_each_member_by_hash_not_its_data(
    django_capture_on_commit_callbacks, eager_tasks
):
    from datarequests.models import DataRequest
    from tests.datarequests.helpers import export_zip
    from tests.factories import person_with_data_in_every_category

    user = person_with_data_in_every_category()
    with django_capture_on_commit_callbacks(execute=True):
        request = services.data_request_submit(
            requester=services.Requester(user=user),
            kind=Kind.ACCESS,
            jurisdiction_code="EU",
            channel=Channel.API,
            now=clock.now(),
        )
    request = DataRequest.objects.get(pk=request.pk)
    export = export_zip(request.export)

    pack = evidence_pack_build(request_id=request.pk, actor=None, now=clock.now()).content

    manifest = member_json(pack, "export_manifest.json")
    expected = {name: hashlib.sha256(export.read(name)).hexdigest() for name in export.namelist()}
    assert {m["name"]: m["sha256"] for m in manifest["members"]} == expected
    assert manifest["rows"] == request.export.row_count
    assert user.email.encode() not in members(pack)["export_manifest.json"]


def test_the_pure_python_ed25519_agrees_with_rfc_8032_and_with_cryptography():
    # RFC 8032, 7.1, TEST 1: the empty message.
    secret = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
    public = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
    signature = bytes.fromhex(
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555"
        "fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
    )
    key = Ed25519PrivateKey.from_private_bytes(secret)
    assert key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw) == public
    assert key.sign(b"") == signature

    assert standalone.ed25519_verify(public, b"", signature)
    assert not standalone.ed25519_verify(public, b"x", signature)
    assert not standalone.ed25519_verify(public, b"", signature[:-1] + b"\x0c")
    message = "拒绝记录簿 evidence".encode()
    assert standalone.ed25519_verify(public, message, key.sign(message))


def test_the_pack_holds_each_message_as_sent_emails_and_letters(hk_letter):
    request, officer = hk_letter

    messages = member_json(build(request, officer), "messages.json")["messages"]

    assert [(m["key"], m["channel"], m["to"]) for m in messages] == [
        ("fee_quoted", "email", "chan@example.com"),
        ("notice", "email", "chan@example.com"),
        ("refused", "email", "chan@example.com"),
    ]
    assert "The records name other buyers throughout." in messages[-1]["text"]
    assert messages[-1]["posted"] is None


def postal_hk_letter_with_a_late_delay_notice(time_machine):
    """No email address: the s.19(2) notice is a letter written 9 April and posted 13 April,
    after the day it was due (12 April); the reply by post is dispatched on 14 April."""
    time_machine.move_to(at(2), tick=False)
    officer = UserFactory(username="officer", is_staff=True, is_superuser=True)
    request = services.data_request_submit(
        requester=services.Requester(name="Chan Tai Man", postal_address="8 Nathan Road"),
        kind=Kind.ACCESS,
        jurisdiction_code="HK",
        channel=Channel.LETTER,
        entered_by=officer,
        now=at(2),
    )
    services.identity_verify(request_id=request.pk, actor=officer, method="HKID", now=at(3))
    services.fee_assess(request_id=request.pk, now=at(3, hour=3))
    services.fee_settle(request_id=request.pk, actor=officer, waived=True, note="-", now=at(5))
    time_machine.move_to(at(9, month=4), tick=False)
    services.delay_notice_send(
        request_id=request.pk, actor=officer, text="We reply by 30 April.", now=at(9, month=4)
    )
    time_machine.move_to(at(13, month=4), tick=False)
    notice = request.messages.get(key="notice")
    services.letter_posted_record(
        message_id=notice.pk,
        actor=officer,
        posted_on=date(2026, 4, 13),
        method="registered",
        tracking="RR99HK",
        now=at(13, month=4),
    )
    Dispatch.objects.create(
        request=request,
        dispatched_on=date(2026, 4, 14),
        method="post",
        actor=officer,
        recorded_at=at(14, month=4),
    )
    time_machine.move_to(at(15, month=4), tick=False)
    return request, officer


def test_a_letter_is_in_the_pack_with_its_posting_step_and_the_reply_dispatch(time_machine):
    request, officer = postal_hk_letter_with_a_late_delay_notice(time_machine)

    pack = evidence_pack_build(request_id=request.pk, actor=officer, now=at(15, month=4)).content

    [notice] = [m for m in member_json(pack, "messages.json")["messages"] if m["key"] == "notice"]
    assert (notice["channel"], notice["to"], notice["post_by"]) == (
        "letter",
        "8 Nathan Road",
        "2026-04-12",
    )
    assert notice["posted"] == {
        "on": "2026-04-13",
        "method": "registered",
        "tracking": "RR99HK",
        "recorded_by": {"id": officer.pk, "username": "officer"},
        "recorded_at": "2026-04-13T02:00:00+00:00",
    }
    assert member_json(pack, "dispatch.json") == {
        "posted_on": "2026-04-14",
        "method": "post",
        "tracking": "",
        "recorded_by": {"id": officer.pk, "username": "officer"},
        "recorded_at": "2026-04-14T02:00:00+00:00",
    }
    # The notice was given when posted (13 April), a day after it was due.
    deadlines = member_json(pack, "deadlines.json")
    [delay] = [d for d in deadlines if d["deadline"].startswith("notice that the deadline")]
    assert (delay["due"], delay["done"], delay["kept"]) == ("2026-04-12", "2026-04-13", False)
    problems, _notes = evidence_verify(pack)
    assert problems == []
    assert standalone.verify(pack, evidence_public_key(), _cryptography_verifier)[0] == []


def _cryptography_verifier(key: bytes, message: bytes, signature: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(key).verify(signature, message)
    except InvalidSignature:
        return False
    return True
