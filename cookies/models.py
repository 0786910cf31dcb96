import pgtrigger
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CookieCategory(models.Model):
    """A purpose for which cookies are used (policy E), plus the strictly necessary ones."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"))
    always_on = models.BooleanField(_("strictly necessary (always on)"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = _("cookie category")
        verbose_name_plural = _("cookie categories")

    def __str__(self) -> str:
        return self.title


class CookieDeclaration(models.Model):
    """One cookie the site may set: who sets it, why, for how long."""

    name = models.CharField(_("cookie name"), max_length=100)
    domain = models.CharField(
        _("domain"), max_length=200, blank=True, help_text=_("empty: this site")
    )
    category = models.ForeignKey(CookieCategory, on_delete=models.PROTECT, related_name="cookies")
    purpose = models.TextField(_("purpose"))
    lifetime = models.CharField(_("lifetime"), max_length=60)
    first_party = models.BooleanField(_("set by this site (first party)"), default=True)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        ordering = ["category__position", "name"]
        verbose_name = _("cookie declaration")
        verbose_name_plural = _("cookie declarations")
        constraints = [
            models.UniqueConstraint(fields=["name", "domain"], name="cookies_declared_once")
        ]

    def __str__(self) -> str:
        return self.name


class Method(models.TextChoices):
    BANNER_ACCEPT = "banner_accept", _("Banner: accept all")
    BANNER_REJECT = "banner_reject", _("Banner: reject all")
    BANNER_SAVE = "banner_save", _("Banner: save choices")
    PREFERENCE_CENTRE = "preference_centre", _("Preference centre")
    API = "api", _("API")
    GPC = "gpc", _("Global Privacy Control signal")
    OPT_OUT_SALE = "opt_out_sale", _("Do not sell or share my personal information")
    EDGE_IMPORT = "edge_import", _("Imported from an edge or CDN log")


@pgtrigger.register(
    pgtrigger.Protect(
        name="consent_records_append_only", operation=pgtrigger.Update | pgtrigger.Delete
    )
)
class ConsentRecord(models.Model):
    """One decision about cookies, kept unchanged as proof (GDPR Art. 7(1))."""

    visitor_id = models.CharField(_("visitor id"), max_length=64, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consent_records",
        db_constraint=False,
    )
    choices = models.JSONField(_("choices per category"))
    declarations_version = models.CharField(_("declarations version"), max_length=16)
    policy_version = models.CharField(_("privacy policy version"), max_length=40)
    method = models.CharField(_("how"), max_length=20, choices=Method.choices)
    gpc = models.BooleanField(_("browser sent Global Privacy Control"), default=False)
    created_at = models.DateTimeField(_("at"), db_index=True)
    ip_truncated = models.CharField(_("IP address (truncated)"), max_length=50, blank=True)
    user_agent_hash = models.CharField(_("browser (hash)"), max_length=64, blank=True)
    # Set by the edge that saw the decision, so importing the same log twice stores it once.
    event_id = models.CharField(
        _("edge event id"), max_length=64, null=True, blank=True, unique=True, default=None
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        indexes = [models.Index(fields=["user", "-created_at"], name="cookies_consent_user")]

    def __str__(self) -> str:
        return f"{self.visitor_id} {self.created_at:%Y-%m-%d %H:%M} {self.get_method_display()}"


class VisitorLink(models.Model):
    """A visitor id that signed in as a user: their earlier choices are theirs."""

    visitor_id = models.CharField(_("visitor id"), max_length=64)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    linked_at = models.DateTimeField(_("linked at"))

    class Meta:
        verbose_name = _("visitor link")
        verbose_name_plural = _("visitor links")
        constraints = [
            models.UniqueConstraint(fields=["visitor_id", "user"], name="cookies_visitor_link_once")
        ]

    def __str__(self) -> str:
        return self.visitor_id


class UndeclaredCookie(models.Model):
    """A cookie seen set by a response without a declaration: a warning for staff."""

    name = models.CharField(_("cookie name"), max_length=100, unique=True)
    example_path = models.CharField(_("seen on"), max_length=300)
    first_seen = models.DateTimeField(_("first seen"))
    last_seen = models.DateTimeField(_("last seen"))
    times_seen = models.PositiveIntegerField(_("times seen"), default=1)

    class Meta:
        ordering = ["-last_seen"]
        verbose_name = _("undeclared cookie")
        verbose_name_plural = _("undeclared cookies")

    def __str__(self) -> str:
        return self.name


class SaleOptOut(models.Model):
    """An account's opt-out of the sale or sharing of its personal information (CCPA
    §1798.120, §1798.135), by the form or by a Global Privacy Control signal it sent while
    signed in: honoured on every browser it signs in on, as the signal is."""

    class Source(models.TextChoices):
        FORM = "form", _("the “Do not sell or share” page")
        GPC = "gpc", _("a Global Privacy Control signal")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sale_opt_out"
    )
    source = models.CharField(_("how"), max_length=10, choices=Source.choices)
    opted_out_at = models.DateTimeField(_("opted out at"))

    class Meta:
        verbose_name = _("opt-out of sale or sharing")
        verbose_name_plural = _("opt-outs of sale or sharing")

    def __str__(self) -> str:
        return f"{self.user_id} {self.opted_out_at:%Y-%m-%d}"
