"""System checks: the audit trail's keys are set and well formed before anything starts."""

from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from audit.keys import CHAIN_KEY_MIN_LENGTH, checkpoint_private_key_from, is_development_value


@checks.register(checks.Tags.security)
def audit_keys_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    keys = list(getattr(settings, "AUDIT_CHAIN_KEYS", None) or [])
    if not keys:
        errors.append(
            checks.Error(
                "AUDIT_CHAIN_KEYS is not set: the audit trail cannot be signed.",
                hint="Set AUDIT_CHAIN_KEYS to one or more random secrets of 32+ characters, "
                "newest first, comma-separated.",
                id="audit.E001",
            )
        )
    if any(len(key) < CHAIN_KEY_MIN_LENGTH for key in keys):
        errors.append(
            checks.Error(
                f"AUDIT_CHAIN_KEYS holds a key shorter than {CHAIN_KEY_MIN_LENGTH} characters.",
                id="audit.E002",
            )
        )
    try:
        checkpoint_private_key_from(getattr(settings, "AUDIT_CHECKPOINT_SIGNING_KEY", None))
    except ImproperlyConfigured as error:
        errors.append(checks.Error(str(error), id="audit.E003"))
    return errors


@checks.register(checks.Tags.security, deploy=True)
def audit_keys_deploy_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    values = [
        *(getattr(settings, "AUDIT_CHAIN_KEYS", None) or []),
        getattr(settings, "AUDIT_CHECKPOINT_SIGNING_KEY", None) or "",
    ]
    if any(is_development_value(value) for value in values):
        return [
            checks.Error(
                "The audit trail is signed with a development key committed to the code.",
                hint="Set AUDIT_CHAIN_KEYS and AUDIT_CHECKPOINT_SIGNING_KEY to secrets of "
                "this installation.",
                id="audit.E004",
            )
        ]
    return []


@checks.register(checks.Tags.admin)
def admins_audited_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Every admin of a model that holds someone's data audits what it shows."""
    from django.contrib import admin

    from audit.admin_mixins import AuditedAdminMixin, holds_personal_data

    return [
        checks.Error(
            f"The admin of {model._meta.label} ({type(model_admin).__name__}) shows personal "
            "data without auditing staff reads.",
            hint="Add audit.admin_mixins.AuditedAdminMixin first in its bases, or register it "
            "before the audit app is ready.",
            obj=type(model_admin),
            id="audit.E005",
        )
        for model, model_admin in admin.site._registry.items()
        if holds_personal_data(model) and not isinstance(model_admin, AuditedAdminMixin)
    ]
