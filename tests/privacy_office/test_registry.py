"""The registry's kinds of subject: whose rows they select, whom a row belongs to, and what
the system check says about a wrong declaration."""

from datetime import date, datetime, timedelta

import pytest

from accounts.models import User
from activity.models import Lead, Order, Shipment
from cookies.models import ConsentRecord, Method, VisitorLink
from privacy_office import clock
from privacy_office.registry import (
    SELF,
    ContactPerson,
    Identifiers,
    NoSubject,
    Registry,
    SubjectQuery,
    UserItself,
    UserPaths,
    registry,
)
from tests.factories import OrderFactory, UserFactory

pytestmark = pytest.mark.django_db


def rows(model, kind, person):
    condition = kind.filter(person)
    return set() if condition is None else set(model.objects.filter(condition))


def lead(**fields) -> Lead:
    return Lead.objects.create(
        event_name="Canton Fair", event_date=date(2026, 4, 15), full_name="Mei Chen", **fields
    )


def consent(*, at: datetime, user=None, visitor_id="v1") -> ConsentRecord:
    return ConsentRecord.objects.create(
        visitor_id=visitor_id,
        user=user,
        choices={"analytics": True},
        declarations_version="1",
        policy_version="2018-11-02",
        method=Method.BANNER_ACCEPT,
        created_at=at,
    )


# Each declaration's subject= becomes one kind.


def test_each_way_of_naming_a_subject_is_one_kind():
    assert registry.for_model(User).kind == UserItself()
    assert registry.for_model(Order).kind == UserPaths(paths=("buyer", "seller"))
    assert registry.for_model(VisitorLink).kind == UserPaths(paths=("user",))
    assert registry.for_model(Lead).kind == Identifiers(
        email="email", phone="phone", user="matched_user"
    )
    assert isinstance(registry.for_model(ConsentRecord).kind, SubjectQuery)
    assert registry.for_model(User).subject == SELF  # the declared value stays as written


def test_a_subject_of_no_known_kind_is_refused_when_declared():
    with pytest.raises(TypeError, match="subject=42: use SELF, a lookup path to the user"):
        Registry().declare(Order, subject=42)


# No subject: a model that holds nothing about a person.


def test_no_subject_selects_no_rows_and_names_no_owner():
    user = UserFactory()

    assert NoSubject().filter(user) is None
    assert NoSubject().owner(user) is None
    assert NoSubject().problems(Order) == []


# The user itself (SELF).


def test_the_user_itself_selects_only_that_user():
    user, other = UserFactory(), UserFactory()

    assert rows(User, UserItself(), user) == {user}
    assert rows(User, UserItself(), other) == {other}


def test_the_user_itself_finds_nothing_for_someone_without_an_account():
    UserFactory(email="mei@example.com")

    assert UserItself().filter(ContactPerson(email="mei@example.com")) is None


def test_the_user_itself_is_the_owner_of_its_row():
    user = UserFactory()

    assert UserItself().owner(user) is user


def test_self_is_only_for_the_user_model():
    assert UserItself().problems(User) == []
    assert UserItself().problems(Order) == ['subject "self" is only for the user model']


# Lookup paths to the user.


def test_paths_select_the_rows_of_every_party():
    buyer, seller, stranger = UserFactory(), UserFactory(), UserFactory()
    order = OrderFactory(buyer=buyer, seller=seller)
    OrderFactory()
    kind = UserPaths(paths=("buyer", "seller"))

    assert rows(Order, kind, buyer) == {order}
    assert rows(Order, kind, seller) == {order}
    assert rows(Order, kind, stranger) == set()


def test_paths_follow_relations_through_other_models():
    order = OrderFactory()
    shipment = Shipment.objects.create(order=order, carrier="SF Express", shipped_at=clock.now())
    Shipment.objects.create(order=OrderFactory(), carrier="EMS", shipped_at=clock.now())

    assert rows(Shipment, UserPaths(paths=("order__buyer",)), order.buyer) == {shipment}


def test_paths_find_nothing_for_someone_without_an_account():
    assert UserPaths(paths=("buyer",)).filter(ContactPerson(email="mei@example.com")) is None


def test_the_first_path_names_the_owner():
    order = OrderFactory()
    shipment = Shipment(order=order, carrier="SF Express")

    assert UserPaths(paths=("buyer", "seller")).owner(order) == order.buyer
    assert UserPaths(paths=("seller", "buyer")).owner(order) == order.seller
    assert UserPaths(paths=("order__buyer",)).owner(shipment) == order.buyer


def test_a_path_that_does_not_lead_to_the_user_is_a_problem():
    assert UserPaths(paths=("buyer", "seller")).problems(Order) == []
    assert UserPaths(paths=("order__seller",)).problems(Shipment) == []
    assert UserPaths(paths=("purchaser",)).problems(Order) == [
        "subject path 'purchaser' has no field 'purchaser' on activity.Order"
    ]
    assert UserPaths(paths=("buyer", "goods_type")).problems(Order) == [
        "subject path 'goods_type' step 'goods_type' is not a relation"
    ]
    assert UserPaths(paths=("order",)).problems(Shipment) == [
        "subject path 'order' leads to activity.Order, not to the user model"
    ]


