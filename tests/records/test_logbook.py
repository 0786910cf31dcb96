"""The Hong Kong log book of refusals (PDPO s.27): written with the refusal, never changed,
annotated, kept four years and then purged, exported in English and Chinese."""

import csv
import io
import re
from datetime import UTC, datetime

import pgtrigger
import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, InternalError, ProgrammingError, connection, transaction
from django.urls import reverse

from accounts.roles import AUDITOR, CUSTOMER_SERVICE, PRIVACY_OFFICER, REQUEST_HANDLER
from audit.models import AuditEvent
from datarequests import services
from datarequests.models import Channel, Kind
from privacy_office import clock
from privacy_office.retention import retention_purge
from records.exports import logbook_csv, logbook_pdf
from records.models import LogBookAnnotation, LogBookEntry
from records.selectors import logbook_entries
from records.services import logbook_annotate, logbook_withholding_record
from tests.conftest import verified_login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

GROUND = "s.20(3)(b) not enough information to locate the data"
REASONS = "We found no account under the details given."


def hk_request(*, kind=Kind.ACCESS, corrections=(), jurisdiction="HK", details="", now=None):
    user = UserFactory(first_name="Mei", last_name="Chen", city="Hangzhou")
    return services.data_request_submit(
        requester=services.Requester(user=user),
        kind=kind,
        jurisdiction_code=jurisdiction,
        channel=Channel.API,
        details=details,
        corrections=corrections,
        now=now or clock.now(),
    )


def refuse(request, *, ground=GROUND, explanation=REASONS, actor=None, now=None):
    return services.data_request_refuse(
        request_id=request.pk,
        actor=actor,
        ground=ground,
        explanation=explanation,
        now=now or clock.now(),
    )


def test_a_hong_kong_access_refusal_is_logged_with_what_s27_asks(time_machine):
    time_machine.move_to(datetime(2026, 5, 4, 2, 0, tzinfo=UTC), tick=False)
    request = hk_request(details="my order history of 2025")
    officer = UserFactory(is_staff=True)

    refuse(request, actor=officer)

    entry = LogBookEntry.objects.get()
    assert entry.recorded_at == datetime(2026, 5, 4, 2, 0, tzinfo=UTC)
    assert entry.section == "s.20"
    assert entry.ground == GROUND
    assert entry.reasons == REASONS
    assert entry.data_concerned == "access to: my order history of 2025"
    assert entry.request_id == request.pk
    assert entry.requester_id == request.requester_id
    assert entry.requester_name == "Mei Chen"
    assert entry.requester_email == request.requester.email
    assert entry.recorded_by == officer


def test_the_entry_exists_before_the_refusal_notice_goes_out(
    django_capture_on_commit_callbacks, mailoutbox
):
    request = hk_request()
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        refuse(request)
        # The notice waits for the commit; the entry is already in the same transaction.
        assert LogBookEntry.objects.filter(request_id=request.pk).count() == 1
        assert mailoutbox == []
    for callback in callbacks:
        callback()

    assert len(mailoutbox) == 1
    assert REASONS in mailoutbox[0].body


def test_a_refusal_that_fails_leaves_no_entry():
    request = hk_request()

    with pytest.raises(ValidationError):
        refuse(request, explanation="  ")

    assert LogBookEntry.objects.count() == 0


def test_a_hong_kong_correction_refusal_is_logged_under_s24_with_the_data_concerned():
    request = hk_request(
        kind=Kind.CORRECTION, corrections=[{"field": "accounts.User.city", "value": "Ningbo"}]
    )

    refuse(request, ground="s.20(1)(a) identity or relevant-person status not established")

    entry = LogBookEntry.objects.get()
    assert entry.section == "s.24"
    assert entry.data_concerned == (
        f"correction of:\naccounts.User.city [{request.requester_id}]: 'Hangzhou' -> 'Ningbo'"
    )


def test_refusals_under_other_laws_are_not_logged():
    request = hk_request(jurisdiction="EU")

    refuse(request, ground="Art.12(5) manifestly unfounded")

    assert LogBookEntry.objects.count() == 0


def test_data_withheld_under_s21_2_is_logged():
    request = hk_request()

    entry = logbook_withholding_record(
        request_id=request.pk,
        withheld="the names of other buyers in dispute 88",
        reasons="other people's data that cannot be redacted",
        actor=None,
        now=clock.now(),
    )

    assert entry.section == "s.21(2)"
    assert entry.data_concerned == "the names of other buyers in dispute 88"
    with pytest.raises(ValidationError):
        logbook_withholding_record(
            request_id=hk_request(jurisdiction="EU").pk,
            withheld="x",
            reasons="y",
            actor=None,
            now=clock.now(),
        )


