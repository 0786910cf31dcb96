"""Every staff read of personal data is in the trail, whatever the admin door (issue 13, 4)."""

import csv
import io
from datetime import date

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from audit.admin_mixins import target_of
from audit.checks import admins_audited_check
from audit.models import AuditEvent
from audit.services import audit_record
from cookies.models import ConsentRecord
from cookies.services import consent_record
from datarequests.models import Channel, FeePayment, FeeQuote, Kind
from datarequests.services import Requester, data_request_refuse, data_request_submit
from disclosures.models import Disclosure, Recipient
from disclosures.notices import notices_create
from privacy_office import clock
from privacy_office.admin_base import ProofAdmin
from privacy_office.registry import NoSubject, registry
from records.models import LogBookEntry
from records.services import logbook_annotate
from tests.conftest import verified_login
from tests.factories import PaymentCardFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client):
    user = UserFactory(username="officer", is_staff=True, is_superuser=True)
    verified_login(client, user)
    return user


def reads():
    return list(AuditEvent.objects.filter(action="read").order_by("seq"))


def test_a_list_page_is_one_event_naming_every_row_and_person_shown(client, officer):
    cards = [PaymentCardFactory() for _ in range(3)]

    response = client.get(reverse("admin:accounts_paymentcard_changelist"))

    assert response.status_code == 200
    [event] = reads()
    assert (event.actor, event.target, event.categories) == (
        officer,
        "accounts.PaymentCard:list",
        ["account"],
    )
    assert sorted(event.rows) == sorted(str(card.pk) for card in cards)
    assert event.subjects == sorted(card.user_id for card in cards)
    assert event.subject is None  # three people: named in ``subjects``
    assert "3 rows of 3 people" in event.detail


def test_a_list_filtered_by_one_user_names_that_user(client, officer):
    card = PaymentCardFactory()
    PaymentCardFactory()

    client.get(reverse("admin:accounts_paymentcard_changelist"), {"user": card.user_id})
    client.get(reverse("admin:accounts_paymentcard_changelist"), {"user__id__exact": card.user_id})

    first, second = reads()
    assert (first.subject, first.subjects, first.rows) == (
        card.user,
        [card.user_id],
        [str(card.pk)],
    )
    assert f"filter user={card.user_id}" in first.detail
    assert second.subject == card.user
    assert f"filter user__id__exact={card.user_id}" in second.detail


def test_a_search_is_recorded_masked_with_the_person_it_names_even_without_a_hit(client, officer):
    person = UserFactory(email="jane.doe@example.com")

    client.get(reverse("admin:accounts_paymentcard_changelist"), {"q": "jane.doe@example.com"})

    [event] = reads()
    assert event.subject == person
    assert 'search "j•••@example.com"' in event.detail
    assert "jane.doe" not in event.detail


def test_the_consent_proof_csv_export_is_audited_with_the_rows_exported(client, officer):
    person = UserFactory()
    records = [
        consent_record(
            visitor_id=f"v{n}",
            user=person,
            choices={"statistics": bool(n)},
            method="banner_save",
            gpc=False,
            ip="203.0.113.9",
            user_agent="Firefox",
            now=clock.now(),
        )
        for n in range(2)
    ]

    response = client.post(
        reverse("admin:cookies_consentrecord_changelist"),
        {"action": "export_as_proof", "_selected_action": [r.pk for r in records]},
    )

    assert len(list(csv.reader(io.StringIO(response.content.decode())))) == 3
    [event] = reads()
    assert (event.actor, event.target, event.subject) == (
        officer,
        "cookies.ConsentRecord:action",
        person,
    )
    assert sorted(event.rows) == sorted(str(r.pk) for r in records)
    assert "action export_as_proof" in event.detail


def test_searching_disclosures_for_a_person_is_audited(client, officer):
    person = UserFactory(username="buyer7")
    recipient = Recipient.objects.create(
        code="sf",
        organisation="SF Express",
        kind=Recipient.Kind.SERVICE_PROVIDER,
        service="…",
        jurisdiction="CN",
        confidentiality_agreed_on=date(2024, 1, 1),
    )
    disclosure = Disclosure.objects.create(
        recipient=recipient,
        subject=person,
        categories=["account"],
        purpose="B5",
        disclosed_at=clock.now(),
    )

    client.get(reverse("admin:disclosures_disclosure_changelist"), {"q": "buyer7"})

    [event] = reads()
    assert (event.target, event.subject, event.rows) == (
        "disclosures.Disclosure:list",
        person,
        [str(disclosure.pk)],
    )
    assert 'search "buyer7"' in event.detail


def test_a_users_history_page_is_audited(client, officer):
    person = UserFactory()

    response = client.get(reverse("admin:accounts_user_history", args=[person.pk]))

    assert response.status_code == 200
    [event] = reads()
    assert (event.target, event.subject, event.detail) == (
        f"accounts.User:{person.pk}",
        person,
        "history",
    )


def test_sign_in_records_are_audited_against_the_user_they_name(client, officer):
    person = UserFactory(username="buyer9")
    attempt = AccessAttempt.objects.create(
        username="buyer9",
        ip_address="203.0.113.7",
        user_agent="Firefox",
        get_data="",
        post_data="",
        failures_since_start=3,
    )

    client.get(reverse("admin:axes_accessattempt_changelist"))
    client.get(reverse("admin:axes_accessattempt_change", args=[attempt.pk]))

    listed, opened = reads()
    assert (listed.target, listed.subject) == ("axes.AccessAttempt:list", person)
    assert (opened.target, opened.subject) == (f"axes.AccessAttempt:{attempt.pk}", person)
    assert opened.categories == ["browsing"]


