"""Changes to who may do what, written to the audit trail through whichever door they come.

Roles and permissions (a user's groups and own permissions, a group's permissions, the
staff and superuser flags), API tokens, second-factor devices and the publication of a
policy version are recorded by receivers, so the admin, the API, a command and the shell
leave the same event. The actor is the user of the request being served
(``audit.context``); outside a request it is left empty, which reads as "the system".
Secrets (a token's key, a device's seed) are never written, only that they changed.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import models
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_migrate,
    post_save,
    pre_migrate,
    pre_save,
)

from audit.context import current_actor
from audit.models import Action
from audit.services import audit_record
from privacy_office import clock
from privacy_office.installing import installing

BEFORE = "_audit_before"
DETAIL_NAMES = 8  # names listed in one event's detail; the rest are counted


# While migrations run, the trail's table may not have its current columns yet; what they
# and the installers after them put in place (the roles, the first policy) is the code
# under review, not a person's change.
_migrating = False


def _migration_started(**kwargs) -> None:
    global _migrating
    _migrating = True


def _migration_finished(**kwargs) -> None:
    global _migrating
    _migrating = False


def _record(*, action: str, target: str, detail: str, subject=None) -> None:
    if _migrating or installing():
        return
    audit_record(
        actor=current_actor(),
        action=action,
        target=target,
        subject=subject,
        subjects=[subject.pk] if getattr(subject, "pk", None) else [],
        detail=detail,
        now=clock.now(),
    )


def _names(objects) -> str:
    names = sorted(
        f"{obj.content_type.app_label}.{obj.codename}" if hasattr(obj, "codename") else str(obj)
        for obj in objects
    )
    shown = ", ".join(names[:DETAIL_NAMES])
    return shown + (f" and {len(names) - DETAIL_NAMES} more" if len(names) > DETAIL_NAMES else "")


def _owner_if_user(obj):
    return obj if isinstance(obj, get_user_model()) else None


# Roles and permissions -----------------------------------------------------------------


def _relations() -> dict[type[models.Model], models.ManyToManyField]:
    user = get_user_model()
    fields = [
        user._meta.get_field("groups"),
        user._meta.get_field("user_permissions"),
        Group._meta.get_field("permissions"),
    ]
    return {field.remote_field.through: field for field in fields}


def rights_changed(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    field = _relations().get(sender)
    if field is None or action not in {"post_add", "post_remove", "pre_clear"}:
        return
    if action == "pre_clear":
        if reverse:
            pk_set = set(
                sender.objects.filter(**{field.m2m_reverse_field_name(): instance.pk}).values_list(
                    field.m2m_field_name(), flat=True
                )
            )
        else:
            pk_set = set(getattr(instance, field.name).values_list("pk", flat=True))
    if not pk_set:
        return
    verb = {"post_add": "added", "post_remove": "removed", "pre_clear": "removed"}[action]
    others = list(model._base_manager.filter(pk__in=pk_set))
    if not reverse:
        owners, detail = [instance], f"{field.name} {verb}: {_names(others)}"
    else:  # group.user_set.add(user): the change is the user's
        owners, detail = others, f"{field.name} {verb}: {_names([instance])}"
    for owner in owners:
        _record(
            action=Action.CHANGE,
            target=f"{owner._meta.label}:{owner.pk}",
            detail=detail,
            subject=_owner_if_user(owner),
        )


# Fields watched on save: what they were is read just before, what changed is recorded.
def _remember(fields: tuple[str, ...]):
    def remember(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
        setattr(instance, BEFORE, None)
        if raw or instance.pk is None:
            return
        if update_fields is not None and not set(update_fields) & set(fields):
            return
        before = sender._base_manager.filter(pk=instance.pk).values(*fields).first()
        setattr(instance, BEFORE, before)

    return remember


def _changes(instance, fields: tuple[str, ...], secret: tuple[str, ...] = ()) -> list[str]:
    before = instance.__dict__.pop(BEFORE, None)
    if before is None:
        return []
    changes = []
    for name in fields:
        was, now = before[name], getattr(instance, name)
        if was != now:
            changes.append(f"{name} replaced" if name in secret else f"{name}: {was} → {now}")
    return changes


USER_FLAGS = ("is_staff", "is_superuser")


def user_flags_saved(sender, instance, created, raw=False, **kwargs) -> None:
    if raw:
        return
    if created:
        changes = [f"{name}: True" for name in USER_FLAGS if getattr(instance, name)]
    else:
        changes = _changes(instance, USER_FLAGS)
    if changes:
        _record(
            action=Action.CREATE if created else Action.CHANGE,
            target=f"{instance._meta.label}:{instance.pk}",
            detail="; ".join(changes),
            subject=instance,
        )


# API tokens -------------------------------------------------------------------------------


def _token_target(instance) -> str:
    # A token's primary key may be the secret itself (DRF's Token): name its owner instead.
    return f"{instance._meta.label}:user={instance.user_id}"


def token_saved(sender, instance, created, raw=False, **kwargs) -> None:
    if created and not raw:
        _record(
            action=Action.CREATE,
            target=_token_target(instance),
            detail="API token issued",
            subject=instance.user,
        )


def token_deleted(sender, instance, **kwargs) -> None:
    _record(
        action=Action.DELETE,
        target=_token_target(instance),
        detail="API token ended",
        subject=get_user_model()._base_manager.filter(pk=instance.user_id).first(),
    )


# Second-factor devices ---------------------------------------------------------------------

DEVICE_FIELDS = {
    "otp_totp.TOTPDevice": ("confirmed", "key"),
    "otp_static.StaticDevice": ("confirmed",),
}
DEVICE_SECRETS = ("key",)


def device_saved(sender, instance, created, raw=False, **kwargs) -> None:
    if raw:
        return
    fields = DEVICE_FIELDS[sender._meta.label]
    if created:
        changes = [f"second-factor device added ({instance.name}, confirmed: {instance.confirmed})"]
    else:
        changes = _changes(instance, fields, DEVICE_SECRETS)
    if changes:
        _record(
            action=Action.CREATE if created else Action.CHANGE,
            target=f"{sender._meta.label}:{instance.pk}",
            detail="; ".join(changes),
            subject=instance.user,
        )


def device_deleted(sender, instance, **kwargs) -> None:
    _record(
        action=Action.DELETE,
        target=f"{sender._meta.label}:{instance.pk}",
        detail=f"second-factor device removed ({instance.name})",
        subject=get_user_model()._base_manager.filter(pk=instance.user_id).first(),
    )


# Policy publication ---------------------------------------------------------------------------


def policy_version_saved(sender, instance, created, raw=False, **kwargs) -> None:
    if raw:
        return
    before = instance.__dict__.pop(BEFORE, None)
    if instance.published_at is not None and (
        created or (before is not None and before["published_at"] is None)
    ):
        _record(
            action=Action.CHANGE,
            target=f"{sender._meta.label}:{instance.pk}",
            detail=f"published {instance.version}",
        )


def receivers_connect() -> None:
    """Connect every receiver (once: each has a dispatch uid)."""
    # Connected with no sender: called at the first app's signal, before any installer's.
    pre_migrate.connect(_migration_started, dispatch_uid="audit-migrating")
    post_migrate.connect(_migration_finished, dispatch_uid="audit-migrated")
    user = get_user_model()
    for through in _relations():
        m2m_changed.connect(rights_changed, sender=through, dispatch_uid=f"audit-rights-{through}")
    pre_save.connect(_remember(USER_FLAGS), sender=user, weak=False, dispatch_uid="audit-flags")
    post_save.connect(user_flags_saved, sender=user, dispatch_uid="audit-flags")

    token_labels = [
        label
        for label, app in (
            ("authtoken.Token", "rest_framework.authtoken"),
            ("knox.AuthToken", "knox"),
        )
        if apps.is_installed(app)
    ]
    for label in token_labels:
        token = apps.get_model(label)
        post_save.connect(token_saved, sender=token, dispatch_uid=f"audit-token-{label}")
        post_delete.connect(token_deleted, sender=token, dispatch_uid=f"audit-token-{label}")

    for label, fields in DEVICE_FIELDS.items():
        device = apps.get_model(label)
        pre_save.connect(
            _remember(fields), sender=device, weak=False, dispatch_uid=f"audit-device-{label}"
        )
        post_save.connect(device_saved, sender=device, dispatch_uid=f"audit-device-{label}")
        post_delete.connect(device_deleted, sender=device, dispatch_uid=f"audit-device-{label}")

    version = apps.get_model("policies", "PolicyVersion")
    pre_save.connect(
        _remember(("published_at",)), sender=version, weak=False, dispatch_uid="audit-policy"
    )
    post_save.connect(policy_version_saved, sender=version, dispatch_uid="audit-policy")
