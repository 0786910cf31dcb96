"""Issue 14, items 6, 7 and 9: repeat requests, Singapore's estimates, guards on the rules."""

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.urls import reverse

from audit.models import AuditEvent
from datarequests import services
from datarequests.calendars import local_day
from datarequests.fees import FeeRules, FeeTerms, quote_lines
from datarequests.models import (
    Channel,
    DataRequest,
    FeeQuote,
    FeeRule,
    FeeSchedule,
    Jurisdiction,
    Kind,
    Status,
)
from datarequests.reasons import fee_line_label
from datarequests.seed import CCPA_TWICE, HK_REPEAT
from privacy_office import clock
from tests.conftest import verified_login
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]


def signed_in(user, code: str, received: datetime, kind: str = Kind.ACCESS) -> DataRequest:
    corrections = [{"field": "accounts.User.city", "value": "Leeds"}]
    return services.data_request_submit(
        requester=services.Requester(user=user),
        kind=kind,
        corrections=corrections if kind == Kind.CORRECTION else [],
        jurisdiction_code=code,
        channel=Channel.API,
        received_at=received,
        now=received,
    )


def letter(code: str, received: datetime, *, email: str = "", address: str = "8 Nathan Road"):
    return services.data_request_submit(
        requester=services.Requester(name="Chan Tai Man", email=email, postal_address=address),
        kind=Kind.ACCESS,
        jurisdiction_code=code,
        channel=Channel.LETTER,
        received_at=received,
        now=received,
    )


def answered(request: DataRequest, status: str = Status.FULFILLED) -> None:
    DataRequest.objects.filter(pk=request.pk).update(status=status)


def due_day(request: DataRequest) -> date | None:
    request.refresh_from_db()
    return local_day(request.jurisdiction, request.due_at) if request.due_at else None


# --- 6. repeat requests -------------------------------------------------------------------


def test_a_third_california_access_within_12_months_may_be_refused_as_such():
    person = UserFactory()
    # 10:00 in Los Angeles each time; the window is 2 March 2025 – 2 March 2026.
    answered(signed_in(person, "US-CA", datetime(2025, 3, 2, 18, 0, tzinfo=UTC)))
    answered(signed_in(person, "US-CA", datetime(2025, 11, 3, 18, 0, tzinfo=UTC)))
    third = signed_in(person, "US-CA", datetime(2026, 3, 2, 18, 0, tzinfo=UTC))

    services.data_request_refuse(
        request_id=third.pk,
        actor=None,
        ground=CCPA_TWICE,
        explanation="We sent you your data on 2 March and 3 November 2025.",
        now=datetime(2026, 3, 3, 18, 0, tzinfo=UTC),
    )

    third.refresh_from_db()
    assert third.status == Status.REFUSED
    assert CCPA_TWICE in third.events.get(status=Status.REFUSED).reason_text


def test_a_california_access_after_one_answered_in_12_months_is_not_refusable_as_a_third():
    person = UserFactory()
    answered(signed_in(person, "US-CA", datetime(2025, 3, 1, 18, 0, tzinfo=UTC)))  # a day early
    answered(signed_in(person, "US-CA", datetime(2025, 11, 3, 18, 0, tzinfo=UTC)))
    # withdrawn: never answered, so not counted
    answered(signed_in(person, "US-CA", datetime(2025, 12, 1, 18, 0, tzinfo=UTC)), "withdrawn")
    third = signed_in(person, "US-CA", datetime(2026, 3, 2, 18, 0, tzinfo=UTC))

    with pytest.raises(ValidationError) as refused:
        services.data_request_refuse(
            request_id=third.pk,
            actor=None,
            ground=CCPA_TWICE,
            explanation="x",
            now=datetime(2026, 3, 3, 18, 0, tzinfo=UTC),
        )

    assert refused.value.message_dict == {
        "ground": [
            "This ground needs two access requests answered in the 12 months before this one "
            "was received (from 2025-03-02); this person had 1."
        ]
    }
    third.refresh_from_db()
    assert third.status != Status.REFUSED