# Identifiers: people known by an email, a phone or a user name.

LEAD = Identifiers(email="email", phone="phone", user="matched_user")


def test_identifiers_select_matched_rows_and_rows_with_the_verified_email():
    user = UserFactory(email="mei@example.com", email_verified_at=clock.now())
    matched = lead(matched_user=user, email="old@example.com")
    by_email = lead(email="MEI@example.com")
    lead(email="mei@example.com", matched_user=UserFactory())  # another account's already
    lead(email="someone@example.com")

    assert rows(Lead, LEAD, user) == {matched, by_email}


def test_identifiers_ignore_an_email_that_is_not_verified():
    user = UserFactory(email="mei@example.com", email_verified_at=None)
    lead(email="mei@example.com")

    assert rows(Lead, LEAD, user) == set()
    assert Identifiers(email="email").filter(user) is None


def test_identifiers_select_by_user_name():
    user = UserFactory(username="mei")
    kind = Identifiers(username="full_name")
    mine = lead()
    mine.full_name = "mei"
    mine.save()
    lead()

    assert rows(Lead, kind, user) == {mine}


def test_identifiers_find_someone_without_an_account_by_email_or_phone():
    by_email = lead(email="Mei@Example.com")
    by_phone = lead(phone="+86 571 8888 0000")
    lead(email="other@example.com", phone="+86 571 0000 0000")

    assert rows(Lead, LEAD, ContactPerson(email="mei@example.com")) == {by_email}
    assert rows(Lead, LEAD, ContactPerson(phone="+86 571 8888 0000")) == {by_phone}
    assert LEAD.filter(ContactPerson()) is None


def test_identifiers_name_the_matched_account_as_owner():
    user = UserFactory()

    assert LEAD.owner(lead(matched_user=user)) == user
    assert LEAD.owner(lead(email="mei@example.com")) is None
    assert Identifiers(username="username").owner(lead()) is None


def test_identifiers_must_name_fields_the_model_has():
    assert LEAD.problems(Lead) == []
    assert Identifiers().problems(Lead) == ["Identifiers() names no field"]
    assert Identifiers(email="mail", phone="phone").problems(Lead) == [
        "identifier field 'mail' does not exist"
    ]
    assert Identifiers(email="email", user="event_name").problems(Lead) == [
        "subject path 'event_name' step 'event_name' is not a relation"
    ]


# A query: whose rows they are is a function of the user.

CONSENT = registry.for_model(ConsentRecord).kind


def test_a_query_selects_what_its_function_says():
    user = UserFactory()
    linked_at = datetime(2026, 3, 2, 12, 0, tzinfo=clock.now().tzinfo)
    VisitorLink.objects.create(visitor_id="v1", user=user, linked_at=linked_at)
    own = consent(at=linked_at + timedelta(days=3), user=user, visitor_id="v9")
    before_sign_in = consent(at=linked_at - timedelta(hours=1))
    consent(at=linked_at + timedelta(hours=1))  # anonymous after sign-in: not theirs
    consent(at=linked_at - timedelta(hours=1), visitor_id="v2")

    assert rows(ConsentRecord, CONSENT, user) == {own, before_sign_in}


def test_a_query_finds_nothing_for_someone_without_an_account():
    assert CONSENT.filter(ContactPerson(email="mei@example.com")) is None


def test_a_query_names_the_rows_own_user_as_owner_where_it_has_one():
    user = UserFactory()

    assert CONSENT.owner(consent(at=clock.now(), user=user)) == user
    assert CONSENT.owner(consent(at=clock.now())) is None
    assert CONSENT.owner(OrderFactory()) is None  # no user field to follow


def test_a_query_must_be_a_function():
    assert CONSENT.problems(ConsentRecord) == []
    assert SubjectQuery(rows_of="records_of_user", description="").problems(ConsentRecord) == [
        "SubjectQuery.rows_of is not callable"
    ]


# The registry names the owner of any declared row.


def test_the_registry_names_a_rows_owner_through_its_declaration():
    order = OrderFactory()

    assert registry.owner_of(order) == order.buyer
    assert registry.owner_of(order.buyer) == order.buyer
    assert Registry().owner_of(order) is None  # not declared there


def test_someone_without_an_account_never_gets_rows_already_tied_to_an_account():
    """A reassigned company mailbox proves control of the address, not of the account that
    once used it: rows matched to an account stay that account's."""
    account = UserFactory(email="sales@example.com")
    theirs = lead(email="sales@example.com")
    theirs.matched_user = account
    theirs.save()
    unmatched = lead(email="Sales@Example.com")

    assert rows(Lead, LEAD, ContactPerson(email="sales@example.com")) == {unmatched}
