import pytest
from django.core.management import call_command
from django.db import models
from django.test.utils import isolate_apps

from privacy_office.checks import field_looks_personal, registry_problems
from privacy_office.registry import Category, Erasure, Identifiers, Registry, personal


def error_ids(errors):
    return sorted(error.id for error in errors)


@pytest.fixture
def isolated():
    with isolate_apps("privacy_office"):
        yield


@pytest.mark.usefixtures("isolated")
def test_undeclared_personal_field_is_an_error():
    class Lead(models.Model):
        company = models.CharField(max_length=100)
        contact_phone = models.CharField(max_length=30)

        class Meta:
            app_label = "privacy_office"

    errors = registry_problems([Lead], Registry())

    assert error_ids(errors) == ["privacy_office.E001"]
    assert "privacy_office.Lead.contact_phone looks like personal data" in errors[0].msg
    assert errors[0].level >= 40  # an Error: `check` and the test run stop


@pytest.mark.usefixtures("isolated")
def test_declared_field_passes_the_check():
    class Lead(models.Model):
        company = models.CharField(max_length=100)
        contact_phone = models.CharField(max_length=30)

        class Meta:
            app_label = "privacy_office"

    registry = Registry()
    registry.declare(
        Lead,
        subject=Identifiers(phone="contact_phone"),
        category=Category.EVENT,
        fields=[personal("contact_phone", purposes=["B7"], erasure=Erasure.DELETE)],
    )

    assert registry_problems([Lead], registry) == []


@pytest.mark.usefixtures("isolated")
def test_field_declared_not_personal_passes_and_is_listed_with_its_reason():
    class Fair(models.Model):
        name = models.CharField(max_length=100)

        class Meta:
            app_label = "privacy_office"

    registry = Registry()
    registry.declare(Fair, subject=None, exempt={"name": "the name of a trade fair"})

    assert registry_problems([Fair], registry) == []
    [exempt] = registry.exempt_fields()
    assert (exempt.model, exempt.field, exempt.reason) == (
        "Fair",
        "name",
        "the name of a trade fair",
    )


@pytest.mark.usefixtures("isolated")
def test_personal_field_types_are_caught_whatever_their_name():
    class Visit(models.Model):
        origin = models.GenericIPAddressField()
        contact = models.EmailField()

        class Meta:
            app_label = "privacy_office"

    errors = registry_problems([Visit], Registry())

    assert [error.msg.split(" ")[0] for error in errors] == [
        "privacy_office.Visit.origin",
        "privacy_office.Visit.contact",
    ]


@pytest.mark.usefixtures("isolated")
def test_model_pointing_at_a_user_must_be_declared(django_user_model):
    class Order(models.Model):
        buyer = models.ForeignKey(django_user_model, on_delete=models.CASCADE)
        price = models.DecimalField(max_digits=10, decimal_places=2)

        class Meta:
            app_label = "privacy_office"

    errors = registry_problems([Order], Registry())

    assert error_ids(errors) == ["privacy_office.E002"]
    assert "links to a user through 'buyer'" in errors[0].msg


@pytest.mark.usefixtures("isolated")
def test_wrong_declarations_are_reported_one_by_one(django_user_model):
    class Order(models.Model):
        buyer = models.ForeignKey(django_user_model, on_delete=models.CASCADE)
        delivery_address = models.TextField()

        class Meta:
            app_label = "privacy_office"

    registry = Registry()
    registry.declare(
        Order,
        subject="seller",
        category=Category.ACTIVITY,
        fields=[
            personal("delivery_address", purposes=["B5", "B10"], erasure=Erasure.KEEP),
            personal("missing_field", purposes=["B5"], retention_days=0),
        ],
    )

    messages = [error.msg for error in registry_problems([Order], registry)]

    assert messages == [
        "privacy_office.Order: subject path 'seller' has no field 'seller' on "
        "privacy_office.Order.",
        "privacy_office.Order: field 'delivery_address' names unknown purposes ['B10']; use B1-B9.",
        "privacy_office.Order: field 'delivery_address' is kept on erasure without a keep_reason.",
        "privacy_office.Order: field 'missing_field' does not exist on the model.",
        "privacy_office.Order: field 'missing_field' has a retention that is not a positive "
        "number of days.",
    ]


@pytest.mark.usefixtures("isolated")
def test_subject_path_must_lead_to_the_user_model(django_user_model):
    class Shop(models.Model):
        owner = models.ForeignKey(django_user_model, on_delete=models.CASCADE)

        class Meta:
            app_label = "privacy_office"

    class Product(models.Model):
        shop = models.ForeignKey(Shop, on_delete=models.CASCADE)
        price = models.IntegerField()

        class Meta:
            app_label = "privacy_office"

    registry = Registry()
    registry.declare(Shop, subject="owner", category=Category.ACTIVITY)
    registry.declare(
        Product,
        subject="shop",
        category=Category.ACTIVITY,
        fields=[personal("price", purposes=["B5"], personal=False)],
    )
    good = Registry()
    good.declare(
        Product,
        subject="shop__owner",
        category=Category.ACTIVITY,
        fields=[personal("price", purposes=["B5"], personal=False)],
    )

    [error] = registry_problems([Product], registry)
    assert "leads to privacy_office.Shop, not to the user model" in error.msg
    assert registry_problems([Product], good) == []


def test_a_model_is_declared_once():
    registry = Registry()

    class Stub:
        class _meta:
            label = "app.Stub"

    registry.declare(Stub, subject=None)
    with pytest.raises(ValueError, match=r"app\.Stub is declared twice"):
        registry.declare(Stub, subject=None)


@pytest.mark.parametrize(
    ("name", "looks_personal"),
    [
        ("email", True),
        ("contact_phone", True),
        ("fax", True),
        ("billing_address", True),
        ("first_name", True),
        ("date_of_birth", True),
        ("gender", True),
        ("ip", True),
        ("client_ip", True),
        ("user_agent", True),
        ("card_number", True),
        ("bank_account", True),
        ("account_number", True),
        ("price", False),
        ("status", False),
        ("description", False),
        ("shipping", False),
        ("zip_archive", True),
        ("tip", False),
    ],
)
def test_names_that_look_personal(name, looks_personal):
    field = models.CharField(max_length=10)
    field.name = name

    assert field_looks_personal(field) is looks_personal


def test_every_installed_model_passes_the_check():
    call_command("check", fail_level="ERROR")