def _sql_fails(statement: str, params: list) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, params)
    except (InternalError, IntegrityError, ProgrammingError):
        return True
    return False


def test_postgresql_refuses_to_change_or_delete_an_entry_or_its_annotation():
    refuse(hk_request())
    entry = LogBookEntry.objects.get()
    note = logbook_annotate(
        entry_id=entry.pk, text="Reviewed: ground right.", author=None, now=clock.now()
    )

    assert _sql_fails("UPDATE records_logbookentry SET reasons = 'x' WHERE id = %s", [entry.pk])
    assert _sql_fails("DELETE FROM records_logbookentry WHERE id = %s", [entry.pk])
    assert _sql_fails("UPDATE records_logbookannotation SET text = 'x' WHERE id = %s", [note.pk])
    assert _sql_fails("DELETE FROM records_logbookannotation WHERE id = %s", [note.pk])
    entry.refresh_from_db()
    assert entry.reasons == REASONS
    assert LogBookAnnotation.objects.get().text == "Reviewed: ground right."


def test_a_young_entry_cannot_be_deleted_even_with_pgtriggers_switched_off():
    refuse(hk_request())
    entry = LogBookEntry.objects.get()
    note = logbook_annotate(entry_id=entry.pk, text="Noted.", author=None, now=clock.now())

    with pgtrigger.ignore(
        "records.LogBookEntry:logbook_entries_never_change",
        "records.LogBookAnnotation:logbook_annotations_never_change",
    ):
        assert _sql_fails("DELETE FROM records_logbookannotation WHERE id = %s", [note.pk])
        assert _sql_fails("DELETE FROM records_logbookentry WHERE id = %s", [entry.pk])

    assert LogBookEntry.objects.filter(pk=entry.pk).exists()
    assert LogBookAnnotation.objects.filter(pk=note.pk).exists()


def test_an_empty_annotation_is_refused():
    refuse(hk_request())

    with pytest.raises(ValidationError, match="Write the annotation"):
        logbook_annotate(
            entry_id=LogBookEntry.objects.get().pk, text=" ", author=None, now=clock.now()
        )


def test_entries_are_kept_four_years_then_purged_with_their_annotations(time_machine):
    # Refused 2 March 2020, 10:00 UTC; 1,461 days (4 years, 29 February 2024 among them) run
    # to 2 March 2024, 10:00.
    time_machine.move_to(datetime(2020, 3, 2, 10, 0, tzinfo=UTC), tick=False)
    refuse(hk_request())
    entry = LogBookEntry.objects.get()
    logbook_annotate(entry_id=entry.pk, text="Complaint received.", author=None, now=clock.now())

    retention_purge(now=datetime(2024, 3, 2, 9, 59, tzinfo=UTC))
    assert LogBookEntry.objects.count() == 1
    assert LogBookAnnotation.objects.count() == 1

    run = retention_purge(now=datetime(2024, 3, 2, 10, 1, tzinfo=UTC))
    assert LogBookEntry.objects.count() == 0
    assert LogBookAnnotation.objects.count() == 0
    assert run.removed["records.LogBookEntry"] == 1
    assert run.removed["records.LogBookAnnotation"] == 1


def test_the_csv_reads_in_chinese_and_keeps_what_was_written():
    refuse(hk_request(details="=HYPERLINK(evil)"))
    entry = LogBookEntry.objects.get()
    logbook_annotate(entry_id=entry.pk, text="已复核", author=None, now=entry.recorded_at)

    body = logbook_csv(logbook_entries(), language="zh-hans")

    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:3] == ["记录", "拒绝日期", "依据条文"]
    assert len(rows) == 2
    assert rows[1][2] == "第20条：拒绝查阅资料要求"
    assert rows[1][6] == "access to: =HYPERLINK(evil)"
    assert rows[1][7] == GROUND
    assert rows[1][8] == REASONS
    assert rows[1][9].endswith(": 已复核")
    english = list(csv.reader(io.StringIO(logbook_csv(logbook_entries(), language="en").decode())))
    assert english[0][:3] == ["\ufeffEntry", "Date of the refusal", "Under"]


def pdf_title(pdf: bytes) -> str:
    """Return the PDF's title from its info dictionary (a literal string, octal escapes)."""
    raw = re.search(rb"/Title \((.*?)\) /Trapped", pdf, re.DOTALL).group(1)
    raw = re.sub(rb"\\([0-7]{3})", lambda m: bytes([int(m.group(1), 8)]), raw)
    raw = re.sub(rb"\\(.)", rb"\1", raw)
    return raw[2:].decode("utf-16-be") if raw.startswith(b"\xfe\xff") else raw.decode()