def test_hong_kong_may_refuse_a_request_after_two_similar_ones_by_the_same_address():
    answered(letter("HK", datetime(2026, 1, 5, 2, 0, tzinfo=UTC), email="chan@example.hk"))
    second = letter("HK", datetime(2026, 2, 2, 2, 0, tzinfo=UTC), email="Chan@Example.hk")
    with pytest.raises(ValidationError) as too_soon:
        services.data_request_refuse(
            request_id=second.pk, actor=None, ground=HK_REPEAT, explanation="x", now=clock.now()
        )
    answered(second)
    third = letter("HK", datetime(2026, 3, 2, 2, 0, tzinfo=UTC), email="chan@example.hk")

    services.data_request_refuse(
        request_id=third.pk,
        actor=None,
        ground=HK_REPEAT,
        explanation="The same copy was sent in January and February.",
        now=datetime(2026, 3, 3, 2, 0, tzinfo=UTC),
    )

    assert too_soon.value.message_dict["ground"] == [
        "This ground needs two or more earlier similar requests by the same person; this "
        "person made 1."
    ]
    third.refresh_from_db()
    assert third.status == Status.REFUSED


def test_a_request_marked_manifestly_excessive_may_be_charged_after_a_quote_the_requester_sees(
    django_capture_on_commit_callbacks,
):
    FeeSchedule.objects.filter(jurisdiction__code="EU", kind=Kind.ACCESS).update(
        base_amount=Decimal("25.00")
    )
    plain = letter("EU", datetime(2026, 3, 2, 9, 0, tzinfo=UTC), email="mei@example.com")
    marked = letter("EU", datetime(2026, 3, 2, 9, 0, tzinfo=UTC), email="ana@example.com")
    with pytest.raises(ValidationError, match="Say why the request is manifestly"):
        services.manifestly_excessive_mark(
            request_id=marked.pk, actor=None, reason=" ", now=clock.now()
        )
    services.manifestly_excessive_mark(
        request_id=marked.pk,
        actor=None,
        reason="The fourth identical request this month.",
        now=datetime(2026, 3, 3, 9, 0, tzinfo=UTC),
    )
    for request in (plain, marked):
        services.identity_verify(
            request_id=request.pk,
            actor=None,
            method="passport",
            now=datetime(2026, 3, 4, 9, 0, tzinfo=UTC),
        )
        with django_capture_on_commit_callbacks(execute=True):
            services.fee_assess(request_id=request.pk, now=datetime(2026, 3, 4, 9, 0, tzinfo=UTC))

    plain.refresh_from_db()
    marked.refresh_from_db()
    assert plain.fee_quote.amount == 0  # GDPR: free unless marked
    assert (marked.status, marked.fee_quote.amount) == (Status.AWAITING_PAYMENT, Decimal("25.00"))
    told = [m for m in mail.outbox if m.to == ["ana@example.com"]]
    assert "25.00 EUR" in told[-1].body  # the quote reaches the requester before any payment
    assert any("The fourth identical request" in e.reason_text for e in marked.events.all())


