"""Guardian deletion of a minor's data (policy F): nothing moves before the guardian and the
guardianship are verified; then every declared category is erased as declared, the sessions
end, a tombstone proves it, and the minor's export finds only what the law keeps."""

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Address, BankAccount, Membership, PaymentCard
from activity.models import CompanyProfile, ForumPost, Lead, PageView
from datarequests import services
from datarequests.models import DataRequest, ErasureTombstone, Status
from privacy_office import clock
from privacy_office.subject_data import personal_data_of
from tests.conftest import verified_login
from tests.factories import PASSWORD, UserFactory, person_with_data_in_every_category

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]


def proof():
    return SimpleUploadedFile("birth-certificate.pdf", b"%PDF-1.7 certificate")


@pytest.fixture
def minor(client):
    person = person_with_data_in_every_category(
        UserFactory(username="young", birth_year=2012, email_verified_at=clock.now())
    )
    BankAccount.objects.create(
        user=person, bank_name="B", holder_name="Y", account_number="6222020200112233"
    )
    signed_in = client.__class__()
    signed_in.post(reverse("accounts:login"), {"username": "young", "password": PASSWORD})
    return person


def verify(request_id, **extra):
    """Staff record the guardian's identity, with the proof of guardianship."""
    return services.identity_verify(
        request_id=request_id,
        actor=None,
        method="mother's ID and birth certificate seen",
        now=clock.now(),
        guardianship_document=proof(),
        **extra,
    )


def approve(request_id, **extra):
    """A privacy officer who neither entered nor verified the request approves the erasure."""
    officer = UserFactory(is_staff=True, is_superuser=True)
    return services.guardian_erasure_approve(
        request_id=request_id, actor=officer, now=clock.now(), **extra
    )


def ask(client, guardian, minor_name="young"):
    client.force_login(guardian)
    return client.post(
        reverse("api-requests"),
        {
            "kind": "guardian_deletion",
            "jurisdiction": "HK",
            "minor": minor_name,
            "details": "I am her mother.",
        },
        content_type="application/json",
    )


def test_nothing_is_erased_before_the_guardian_and_guardianship_are_verified(client, minor):
    response = ask(client, UserFactory(username="mother"))

    request = DataRequest.objects.get(pk=response.json()["id"])
    assert response.status_code == 201
    assert request.status == Status.AWAITING_IDENTITY
    assert request.minor == minor
    assert PageView.objects.filter(user=minor).exists()
    with pytest.raises(ValidationError, match="Attach the proof of guardianship"):
        services.identity_verify(
            request_id=request.pk, actor=None, method="ID card seen", now=clock.now()
        )
    assert DataRequest.objects.get(pk=request.pk).status == Status.AWAITING_IDENTITY


def test_the_answer_does_not_tell_whether_the_minor_has_an_account(client, minor):
    known = ask(client, UserFactory(), minor_name="young")
    unknown = ask(client, UserFactory(), minor_name="nobody-by-that-name")

    assert known.status_code == unknown.status_code == 201
    assert set(known.json()) == set(unknown.json())
    assert "young" not in known.content.decode()
    for response in (known, unknown):
        assert response.json()["status"] == Status.AWAITING_IDENTITY
    assert DataRequest.objects.get(pk=unknown.json()["id"]).minor_named == "nobody-by-that-name"


def test_a_guardian_who_names_no_one_is_asked_to(client):
    blank = ask(client, UserFactory(), minor_name="  ")
    client.force_login(UserFactory())
    missing = client.post(
        reverse("api-requests"),
        {"kind": "guardian_deletion", "jurisdiction": "HK"},
        content_type="application/json",
    )

    assert blank.status_code == missing.status_code == 400
    assert blank.json()["fields"]["minor"]
    assert missing.json()["fields"]["minor"] == [
        "Name the minor's account: their user name or email address."
    ]


def test_staff_link_the_account_when_the_name_given_matched_none(
    client, minor, django_capture_on_commit_callbacks
):
    request_id = ask(client, UserFactory(), minor_name="Young One").json()["id"]

    with pytest.raises(ValidationError, match="No account has the user name or email address"):
        verify(request_id)
    assert DataRequest.objects.get(pk=request_id).status == Status.AWAITING_IDENTITY
    assert PageView.objects.filter(user=minor).exists()

    with django_capture_on_commit_callbacks(execute=True):
        verify(request_id, minor_name=minor.email)
    assert DataRequest.objects.get(pk=request_id).status == Status.AWAITING_REVIEW
    with django_capture_on_commit_callbacks(execute=True):
        approve(request_id)

    request = DataRequest.objects.get(pk=request_id)
    assert request.minor == minor and request.status == Status.FULFILLED
    assert not PageView.objects.filter(user=minor).exists()


