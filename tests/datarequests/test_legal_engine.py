"""The legal engine through the services: extensions in time, the UK clock, time zones,
holiday calendars with staff overrides, HK s.71, and the notices the law asks for."""

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from datarequests import services
from datarequests.calendars import local_day, zone_of
from datarequests.models import (
    LAW_BANS_CORRECTION_FEE,
    Asked,
    CalendarOverride,
    Channel,
    DataRequest,
    DeadlineUnit,
    FeeRule,
    Jurisdiction,
    Kind,
    Notice,
    RequestEvent,
    Status,
)
from datarequests.seed import CCPA_TWICE, HK_REPEAT
from privacy_office import clock
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]


def letter(code: str, received: datetime, *, email: str = "", now: datetime | None = None):
    return services.data_request_submit(
        requester=services.Requester(
            name="Chan Tai Man", email=email, postal_address="8 Nathan Road, Kowloon"
        ),
        kind=Kind.ACCESS,
        jurisdiction_code=code,
        channel=Channel.LETTER,
        received_at=received,
        now=now or received,
    )


def local_iso(request: DataRequest, value: datetime) -> str:
    """An instant as the jurisdiction shows it (the database hands it back in UTC)."""
    return value.astimezone(zone_of(request.jurisdiction)).isoformat()


def due_day(request: DataRequest) -> date | None:
    request.refresh_from_db()
    return local_day(request.jurisdiction, request.due_at) if request.due_at else None


# --- 1. late extensions -------------------------------------------------------------------


def test_an_eu_extension_after_the_first_month_is_refused(time_machine):
    received = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    request = letter("EU", received, email="mei@example.com")
    time_machine.move_to(datetime(2026, 4, 3, 9, 0, tzinfo=UTC), tick=False)

    with pytest.raises(ValidationError) as refused:
        services.deadline_extend(
            request_id=request.pk, actor=None, reason="many records", now=clock.now()
        )

    assert refused.value.messages == [
        "Too late to extend: under GDPR the requester must be told of an extension by "
        "2026-04-02 (Europe/Dublin), within the first period. An overdue request stays overdue."
    ]
    assert due_day(request) == date(2026, 4, 2)
    assert not request.events.filter(type=RequestEvent.Type.EXTENDED).exists()


def test_a_ccpa_extension_on_day_46_is_refused_and_on_day_45_given(time_machine):
    received = datetime(2026, 1, 5, 18, 0, tzinfo=UTC)  # 10:00 in Los Angeles
    late = letter("US-CA", received)
    on_time = letter("US-CA", received)

    day_46 = datetime(2026, 2, 20, 18, 0, tzinfo=UTC)
    with pytest.raises(ValidationError, match=r"by 2026-02-19 \(America/Los_Angeles\)"):
        services.deadline_extend(request_id=late.pk, actor=None, reason="volume", now=day_46)
    services.deadline_extend(
        request_id=on_time.pk,
        actor=None,
        reason="volume",
        now=datetime(2026, 2, 19, 18, 0, tzinfo=UTC),
    )

    assert due_day(late) == date(2026, 2, 19)
    assert due_day(on_time) == date(2026, 4, 5)  # 19 Feb + 45 days


def test_the_extension_notice_goes_by_letter_to_a_postal_requester_and_by_email_else(
    django_capture_on_commit_callbacks,
):
    received = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    postal = letter("EU", received)
    emailed = letter("EU", received, email="mei@example.com")
    later = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)

    with django_capture_on_commit_callbacks(execute=True):
        for request in (postal, emailed):
            services.deadline_extend(
                request_id=request.pk, actor=None, reason="200,000 records", now=later
            )

    notices = {
        e.request_id: (e.notice, e.sent_by, e.reason)
        for e in RequestEvent.objects.filter(type=RequestEvent.Type.EXTENDED)
    }
    assert notices[postal.pk] == (Notice.EXTENSION, "letter", "200,000 records")
    assert notices[emailed.pk] == (Notice.EXTENSION, "email", "200,000 records")
    assert [m.to for m in mail.outbox] == [["mei@example.com"]]
    assert "We will reply by 2026-06-02 (Europe/Dublin)" in mail.outbox[0].body
    assert "200,000 records" in mail.outbox[0].body


