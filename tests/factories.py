"""Factories for the suite: a person with data in every category of policy section A."""

from datetime import date, timedelta

import factory

from accounts.models import Address, BankAccount, Membership, PaymentCard, User
from accounts.services import payment_card_add
from activity.models import CompanyProfile, ForumPost, Lead, Order, Shipment, TradeDispute
from privacy_office import clock

PASSWORD = "correct horse battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Mei"
    last_name = "Chen"
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    phone = "+86 571 8888 0000"
    birth_year = 1985
    country = "CN"
    city = "Hangzhou"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class BankAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BankAccount

    user = factory.SubFactory(UserFactory)
    bank_name = "Bank of Hangzhou"
    holder_name = "Mei Chen"
    account_number = "6222020200112233445"


class PaymentCardFactory(factory.django.DjangoModelFactory):
    """Cards go through the service, which checks the number and fingerprints it."""

    class Meta:
        model = PaymentCard

    user = factory.SubFactory(UserFactory)
    holder_name = "MEI CHEN"
    card_number = "4111111111111111"
    expiry = "09/29"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return payment_card_add(**kwargs)


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    user = factory.SubFactory(UserFactory)
    kind = Address.Kind.DELIVERY
    recipient_name = "Mei Chen"
    address_line = "471 Jincheng Road"
    city = "Hangzhou"
    country = "CN"


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    buyer = factory.SubFactory(UserFactory)
    seller = factory.SubFactory(UserFactory)
    goods_type = "LED panels"
    specification = "600x600 mm, 40 W"
    quantity = 200
    price = "1840.00"
    status = Order.Status.PLACED
    ordered_at = factory.LazyFunction(clock.now)


def person_with_data_in_every_category(user: User | None = None) -> User:
    """Return a user with rows in A.2 to A.6, including a lead matched by verified email."""
    from activity.services import browsing_ingest

    user = user or UserFactory(email_verified_at=clock.now())
    Membership.objects.create(
        user=user, level=Membership.Level.GOLD_SUPPLIER, started_on=date(2024, 1, 1)
    )
    BankAccountFactory(user=user)
    PaymentCardFactory(user=user)
    AddressFactory(user=user)
    order = OrderFactory(buyer=user)
    Shipment.objects.create(
        order=order, carrier="SF Express", tracking_number="SF1234567890", shipped_at=clock.now()
    )
    TradeDispute.objects.create(
        order=order,
        raised_by=user,
        reason="late delivery",
        description="Arrived 3 weeks late",
        status=TradeDispute.Status.OPEN,
        opened_at=clock.now(),
    )
    ForumPost.objects.create(
        author=user, title="Looking for LED suppliers", body="…", posted_at=clock.now()
    )
    CompanyProfile.objects.create(
        owner=user,
        company_name="Hangzhou Lights Ltd",
        contact_person="Mei Chen",
        published_at=clock.now(),
    )
    Lead.objects.create(
        event_name="Canton Fair",
        event_date=date(2025, 10, 15),
        full_name="Mei Chen",
        email=user.email.upper(),
        phone="+86 571 8888 0000",
    )
    browsing_ingest(
        rows=[
            {
                "viewed_at": (clock.now() - timedelta(minutes=n)).isoformat(),
                "visitor_id": "visitor-1",
                "user_id": user.pk,
                "ip_address": "203.0.113.7",
                "browser": "Chrome 130",
                "operating_system": "Windows 11",
                "path": f"/products/{n}",
            }
            for n in range(3)
        ]
    )
    return user


# A complete, valid registration body: the API's tests change one field at a time.
REGISTRATION = {
    "username": "meichen",
    "password": "Lanterns-over-Xihu-2026",
    "password_again": "Lanterns-over-Xihu-2026",
    "first_name": "Mei",
    "last_name": "Chen",
    "email": "mei.chen@example.com",
    "phone": "+86 571 8888 0000",
    "birth_date": "1990-04-12",
    "country": "cn",
}
