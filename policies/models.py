from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PolicyVersion(models.Model):
    """One version of the privacy policy; the latest published one governs (section H)."""

    version = models.CharField(_("version"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    summary = models.TextField(_("what changed"), blank=True)
    cookie_section_hash = models.CharField(max_length=64, editable=False, blank=True)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("privacy-policy version")
        verbose_name_plural = _("privacy-policy versions")
        permissions = [("publish_policyversion", _("Can publish a privacy-policy version"))]

    def __str__(self) -> str:
        return self.version


class PolicyNotice(models.Model):
    """The notice of one published version to one user: claimed, then sent (never twice)."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="notices")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    claimed_at = models.DateTimeField(_("claimed at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("policy notice")
        verbose_name_plural = _("policy notices")
        constraints = [
            models.UniqueConstraint(fields=["version", "user"], name="policies_notice_once")
        ]

    def __str__(self) -> str:
        return f"{self.version} → {self.user_id}"


class PolicyAcknowledgement(models.Model):
    """A user's acknowledgement that they have seen a published version."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="policy_acknowledgements"
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"))

    class Meta:
        verbose_name = _("policy acknowledgement")
        verbose_name_plural = _("policy acknowledgements")
        constraints = [
            models.UniqueConstraint(fields=["version", "user"], name="policies_ack_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} acknowledged {self.version}"