# --- 2. the UK clock ----------------------------------------------------------------------


def test_a_uk_letter_whose_id_was_enclosed_keeps_its_receipt_date():
    request = letter("UK", datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
    assert request.status == Status.AWAITING_IDENTITY  # staff are checking: the clock runs

    services.identity_verify(
        request_id=request.pk,
        actor=None,
        method="passport copy enclosed",
        now=datetime(2026, 3, 16, 12, 0, tzinfo=UTC),
    )

    assert due_day(request) == date(2026, 4, 2)


def test_a_uk_request_whose_id_was_asked_for_restarts_when_it_arrives(
    django_capture_on_commit_callbacks,
):
    request = letter("UK", datetime(2026, 3, 2, 12, 0, tzinfo=UTC), email="sam@example.co.uk")
    assert due_day(request) == date(2026, 4, 2)

    with django_capture_on_commit_callbacks(execute=True):
        services.requester_ask(
            request_id=request.pk,
            actor=None,
            asked=Asked.IDENTITY,
            text="Please send a copy of your passport.",
            now=datetime(2026, 3, 4, 12, 0, tzinfo=UTC),
        )
    request.refresh_from_db()
    assert (request.status, request.due_at) == (Status.AWAITING_REQUESTER, None)
    ask = request.events.get(status=Status.AWAITING_REQUESTER)
    assert (ask.asked, ask.reason, ask.sent_by) == (
        Asked.IDENTITY,
        "Please send a copy of your passport.",
        "email",
    )
    assert "Please send a copy of your passport." in mail.outbox[-1].body

    services.requester_answer(
        request_id=request.pk, actor=None, note="", now=datetime(2026, 3, 16, 12, 0, tzinfo=UTC)
    )

    request.refresh_from_db()
    assert request.status == Status.AWAITING_IDENTITY  # staff check what arrived
    assert due_day(request) == date(2026, 4, 16)


def test_an_eu_clarification_stops_the_clock_until_it_arrives(time_machine):
    request = letter("EU", datetime(2026, 3, 10, 12, 0, tzinfo=UTC))
    time_machine.move_to(datetime(2026, 3, 12, 12, 0, tzinfo=UTC), tick=False)
    services.requester_ask(
        request_id=request.pk,
        actor=None,
        asked=Asked.CLARIFICATION,
        text="Which of your two accounts do you mean?",
        now=datetime(2026, 3, 12, 12, 0, tzinfo=UTC),
    )
    # No email address: the ask is a letter, posted the same day.
    services.letter_posted_record(
        message_id=request.messages.get(key="asked").pk,
        actor=UserFactory(is_staff=True, is_superuser=True),
        posted_on=date(2026, 3, 12),
        method="post",
        now=datetime(2026, 3, 12, 15, 0, tzinfo=UTC),
    )
    services.requester_answer(
        request_id=request.pk,
        actor=None,
        note="the trading account",
        now=datetime(2026, 3, 22, 12, 0, tzinfo=UTC),
    )

    # 10 April + 10 days stopped = Monday 20 April 2026
    assert due_day(request) == date(2026, 4, 20)


def test_an_ask_needs_what_is_asked():
    request = letter("UK", datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
    with pytest.raises(ValidationError, match="Say what the requester is asked for"):
        services.requester_ask(
            request_id=request.pk, actor=None, asked=Asked.IDENTITY, text=" ", now=clock.now()
        )


# --- 3. time zones ------------------------------------------------------------------------


def test_a_hong_kong_request_late_at_night_is_received_on_the_hong_kong_day(client):
    user = UserFactory()
    received = datetime(2026, 3, 1, 17, 30, tzinfo=UTC)  # 01:30 on 2 March in Hong Kong
    request = services.data_request_submit(
        requester=services.Requester(user=user),
        kind=Kind.CORRECTION,
        jurisdiction_code="HK",
        channel=Channel.API,
        corrections=[{"field": "accounts.User.city", "value": "Kowloon"}],
        received_at=received,
        now=received,
    )
    client.force_login(user)

    body = client.get(reverse("api-request", args=[request.pk])).json()

    assert due_day(request) == date(2026, 4, 11)  # 2 March + 40, not 1 March + 40
    assert body["time_zone"] == "Asia/Hong_Kong"
    assert body["received_at"] == "2026-03-02T01:30:00+08:00"
    assert body["due_at"] == "2026-04-11T23:59:59+08:00"


def test_a_california_request_in_the_evening_is_received_on_the_california_day():
    received = datetime(2026, 1, 6, 5, 0, tzinfo=UTC)  # 21:00 on 5 January in Los Angeles
    request = letter("US-CA", received)
    assert due_day(request) == date(2026, 2, 19)
    assert local_iso(request, request.due_at) == "2026-02-19T23:59:59-08:00"


def test_the_request_page_shows_each_date_with_its_zone(client):
    user = UserFactory()
    received = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    request = services.data_request_submit(
        requester=services.Requester(user=user),
        kind=Kind.CORRECTION,
        jurisdiction_code="HK",
        channel=Channel.SELF_SERVICE,
        corrections=[{"field": "accounts.User.city", "value": "Kowloon"}],
        received_at=received,
        now=received,
    )
    client.force_login(user)

    page = client.get(reverse("requests:detail", args=[request.pk])).content.decode()

    assert "we must reply by 2026-04-11 (Asia/Hong_Kong)" in page
    assert "2026-03-02 10:00 (Asia/Hong_Kong)" in page
    assert (
        "notice that the deadline cannot be met, with reasons: by 2026-04-10 (Asia/Hong_Kong)"
        in page
    )


# --- 4. holiday calendars and staff overrides ---------------------------------------------


def test_china_counts_working_days_on_the_published_calendar_with_make_up_saturdays():
    request = letter("CN", datetime(2026, 2, 9, 2, 0, tzinfo=UTC))  # Monday 9 Feb, 10:00
    # Spring Festival 16-20 and 23 Feb off; Saturdays 14 and 28 Feb worked: 6 March
    assert due_day(request) == date(2026, 3, 6)


def test_staff_add_or_remove_a_day_in_the_calendar():
    china = Jurisdiction.objects.get(code="CN")
    CalendarOverride.objects.create(
        jurisdiction=china, date=date(2026, 3, 2), day_off=True, description="office closed"
    )
    added = letter("CN", datetime(2026, 2, 9, 2, 0, tzinfo=UTC))
    CalendarOverride.objects.filter(jurisdiction=china).delete()
    CalendarOverride.objects.create(
        jurisdiction=china, date=date(2026, 2, 23), day_off=False, description="worked"
    )
    removed = letter("CN", datetime(2026, 2, 9, 2, 0, tzinfo=UTC))

    assert due_day(added) == date(2026, 3, 9)
    assert due_day(removed) == date(2026, 3, 5)


def test_an_eu_deadline_on_an_irish_holiday_moves_to_the_next_working_day(settings):
    request = letter("EU", datetime(2026, 3, 6, 12, 0, tzinfo=UTC))
    assert due_day(request) == date(2026, 4, 7)  # 6 April: Easter Monday in Ireland


def test_the_eu_follows_the_controllers_member_state(settings):
    settings.DATAREQUESTS_EU_MEMBER_STATE = "DE"
    request = letter("EU", datetime(2026, 3, 6, 12, 0, tzinfo=UTC))
    # Easter Monday in Berlin, Berlin time
    assert local_iso(request, request.due_at) == "2026-04-07T23:59:59+02:00"


# --- 5. HK Cap. 1 s.71 --------------------------------------------------------------------


def test_a_hong_kong_period_ending_on_a_sunday_runs_to_monday():
    request = letter("HK", datetime(2026, 3, 3, 4, 0, tzinfo=UTC))  # + 40 = Sunday 12 April
    assert due_day(request) == date(2026, 4, 13)


def test_a_hong_kong_period_ending_on_easter_general_holidays_runs_past_them():
    request = letter("HK", datetime(2026, 2, 23, 4, 0, tzinfo=UTC))  # + 40 = Sat 4 April
    assert due_day(request) == date(2026, 4, 8)


# --- 8. notices on the way ----------------------------------------------------------------


def test_the_hong_kong_s19_2_notice_is_due_before_day_40_and_sent_in_the_requesters_language(
    client, django_capture_on_commit_callbacks
):
    request = services.data_request_submit(
        requester=services.Requester(
            name="陳大文", email="chan@example.hk", postal_address="8 Nathan Road"
        ),
        kind=Kind.ACCESS,
        jurisdiction_code="HK",
        channel=Channel.LETTER,
        language="zh-hans",
        received_at=datetime(2026, 3, 2, 2, 0, tzinfo=UTC),
        now=datetime(2026, 3, 2, 2, 0, tzinfo=UTC),
    )
    request.refresh_from_db()
    assert local_iso(request, request.notice_due_at) == "2026-04-10T23:59:59+08:00"

    with django_capture_on_commit_callbacks(execute=True):
        services.delay_notice_send(
            request_id=request.pk,
            actor=None,
            text="部分资料存于档案室，4月30日前寄出其余部分。",
            now=datetime(2026, 4, 1, 2, 0, tzinfo=UTC),
        )
    with pytest.raises(ValidationError, match="already sent"):
        services.delay_notice_send(request_id=request.pk, actor=None, text="x", now=clock.now())

    request.refresh_from_db()
    assert request.notice_due_at is None
    assert "部分资料存于档案室" in mail.outbox[-1].body
    assert "我们无法" in mail.outbox[-1].body  # the notice's own words in Chinese


def test_california_confirms_receipt_at_once_by_email_and_tracks_it_for_a_letter(
    django_capture_on_commit_callbacks,
):
    received = datetime(2026, 1, 5, 18, 0, tzinfo=UTC)
    with django_capture_on_commit_callbacks(execute=True):
        emailed = letter("US-CA", received, email="ana@example.com")
    postal = letter("US-CA", received)

    emailed.refresh_from_db()
    postal.refresh_from_db()
    assert emailed.events.filter(notice=Notice.RECEIPT, sent_by="email").exists()
    assert emailed.notice_due_at is None
    assert "We received your request" in mail.outbox[-1].body
    # 10 business days from Monday 5 January; Martin Luther King Day (19 January) off
    assert local_iso(postal, postal.notice_due_at) == "2026-01-20T23:59:59-08:00"

    services.receipt_confirm_send(request_id=postal.pk, actor=None, now=received)
    postal.refresh_from_db()
    assert postal.notice_due_at is None


def test_the_api_lists_each_pending_statutory_step_with_its_due_date_and_zone(client):
    user = UserFactory()
    received = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)
    request = services.data_request_submit(
        requester=services.Requester(user=user),
        kind=Kind.CORRECTION,
        jurisdiction_code="SG",
        channel=Channel.API,
        corrections=[{"field": "accounts.User.city", "value": "Tampines"}],
        received_at=received,
        now=received,
    )
    client.force_login(user)

    body = client.get(reverse("api-request", args=[request.pk])).json()

    assert body["time_zone"] == "Asia/Singapore"
    assert [(s["step"], s["due_at"]) for s in body["steps"]] == [
        ("reply_date", "2026-07-01T23:59:59+08:00"),
        ("reply", "2026-07-01T23:59:59+08:00"),
    ]


# --- JURISDICTIONS.md and the seed agree --------------------------------------------------

# ../shared/docs beside the working copy, as the issue names it.
DOCS = Path(__file__).resolve().parents[3] / "shared" / "docs" / "JURISDICTIONS.md"


def docs_text() -> str:
    if not DOCS.exists():
        pytest.skip(f"{DOCS} is not beside this working copy")
    return DOCS.read_text()


def summary_table() -> dict[str, list[dict[str, str]]]:
    text = docs_text()
    lines = [line for line in text.splitlines() if line.startswith("| ")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    rows: dict[str, list[dict[str, str]]] = {}
    for line in lines[1:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        row = dict(zip(header, cells, strict=True))
        rows.setdefault(row["code"], []).append(row)
    return rows


def _deadline(text: str) -> tuple[int, str]:
    amount, unit = re.search(r"(\d+) (working days|days|month)", text).groups()
    units = {
        "days": DeadlineUnit.CALENDAR_DAYS,
        "working days": DeadlineUnit.WORKING_DAYS,
        "month": DeadlineUnit.MONTHS,
    }
    return int(amount), units[unit]


@pytest.mark.parametrize("code", ["HK", "EU", "UK", "CN", "US-CA", "SG"])
def test_the_seeded_rules_agree_with_jurisdictions_md(code):
    table = summary_table()
    first = table[code][0]
    rules = Jurisdiction.objects.get(code=code)
    # "same" and "as EU" in the UK's row name the EU's.
    deadline = first["deadline"] if first["deadline"] != "same" else table["EU"][0]["deadline"]
    assert (rules.deadline_amount, rules.deadline_unit) == _deadline(deadline)
    extension = first["extension"]
    if extension.startswith("+ "):
        assert (rules.extension_amount, rules.extension_unit) == _deadline(extension[2:])
    else:
        assert rules.extension_amount is None
    fee = first["fee"] if first["fee"] != "as EU" else table["EU"][0]["fee"]
    expected_fee = FeeRule.FREE if fee.startswith("free") else FeeRule.REASONABLE
    assert rules.access_fee == expected_fee
    restarts = first["from"].startswith("the later of receipt")
    assert rules.clock_restarts_on_answer == restarts
    corrections = [row for row in table[code] if row["kind"] == "correction"]
    for row in corrections:
        assert rules.correction_fee_banned == row["fee"].startswith(("**none**", "none"))
    # The notes of the same file: notices, zones, s.71.
    assert (rules.receipt_notice_working_days == 10) == ("10 business days" in first["deadline"])
    assert (rules.delay_notice == Notice.DELAY) == ("s.19(2)" in first["extension"])
    assert (rules.delay_notice == Notice.REPLY_DATE) == ("written notice of when" in deadline)
    # Issue 14, items 6, 7, 9: repeats, estimates, the lowest form, the correction-fee ban.
    assert rules.fee_needs_accepted_estimate == ("written estimate the applicant accepts" in fee)
    assert rules.fee_lowest_form_rule == ("lowest fee among the forms offered" in fee)
    twice = "access need not be given more than twice in 12 months" in fee
    assert (CCPA_TWICE in rules.refusal_grounds) == twice
    banned_by_law = any("bans a fee" in row["fee"] for row in corrections)
    assert (code in LAW_BANS_CORRECTION_FEE) == banned_by_law


def test_the_seeded_zones_and_the_s71_rule_agree_with_jurisdictions_md():
    text = docs_text()
    zones = re.search(r"\*\*Time zones\*\*:(.*?)\n- ", text, re.S).group(1)
    named = dict(re.findall(r"(HK|UK|CN|US-CA|SG)\s+([A-Z][a-z]+/[A-Za-z_]+)", zones))
    seeded = Jurisdiction.objects.exclude(code="EU").values_list("code", "time_zone")
    assert named == dict(seeded)
    assert Jurisdiction.objects.get(code="EU").time_zone == ""  # the member state's
    assert "Cap. 1 s.71" in text
    assert list(
        Jurisdiction.objects.filter(holiday_end_rule=True).values_list("code", flat=True)
    ) == ["HK"]


def test_the_seeded_repeat_ground_and_the_estimate_lapse_agree_with_jurisdictions_md():
    text = docs_text()
    notes = {
        name: re.search(rf"\*\*{name}\*\*:(.*?)\n- ", text, re.S).group(1)
        for name in ("Repeat and excessive requests", "Singapore estimates")
    }
    assert "two or more similar ones" in notes["Repeat and excessive requests"]
    assert HK_REPEAT in Jurisdiction.objects.get(code="HK").refusal_grounds
    assert "sets no lapse of an unanswered estimate" in notes["Singapore estimates"]
    assert list(Jurisdiction.objects.filter(quote_lapses=False).values_list("code", flat=True)) == [
        "SG"
    ]