def test_the_pdf_is_made_in_either_language():
    refuse(hk_request())

    english = logbook_pdf(logbook_entries(), language="en", now=clock.now())
    chinese = logbook_pdf(logbook_entries(), language="zh-hans", now=clock.now())

    assert english.startswith(b"%PDF-") and english.rstrip().endswith(b"%%EOF")
    assert chinese.startswith(b"%PDF-") and chinese.rstrip().endswith(b"%%EOF")
    assert pdf_title(english) == "Log book of refusals (PDPO s.27)"
    assert pdf_title(chinese) == "拒绝记录簿（《个人资料（私隐）条例》第27条）"


def staff(role: str):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.mark.parametrize(
    ("role", "status"),
    [(PRIVACY_OFFICER, 200), (REQUEST_HANDLER, 200), (AUDITOR, 200), (CUSTOMER_SERVICE, 403)],
)
def test_who_may_read_the_log_book(client, role, status):
    refuse(hk_request())
    verified_login(client, staff(role))

    page = client.get(reverse("admin:records_logbookentry_changelist"))

    assert page.status_code == status


def test_unverified_staff_and_ordinary_users_do_not_see_the_log_book(client):
    refuse(hk_request())
    url = reverse("admin:records_logbookentry_changelist")

    client.force_login(staff(PRIVACY_OFFICER))
    unverified = client.get(url)
    client.force_login(UserFactory())
    ordinary = client.get(url)

    assert unverified.status_code == 302 and "/login/" in unverified["Location"]
    assert ordinary.status_code == 302 and "/login/" in ordinary["Location"]


def test_the_admin_exports_the_log_book_and_audits_the_read(client):
    refuse(hk_request())
    entry = LogBookEntry.objects.get()
    auditor = staff(AUDITOR)
    verified_login(client, auditor)

    response = client.post(
        reverse("admin:records_logbookentry_changelist"),
        {"action": "export_csv_en", "_selected_action": [entry.pk]},
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert REASONS in response.content.decode("utf-8-sig")
    read = AuditEvent.objects.filter(actor=auditor, action="read").latest("seq")
    assert read.subjects == [entry.requester_id]


@pytest.mark.parametrize(
    ("action", "content_type", "name"),
    [
        ("export_csv_zh", "text/csv", "-zh.csv"),
        ("export_pdf_en", "application/pdf", "-en.pdf"),
        ("export_pdf_zh", "application/pdf", "-zh.pdf"),
    ],
)
def test_each_export_action_answers_its_format_and_language(client, action, content_type, name):
    refuse(hk_request())
    verified_login(client, staff(AUDITOR))

    response = client.post(
        reverse("admin:records_logbookentry_changelist"),
        {"action": action, "_selected_action": [LogBookEntry.objects.get().pk]},
    )

    assert response["Content-Type"].startswith(content_type)
    assert response["Content-Disposition"].endswith(f'{name}"')
    body = response.content
    assert (
        body.startswith(b"%PDF")
        if content_type == "application/pdf"
        else "理由" in body.decode("utf-8-sig")
    )


def test_an_entry_cannot_be_changed_through_the_admin(client):
    refuse(hk_request())
    entry = LogBookEntry.objects.get()
    verified_login(client, staff(PRIVACY_OFFICER))

    client.post(
        reverse("admin:records_logbookentry_change", args=[entry.pk]), {"reasons": "rewritten"}
    )
    deleted = client.post(
        reverse("admin:records_logbookentry_delete", args=[entry.pk]), {"post": "yes"}
    )

    entry.refresh_from_db()
    assert entry.reasons == REASONS
    assert deleted.status_code == 403


def test_the_officer_logs_withheld_data_through_the_admin_and_handlers_cannot(client):
    request = hk_request()
    url = reverse("admin:records_logbook_withheld")
    body = {
        "request_id": request.pk,
        "withheld": "names of the other party in dispute 88",
        "reasons": "third-party data that cannot be redacted",
    }
    verified_login(client, staff(REQUEST_HANDLER))
    assert client.post(url, body).status_code == 403
    officer = staff(PRIVACY_OFFICER)
    verified_login(client, officer)

    response = client.post(url, body)

    entry = LogBookEntry.objects.get()
    assert response.status_code == 302
    assert (entry.section, entry.data_concerned, entry.recorded_by) == (
        "s.21(2)",
        "names of the other party in dispute 88",
        officer,
    )
    assert "No such request." in client.post(url, {**body, "request_id": 99999}).content.decode()
