from django.db import models
from django.utils.translation import gettext_lazy as _


class Purpose(models.Model):
    """A purpose of use from section B of the privacy policy (B1-B9), in the policy's wording."""

    code = models.CharField(_("code"), max_length=3, unique=True)
    title = models.CharField(_("title"), max_length=100)
    wording = models.TextField(_("wording in the policy"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("purpose of use")
        verbose_name_plural = _("purposes of use")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class RetentionRun(models.Model):
    """One run of the retention purge: when, and how many rows it removed from each model."""

    ran_at = models.DateTimeField(_("ran at"), db_index=True)
    removed = models.JSONField(_("rows removed per model"), default=dict)
    total = models.PositiveBigIntegerField(_("rows removed"), default=0)
    kept = models.JSONField(_("kept past their retention"), default=list)

    class Meta:
        ordering = ["-ran_at", "-pk"]
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")

    def __str__(self) -> str:
        return _("Retention run at %(at)s: %(total)s rows removed") % {
            "at": f"{self.ran_at:%Y-%m-%d %H:%M}",
            "total": self.total,
        }
