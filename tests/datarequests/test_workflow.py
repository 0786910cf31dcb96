"""Each kind of request through its paths: verified or not, free or paid, paid, waived or
lapsed, fulfilled, refused or withdrawn, corrected or rejected."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from datarequests import services
from datarequests.models import Channel, DataRequest, FeeQuote, Kind, Status
from privacy_office import clock
from tests.datarequests.helpers import export_json, export_zip, stored_path
from tests.factories import UserFactory, person_with_data_in_every_category

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]


def submit(client, user, **body):
    client.force_login(user)
    payload = {"kind": "access", "jurisdiction": "EU", **body}
    return client.post(reverse("api-requests"), payload, content_type="application/json")


def statuses(request_id: int) -> list[str]:
    return list(
        DataRequest.objects.get(pk=request_id)
        .events.filter(type="status")
        .values_list("status", flat=True)
    )


def test_free_access_request_is_fulfilled_with_an_export_of_every_category(
    client, django_capture_on_commit_callbacks
):
    user = person_with_data_in_every_category()
    stranger = person_with_data_in_every_category(UserFactory(email_verified_at=clock.now()))

    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, user)

    request = DataRequest.objects.get(pk=response.json()["id"])
    assert response.status_code == 201
    assert request.status == Status.FULFILLED
    assert statuses(request.pk) == ["received", "assessing_fee", "in_progress", "fulfilled"]
    assert request.fee_quote.status == FeeQuote.Status.NONE
    archive = export_zip(request.export)
    names = set(archive.namelist())
    assert {
        "data.json",
        "letter.pdf",
        "csv/accounts.User.csv",
        "csv/activity.PageView.csv",
    } <= names
    data = export_json(request.export)
    for category in ("registration", "account", "activity", "event", "browsing"):
        assert any(model["rows"] for model in data["categories"][category]["models"].values())
    everything = archive.read("data.json").decode() + "".join(
        archive.read(n).decode("utf-8-sig") for n in names if n.endswith(".csv")
    )
    assert user.email in everything
    assert stranger.username not in everything and stranger.email not in everything
    assert "4111111111111111" not in everything and "•••• 1111" in everything
    assert archive.read("letter.pdf").startswith(b"%PDF")
    assert mail.outbox[-1].to == [user.email]


def test_the_export_downloads_for_its_owner_only(client, django_capture_on_commit_callbacks):
    owner = person_with_data_in_every_category()
    with django_capture_on_commit_callbacks(execute=True):
        request_id = submit(client, owner).json()["id"]
    url = reverse("api-request-export", args=[request_id])

    mine = client.get(url)
    client.force_login(UserFactory())
    theirs = client.get(url)
    client.logout()
    anonymous = client.get(url)

    assert mine.status_code == 200
    assert mine["Content-Type"] == "application/zip"
    assert b"".join(mine.streaming_content).startswith(b"PK")
    assert theirs.status_code == 404
    assert anonymous.status_code == 401


def test_an_expired_link_no_longer_downloads(client, django_capture_on_commit_callbacks):
    owner = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        request_id = submit(client, owner).json()["id"]
    DataRequest.objects.get(pk=request_id).export.__class__.objects.filter(
        request_id=request_id
    ).update(expires_at=clock.now() - timedelta(minutes=1))

    assert client.get(reverse("api-request-export", args=[request_id])).status_code == 404


def test_hong_kong_access_waits_for_the_fee_then_proceeds_when_paid(
    client, django_capture_on_commit_callbacks
):
    user = person_with_data_in_every_category()
    staff = UserFactory(is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        request_id = submit(client, user, jurisdiction="HK").json()["id"]
    request = DataRequest.objects.get(pk=request_id)

    assert request.status == Status.AWAITING_PAYMENT
    assert request.fee_quote.currency == "HKD"
    assert request.fee_quote.shown_lines[0]["label"] == "Locating, retrieving and redacting"
    assert request.fee_quote.amount == Decimal("50.00") + Decimal(
        request.fee_quote.lines[1]["amount"]
    )
    assert "fee to pay" in mail.outbox[-1].subject
    detail = client.get(reverse("api-request", args=[request_id])).json()
    assert detail["fee"]["status"] == "quoted"

    with django_capture_on_commit_callbacks(execute=True):
        services.fee_settle(
            request_id=request_id,
            actor=staff,
            waived=False,
            note="HSBC ref 7781",
            now=clock.now(),
        )

    request.refresh_from_db()
    assert request.status == Status.FULFILLED
    assert request.fee_quote.status == FeeQuote.Status.PAID


def test_a_waived_fee_needs_a_reason(client, django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        request_id = submit(client, user, jurisdiction="HK").json()["id"]

    with pytest.raises(ValidationError, match="reason for the waiver"):
        services.fee_settle(
            request_id=request_id, actor=None, waived=True, note=" ", now=clock.now()
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.fee_settle(
            request_id=request_id, actor=None, waived=True, note="hardship", now=clock.now()
        )

    assert DataRequest.objects.get(pk=request_id).fee_quote.status == FeeQuote.Status.WAIVED


def test_an_unpaid_quote_lapses_after_its_period_with_notice(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        request_id = submit(client, user, jurisdiction="HK").json()["id"]

    early = services.requests_sweep(now=clock.now() + timedelta(days=29))
    with django_capture_on_commit_callbacks(execute=True):
        late = services.requests_sweep(now=clock.now() + timedelta(days=31))

    request = DataRequest.objects.get(pk=request_id)
    assert (early["lapsed"], late["lapsed"]) == (0, 1)
    assert request.status == Status.LAPSED
    assert request.fee_quote.status == FeeQuote.Status.LAPSED
    assert "has lapsed" in mail.outbox[-1].subject


def test_a_letter_waits_for_identity_and_is_answered_in_writing(django_capture_on_commit_callbacks):
    staff = UserFactory(is_staff=True)
    stamp = datetime(2026, 11, 2, 4, 0, tzinfo=UTC)
    request = services.data_request_submit(
        requester=services.Requester(
            name="Li Wei", postal_address="12 West Lake Road\nHangzhou 310000"
        ),
        kind=Kind.ACCESS,
        jurisdiction_code="CN",
        channel=Channel.LETTER,
        language="zh-hans",
        received_at=stamp,
        now=datetime(2026, 11, 5, tzinfo=UTC),
    )

    assert request.status == Status.AWAITING_IDENTITY
    assert request.received_at == stamp
    with django_capture_on_commit_callbacks(execute=True):
        services.identity_verify(
            request_id=request.pk,
            actor=staff,
            method="ID card seen at the front desk",
            now=datetime(2026, 11, 6, tzinfo=UTC),
        )
    request.refresh_from_db()
    # CN: free; no account to sign in to, so the reply waits for staff to post it.
    assert request.status == Status.AWAITING_DISPATCH
    assert "letter.pdf" in export_zip(request.export).namelist()
    assert request.export.row_count == 0  # no account and no contact details: nothing held


def test_a_person_without_an_account_gets_the_leads_held_about_them(
    django_capture_on_commit_callbacks,
):

    from activity.models import Lead

    Lead.objects.create(
        event_name="Canton Fair",
        event_date=date(2025, 10, 15),
        full_name="Wang Fang",
        email="Wang.Fang@example.com",
    )
    Lead.objects.create(
        event_name="Yiwu Fair",
        event_date=date(2025, 5, 1),
        full_name="Someone Else",
        email="someone@example.com",
    )
    request = services.data_request_submit(
        requester=services.Requester(
            name="Wang Fang", email="wang.fang@example.com", postal_address="Hangzhou"
        ),
        kind=Kind.ACCESS,
        jurisdiction_code="EU",
        channel=Channel.LETTER,
        now=clock.now(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.identity_verify(
            request_id=request.pk, actor=None, method="code sent to the email", now=clock.now()
        )

    request.refresh_from_db()
    leads = export_json(request.export)["categories"]["event"]["models"]["activity.Lead"]["rows"]
    assert [lead["full_name"] for lead in leads] == ["Wang Fang"]


def test_identity_cannot_be_recorded_without_saying_how():
    request = services.data_request_submit(
        requester=services.Requester(name="X", postal_address="Somewhere"),
        kind=Kind.ACCESS,
        jurisdiction_code="HK",
        channel=Channel.LETTER,
        now=clock.now(),
    )

    with pytest.raises(ValidationError, match="how identity was checked"):
        services.identity_verify(request_id=request.pk, actor=None, method="", now=clock.now())


def test_a_correction_is_reviewed_then_applied_with_history(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory(phone="+86 571 1111 1111")
    staff = UserFactory(is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(
            client,
            user,
            kind="correction",
            corrections=[{"field": "accounts.User.phone", "value": "+86 571 9999 9999"}],
        )
    request = DataRequest.objects.get(pk=response.json()["id"])

    assert request.status == Status.AWAITING_REVIEW
    assert response.json()["corrections"] == [
        {
            "field": "accounts.User.phone",
            "old_value": "+86 571 1111 1111",
            "new_value": "+86 571 9999 9999",
            "applied": False,
        }
    ]
    services.correction_approve(request_id=request.pk, actor=staff, now=clock.now())

    user.refresh_from_db()
    assert user.phone == "+86 571 9999 9999"
    assert DataRequest.objects.get(pk=request.pk).status == Status.FULFILLED
    from django.apps import apps

    last = apps.get_model("accounts", "RegistrationChange").objects.filter(pgh_obj=user).last()
    assert last.phone == "+86 571 9999 9999"
    assert last.pgh_context.metadata["via"] == "staff"


@pytest.mark.parametrize(
    ("correction", "message"),
    [
        (
            {"field": "accounts.User.username", "value": "x"},
            "accounts.User.username cannot be corrected",
        ),
        ({"field": "accounts.User.email", "value": "nope"}, "Enter a valid email address."),
        ({"field": "accounts.User.phone", "value": ""}, "This field is required."),
        ({"field": "phone", "value": "1"}, "name the field as app.Model.field"),
        ({"field": "accounts.Address.city", "value": "Ningbo"}, "we hold no such record about you"),
        ({"value": "1"}, 'give "field" and "value"'),
    ],
)
def test_bad_corrections_are_refused_at_the_door(client, correction, message):
    response = submit(client, UserFactory(), kind="correction", corrections=[correction])

    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert not DataRequest.objects.exists()


def test_a_correction_of_another_persons_row_is_refused(client):
    from tests.factories import AddressFactory

    theirs = AddressFactory()
    response = submit(
        client,
        UserFactory(),
        kind="correction",
        corrections=[{"field": "accounts.Address.city", "value": "Ningbo", "id": theirs.pk}],
    )

    assert response.status_code == 400
    assert "we hold no such record about you" in response.json()["detail"]
    assert theirs.city not in response.content.decode()


def test_corrections_are_free_even_in_hong_kong(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(
            client,
            UserFactory(),
            kind="correction",
            jurisdiction="HK",
            corrections=[{"field": "accounts.User.city", "value": "Ningbo"}],
        )

    request = DataRequest.objects.get(pk=response.json()["id"])
    assert request.fee_quote.amount == 0
    assert request.status == Status.AWAITING_REVIEW


def test_refusal_needs_a_ground_of_the_jurisdiction_and_tells_the_requester(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory()
    request_id = submit(client, user, jurisdiction="HK").json()["id"]
    ground = "s.20(3)(b) not enough information to locate the data"

    with pytest.raises(ValidationError, match="refusal ground"):
        services.data_request_refuse(
            request_id=request_id, actor=None, ground="because", explanation="x", now=clock.now()
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.data_request_refuse(
            request_id=request_id,
            actor=None,
            ground=ground,
            explanation="We found no account under the details given.",
            now=clock.now(),
        )

    assert DataRequest.objects.get(pk=request_id).status == Status.REFUSED
    assert ground in mail.outbox[-1].body
    assert "We found no account" in mail.outbox[-1].body


def test_the_owner_withdraws_before_fulfilment_but_not_after(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory()
    open_id = submit(client, user, jurisdiction="HK").json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        done_id = submit(client, user).json()["id"]

    withdrawn = client.post(reverse("api-request-withdraw", args=[open_id]))
    too_late = client.post(reverse("api-request-withdraw", args=[done_id]))

    assert withdrawn.json()["status"] == "withdrawn"
    assert too_late.status_code == 409
    assert "already moved on" in too_late.json()["detail"]


def test_no_one_else_can_read_or_withdraw_a_request(client):
    request_id = submit(client, UserFactory()).json()["id"]
    client.force_login(UserFactory())

    assert client.get(reverse("api-request", args=[request_id])).status_code == 404
    assert client.post(reverse("api-request-withdraw", args=[request_id])).status_code == 404
    assert client.get(reverse("api-requests")).json() == []


def test_an_eu_deadline_is_extended_once_with_reasons(
    client, django_capture_on_commit_callbacks, time_machine
):
    time_machine.move_to(datetime(2026, 3, 2, 2, 0, tzinfo=UTC), tick=False)  # 10:00 in Hangzhou
    user = UserFactory()
    request_id = submit(client, user).json()["id"]
    DataRequest.objects.filter(pk=request_id).update(status=Status.IN_PROGRESS)
    # The due day is the EU's (the controller's member state, Ireland), not Hangzhou's.
    due = DataRequest.objects.get(pk=request_id).due_at
    assert due.astimezone(ZoneInfo("Europe/Dublin")).isoformat() == "2026-04-02T23:59:59+01:00"

    time_machine.move_to(datetime(2026, 3, 20, 2, 0, tzinfo=UTC), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.deadline_extend(
            request_id=request_id,
            actor=None,
            reason="200,000 records to review",
            now=clock.now(),
        )
    with pytest.raises(ValidationError, match="already extended"):
        services.deadline_extend(request_id=request_id, actor=None, reason="again", now=clock.now())

    # one month from 2 March, then two more: 2 June 2026, a Tuesday (Irish time)
    due = DataRequest.objects.get(pk=request_id).due_at
    assert due.astimezone(ZoneInfo("Europe/Dublin")).isoformat() == "2026-06-02T23:59:59+01:00"
    assert "more time" in mail.outbox[-1].subject


def test_hong_kong_allows_no_extension(client):
    request_id = submit(client, UserFactory(), jurisdiction="HK").json()["id"]

    with pytest.raises(ValidationError, match="allows no extension"):
        services.deadline_extend(request_id=request_id, actor=None, reason="x", now=clock.now())


def test_due_at_pauses_for_an_unpaid_hong_kong_fee():
    user = UserFactory()
    received = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 10:00 in Hangzhou
    request = services.data_request_submit(
        requester=services.Requester(user=user),
        kind=Kind.ACCESS,
        jurisdiction_code="HK",
        channel=Channel.API,
        received_at=received,
        now=received,
    )
    services.fee_assess(request_id=request.pk, now=received + timedelta(hours=1))
    request.refresh_from_db()
    assert request.status == Status.AWAITING_PAYMENT
    # quote out on 2 March; paid on 12 March: 10 days paused -> 11 April + 10 = 21 April
    services.fee_settle(
        request_id=request.pk,
        actor=None,
        waived=False,
        note="ref",
        now=datetime(2026, 3, 12, 2, 0, tzinfo=UTC),
    )
    request.refresh_from_db()
    assert timezone.localdate(request.due_at).isoformat() == "2026-04-21"


def test_unknown_jurisdiction_and_kind_are_refused_clearly(client):
    user = UserFactory()

    unknown = submit(client, user, jurisdiction="XX")
    guardian = submit(client, user, kind="guardian_deletion")
    bad_kind = submit(client, user, kind="delete-everything")

    assert unknown.status_code == 400 and "Unknown jurisdiction XX" in unknown.json()["detail"]
    assert guardian.status_code == 400 and "Name the minor's account" in guardian.json()["detail"]
    assert bad_kind.status_code == 400 and "kind" in bad_kind.json()["fields"]


def test_the_sweep_resends_work_a_lost_message_left_behind(client, monkeypatch):
    from datarequests import tasks

    sent = []
    # Eager tasks: the sweep's resend runs the task here (``apply``); recorded instead.
    monkeypatch.setattr(tasks.fee_assess_task, "apply", lambda args: sent.append(*args))
    request_id = submit(client, UserFactory()).json()["id"]  # on_commit never ran: "lost"

    soon = services.requests_sweep(now=clock.now() + timedelta(minutes=5))
    later = services.requests_sweep(now=clock.now() + timedelta(minutes=20))

    assert (soon["requeued"], later["requeued"]) == (0, 1)
    assert sent == [request_id]


def test_staff_are_reminded_of_overdue_requests(client):
    UserFactory(is_staff=True, email="officer@example.com")
    request_id = submit(client, UserFactory()).json()["id"]
    DataRequest.objects.filter(pk=request_id).update(due_at=clock.now() - timedelta(days=1))

    assert services.staff_reminder_send(now=clock.now()) == 1
    assert "1 overdue" in mail.outbox[-1].subject
    assert mail.outbox[-1].to == ["officer@example.com"]
    assert User.objects.exists()


def test_the_export_keeps_quotes_backslashes_newlines_and_chinese_intact(
    client, django_capture_on_commit_callbacks
):
    import csv
    import io

    from activity.models import ForumPost

    tricky = 'Line one\nline "two" \\ back\tslash — 梅花 😀'
    user = UserFactory(first_name='Mei "Lucky" \\ 梅')
    ForumPost.objects.create(author=user, title="t", body=tricky, posted_at=clock.now())
    with django_capture_on_commit_callbacks(execute=True):
        request_id = submit(client, user).json()["id"]

    export = DataRequest.objects.get(pk=request_id).export
    data = export_json(export)
    posts = data["categories"]["activity"]["models"]["activity.ForumPost"]["rows"]
    users = data["categories"]["registration"]["models"]["accounts.User"]["rows"]
    rows = list(
        csv.reader(
            io.StringIO(export_zip(export).read("csv/activity.ForumPost.csv").decode("utf-8-sig"))
        )
    )
    assert posts[0]["body"] == tricky
    assert users[0]["first_name"] == 'Mei "Lucky" \\ 梅'
    assert rows[0] == ["title", "body", "posted_at"]
    assert rows[1][1] == tricky


def test_a_stopped_clock_moves_the_due_date_day_by_day():
    received = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    request = services.data_request_submit(
        requester=services.Requester(user=UserFactory()),
        kind=Kind.ACCESS,
        jurisdiction_code="HK",
        channel=Channel.API,
        received_at=received,
        now=received,
    )
    services.fee_assess(request_id=request.pk, now=received)
    request.refresh_from_db()
    assert timezone.localdate(request.due_at).isoformat() == "2026-04-11"

    services.paused_clocks_refresh(now=received + timedelta(days=5))

    request.refresh_from_db()
    assert timezone.localdate(request.due_at).isoformat() == "2026-04-16"


def test_exports_are_purged_after_their_retention(client, django_capture_on_commit_callbacks):

    from datarequests.exports import exports_purge

    with django_capture_on_commit_callbacks(execute=True):
        request_id = submit(client, UserFactory()).json()["id"]
    export = DataRequest.objects.get(pk=request_id).export

    assert exports_purge(now=clock.now() + timedelta(days=29)) == 0
    assert exports_purge(now=clock.now() + timedelta(days=31)) == 1
    export.refresh_from_db()
    assert export.purged_at is not None
    assert not stored_path(export).exists()
    assert client.get(reverse("api-request-export", args=[request_id])).status_code == 404


def test_a_rejected_correction_changes_nothing_and_tells_why(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory(city="Hangzhou")
    with django_capture_on_commit_callbacks(execute=True):
        request_id = submit(
            client,
            user,
            kind="correction",
            corrections=[{"field": "accounts.User.city", "value": "Atlantis"}],
        ).json()["id"]

    with django_capture_on_commit_callbacks(execute=True):
        services.data_request_refuse(
            request_id=request_id,
            actor=None,
            ground="Art.12(5) manifestly unfounded",
            explanation="No such city exists.",
            now=clock.now(),
        )

    user.refresh_from_db()
    assert user.city == "Hangzhou"
    assert DataRequest.objects.get(pk=request_id).status == Status.REFUSED
    assert (
        not DataRequest.objects.get(pk=request_id)
        .corrections.filter(applied_at__isnull=False)
        .exists()
    )
    assert "No such city exists." in mail.outbox[-1].body


@pytest.mark.parametrize(
    ("correction", "message"),
    [
        (
            {"field": "accounts.Address.city", "value": "X", "id": "abc"},
            "id must be a whole number",
        ),
        ({"field": "accounts.Address.city", "value": "X", "id": {}}, "id must be a whole number"),
        ({"field": "accounts.User.birth_date", "value": 5}, "Enter a valid date."),
        ({"field": "accounts.User.city", "value": ["a"]}, "text, a number, true or false"),
    ],
)
def test_odd_json_in_corrections_gets_a_clear_error_not_a_crash(client, correction, message):
    response = submit(client, UserFactory(), kind="correction", corrections=[correction])

    assert response.status_code == 400
    assert message in response.json()["detail"]


def test_a_withdrawn_or_refused_request_no_longer_owes_its_fee(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = submit(client, user, jurisdiction="HK").json()["id"]
        second = submit(client, user, jurisdiction="HK").json()["id"]

    client.post(reverse("api-request-withdraw", args=[first]))
    services.data_request_refuse(
        request_id=second,
        actor=None,
        ground="Part 8 exemption",
        explanation="Exempt.",
        now=clock.now(),
    )

    assert {DataRequest.objects.get(pk=pk).fee_quote.status for pk in (first, second)} == {
        FeeQuote.Status.CANCELLED
    }
    assert client.get(reverse("api-request", args=[first])).json()["fee"]["status"] == "cancelled"


def test_a_mail_failure_does_not_undo_the_step(
    client, django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_BACKEND = "tests.datarequests.helpers.FailingEmailBackend"
    user = UserFactory()

    with django_capture_on_commit_callbacks(execute=True):
        request_id = submit(client, user, jurisdiction="HK").json()["id"]

    assert DataRequest.objects.get(pk=request_id).status == Status.AWAITING_PAYMENT


def test_an_export_file_left_by_a_rolled_back_build_is_purged(client):
    import os

    from datarequests.exports import export_dir, exports_purge

    orphan = export_dir() / "999999-deadbeef.zip.enc"
    orphan.write_bytes(b"x")
    old = (clock.now() - timedelta(hours=2)).timestamp()
    os.utime(orphan, (old, old))
    fresh = export_dir() / "999998-cafebabe.zip.enc"
    fresh.write_bytes(b"x")
    recent = clock.now().timestamp()
    os.utime(fresh, (recent, recent))

    exports_purge(now=clock.now())

    assert not orphan.exists()
    assert fresh.exists()  # may still belong to a build in progress
    fresh.unlink()


def test_a_new_holder_of_an_email_address_does_not_get_the_old_accounts_requests(client):
    alice = UserFactory(email="shared@example.com", email_verified_at=clock.now())
    submit(client, alice, details="Alice's private details")
    alice.email = "alice.new@example.com"
    alice.save()
    bob = UserFactory(email="shared@example.com", email_verified_at=clock.now())
    client.force_login(bob)

    data = client.get(reverse("api-my-data")).content.decode()

    assert "Alice's private details" not in data


def test_a_request_made_on_the_chinese_page_is_answered_in_chinese(client):
    user = UserFactory(preferred_language="en")
    client.force_login(user)
    client.cookies["django_language"] = "zh-hans"

    response = client.post(
        reverse("requests:list"), {"kind": "access", "jurisdiction": "EU", "details": ""}
    )

    assert response.status_code == 302
    assert DataRequest.objects.get(requester=user).language == "zh-hans"


def test_a_chinese_speaker_without_the_switch_gets_a_chinese_letter(client):
    user = UserFactory(preferred_language="zh-hans")
    client.force_login(user)

    client.post(reverse("requests:list"), {"kind": "access", "jurisdiction": "EU", "details": ""})

    assert DataRequest.objects.get(requester=user).language == "zh-hans"


def test_event_reasons_read_in_each_readers_language(client):
    user = UserFactory()
    client.force_login(user)
    client.cookies["django_language"] = "zh-hans"
    client.post(reverse("requests:list"), {"kind": "access", "jurisdiction": "EU", "details": ""})
    request = DataRequest.objects.get(requester=user)

    client.cookies["django_language"] = "en"
    english = client.get(reverse("requests:detail", args=[request.pk])).content.decode()
    client.cookies["django_language"] = "zh-hans"
    chinese = client.get(reverse("api-request", args=[request.pk]))

    first = request.events.first()
    assert (first.reason_code, first.reason_params) == ("received", {"channel": "self_service"})
    assert "Self-service page" in english and "自助服务页面" not in english
    assert "自助服务页面" in [event["reason"] for event in chinese.json()["events"]]
