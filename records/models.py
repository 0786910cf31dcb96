"""The Hong Kong log book of refusals (PDPO s.27): entries never change, only annotations
are added; PostgreSQL refuses updates, and deletes before the four years are out."""

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# PDPO s.27(3): each entry is kept for not less than 4 years (one 29 February included).
LOGBOOK_DAYS = 4 * 365 + 1


class Section(models.TextChoices):
    S20 = "s.20", _("s.20: a data access request refused")
    S21_2 = "s.21(2)", _("s.21(2): data withheld from a copy supplied")
    S24 = "s.24", _("s.24: a data correction request refused")


# Updates: refused by the app role's grants (audit.roles) and, for the owner's slips, by
# pgtrigger. Deletes within the four years: by plain triggers (migration 0003), which no
# session setting switches off, unlike pgtrigger's.
@pgtrigger.register(
    pgtrigger.Protect(name="logbook_entries_never_change", operation=pgtrigger.Update),
)
class LogBookEntry(models.Model):
    """One refusal (s.20, s.24) or withholding (s.21(2)), as it stood when the notice went out.

    The request and the people are linked without a constraint: the entry outlives the
    request's own record, and what s.27 asks for is copied into it."""

    recorded_at = models.DateTimeField(_("date of the refusal"))
    section = models.CharField(_("under"), max_length=10, choices=Section.choices)
    ground = models.CharField(_("ground"), max_length=300)
    reasons = models.TextField(_("reasons"))
    data_concerned = models.TextField(_("data concerned"))
    request = models.ForeignKey(
        "datarequests.DataRequest",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
        verbose_name=_("request"),
    )
    request_kind = models.CharField(_("kind of request"), max_length=20)
    received_at = models.DateTimeField(_("request received at"))
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
        verbose_name=_("requester's account"),
    )
    requester_name = models.CharField(_("requester"), max_length=200, blank=True)
    requester_email = models.CharField(_("requester's email"), max_length=254, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
        verbose_name=_("refused by"),
    )

    class Meta:
        ordering = ["recorded_at", "pk"]
        verbose_name = _("log book entry")
        verbose_name_plural = _("log book of refusals (PDPO s.27)")

    def __str__(self) -> str:
        return f"{self.recorded_at:%Y-%m-%d} {self.section} {self.ground}"


@pgtrigger.register(
    pgtrigger.Protect(name="logbook_annotations_never_change", operation=pgtrigger.Update),
)
class LogBookAnnotation(models.Model):
    """A note added to an entry later (a review, the requester's complaint); never changed."""

    entry = models.ForeignKey(
        LogBookEntry, on_delete=models.CASCADE, related_name="annotations", verbose_name=_("entry")
    )
    # The entry's date, copied: a trigger's condition cannot look at another row.
    entry_recorded_at = models.DateTimeField(editable=False)
    text = models.TextField(_("annotation"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("log book annotation")
        verbose_name_plural = _("log book annotations")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.text[:40]}"


class TrailCheck(models.Model):
    """The result of one run of ``verify_audit``, for the compliance page."""

    at = models.DateTimeField(_("checked at"))
    intact = models.BooleanField(_("intact"))
    checked = models.PositiveBigIntegerField(_("events checked"))
    findings = models.JSONField(_("findings"), default=list)

    class Meta:
        ordering = ["-at", "-pk"]
        get_latest_by = "at"
        verbose_name = _("audit trail check")
        verbose_name_plural = _("audit trail checks")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {'intact' if self.intact else 'broken'}"
