"""Decisions from an edge worker or a CDN log (manage.py consent_import): the same records as
the consent door makes, all or none, never twice."""

import json
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse

from cookies.models import ConsentRecord
from cookies.selectors import consent_current, declarations_version
from privacy_office import clock

# Transactional: the visitor's cache is dropped when the import's transaction commits.
pytestmark = pytest.mark.django_db(transaction=True)

VISITOR = "edgevisitor0001"
PROOF = ("choices", "declarations_version", "policy_version", "gpc", "ip_truncated",
         "user_agent_hash", "visitor_id")  # fmt: skip


def line(**fields) -> dict:
    return {
        "event_id": "evt-1",
        "visitor_id": VISITOR,
        "choices": {"statistics": True, "ad_targeting": False},
        "at": (clock.now() - timedelta(minutes=5)).isoformat(),
        "declarations_version": declarations_version(),
        "ip": "203.0.113.77",
        "user_agent": "Firefox/133",
        **fields,
    }


def write(tmp_path, *lines) -> str:
    path = tmp_path / "edge.jsonl"
    path.write_text(
        "\n".join(item if isinstance(item, str) else json.dumps(item) for item in lines) + "\n"
    )
    return str(path)


def run(path):
    out, err = StringIO(), StringIO()
    call_command("consent_import", path, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_an_imported_decision_is_the_same_proof_as_one_made_through_the_door(client, tmp_path):
    client.cookies["po_visitor"] = "doorvisitor0001"
    client.put(
        reverse("api-cookie-consent"),
        {"choices": {"statistics": True, "ad_targeting": False}},
        content_type="application/json",
        HTTP_USER_AGENT="Firefox/133",
        REMOTE_ADDR="203.0.113.77",
    )
    out, _ = run(write(tmp_path, line(visitor_id="doorvisitor0001")))

    via_door = ConsentRecord.objects.get(method="api")
    imported = ConsentRecord.objects.get(method="edge_import")
    assert "1 consent records stored" in out
    assert {f: getattr(imported, f) for f in PROOF} == {f: getattr(via_door, f) for f in PROOF}
    assert imported.ip_truncated == "203.0.113.0"
    assert imported.event_id == "evt-1"


def test_importing_the_same_file_again_stores_nothing_twice(tmp_path):
    path = write(tmp_path, line(), line(event_id="evt-2", visitor_id="edgevisitor0002"))
    run(path)

    out, _ = run(path)

    assert ConsentRecord.objects.count() == 2
    assert "0 consent records stored, 2 already stored" in out


def test_one_bad_line_refuses_the_whole_file_and_every_bad_line_is_named(tmp_path):
    path = write(
        tmp_path,
        line(),
        "{not json",
        line(event_id="evt-3", choices={"mood": True}),
        line(event_id="evt-4", colour="blue"),
        line(event_id="evt-1"),
        line(event_id="evt-6", declarations_version="000000000000"),
        line(event_id="evt-7", at=(clock.now() + timedelta(days=1)).isoformat()),
        line(event_id="evt-8", visitor_id="x"),
    )

    with pytest.raises(CommandError, match=r"7 of 8 lines cannot be stored\. Nothing was stored\."):
        run(path)
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("consent_import", path, stdout=StringIO(), stderr=err)

    report = err.getvalue()
    assert "line 2: Not a JSON object." in report
    assert "line 3: Unknown cookie categories: mood." in report
    assert "line 4: Unknown fields: colour." in report
    assert "line 5: event_id repeats line 1." in report
    assert "line 6: Made under declarations version 000000000000" in report
    assert "line 7: at must be a date and time with its time zone, not in the future." in report
    assert "line 8: visitor_id must be 8 to 64 letters and digits." in report
    assert "line 1:" not in report
    assert ConsentRecord.objects.count() == 0


def test_a_missing_field_or_a_naive_time_is_refused(tmp_path):
    without_version = line()
    del without_version["declarations_version"]
    path = write(tmp_path, without_version, line(event_id="evt-2", at="2026-11-30T10:00:00"))
    err = StringIO()

    with pytest.raises(CommandError):
        call_command("consent_import", path, stdout=StringIO(), stderr=err)

    assert "line 1: Missing fields: declarations_version." in err.getvalue()
    assert "line 2: at must be a date and time" in err.getvalue()


def test_the_visitors_cached_consent_gives_way_to_a_newer_imported_decision(client, tmp_path):
    client.cookies["po_visitor"] = VISITOR
    with time_machine.travel(clock.now() - timedelta(hours=1)):
        client.put(
            reverse("api-cookie-consent"),
            {"choices": {"statistics": False}},
            content_type="application/json",
        )
    assert consent_current(visitor_id=VISITOR).allows("statistics") is False  # now cached

    run(write(tmp_path, line()))

    assert consent_current(visitor_id=VISITOR).allows("statistics") is True
    assert client.get(reverse("api-cookie-consent")).json()["choices"]["statistics"] is True


def test_an_older_imported_decision_does_not_replace_a_newer_one(client, tmp_path):
    run(write(tmp_path, line(at=(clock.now() - timedelta(hours=2)).isoformat())))
    client.cookies["po_visitor"] = VISITOR
    client.put(
        reverse("api-cookie-consent"),
        {"choices": {"statistics": False}},
        content_type="application/json",
    )
    run(write(tmp_path, line(event_id="evt-9", at=(clock.now() - timedelta(hours=1)).isoformat())))

    assert consent_current(visitor_id=VISITOR).allows("statistics") is False
    assert ConsentRecord.objects.filter(visitor_id=VISITOR).count() == 3


def test_a_missing_file_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        run(str(tmp_path / "nope.jsonl"))
