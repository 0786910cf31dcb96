import pgtrigger
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Value
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    READ = "read", _("read personal data")
    CREATE = "create", _("created")
    CHANGE = "change", _("changed")
    DELETE = "delete", _("deleted")
    TRANSITION = "transition", _("moved a request")


@pgtrigger.register(
    pgtrigger.Protect(
        name="audit_events_append_only", operation=pgtrigger.Update | pgtrigger.Delete
    )
)
class AuditEvent(models.Model):
    """One change or staff read; each is numbered and signed over the one before (a chain).

    PostgreSQL's grants keep the application's own role from changing the table
    (``db_roles``); the trigger only stops an owner's slip.
    """

    seq = models.PositiveBigIntegerField(_("number in the trail"), unique=True)
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        verbose_name=_("whose data"),
    )
    categories = models.JSONField(_("categories"), default=list)
    # A page shows many rows, of many people: one event names them all (ids as text).
    rows = models.JSONField(
        _("rows shown"), default=list, db_default=Value([], models.JSONField()), blank=True
    )
    subjects = models.JSONField(
        _("whose data was shown"),
        default=list,
        db_default=Value([], models.JSONField()),
        blank=True,
    )
    target = models.CharField(_("what"), max_length=200)
    reference = models.CharField(_("for request or ticket"), max_length=100, blank=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    previous_hash = models.CharField(max_length=64)
    key_id = models.CharField(_("signed with key"), max_length=16)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        permissions = [("view_reports", _("Can view reports and statistics (no personal data)"))]
        indexes = [
            models.Index(fields=["subject", "-at"], name="audit_subject_time"),
            GinIndex(fields=["subjects"], name="audit_subjects", opclasses=["jsonb_path_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.target}"
