"""The staff queue: filters, letters entered by staff, actions as buttons."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from datarequests import services
from datarequests.models import Channel, DataRequest, Jurisdiction, Kind, Status
from privacy_office import clock
from tests.conftest import verified_login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    verified_login(client, user)
    return user


@pytest.fixture(autouse=True)
def _letters_posted_on_20_november_are_entered_days_later(time_machine):
    time_machine.move_to(datetime(2026, 11, 25, 2, 0, tzinfo=UTC))


def letter(**changes):
    return services.data_request_submit(
        requester=services.Requester(name="Li Wei", postal_address="12 West Lake Road"),
        kind=Kind.ACCESS,
        jurisdiction_code="HK",
        channel=Channel.LETTER,
        now=clock.now(),
        **changes,
    )


def test_the_queue_filters_overdue_requests(client, officer):
    late, on_time = letter(), letter()
    DataRequest.objects.filter(pk=late.pk).update(due_at=clock.now() - timedelta(days=2))
    url = reverse("admin:datarequests_datarequest_changelist")

    page = client.get(url, {"due": "overdue"}).content.decode()

    assert f"/admin/datarequests/datarequest/{late.pk}/change/" in page
    assert f"/admin/datarequests/datarequest/{on_time.pk}/change/" not in page


def test_the_queue_filters_requests_waiting_for_a_staff_action(client, officer):
    waiting_for_identity, waiting_for_payment = letter(), letter()
    DataRequest.objects.filter(pk=waiting_for_payment.pk).update(status=Status.AWAITING_PAYMENT)
    url = reverse("admin:datarequests_datarequest_changelist")

    identity = client.get(url, {"waiting_for": "verify"}).content.decode()
    payment = client.get(url, {"waiting_for": "paid"}).content.decode()

    assert f"/datarequest/{waiting_for_identity.pk}/change/" in identity
    assert f"/datarequest/{waiting_for_payment.pk}/change/" not in identity
    assert f"/datarequest/{waiting_for_payment.pk}/change/" in payment
    assert f"/datarequest/{waiting_for_identity.pk}/change/" not in payment


def test_staff_enter_a_letter_with_its_envelope_date(client, officer):
    scan = SimpleUploadedFile("letter.pdf", b"%PDF-1.4 scan", content_type="application/pdf")
    response = client.post(
        reverse("admin:datarequests_datarequest_add"),
        {
            "kind": "access",
            "jurisdiction": Jurisdiction.objects.get(code="HK").pk,
            "requester_name": "Chan Tai Man",
            "postal_address": "Flat 3, 8 Nathan Road, Kowloon",
            "language": "zh-hans",
            "details": "Please send me my data.",
            "envelope_date": "2026-11-20",
            "letter_scan": scan,
        },
    )

    request = DataRequest.objects.get()
    assert response.status_code == 302
    assert (request.channel, request.status) == (Channel.LETTER, Status.AWAITING_IDENTITY)
    assert timezone.localdate(request.received_at).isoformat() == "2026-11-20"
    assert timezone.localdate(request.due_at).isoformat() == "2026-12-30"  # 20 Nov + 40 days
    assert request.letter_scan.name.startswith("letters/")


def test_a_letter_without_a_postal_address_is_refused(client, officer):
    response = client.post(
        reverse("admin:datarequests_datarequest_add"),
        {
            "kind": "access",
            "jurisdiction": Jurisdiction.objects.get(code="HK").pk,
            "requester_name": "X",
            "language": "en",
            "envelope_date": "2026-11-20",
        },
    )

    assert response.status_code == 200
    assert "give the postal address" in response.content.decode()
    assert not DataRequest.objects.exists()


def test_the_identity_button_moves_the_request_and_a_second_click_is_told(client, officer):
    request = letter()
    url = reverse("admin:datarequests_datarequest_act", args=[request.pk, "verify"])

    first = client.post(url, {"text": "HKID card seen"}, follow=True)
    second = client.post(url, {"text": "HKID card seen"}, follow=True)

    assert "Done: Identity checked." in first.content.decode()
    assert "already moved on" in second.content.decode()
    request.refresh_from_db()
    assert request.identity_method == "HKID card seen"
    assert request.events.filter(status=Status.ASSESSING_FEE).count() == 1


def test_the_change_page_offers_only_the_actions_that_fit(client, officer):
    request = letter()

    page = client.get(reverse("admin:datarequests_datarequest_change", args=[request.pk]))

    html = page.content.decode()
    assert 'value="Identity checked"' in html
    assert 'value="Approve the corrections"' not in html
    assert "s.20(3)(b) not enough information to locate the data" in html


def test_a_correction_fee_is_refused_where_the_law_bans_it(client, officer):
    from datarequests.models import FeeSchedule

    schedule = FeeSchedule.objects.get(jurisdiction__code="HK", kind="correction")
    response = client.post(
        reverse("admin:datarequests_feeschedule_change", args=[schedule.pk]),
        {
            "jurisdiction": schedule.jurisdiction_id,
            "kind": "correction",
            "base_amount": "10",
            "per_thousand_records": "0",
            "postage": "0",
        },
    )

    assert "bans a fee for corrections" in response.content.decode()
    schedule.refresh_from_db()
    assert schedule.base_amount == 0


def test_the_dashboard_counts_by_status_and_days_left(
    client, officer, django_assert_max_num_queries
):
    late, soon = letter(), letter()
    DataRequest.objects.filter(pk=late.pk).update(due_at=clock.now() - timedelta(days=1))
    DataRequest.objects.filter(pk=soon.pk).update(due_at=clock.now() + timedelta(days=2))

    # ~6 are the middleware's first-request reads; one counts the recipient notices
    with django_assert_max_num_queries(15):
        page = client.get(reverse("admin:datarequests_dashboard"))

    html = page.content.decode()
    assert page.status_code == 200
    assert "Open requests by days left to the deadline" in html
    by_status = {str(label): n for _status, label, n in page.context["by_status"]}
    by_deadline = {name: n for name, n, _width in page.context["by_deadline"]}
    assert by_status["Awaiting proof of identity"] == 2
    assert (by_deadline["overdue"], by_deadline["0-3"]) == (1, 1)
    assert (
        reverse("admin:datarequests_dashboard")
        in client.get(reverse("admin:index")).content.decode()
    )


def test_staff_enter_a_correction_letter_for_an_account(client, officer):
    from tests.factories import UserFactory as Users

    holder = Users(phone="+86 571 1111 1111")
    form = {
        "kind": "correction",
        "jurisdiction": Jurisdiction.objects.get(code="HK").pk,
        "requester": holder.pk,
        "requester_name": "Mei Chen",
        "postal_address": "Hangzhou",
        "language": "en",
        "envelope_date": "2026-11-20",
    }

    bad = client.post(
        reverse("admin:datarequests_datarequest_add"),
        {**form, "corrections_text": "accounts.User.username = someone"},
    )
    good = client.post(
        reverse("admin:datarequests_datarequest_add"),
        {**form, "corrections_text": "accounts.User.phone = +86 571 2222 2222"},
    )

    assert "accounts.User.username cannot be corrected" in bad.content.decode()
    assert good.status_code == 302
    request = DataRequest.objects.get()
    assert (request.status, request.requester) == (Status.AWAITING_IDENTITY, holder)
    assert request.corrections.get().new_value == "+86 571 2222 2222"


def test_a_guardians_letter_naming_an_unknown_minor_waits_for_staff_to_link_the_account(
    client, officer
):
    def enter(**minor):
        return client.post(
            reverse("admin:datarequests_datarequest_add"),
            {
                "kind": "guardian_deletion",
                "jurisdiction": Jurisdiction.objects.get(code="HK").pk,
                "requester_name": "Chan Tai Man",
                "postal_address": "Flat 3, 8 Nathan Road, Kowloon",
                "language": "en",
                "envelope_date": "2026-11-20",
                **minor,
            },
        )

    nameless = enter()
    named = enter(minor_named="Chan Siu Ming, born 2013")

    assert nameless.status_code == 200 and DataRequest.objects.count() == 1
    request = DataRequest.objects.get()
    assert named.status_code == 302
    assert (request.minor, request.minor_named) == (None, "Chan Siu Ming, born 2013")
    assert request.status == Status.AWAITING_IDENTITY
