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