def test_a_signed_in_access_in_progress_at_no_fee_is_assessed_again_once_marked_excessive():
    FeeSchedule.objects.filter(jurisdiction__code="UK", kind=Kind.ACCESS).update(
        base_amount=Decimal("10.00")
    )
    request = signed_in(UserFactory(), "UK", datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
    services.fee_assess(request_id=request.pk, now=datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
    request.refresh_from_db()
    assert (request.status, request.fee_quote.amount) == (Status.IN_PROGRESS, 0)

    services.manifestly_excessive_mark(
        request_id=request.pk,
        actor=None,
        reason="The same copy asked for daily since January.",
        now=datetime(2026, 3, 2, 13, 0, tzinfo=UTC),
    )
    services.fee_assess(request_id=request.pk, now=datetime(2026, 3, 2, 13, 0, tzinfo=UTC))

    request.refresh_from_db()
    assert (request.status, request.fee_quote.amount) == (
        Status.AWAITING_PAYMENT,
        Decimal("10.00"),
    )
    with pytest.raises(services.AlreadyMoved):
        services.access_fulfil(request_id=request.pk, now=datetime(2026, 3, 2, 14, 0, tzinfo=UTC))


def test_a_duplicate_is_flagged_at_intake_and_never_blocks_the_originals_verification():
    person = UserFactory()
    original = services.data_request_submit(
        requester=services.Requester(user=person, postal_address="1 Quay Street"),
        kind=Kind.ACCESS,
        jurisdiction_code="UK",
        channel=Channel.LETTER,
        received_at=datetime(2026, 3, 2, 12, 0, tzinfo=UTC),
        now=datetime(2026, 3, 2, 12, 0, tzinfo=UTC),
    )
    duplicate = services.data_request_submit(
        requester=services.Requester(user=person, postal_address="1 Quay Street"),
        kind=Kind.ACCESS,
        jurisdiction_code="UK",
        channel=Channel.LETTER,
        received_at=datetime(2026, 3, 5, 12, 0, tzinfo=UTC),
        now=datetime(2026, 3, 5, 12, 0, tzinfo=UTC),
    )
    correction = signed_in(person, "UK", datetime(2026, 3, 6, 12, 0, tzinfo=UTC), Kind.CORRECTION)

    services.identity_verify(
        request_id=original.pk,
        actor=None,
        method="passport",
        now=datetime(2026, 3, 9, 12, 0, tzinfo=UTC),
    )

    original.refresh_from_db()
    duplicate.refresh_from_db()
    correction.refresh_from_db()
    assert original.status == Status.ASSESSING_FEE
    assert (duplicate.duplicate_of_id, duplicate.status) == (original.pk, Status.AWAITING_IDENTITY)
    assert original.duplicate_of_id is None
    assert correction.duplicate_of_id is None  # another kind


def test_staff_see_the_persons_earlier_requests_and_the_duplicate_flag_on_the_request_page(
    client,
):
    person = UserFactory()
    first = signed_in(person, "HK", datetime(2026, 1, 5, 2, 0, tzinfo=UTC))
    answered(first)
    second = signed_in(person, "HK", datetime(2026, 2, 2, 2, 0, tzinfo=UTC))
    third = signed_in(person, "HK", datetime(2026, 3, 2, 2, 0, tzinfo=UTC))
    stranger = signed_in(UserFactory(), "HK", datetime(2026, 1, 6, 2, 0, tzinfo=UTC))
    officer = UserFactory(is_staff=True, is_superuser=True)
    verified_login(client, officer)

    page = client.get(reverse("admin:datarequests_datarequest_change", args=[third.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    change = "admin:datarequests_datarequest_change"
    for earlier in (first, second):
        assert f'href="{reverse(change, args=[earlier.pk])}"' in html
    assert f'href="{reverse(change, args=[stranger.pk])}"' not in html
    assert f"request {second.pk}, still open when this one came in" in html


# --- 7. Singapore's estimates --------------------------------------------------------------


def sg_estimate(user) -> DataRequest:
    received = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)  # 10:00 in Singapore
    request = signed_in(user, "SG", received)
    services.fee_assess(request_id=request.pk, now=received)
    request.refresh_from_db()
    return request


def test_a_singapore_fee_is_an_estimate_and_the_clock_waits_for_its_acceptance_not_payment(
    client, time_machine
):
    user = UserFactory()
    request = sg_estimate(user)
    assert (request.status, request.fee_quote.status) == (
        Status.AWAITING_ACCEPTANCE,
        FeeQuote.Status.QUOTED,
    )
    assert request.fee_quote.is_estimate
    client.force_login(user)
    time_machine.move_to(datetime(2026, 6, 11, 2, 0, tzinfo=UTC), tick=False)

    body = client.post(reverse("api-request-estimate-accept", args=[request.pk])).json()

    assert body["status"] == "awaiting_payment"
    assert (body["fee"]["status"], body["fee"]["estimate"]) == ("accepted", True)
    # 1 June + 30 days = 1 July, and 10 days waiting for the acceptance: 11 July
    assert body["due_at"] == "2026-07-11T23:59:59+08:00"
    services.paused_clocks_refresh(now=datetime(2026, 6, 21, 2, 0, tzinfo=UTC))
    assert due_day(request) == date(2026, 7, 11)  # waiting for the payment stops nothing
    services.fee_settle(
        request_id=request.pk,
        actor=None,
        waived=False,
        note="bank ref 0042",
        now=datetime(2026, 6, 21, 2, 0, tzinfo=UTC),
    )
    assert due_day(request) == date(2026, 7, 11)
    assert client.post(reverse("api-request-estimate-accept", args=[request.pk])).status_code == 409


def test_a_declined_singapore_estimate_ends_the_request_with_nothing_charged(client):
    user = UserFactory()
    request = sg_estimate(user)
    page = client.get(reverse("requests:detail", args=[request.pk]))
    client.force_login(user)
    page = client.get(reverse("requests:detail", args=[request.pk]))
    assert "Accept the estimate" in page.content.decode()
    assert "the request lapses" not in page.content.decode()

    response = client.post(reverse("requests:estimate", args=[request.pk, "decline"]))

    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.fee_quote.status) == (
        Status.WITHDRAWN,
        FeeQuote.Status.DECLINED,
    )
    assert request.events.filter(reason_code="estimate_declined").exists()


def test_only_the_owner_answers_an_estimate(client):
    request = sg_estimate(UserFactory())
    client.force_login(UserFactory())

    api = client.post(reverse("api-request-estimate-decline", args=[request.pk]))
    page = client.post(reverse("requests:estimate", args=[request.pk, "accept"]))

    assert (api.status_code, page.status_code) == (404, 404)
    request.refresh_from_db()
    assert request.status == Status.AWAITING_ACCEPTANCE


def test_a_singapore_estimate_does_not_lapse_after_30_days_but_a_hong_kong_quote_does():
    singapore = sg_estimate(UserFactory())
    hong_kong = signed_in(UserFactory(), "HK", datetime(2026, 6, 1, 2, 0, tzinfo=UTC))
    services.fee_assess(request_id=hong_kong.pk, now=datetime(2026, 6, 1, 2, 0, tzinfo=UTC))

    lapsed = services.quotes_lapse(now=datetime(2026, 7, 2, 2, 0, tzinfo=UTC))

    singapore.refresh_from_db()
    hong_kong.refresh_from_db()
    assert lapsed == 1
    assert (singapore.status, hong_kong.status) == (Status.AWAITING_ACCEPTANCE, Status.LAPSED)


def test_a_fee_above_the_accepted_estimate_is_a_new_estimate_and_a_lower_one_is_not():
    user = UserFactory()
    request = sg_estimate(user)
    accepted = request.fee_quote.amount
    services.fee_estimate_answer(
        request_id=request.pk,
        requester=user,
        accept=True,
        now=datetime(2026, 6, 2, 2, 0, tzinfo=UTC),
    )

    services.fee_revise(
        request_id=request.pk,
        actor=None,
        amount=accepted - Decimal("1.00"),
        reason="fewer pages than estimated",
        now=datetime(2026, 6, 3, 2, 0, tzinfo=UTC),
    )
    request.refresh_from_db()
    assert (request.status, request.fee_quote.status) == (
        Status.AWAITING_PAYMENT,
        FeeQuote.Status.ACCEPTED,
    )
    services.fee_revise(
        request_id=request.pk,
        actor=None,
        amount=accepted + Decimal("5.00"),
        reason="archived records to retrieve",
        now=datetime(2026, 6, 4, 2, 0, tzinfo=UTC),
    )

    request.refresh_from_db()
    assert (request.status, request.fee_quote.status) == (
        Status.AWAITING_ACCEPTANCE,
        FeeQuote.Status.QUOTED,
    )
    assert request.fee_quote.amount == accepted + Decimal("5.00")
    with pytest.raises(ValidationError, match="Say why the fee changes"):
        services.fee_revise(
            request_id=request.pk, actor=None, amount=Decimal(1), reason="", now=clock.now()
        )


# --- 9. guards on the rules -----------------------------------------------------------------


def rule_form(obj, **changes) -> dict:
    """The admin form as a browser posts it (a callable default's hidden initial value too)."""
    data = {}
    for name, value in {**model_to_dict(obj), **changes}.items():
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else value
    data["refusal_grounds"] = json.dumps(obj.refusal_grounds)
    data["initial-refusal_grounds"] = json.dumps(obj.refusal_grounds)
    return data


def test_the_hong_kong_correction_fee_ban_cannot_be_switched_off(client):
    hong_kong = Jurisdiction.objects.get(code="HK")
    hong_kong.correction_fee_banned = False
    with pytest.raises(ValidationError) as refused:
        hong_kong.full_clean()
    verified_login(client, UserFactory(is_staff=True, is_superuser=True))

    page = client.post(
        reverse("admin:datarequests_jurisdiction_change", args=[hong_kong.pk]),
        rule_form(hong_kong, correction_fee_banned=False, change_reason="a test"),
    )

    message = (
        "The law of HK bans a fee for a correction (PDPO s.28(1)): the ban cannot be switched off."
    )
    assert refused.value.message_dict == {"correction_fee_banned": [message]}
    assert page.status_code == 200 and message in page.content.decode()
    hong_kong.refresh_from_db()
    assert hong_kong.correction_fee_banned


def test_a_rule_change_in_the_admin_needs_a_reason_and_is_audited_with_who_and_why(client):
    officer = UserFactory(is_staff=True, is_superuser=True)
    verified_login(client, officer)
    china = Jurisdiction.objects.get(code="CN")
    url = reverse("admin:datarequests_jurisdiction_change", args=[china.pk])

    without = client.post(url, rule_form(china, deadline_amount=10))
    china.refresh_from_db()
    assert without.status_code == 200 and china.deadline_amount == 15
    client.post(url, rule_form(china, deadline_amount=10, change_reason="CAC rules of 2027"))

    china.refresh_from_db()
    event = AuditEvent.objects.filter(target=f"datarequests.Jurisdiction:{china.pk}").get()
    assert (china.deadline_amount, china.rules_version) == (10, 2)
    assert event.actor == officer
    assert event.detail == "fields: deadline_amount; why: CAC rules of 2027"


def test_an_open_request_keeps_the_rules_it_was_received_under():
    # Monday 2 March 2026, 15 working days: Monday 23 March
    before = letter("CN", datetime(2026, 3, 2, 2, 0, tzinfo=UTC))
    china = Jurisdiction.objects.get(code="CN")
    china.deadline_amount = 10
    services.rule_change_save(
        obj=china, actor=None, reason="test", changed=["deadline_amount"], now=clock.now()
    )
    after = letter("CN", datetime(2026, 3, 2, 2, 0, tzinfo=UTC))

    services.identity_verify(
        request_id=before.pk,
        actor=None,
        method="ID card",
        now=datetime(2026, 3, 3, 2, 0, tzinfo=UTC),
    )

    assert (before.rules_version, after.rules_version) == (1, 2)
    assert due_day(before) == date(2026, 3, 23)
    assert due_day(after) == date(2026, 3, 16)  # 10 working days


def test_a_hong_kong_fee_is_no_more_than_the_lowest_among_the_forms_offered():
    rules = FeeRules(access_fee=FeeRule.REASONABLE, by_post=True, lowest_form=True)
    schedule = FeeTerms(base_amount=Decimal(50), postage=Decimal(20))
    both = letter("HK", datetime(2026, 3, 2, 2, 0, tzinfo=UTC), email="chan@example.hk")
    post_only = letter("HK", datetime(2026, 3, 2, 2, 0, tzinfo=UTC))

    lines = {
        request.pk: [fee_line_label(line) for line in services.fee_quote_lines(request, {})]
        for request in (both, post_only)
    }

    assert [
        (fee_line_label(line), line["amount"])
        for line in quote_lines(rules=rules, schedule=schedule, volume={})
    ] == [("Locating, retrieving and redacting", "50.00")]
    assert lines[both.pk] == ["Locating, retrieving and redacting"]
    assert lines[post_only.pk] == ["Locating, retrieving and redacting", "Postage"]


# --- the sweep -----------------------------------------------------------------------------


def test_a_paused_hong_kong_clock_moves_the_s19_2_notice_date_with_the_deadline():
    request = letter("HK", datetime(2026, 3, 2, 2, 0, tzinfo=UTC))  # 10:00 in Hong Kong
    services.identity_verify(
        request_id=request.pk, actor=None, method="HKID", now=datetime(2026, 3, 3, 2, 0, tzinfo=UTC)
    )
    services.fee_assess(request_id=request.pk, now=datetime(2026, 3, 3, 2, 0, tzinfo=UTC))
    request.refresh_from_db()
    assert request.status == Status.AWAITING_PAYMENT

    services.paused_clocks_refresh(now=datetime(2026, 3, 13, 2, 0, tzinfo=UTC))

    # 2 March + 40 days = 11 April, 10 days paused for the fee: Tuesday 21 April; the notice
    # is due the day before.
    request.refresh_from_db()
    assert due_day(request) == date(2026, 4, 21)
    assert local_day(request.jurisdiction, request.notice_due_at) == date(2026, 4, 20)


# --- the admin's buttons --------------------------------------------------------------------


def act(client, request: DataRequest, action: str, **data):
    url = reverse("admin:datarequests_datarequest_act", args=[request.pk, action])
    return client.post(url, data, follow=True)


def test_staff_mark_a_request_excessive_and_revise_a_fee_with_the_admins_buttons(client):
    verified_login(client, UserFactory(is_staff=True, is_superuser=True))
    request = letter("EU", datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    estimate = sg_estimate(UserFactory())

    refused = act(client, request, "mark_excessive", text="")
    act(client, request, "mark_excessive", text="Ten copies of the same request in a week.")
    act(client, estimate, "revise_fee", text="archived records", amount="99.50")

    assert "Say why the request is manifestly unfounded or excessive." in refused.content.decode()
    request.refresh_from_db()
    estimate.refresh_from_db()
    assert request.manifestly_excessive_reason == "Ten copies of the same request in a week."
    assert (estimate.status, estimate.fee_quote.amount) == (
        Status.AWAITING_ACCEPTANCE,
        Decimal("99.50"),
    )


def test_a_clerk_without_the_change_permission_cannot_mark_a_request(client):
    clerk = UserFactory(is_staff=True)
    verified_login(client, clerk)
    request = letter("EU", datetime(2026, 3, 2, 9, 0, tzinfo=UTC))

    response = act(client, request, "mark_excessive", text="too many")

    assert response.status_code == 403
    request.refresh_from_db()
    assert request.manifestly_excessive_reason == ""


def test_a_fee_schedule_change_leaves_an_open_request_at_the_fee_it_was_received_under(client):
    verified_login(client, UserFactory(is_staff=True, is_superuser=True))
    before = letter("HK", datetime(2026, 3, 2, 2, 0, tzinfo=UTC), email="chan@example.hk")
    schedule = FeeSchedule.objects.get(jurisdiction__code="HK", kind=Kind.ACCESS)
    url = reverse("admin:datarequests_feeschedule_change", args=[schedule.pk])
    form = {
        "jurisdiction": schedule.jurisdiction_id,
        "kind": "access",
        "base_amount": "80.00",
        "per_thousand_records": "10.00",
        "postage": "20.00",
    }

    client.post(url, {**form, "change_reason": "PCPD guidance on clerical time, 2026"})
    after = letter("HK", datetime(2026, 3, 2, 2, 0, tzinfo=UTC), email="wong@example.hk")

    fees = [services.fee_quote_lines(request, {})[0]["amount"] for request in (before, after)]
    assert fees == ["50.00", "80.00"]
    assert (before.rules_version, after.rules_version) == (1, 2)
    event = AuditEvent.objects.get(target=f"datarequests.FeeSchedule:{schedule.pk}")
    assert event.detail == "fields: base_amount; why: PCPD guidance on clerical time, 2026"


def test_a_holiday_override_is_added_only_with_a_reason_and_audited(client):
    officer = UserFactory(is_staff=True, is_superuser=True)
    verified_login(client, officer)
    china = Jurisdiction.objects.get(code="CN")
    url = reverse("admin:datarequests_calendaroverride_add")
    form = {"jurisdiction": china.pk, "date": "2026-10-09", "day_off": "on", "description": "x"}

    refused = client.post(url, form)
    client.post(url, {**form, "change_reason": "State Council notice of 2026"})

    assert refused.status_code == 200 and "This field is required." in refused.content.decode()
    override = china.calendar_overrides.get()
    event = AuditEvent.objects.get(target=f"datarequests.CalendarOverride:{override.pk}")
    assert (event.actor, event.action) == (officer, "create")
    assert event.detail.endswith("why: State Council notice of 2026")


def test_staff_record_the_estimate_answer_of_a_postal_requester_who_has_no_page_to_answer_on(
    client, django_capture_on_commit_callbacks
):
    received = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)
    with django_capture_on_commit_callbacks(execute=False):
        request = services.data_request_submit(
            requester=services.Requester(name="Tan Mei Ling", postal_address="1 Orchard Road"),
            kind=Kind.ACCESS,
            jurisdiction_code="SG",
            channel=Channel.LETTER,
            now=received,
        )
        services.identity_verify(
            request_id=request.pk, actor=None, method="NRIC copy enclosed", now=received
        )
        services.fee_assess(request_id=request.pk, now=received)
    request.refresh_from_db()
    assert request.status == Status.AWAITING_ACCEPTANCE
    officer = UserFactory(is_staff=True, is_superuser=True)
    verified_login(client, officer)
    act = "admin:datarequests_datarequest_act"

    client.post(reverse(act, args=[request.pk, "accept_estimate_recorded"]))

    request.refresh_from_db()
    assert (request.status, request.fee_quote.status) == (
        Status.AWAITING_PAYMENT,
        FeeQuote.Status.ACCEPTED,
    )
    assert request.events.last().actor == officer
    # An answer is recorded once: a second click finds the request moved on.
    again = client.post(reverse(act, args=[request.pk, "decline_estimate_recorded"]), follow=True)
    assert "This request has already moved on" in again.content.decode()
    request.refresh_from_db()
    assert request.status == Status.AWAITING_PAYMENT
