import pghistory
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from privacy_office import clock
from privacy_office.fields import EncryptedTextField, mask_number
from privacy_office.second_factor import is_staff_account, second_factor_missing

REGISTRATION_FIELDS = [
    "username",
    "first_name",
    "last_name",
    "email",
    "phone",
    "fax",
    "gender",
    "birth_date",
    "birth_year",
    "address_line",
    "city",
    "region",
    "postal_code",
    "country",
    "company_name",
    "preferred_language",
    "notify_by_email",
    "notify_by_sms",
]


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    UNDISCLOSED = "undisclosed", _("Prefer not to say")


class HistoryEvent(pghistory.models.Event):
    """Base of the history tables: a snapshot per change, with when it was recorded."""

    pgh_created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        abstract = True


@pghistory.track(
    pghistory.InsertEvent("registered"),
    pghistory.UpdateEvent("changed"),
    fields=REGISTRATION_FIELDS,
    model_name="RegistrationChange",
    base_model=HistoryEvent,
    meta={
        "verbose_name": _("registration history"),
        "verbose_name_plural": _("registration history"),
    },
)
class User(AbstractUser):
    """A marketplace user (buyer, seller or staff) and their registration information (A.2)."""

    email = models.EmailField(_("email address"), blank=True)
    email_verified_at = models.DateTimeField(_("email verified at"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    fax = models.CharField(_("fax"), max_length=32, blank=True)
    gender = models.CharField(_("gender"), max_length=12, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    address_line = models.CharField(_("street address"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    region = models.CharField(_("province or state"), max_length=100, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True, help_text=_("ISO code"))
    company_name = models.CharField(_("company name"), max_length=200, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    notify_by_email = models.BooleanField(_("service notices by email"), default=True)
    notify_by_sms = models.BooleanField(_("service notices by text message"), default=False)
    # When the account last became staff: one without a second factor by
    # STAFF_ENROLMENT_DAYS later is disabled (accounts.two_factor).
    staff_since = models.DateTimeField(_("staff since"), null=True, blank=True, editable=False)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="accounts_user_email_unique",
                violation_error_message=_("An account with this email address already exists."),
            )
        ]

    def save(self, *args, **kwargs):
        # A timestamp kept with the flag it dates, like ``auto_now``, whatever the door.
        staff = is_staff_account(self)
        if staff != (self.staff_since is not None):
            self.staff_since = clock.now() if staff else None
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "staff_since"}
        super().save(*args, **kwargs)

    # A staff account at a door without a second factor holds no permission at all, so every
    # check (admin, pages, API, and the services they call with this user) refuses alike.
    def has_perm(self, perm, obj=None) -> bool:
        return not second_factor_missing(self) and super().has_perm(perm, obj)

    def has_module_perms(self, app_label) -> bool:
        return not second_factor_missing(self) and super().has_module_perms(app_label)

    def get_all_permissions(self, obj=None) -> set[str]:
        return set() if second_factor_missing(self) else super().get_all_permissions(obj)


class Membership(models.Model):
    """A membership level (B.7): Gold Supplier, Certified or Free."""

    class Level(models.TextChoices):
        GOLD_SUPPLIER = "gold_supplier", _("Gold Supplier")
        CERTIFIED = "certified", _("Certified")
        FREE = "free", _("Free")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    started_on = models.DateField(_("started on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)

    class Meta:
        ordering = ["-started_on"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.get_level_display()} ({self.started_on})"


class MarketingChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    FAX = "fax", _("Fax")
    POST = "post", _("Post")


@pghistory.track(
    pghistory.InsertEvent("set"),
    pghistory.UpdateEvent("changed"),
    model_name="MarketingPreferenceEvent",
    base_model=HistoryEvent,
    meta={
        "verbose_name": _("marketing choice history"),
        "verbose_name_plural": _("marketing choice history"),
    },
)
class MarketingPreference(models.Model):
    """Whether a user accepts marketing (B.7) on one channel; absent means not asked: no sends."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="marketing_preferences")
    channel = models.CharField(_("channel"), max_length=10, choices=MarketingChannel.choices)
    opted_in = models.BooleanField(_("accepts marketing"))
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("marketing preference")
        verbose_name_plural = _("marketing preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "channel"], name="accounts_marketing_one_per")
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}: {'in' if self.opted_in else 'out'}"


class BankAccount(models.Model):
    """A bank account (A.3); the number is encrypted at rest and shown by its last four digits."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="bank_accounts")
    bank_name = models.CharField(_("bank"), max_length=120)
    holder_name = models.CharField(_("account holder"), max_length=200)
    account_number = EncryptedTextField(_("account number"))
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("bank account")
        verbose_name_plural = _("bank accounts")

    def __str__(self) -> str:
        return f"{self.bank_name} {mask_number(self.account_number)}"


class PaymentCard(models.Model):
    """A payment card (A.3); number and expiry are encrypted at rest, the number shown masked."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="payment_cards")
    holder_name = models.CharField(_("name on card"), max_length=200)
    card_number = EncryptedTextField(_("card number"))
    # Keyed hash of the number, so the same card is not added twice without decrypting all.
    fingerprint = models.CharField(max_length=64, editable=False)
    expiry = EncryptedTextField(_("expiry (MM/YY)"))
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment card")
        verbose_name_plural = _("payment cards")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "fingerprint"],
                name="accounts_card_once_per_user",
                violation_error_message=_("This card is already on your account."),
            )
        ]

    def __str__(self) -> str:
        return _("Card %(number)s") % {"number": mask_number(self.card_number)}


class Address(models.Model):
    """A billing or delivery address (A.3)."""

    class Kind(models.TextChoices):
        BILLING = "billing", _("Billing")
        DELIVERY = "delivery", _("Delivery")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="addresses")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    recipient_name = models.CharField(_("recipient"), max_length=200)
    address_line = models.CharField(_("street address"), max_length=200)
    city = models.CharField(_("city"), max_length=100)
    region = models.CharField(_("province or state"), max_length=100, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    country = models.CharField(_("country"), max_length=2)
    phone = models.CharField(_("phone"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")

    def __str__(self) -> str:
        # Never the street: addresses are not written whole into logs or lists.
        return f"{self.get_kind_display()}: {self.city}, {self.country}"


class EnrolmentLink(models.Model):
    """A one-time link an officer issues so a staff member can enrol a second factor.

    Only a digest of the link's token is stored; the token is shown to the officer once.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="enrolment_links")
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    issued_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"))
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("second-factor enrolment link")
        verbose_name_plural = _("second-factor enrolment links")

    def __str__(self) -> str:
        return f"{self.user_id} until {self.expires_at:%Y-%m-%d %H:%M}"