def test_an_admin_registered_without_the_mixin_fails_the_check():
    class BareCardAdmin(admin.ModelAdmin):
        pass

    from accounts.models import PaymentCard

    original = admin.site._registry[PaymentCard]
    admin.site._registry[PaymentCard] = BareCardAdmin(PaymentCard, admin.site)
    try:
        errors = admins_audited_check()
    finally:
        admin.site._registry[PaymentCard] = original

    assert [error.id for error in errors] == ["audit.E005"]
    assert "accounts.PaymentCard" in errors[0].msg
    assert admins_audited_check() == []


@pytest.fixture
def a_row_of_every_kind(officer, django_capture_on_commit_callbacks):
    """One row of every model that declares whose data it holds, through its usual door."""
    call_command("seed_demo", users=3, heavy_views=0, stdout=io.StringIO(), stderr=io.StringIO())
    person = UserFactory(username="buyer5", email="b5@example.com")
    AuthToken.objects.create(user=person)
    TOTPDevice.objects.create(user=officer, name="authenticator")
    StaticDevice.objects.get_or_create(user=officer, name="recovery")
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        extra = {"get_data": "", "post_data": "", "failures_since_start": 1}
        model.objects.create(
            username="buyer5",
            ip_address="203.0.113.5",
            user_agent="Firefox",
            **(extra if model is AccessAttempt else {}),
        )
    consent_record(
        visitor_id="v5",
        user=person,
        choices={"statistics": True},
        method="banner_save",
        gpc=False,
        ip="203.0.113.5",
        user_agent="Firefox",
        now=clock.now(),
    )
    Disclosure.objects.create(
        recipient=Recipient.objects.create(
            code="bank",
            organisation="Bank of Hangzhou",
            kind=Recipient.Kind.BANK,
            service="…",
            jurisdiction="CN",
            confidentiality_agreed_on=date(2024, 1, 1),
        ),
        subject=person,
        categories=["account"],
        purpose="B5",
        disclosed_at=clock.now(),
    )
    notices_create(
        request_id=1,
        subject=person,
        kind="erasure",
        categories=["account"],
        lookback=None,
        now=clock.now(),
    )
    with django_capture_on_commit_callbacks(execute=False):
        request = data_request_submit(
            requester=Requester(user=person),
            kind=Kind.ACCESS,
            jurisdiction_code="HK",
            channel=Channel.SELF_SERVICE,
            now=clock.now(),
        )
        # A Hong Kong refusal writes the log book, which staff then annotate.
        data_request_refuse(
            request_id=request.pk,
            actor=officer,
            ground="Part 8 exemption",
            explanation="Exempt.",
            now=clock.now(),
        )
        paid = data_request_submit(
            requester=Requester(user=person),
            kind=Kind.ACCESS,
            jurisdiction_code="SG",
            channel=Channel.SELF_SERVICE,
            now=clock.now(),
        )
    # A fee paid, as staff record it from the bank statement.
    quote = FeeQuote.objects.create(
        request=paid,
        amount="10.00",
        currency="SGD",
        status=FeeQuote.Status.PAID,
        quoted_at=clock.now(),
        settled_at=clock.now(),
    )
    FeePayment.objects.create(
        quote=quote,
        amount="10.00",
        currency="SGD",
        reference="PO-SG-1",
        actor=officer,
        recorded_at=clock.now(),
    )
    logbook_annotate(
        entry_id=LogBookEntry.objects.get(request_id=request.pk).pk,
        text="Reviewed.",
        author=officer,
        now=clock.now(),
    )
    audit_record(actor=officer, action="change", subject=person, target="x:1", now=clock.now())


def test_every_admin_of_a_declared_model_audits_its_list_and_its_page(
    client, officer, a_row_of_every_kind
):
    """Walk every registered admin of a model the registry says holds someone's data."""
    walked = []
    for model in admin.site._registry:
        declaration = registry.for_model(model) or registry.for_model(model._meta.concrete_model)
        if declaration is None or isinstance(declaration.kind, NoSubject):
            continue
        info = (model._meta.app_label, model._meta.model_name)
        row = model._default_manager.order_by("pk").last()
        assert row is not None, f"no {model._meta.label} row to open"

        before = AuditEvent.objects.count()
        listing = client.get(reverse("admin:{}_{}_changelist".format(*info)))
        page = client.get(reverse("admin:{}_{}_change".format(*info), args=[row.pk]))

        assert (listing.status_code, page.status_code) == (200, 200), model._meta.label
        events = AuditEvent.objects.filter(action="read").order_by("-seq")[:2]
        assert AuditEvent.objects.count() == before + 2, model._meta.label
        assert [event.actor for event in events] == [officer, officer]
        assert {event.target for event in events} == {
            f"{model._meta.label}:{'history' if model is ConsentRecord else 'list'}",
            target_of(row),
        }
        walked.append(model._meta.label)

    assert {"accounts.User", "axes.AccessAttempt", "otp_totp.TOTPDevice"} <= set(walked)
    assert "knox.AuthToken" in walked and "audit.AuditEvent" in walked
    token = AuthToken.objects.get()
    assert not AuditEvent.objects.filter(target__contains=token.digest).exists()
    assert not AuditEvent.objects.filter(rows__contains=[token.digest]).exists()
    assert isinstance(admin.site._registry[ConsentRecord], ProofAdmin)