def test_the_admin_asks_staff_for_the_account_only_when_none_was_found(client, minor, staff_user):
    unknown = ask(client, UserFactory(), minor_name="Young One").json()["id"]
    known = ask(client, UserFactory(), minor_name="young").json()["id"]
    verified_login(client, staff_user)

    def page(request_id):
        url = reverse("admin:datarequests_datarequest_change", args=[request_id])
        return client.get(url).content.decode()

    assert 'name="minor" value="Young One"' in page(unknown)
    assert 'name="minor"' not in page(known)


def test_verified_deletion_erases_every_category_and_leaves_a_tombstone(
    client, minor, django_capture_on_commit_callbacks
):
    guardian = UserFactory(username="mother")
    request_id = ask(client, guardian).json()["id"]
    assert Session.objects.count() >= 1

    with django_capture_on_commit_callbacks(execute=True):
        verify(request_id)
    with django_capture_on_commit_callbacks(execute=True):
        approve(request_id)

    request = DataRequest.objects.get(pk=request_id)
    minor.refresh_from_db()
    assert request.status == Status.FULFILLED
    for model in (PageView, PaymentCard, BankAccount, Address, Membership):
        assert not model.objects.filter(user=minor).exists(), model
    assert not ForumPost.objects.filter(author=minor).exists()
    assert not CompanyProfile.objects.filter(owner=minor).exists()
    assert not Lead.objects.filter(full_name="Mei Chen").exists()
    assert (minor.username, minor.email, minor.phone, minor.is_active) == (
        f"erased-{minor.pk}",
        "",
        "",
        False,
    )
    assert not minor.has_usable_password()
    tombstone = ErasureTombstone.objects.get(request=request)
    assert tombstone.subject_id == minor.pk
    assert tombstone.counts["activity.PageView"] == {"deleted": 3}
    assert tombstone.counts["accounts.PaymentCard"] == {"deleted": 1}
    assert tombstone.counts["sessions"]["ended"] >= 1
    assert tombstone.counts["activity.Order"] == {
        "redacted": 1,
        "kept because": "a record of a trade, kept for claims, disputes and tax (B9)",
    }
    assert set(tombstone.categories) >= {"registration", "account", "activity", "event", "browsing"}
    assert "mother" not in str(tombstone.counts) and "young" not in str(tombstone.counts)
    assert mail.outbox[-1].to == [guardian.email]


def test_afterwards_the_minors_data_holds_only_the_tombstone_and_what_the_law_keeps(
    client, minor, django_capture_on_commit_callbacks
):
    request_id = ask(client, UserFactory(username="mother")).json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        services.identity_verify(
            request_id=request_id,
            actor=None,
            method="seen",
            now=clock.now(),
            guardianship_document=proof(),
        )
    with django_capture_on_commit_callbacks(execute=True):
        approve(request_id)

    left = {item.model for c in personal_data_of(user=minor, limit=5) for item in c.models}

    assert "datarequests.ErasureTombstone" in left
    assert left <= {
        "datarequests.ErasureTombstone",
        "accounts.User",  # de-identified: the user name is "erased-<id>", the rest blank
        "accounts.RegistrationChange",  # the de-identifying change itself
        "activity.Order",
        "activity.TradeDispute",  # kept for claims and tax, address redacted
        "cookies.ConsentRecord",
        "audit.AuditEvent",  # proofs the law requires
        "axes.AccessLog",  # sign-in records, purged after 90 days
    }


def test_the_guardian_may_withdraw_before_verification(client, minor):
    request_id = ask(client, UserFactory(username="mother")).json()["id"]

    response = client.post(reverse("api-request-withdraw", args=[request_id]))

    assert response.json()["status"] == "withdrawn"
    assert PageView.objects.filter(user=minor).exists()


def test_a_disguised_guardianship_document_is_refused(client, minor):
    request_id = ask(client, UserFactory(username="mother")).json()["id"]

    with pytest.raises(ValidationError, match="Only PDF, JPEG or PNG"):
        services.identity_verify(
            request_id=request_id,
            actor=None,
            method="seen",
            now=clock.now(),
            guardianship_document=SimpleUploadedFile("proof.pdf", b"MZ not a pdf"),
        )
    assert PageView.objects.filter(user=minor).exists()


