"""Retention, enforced: rows older than their declared retention are deleted, set by set.

Each declaration in the registry says how long its fields are kept (``retention_days``)
and which date or time a row's age is measured from (``retained_from``);
``retention_purge`` deletes what has grown older than that, in chunks of one statement
each (``DELETE … WHERE pk IN (SELECT pk … LIMIT n)``), and records what it removed in a
``RetentionRun``. A declaration that says why its rows are kept (``retention_kept``) is
left alone. Rows another row protects (``on_delete=PROTECT``) wait until that row goes.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import models, transaction
from django.db.models import Exists, OuterRef, QuerySet

from privacy_office.registry import Declaration, Registry
from privacy_office.registry import registry as default_registry

CHUNK = 5000


def age_field(model: type[models.Model], path: str) -> models.Field | None:
    """Return the field a lookup path (``"request__received_at"``) ends at, or None."""
    current: type[models.Model] = model
    steps = path.split("__")
    for step in steps[:-1]:
        try:
            relation = current._meta.get_field(step)
        except models.FieldDoesNotExist:
            return None
        if not relation.is_relation or relation.related_model is None:
            return None
        current = relation.related_model  # type: ignore[assignment]
    try:
        found = current._meta.get_field(steps[-1])
    except models.FieldDoesNotExist:
        return None
    return found if isinstance(found, models.Field) else None


@dataclass(frozen=True)
class Expiry:
    """One declaration's rule: rows older than ``cutoff`` (by ``retained_from``) are expired."""

    declaration: Declaration
    cutoff: datetime

    @property
    def label(self) -> str:
        return self.declaration.model._meta.label

    def rows(self) -> QuerySet:
        """Return the expired rows, less those another row protects from deletion."""
        model = self.declaration.model
        path = self.declaration.retained_from or ""
        cutoff: object = self.cutoff
        if not isinstance(age_field(model, path), models.DateTimeField):
            cutoff = self.cutoff.date()
        rows = model._base_manager.filter(**{f"{path}__lt": cutoff})
        for relation in model._meta.related_objects:
            if relation.on_delete in (models.PROTECT, models.RESTRICT):
                holders = relation.related_model._base_manager.filter(
                    **{relation.field.name: OuterRef("pk")}
                )
                rows = rows.exclude(Exists(holders))
        return rows


def expiries(*, now: datetime, registry: Registry = default_registry) -> list[Expiry]:
    """Return the rules to enforce at ``now``: every declaration with a retention not kept."""
    rules = []
    for declaration in registry.declarations():
        days = declaration.retention_days()
        if days is None or declaration.retention_kept or not declaration.retained_from:
            continue
        rules.append(Expiry(declaration=declaration, cutoff=now - timedelta(days=days)))
    # Rows that protect others (an erasure's tombstone, its request) go first, so what they
    # held goes in the same run.
    rules.sort(key=lambda rule: not _protects_others(rule.declaration.model))
    return rules


def _protects_others(model: type[models.Model]) -> bool:
    return any(
        field.is_relation and field.remote_field.on_delete in (models.PROTECT, models.RESTRICT)
        for field in model._meta.concrete_fields
        if field.remote_field is not None
    )


def kept_past_retention(*, registry: Registry = default_registry) -> dict[str, str]:
    """Return the models with a retention whose rows the purge keeps, and why."""
    return {
        d.model._meta.label: d.retention_kept
        for d in registry.declarations()
        if d.retention_days() is not None and d.retention_kept
    }


def expired_delete(expiry: Expiry, *, chunk: int = CHUNK) -> Counter[str]:
    """Delete one rule's expired rows, one chunk per transaction; return the rows removed per
    model (rows deleted with them, ``on_delete=CASCADE``, counted under their own model)."""
    removed: Counter[str] = Counter()
    model = expiry.declaration.model
    while True:
        with transaction.atomic():
            batch = model._base_manager.filter(pk__in=expiry.rows().values("pk")[:chunk])
            _total, per_model = batch.delete()
        removed.update(per_model)
        if per_model.get(expiry.label, 0) < chunk:
            return removed


def retention_purge(*, now: datetime, registry: Registry = default_registry):
    """Delete every row older than its declared retention; record and return the run.

    Re-runnable: a run that was cut off is finished by the next one."""
    from privacy_office.models import RetentionRun

    removed: Counter[str] = Counter()
    for expiry in expiries(now=now, registry=registry):
        removed[expiry.label] += 0  # checked, even when nothing was due
        removed.update(expired_delete(expiry))
    return RetentionRun.objects.create(
        ran_at=now,
        removed=dict(sorted(removed.items())),
        total=sum(removed.values()),
        kept=sorted(kept_past_retention(registry=registry)),
    )
