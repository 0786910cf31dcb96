from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from privacy_office.fields import EncryptedTextField


def recipient_channel_check(recipient: "Recipient") -> None:
    """Refuse a recipient that could not be told: no address, or an unsafe or unsigned webhook."""
    errors: dict[str, str] = {}
    if recipient.notify_by == "email" and not recipient.notify_email:
        errors["notify_email"] = _("Give the address notices of corrections are emailed to.")
    if recipient.notify_by == "webhook":
        if not recipient.webhook_url:
            errors["webhook_url"] = _("Give the webhook URL notices are sent to.")
        elif settings.NOTICE_WEBHOOK_HTTPS_ONLY and not recipient.webhook_url.startswith(
            "https://"
        ):
            errors["webhook_url"] = _(
                "A webhook URL must start with https://: notices carry personal data."
            )
        if not recipient.webhook_secret:
            errors["webhook_secret"] = _(
                "A webhook recipient needs a secret: without it the receiver cannot tell our "
                "notices from forged ones."
            )
    if errors:
        raise ValidationError(errors)


class Recipient(models.Model):
    """Someone personal data is disclosed to (C.1, C.4, C.6), with what binds them."""

    class Kind(models.TextChoices):
        SERVICE_PROVIDER = "service_provider", _("Service provider (C.1)")
        BANK = "bank", _("Bank (C.4)")
        SUPPLIER = "supplier", _("Supplier (C.4)")
        CREDIT_AGENCY = "credit_agency", _("Credit agency (C.4)")
        CO_BRANDED_PARTNER = "co_branded_partner", _("Co-branded partner (C.6)")

    code = models.SlugField(_("code"), max_length=50, unique=True)
    organisation = models.CharField(_("organisation"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    service = models.TextField(_("what they do for us"))
    jurisdiction = models.CharField(_("jurisdiction"), max_length=60)
    confidentiality_agreed_on = models.DateField(
        _("confidentiality agreement signed on"), null=True, blank=True
    )
    # How corrections and erasures are passed on (GDPR Art. 19, HK s.23(1)(c)).
    notify_by = models.CharField(
        _("told of corrections and erasures by"),
        max_length=10,
        choices=[("email", _("email")), ("webhook", _("signed webhook")), ("post", _("post"))],
        default="post",
    )
    notify_email = models.EmailField(_("notice email address"), blank=True)
    webhook_url = models.URLField(_("webhook URL"), max_length=500, blank=True)
    webhook_secret = EncryptedTextField(
        _("webhook secret"),
        blank=True,
        help_text=_("Signs each webhook (HMAC-SHA256); kept encrypted, never shown or logged."),
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("remind every (days) until acknowledged"), default=7
    )
    acknowledge_within_days = models.PositiveSmallIntegerField(
        _("a notice is overdue unacknowledged after (days)"), default=30
    )

    class Meta:
        ordering = ["organisation"]
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        constraints = [
            # C.1: service providers hold personal data only under a duty of confidentiality.
            models.CheckConstraint(
                condition=~models.Q(kind="service_provider")
                | models.Q(confidentiality_agreed_on__isnull=False),
                name="service_provider_has_confidentiality_agreement",
                violation_error_message=_(
                    "A service provider needs the date its confidentiality agreement was signed "
                    "(policy C.1)."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.organisation

    def clean(self) -> None:
        recipient_channel_check(self)
        if self.kind == self.Kind.SERVICE_PROVIDER and self.confidentiality_agreed_on is None:
            raise ValidationError(
                {
                    "confidentiality_agreed_on": _(
                        "A service provider needs the date its confidentiality agreement was "
                        "signed (policy C.1)."
                    )
                }
            )


class Disclosure(models.Model):
    """One disclosure of a person's data to a recipient: which categories, for which purpose."""

    recipient = models.ForeignKey(Recipient, on_delete=models.PROTECT, related_name="disclosures")
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="disclosures"
    )
    categories = models.JSONField(_("categories"))
    purpose = models.CharField(_("purpose"), max_length=3)
    disclosed_at = models.DateTimeField(_("disclosed at"), db_index=True)
    reference = models.CharField(_("reference"), max_length=100, blank=True)

    class Meta:
        ordering = ["-disclosed_at"]
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")
        indexes = [models.Index(fields=["subject", "-disclosed_at"], name="disclosure_subject")]

    def __str__(self) -> str:
        return f"{self.recipient} {self.disclosed_at:%Y-%m-%d}"


class StatisticalRelease(models.Model):
    """Counts of people by dimensions, for a third party (C.5): no identifier, no small cell."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be computed")
        READY = "ready", _("Ready")
        REFUSED = "refused", _("Refused")

    DIMENSIONS = [
        ("country", _("country")),
        ("membership", _("membership")),
        ("goods_type", _("type of goods bought")),
    ]

    name = models.CharField(_("name"), max_length=200)
    recipient = models.ForeignKey(
        Recipient, on_delete=models.PROTECT, null=True, blank=True, related_name="releases"
    )
    dimensions = models.JSONField(_("dimensions"))
    minimum_cell = models.PositiveSmallIntegerField(
        _("smallest count released"),
        default=10,
        help_text=_("cells with fewer people are left out"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    result_csv = models.TextField(_("result (CSV)"), blank=True, editable=False)
    cells_released = models.PositiveIntegerField(_("cells released"), default=0, editable=False)
    cells_suppressed = models.PositiveIntegerField(_("cells left out"), default=0, editable=False)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True, editable=False)
    cells = models.JSONField(
        _("cells"),
        default=list,
        blank=True,
        editable=False,
        help_text=_("each cell, published or left out (under the floor, or to protect another)"),
    )
    refusal = models.TextField(_("why it was refused"), blank=True, editable=False)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("statistical release")
        verbose_name_plural = _("statistical releases")

    def __str__(self) -> str:
        return self.name


class ReleaseReceipt(models.Model):
    """What one recipient was given by one computation of a release: the cells it can combine.

    A release may be recomputed; the receipts keep every version a recipient holds.
    A receipt without a recipient is a release anyone may hold.
    """

    recipient = models.ForeignKey(
        Recipient, on_delete=models.PROTECT, null=True, blank=True, related_name="receipts"
    )
    release = models.ForeignKey(
        StatisticalRelease, on_delete=models.PROTECT, related_name="receipts"
    )
    dimensions = models.JSONField(_("dimensions"))
    published = models.JSONField(_("cells published"), default=list, blank=True)
    primary = models.JSONField(_("cells left out as under the floor"), default=list, blank=True)
    complementary = models.JSONField(
        _("cells left out to protect another"), default=list, blank=True
    )
    received_at = models.DateTimeField(_("received at"))

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("release receipt")
        verbose_name_plural = _("release receipts")

    def __str__(self) -> str:
        return f"{self.release} → {self.recipient or '—'} {self.received_at:%Y-%m-%d}"


class RecipientNotice(models.Model):
    """A correction or an erasure passed on to one recipient, and where it stands.

    ``payload`` is what the recipient is told: the corrected fields with their new values, or
    the fact of erasure and its categories; nothing it did not receive."""

    class State(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENT = "sent", _("sent")
        DELIVERED = "delivered", _("delivered")
        ACKNOWLEDGED = "acknowledged", _("acknowledged")
        OVERDUE = "overdue", _("overdue")
        FAILED = "failed", _("failed")
        # GDPR Art. 19: unless this proves impossible or involves disproportionate effort.
        NOT_SENT = "not_sent", _("not sent: impossible or disproportionate")

    recipient = models.ForeignKey(Recipient, on_delete=models.PROTECT, related_name="notices")
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    request_id = models.BigIntegerField(_("data request"), db_index=True)
    kind = models.CharField(
        _("kind"),
        max_length=12,
        choices=[("correction", _("correction")), ("erasure", _("erasure"))],
    )
    payload = models.JSONField(_("what the recipient is told"), null=True)
    delivery_id = models.UUIDField(_("delivery id"), unique=True)
    state = models.CharField(_("state"), max_length=12, choices=State.choices)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    reminders = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    created_at = models.DateTimeField(_("created at"))
    last_sent_at = models.DateTimeField(_("last sent at"), null=True, blank=True)
    acknowledge_by = models.DateTimeField(_("acknowledgement due by"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("recipient notice")
        verbose_name_plural = _("recipient notices")

    def __str__(self) -> str:
        return f"{self.recipient} · {self.get_state_display()}"


class NoticeEvent(models.Model):
    """One step in a recipient notice's history (sent, delivered, reminded, failed…)."""

    notice = models.ForeignKey(RecipientNotice, on_delete=models.CASCADE, related_name="events")
    state = models.CharField(_("state"), max_length=12, choices=RecipientNotice.State.choices)
    what = models.CharField(_("what happened"), max_length=200)
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("notice event")
        verbose_name_plural = _("notice events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.what}"
