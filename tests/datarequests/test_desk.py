"""The staff desk (issue 15): assignment, internal notes, the queue and its bulk actions,
escalation."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.roles import AUDITOR, CUSTOMER_SERVICE, PRIVACY_OFFICER, REQUEST_HANDLER
from audit.models import AuditEvent
from datarequests import services
from datarequests.models import Channel, DataRequest, Jurisdiction, Kind, Status
from privacy_office import clock
from tests.conftest import verified_login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CHANGE_LIST = "admin:datarequests_datarequest_changelist"


@pytest.fixture(autouse=True)
def _a_wednesday_in_hong_kong(time_machine):
    time_machine.move_to(datetime(2026, 11, 25, 2, 0, tzinfo=UTC))


def staff(role: str, **fields):
    user = UserFactory(is_staff=True, **fields)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def handler(client):
    user = staff(REQUEST_HANDLER, username="handler-ann")
    verified_login(client, user)
    return user


def letter(**changes):
    return services.data_request_submit(
        requester=services.Requester(
            name=changes.pop("name", "Li Wei"), postal_address="12 West Lake Road"
        ),
        kind=Kind.ACCESS,
        jurisdiction_code=changes.pop("code", "HK"),
        channel=Channel.LETTER,
        now=clock.now(),
        **changes,
    )


def rows_of(page) -> set[int]:
    return {row.pk for row in page.context["cl"].result_list}


# --- assignment --------------------------------------------------------------------------


def test_a_handler_reassigns_a_request_and_the_move_is_recorded_and_audited(client, handler):
    colleague = staff(REQUEST_HANDLER, username="handler-bo")
    request = letter()
    url = reverse("admin:datarequests_datarequest_assign", args=[request.pk])

    client.post(url, {"assignee": handler.pk})
    client.post(url, {"assignee": colleague.pk})

    request.refresh_from_db()
    assert request.assignee == colleague
    notes = list(request.internal_notes.values_list("type", "author__username", "text"))
    assert notes == [
        ("assigned", "handler-ann", "— → handler-ann"),
        ("assigned", "handler-ann", "handler-ann → handler-bo"),
    ]
    audited = AuditEvent.objects.filter(target=f"datarequests.DataRequest:{request.pk}")
    assert audited.filter(action="change", detail="assignee: handler-ann → handler-bo").exists()
    page = client.get(reverse("admin:datarequests_datarequest_change", args=[request.pk]))
    assert "handler-ann → handler-bo" in page.content.decode()


def test_only_a_handler_can_be_assigned(client, handler):
    clerk = staff(CUSTOMER_SERVICE, username="clerk")
    request = letter()

    response = client.post(
        reverse("admin:datarequests_datarequest_assign", args=[request.pk]),
        {"assignee": clerk.pk},
        follow=True,
    )

    request.refresh_from_db()
    assert request.assignee is None
    assert "Select a valid choice" in response.content.decode()
    with pytest.raises(ValidationError, match="Only an active staff member"):
        services.data_request_assign(
            request_id=request.pk, assignee=clerk, actor=handler, now=clock.now()
        )


def test_staff_who_may_not_change_requests_can_neither_assign_nor_write_notes(client):
    auditor = staff(AUDITOR, username="auditor")
    verified_login(client, auditor)
    request = letter()

    assign = client.post(
        reverse("admin:datarequests_datarequest_assign", args=[request.pk]),
        {"assignee": auditor.pk},
    )
    note = client.post(
        reverse("admin:datarequests_datarequest_note", args=[request.pk]), {"text": "hi"}
    )

    assert (assign.status_code, note.status_code) == (403, 403)
    request.refresh_from_db()
    assert request.assignee is None and not request.internal_notes.exists()


def test_a_staff_member_signed_in_without_the_second_factor_cannot_assign(client):
    someone = staff(REQUEST_HANDLER, username="half-signed-in")
    client.force_login(someone)
    request = letter()

    client.post(
        reverse("admin:datarequests_datarequest_assign", args=[request.pk]),
        {"assignee": someone.pk},
    )

    request.refresh_from_db()
    assert request.assignee is None


# --- internal notes ----------------------------------------------------------------------


def test_an_internal_note_is_shown_to_staff_and_never_to_the_requester(client, handler):
    owner = UserFactory(username="buyer-li")
    request = services.data_request_submit(
        requester=services.Requester(user=owner),
        kind=Kind.ACCESS,
        jurisdiction_code="HK",
        channel=Channel.SELF_SERVICE,
        now=clock.now(),
    )
    secret = "Requester sounds like a competitor fishing for data"

    client.post(reverse("admin:datarequests_datarequest_note", args=[request.pk]), {"text": secret})
    staff_page = client.get(reverse("admin:datarequests_datarequest_change", args=[request.pk]))

    assert secret in staff_page.content.decode()
    client.logout()
    client.force_login(owner)
    own_page = client.get(reverse("requests:detail", args=[request.pk]))
    own_api = client.get(reverse("api-request", args=[request.pk]))
    assert own_page.status_code == own_api.status_code == 200
    assert secret not in own_page.content.decode()
    assert secret not in own_api.content.decode()
    assert "competitor" not in own_api.content.decode()


def test_an_empty_note_is_refused_with_the_reason(client, handler):
    request = letter()

    response = client.post(
        reverse("admin:datarequests_datarequest_note", args=[request.pk]),
        {"text": "   "},
        follow=True,
    )

    assert "Write the note." in response.content.decode()
    assert not request.internal_notes.exists()


# --- the queue ---------------------------------------------------------------------------


def test_the_queue_filters_mine_and_unassigned(client, handler):
    colleague = staff(REQUEST_HANDLER, username="handler-bo")
    mine, theirs, nobodys = letter(), letter(), letter()
    for request, who in ((mine, handler), (theirs, colleague)):
        services.data_request_assign(
            request_id=request.pk, assignee=who, actor=handler, now=clock.now()
        )

    assert rows_of(client.get(reverse(CHANGE_LIST), {"assignee": "mine"})) == {mine.pk}
    assert rows_of(client.get(reverse(CHANGE_LIST), {"assignee": "unassigned"})) == {nobodys.pk}


def test_the_queue_shows_open_requests_unless_closed_ones_are_asked_for(client, handler):
    still_open, closed = letter(), letter()
    DataRequest.objects.filter(pk=closed.pk).update(status=Status.FULFILLED)

    assert rows_of(client.get(reverse(CHANGE_LIST))) == {still_open.pk}
    assert rows_of(client.get(reverse(CHANGE_LIST), {"state": "closed"})) == {closed.pk}
    assert rows_of(client.get(reverse(CHANGE_LIST), {"state": "all"})) == {
        still_open.pk,
        closed.pk,
    }


def test_the_queue_says_days_left_in_words_with_the_zone_and_masks_the_requester(client, handler):
    late, soon, later = letter(name="Chan Tai Man"), letter(), letter()
    # 25 November 2026 in Hong Kong; due days are the ends of local days.
    for request, day in ((late, 23), (soon, 27), (later, 30)):
        DataRequest.objects.filter(pk=request.pk).update(
            due_at=datetime(2026, 11, day, 15, 59, tzinfo=UTC)
        )

    html = client.get(reverse(CHANGE_LIST)).content.decode()

    assert '<span class="days-left days-left-overdue">overdue by 2 days</span>' in html
    assert '<span class="days-left days-left-soon">2 days left</span>' in html
    assert '<span class="days-left days-left-ok">5 days left</span>' in html
    assert "2026-11-23<br><small>Asia/Hong_Kong</small>" in html
    assert "C•••• M••••" in html
    assert "Chan Tai Man" not in html


# --- bulk actions ------------------------------------------------------------------------


def test_bulk_assign_gives_every_chosen_request_to_the_handler(client, handler):
    colleague = staff(REQUEST_HANDLER, username="handler-bo")
    first, second, untouched = letter(), letter(), letter()
    chosen = {"action": "assign_selected", "_selected_action": [first.pk, second.pk]}

    confirm = client.post(reverse(CHANGE_LIST), chosen)
    done = client.post(reverse(CHANGE_LIST), {**chosen, "apply": "1", "assignee": colleague.pk})

    assert confirm.status_code == 200 and "Give these 2 requests to:" in confirm.content.decode()
    assert done.status_code == 302
    assigned = dict(DataRequest.objects.values_list("pk", "assignee__username"))
    assert assigned == {first.pk: "handler-bo", second.pk: "handler-bo", untouched.pk: None}


def test_bulk_remind_emails_only_the_assignees_of_open_requests(client, handler):
    colleague = staff(REQUEST_HANDLER, username="handler-bo", email="bo@example.com")
    assigned, unassigned = letter(), letter()
    services.data_request_assign(
        request_id=assigned.pk, assignee=colleague, actor=handler, now=clock.now()
    )

    client.post(
        reverse(CHANGE_LIST),
        {"action": "remind_selected", "_selected_action": [assigned.pk, unassigned.pk]},
    )

    assert [m.to for m in mail.outbox] == [["bo@example.com"]]
    assert f"data request {assigned.pk}" in mail.outbox[0].body
    assert assigned.internal_notes.filter(type="reminded").count() == 1


def test_the_csv_export_neutralises_formulas_masks_requesters_and_is_audited(client, handler):
    hostile = letter(name='=HYPERLINK("http://evil.example")')
    plain = letter(name="Li Wei")

    response = client.post(
        reverse(CHANGE_LIST),
        {"action": "export_selected_csv", "_selected_action": [hostile.pk, plain.pk]},
    )

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["reference", "requester", "kind"]
    requesters = {row[0]: row[1] for row in rows[1:]}
    assert requesters[str(plain.pk)] == "L•••• W••••"
    assert requesters[str(hostile.pk)].startswith("'=")
    assert "evil.example" not in response.content.decode("utf-8-sig")
    event = AuditEvent.objects.get(target="datarequests.DataRequest:action")
    assert (event.actor, event.action) == (handler, "read")
    assert "action export_selected_csv" in event.detail


# --- escalation --------------------------------------------------------------------------


@pytest.fixture
def officer_on_duty():
    return staff(PRIVACY_OFFICER, username="officer-di", email="di@example.com")


def test_a_request_past_its_jurisdictions_warning_threshold_warns_assignee_and_officer_once(
    time_machine, officer_on_duty
):
    handler_bo = staff(REQUEST_HANDLER, username="handler-bo", email="bo@example.com")
    Jurisdiction.objects.filter(code="HK").update(warning_days_before=4)
    request = letter()
    services.data_request_assign(
        request_id=request.pk, assignee=handler_bo, actor=officer_on_duty, now=clock.now()
    )
    # Due at the end of 30 November in Hong Kong: 5 days left on the 25th, 4 on the 26th.
    DataRequest.objects.filter(pk=request.pk).update(
        due_at=datetime(2026, 11, 30, 15, 59, tzinfo=UTC)
    )

    assert services.requests_escalate(now=clock.now()) == {"warned": 0, "escalated": 0}
    time_machine.move_to(datetime(2026, 11, 26, 2, 0, tzinfo=UTC))
    with_capture = services.requests_escalate(now=clock.now())
    again = services.requests_escalate(now=clock.now())
    time_machine.move_to(datetime(2026, 11, 27, 2, 0, tzinfo=UTC))
    next_day = services.requests_escalate(now=clock.now())

    assert with_capture == {"warned": 1, "escalated": 0}
    assert again == next_day == {"warned": 0, "escalated": 0}
    assert request.internal_notes.filter(type="escalated").count() == 1


def test_an_overdue_request_escalates_once_a_day_until_it_is_closed(
    time_machine, officer_on_duty, django_capture_on_commit_callbacks
):
    request = letter()
    DataRequest.objects.filter(pk=request.pk).update(
        due_at=datetime(2026, 11, 24, 15, 59, tzinfo=UTC)
    )

    with django_capture_on_commit_callbacks(execute=True):
        first = services.requests_escalate(now=clock.now())
        same_day = services.requests_escalate(now=clock.now())
    time_machine.move_to(datetime(2026, 11, 26, 2, 0, tzinfo=UTC))
    with django_capture_on_commit_callbacks(execute=True):
        second_day = services.requests_escalate(now=clock.now())
    DataRequest.objects.filter(pk=request.pk).update(status=Status.REFUSED)
    time_machine.move_to(datetime(2026, 11, 27, 2, 0, tzinfo=UTC))
    after_closing = services.requests_escalate(now=clock.now())

    assert [first, same_day, second_day, after_closing] == [
        {"warned": 0, "escalated": 1},
        {"warned": 0, "escalated": 0},
        {"warned": 0, "escalated": 1},
        {"warned": 0, "escalated": 0},
    ]
    texts = list(request.internal_notes.values_list("day", "text"))
    assert [(str(day), text) for day, text in texts] == [
        ("2026-11-25", "days overdue: 1 (due 2026-11-24)"),
        ("2026-11-26", "days overdue: 2 (due 2026-11-24)"),
    ]
    assert [m.to for m in mail.outbox] == [["di@example.com"], ["di@example.com"]]
    assert f"Data request {request.pk}" in mail.outbox[0].subject


def test_beat_runs_the_escalation_every_hour(officer_on_duty):
    from datarequests.schedules import SCHEDULES
    from datarequests.tasks import requests_escalate_task

    request = letter()
    DataRequest.objects.filter(pk=request.pk).update(
        due_at=datetime(2026, 11, 20, 15, 59, tzinfo=UTC)
    )

    schedule = next(s for s in SCHEDULES if s.task == "datarequests.tasks.requests_escalate_task")
    assert (schedule.minute, schedule.hour) == ("15", "*")
    assert requests_escalate_task() == {"warned": 0, "escalated": 1}
    assert requests_escalate_task() == {"warned": 0, "escalated": 0}


# --- the staff home ----------------------------------------------------------------------


def test_the_staff_home_counts_my_open_requests_overdue_due_this_week_and_waiting(client, handler):
    mine, late, waiting, _later, closed = letter(), letter(), letter(), letter(), letter()
    to_post = letter()
    for request in (mine, closed):
        services.data_request_assign(
            request_id=request.pk, assignee=handler, actor=handler, now=clock.now()
        )
    DataRequest.objects.filter(pk=late.pk).update(due_at=datetime(2026, 11, 24, tzinfo=UTC))
    DataRequest.objects.filter(pk=mine.pk).update(due_at=datetime(2026, 11, 28, tzinfo=UTC))
    DataRequest.objects.filter(pk=waiting.pk).update(status=Status.AWAITING_REQUESTER)
    DataRequest.objects.filter(pk=closed.pk).update(status=Status.FULFILLED)
    DataRequest.objects.filter(pk=to_post.pk).update(
        status=Status.AWAITING_DISPATCH, due_at=datetime(2026, 12, 30, tzinfo=UTC)
    )

    page = client.get(reverse("admin:index"))

    html = page.content.decode()
    assert page.context["cards"] == {
        "mine": 1,
        "overdue": 1,
        "due_this_week": 1,
        "waiting_for_requester": 1,
        "to_dispatch": 1,
        "letters_to_post": 0,
        "letters_late": 0,
    }
    assert "?status__exact=awaiting_dispatch" in html and "replies to post" in html
    assert "?assignee=mine" in html and "my open requests" in html
    assert "Open requests by days left to the deadline" in html  # the dashboard's charts


def test_staff_who_may_not_see_requests_get_no_desk_cards(client):
    clerk = staff(CUSTOMER_SERVICE, username="clerk")
    verified_login(client, clerk)

    page = client.get(reverse("admin:index"))

    assert page.status_code == 200
    assert "my open requests" not in page.content.decode()


def test_the_admin_index_is_ordered_by_task_with_the_libraries_under_system(client):
    officer = UserFactory(is_staff=True, is_superuser=True)
    verified_login(client, officer)

    sections = [str(app["name"]) for app in client.get(reverse("admin:index")).context["app_list"]]

    assert sections[:7] == [
        "Data requests",
        "Accounts",
        "Activity, events and browsing",
        "Cookies",
        "Recipients and disclosures",
        "Privacy policy",
        "Audit trail",
    ]
    assert sections[-1] == "System"
    assert not {"Axes", "Knox", "Periodic Tasks", "Otp_Static", "Otp_Totp"} & set(sections)
    system = client.get(reverse("admin:index")).context["app_list"][-1]
    assert "Axes: Access attempts" in [str(model["name"]) for model in system["models"]]


# --- one zone per screen -----------------------------------------------------------------


def test_a_requests_page_shows_every_time_in_its_jurisdictions_zone_once(client, handler):
    # 02:00 UTC on 25 November is 18:00 on the 24th in California, 10:00 in Shanghai
    # (the site's zone).
    request = letter(code="US-CA")
    services.internal_note_add(request_id=request.pk, actor=handler, text="x", now=clock.now())

    html = client.get(
        reverse("admin:datarequests_datarequest_change", args=[request.pk])
    ).content.decode()

    assert "All times on this page are in America/Los_Angeles" in html
    assert "Nov. 24, 2026, 6 p.m." in html  # the event, in the request's zone
    assert "2026-11-24 18:00" in html  # the internal note
    assert "10 a.m." not in html and "10:00" not in html