def test_verification_alone_erases_nothing_until_an_officer_approves(
    client, minor, django_capture_on_commit_callbacks
):
    request_id = ask(client, UserFactory()).json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        verify(request_id)

    request = DataRequest.objects.get(pk=request_id)
    assert request.status == Status.AWAITING_REVIEW
    assert PageView.objects.filter(user=minor).exists()
    assert not ErasureTombstone.objects.exists()


def test_whoever_verified_the_request_cannot_approve_its_erasure(
    client, minor, django_capture_on_commit_callbacks
):
    handler = UserFactory(is_staff=True, is_superuser=True)  # an officer who verified it
    request_id = ask(client, UserFactory()).json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        services.identity_verify(
            request_id=request_id,
            actor=handler,
            method="ID seen",
            now=clock.now(),
            guardianship_document=proof(),
        )

    with pytest.raises(ValidationError, match="another privacy officer must approve"):
        services.guardian_erasure_approve(request_id=request_id, actor=handler, now=clock.now())

    assert DataRequest.objects.get(pk=request_id).status == Status.AWAITING_REVIEW
    assert PageView.objects.filter(user=minor).exists()


def test_an_adult_by_the_accounts_own_record_needs_an_officers_written_override(
    client, django_capture_on_commit_callbacks, time_machine
):
    from datetime import UTC, date, datetime

    from activity.partitions import partitions_ensure

    time_machine.move_to(datetime(2026, 11, 2, 2, 0, tzinfo=UTC))
    partitions_ensure(first=date(2026, 11, 1), last=date(2026, 11, 30))  # whatever today is
    adult = UserFactory(username="grown", birth_date=date(2000, 5, 1), birth_year=2000)
    PageView.objects.create(
        viewed_at=clock.now(), visitor_id="v", session_id="s", user=adult, path="/"
    )
    request_id = ask(client, UserFactory(), minor_name="grown").json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        verify(request_id)

    with pytest.raises(ValidationError, match="says this person is 18 or older"):
        approve(request_id)
    assert PageView.objects.filter(user=adult).exists()

    with django_capture_on_commit_callbacks(execute=True):
        approve(request_id, override_reason="the birth date was typed by the minor to register")

    request = DataRequest.objects.get(pk=request_id)
    assert request.status == Status.FULFILLED
    assert not PageView.objects.filter(user=adult).exists()
    approval = request.events.get(status=Status.IN_PROGRESS, actor__isnull=False)
    assert "the birth date was typed by the minor to register" in approval.reason_text


def test_a_request_handler_without_the_officers_permission_is_refused_at_the_door(
    client, minor, django_capture_on_commit_callbacks
):
    from django.contrib.auth.models import Group

    from accounts.roles import REQUEST_HANDLER, roles_install

    roles_install()
    handler = UserFactory(is_staff=True)
    handler.groups.add(Group.objects.get(name=REQUEST_HANDLER))
    request_id = ask(client, UserFactory()).json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        verify(request_id)
    verified_login(client, handler)

    page = client.get(reverse("admin:datarequests_datarequest_change", args=[request_id]))
    answer = client.post(
        reverse("admin:datarequests_datarequest_act", args=[request_id, "approve_erasure"])
    )

    assert "Approve the erasure" not in page.content.decode()
    assert answer.status_code == 403
    assert DataRequest.objects.get(pk=request_id).status == Status.AWAITING_REVIEW


def test_after_erasure_the_request_no_longer_names_the_minor(
    client, minor, django_capture_on_commit_callbacks, staff_user
):
    request_id = ask(client, UserFactory(), minor_name="Young One").json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        verify(request_id, minor_name="young")
    with django_capture_on_commit_callbacks(execute=True):
        approve(request_id)
    verified_login(client, staff_user)

    page = client.get(reverse("admin:datarequests_datarequest_change", args=[request_id]))

    assert page.status_code == 200
    text = page.content.decode()
    assert "Young One" not in text and ">young<" not in text
    assert DataRequest.objects.get(pk=request_id).minor_named == ""


def test_the_service_itself_refuses_an_approver_without_the_officers_permission(
    client, minor, django_capture_on_commit_callbacks
):
    from django.core.exceptions import PermissionDenied

    request_id = ask(client, UserFactory()).json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        verify(request_id)

    with pytest.raises(PermissionDenied, match="Only a privacy officer"):
        services.guardian_erasure_approve(
            request_id=request_id, actor=UserFactory(is_staff=True), now=clock.now()
        )
    assert DataRequest.objects.get(pk=request_id).status == Status.AWAITING_REVIEW
