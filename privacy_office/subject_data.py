"""Everything held about one person, read through the registry (for "my data" and exports).

No model is named here: each declaration's kind of subject says how its rows
reach a person (the user itself, a path to the user, or identifiers such as a
verified email), and its fields which are personal and how they are shown.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from privacy_office.fields import MASK, mask_number
from privacy_office.registry import Category, Declaration, Mask, PersonalField
from privacy_office.registry import ContactPerson as ContactPerson  # where callers find it
from privacy_office.registry import registry as default_registry


@dataclass
class ModelData:
    label: str
    model: str
    columns: list[tuple[str, str]]
    rows: list[dict[str, str]]
    total: int
    public: bool
    page: int = 1
    per_page: int = 0

    @property
    def truncated(self) -> bool:
        return self.total > len(self.rows)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page)) if self.per_page else 1

    @property
    def first_shown(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.rows else 0

    @property
    def last_shown(self) -> int:
        return self.first_shown + len(self.rows) - 1 if self.rows else 0


@dataclass
class CategoryData:
    code: str
    label: str
    models: list[ModelData] = field(default_factory=list)


def subject_filter(declaration: Declaration, user) -> Q | None:
    """Return the filter for this person's rows of a declared model, or None if none can be."""
    return declaration.kind.filter(user)


def subject_rows(declaration: Declaration, user) -> QuerySet:
    condition = subject_filter(declaration, user)
    model = declaration.model
    if condition is None:
        return model.objects.none()
    ordering = model._meta.ordering or ["-pk"]
    return model.objects.filter(condition).order_by(*ordering)


def display_value(instance: models.Model, declared: PersonalField) -> str:
    """Return the value as a person may see it: masked where declared, choices by label."""
    value = getattr(instance, declared.name)
    if value is None or value == "":
        return ""
    if declared.masked == Mask.LAST_FOUR:
        return mask_number(str(value))
    if declared.masked == Mask.ALL:
        return MASK
    model_field = instance._meta.get_field(declared.name)
    if model_field.choices:
        return str(getattr(instance, f"get_{declared.name}_display")())
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date | Decimal):
        return str(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def readable_value(instance: models.Model, declared: PersonalField) -> str:
    """Return the value as a page shows it to a person: as ``display_value``, but a set of
    choices in words ("Statistics: yes; Ad targeting: no") instead of JSON."""
    value = getattr(instance, declared.name)
    if isinstance(value, dict) and value:
        return "; ".join(
            f"{str(key).replace('_', ' ').capitalize()}: "
            + (_("yes") if item is True else _("no") if item is False else str(item))
            for key, item in value.items()
        )
    if isinstance(value, list) and value:
        return ", ".join(str(item) for item in value)
    return display_value(instance, declared)


def personal_data_of(
    *,
    user,
    limit: int = 50,
    registry=default_registry,
    display=display_value,
    pages: Mapping[str, int] | None = None,
) -> list[CategoryData]:
    """Return what is held about ``user``, by category (A.2-A.6), ``limit`` rows per model;
    ``pages`` names a page (from 1) of some models' rows, ``display`` how values show."""
    categories = {
        code: CategoryData(code=code, label=str(label)) for code, label in Category.choices
    }
    for declaration in registry.declarations():
        if not declaration.fields:
            continue
        queryset = subject_rows(declaration, user)
        total = queryset.count()
        if not total:
            continue
        meta = declaration.model._meta
        label = f"{meta.app_label}.{meta.object_name}"
        page = max(1, min((pages or {}).get(label, 1), -(-total // limit)))
        instances = list(queryset[(page - 1) * limit : page * limit])
        by_category: dict[str, list[PersonalField]] = {}
        for declared in declaration.fields:
            by_category.setdefault(declaration.category_of(declared), []).append(declared)
        for category, declared_fields in by_category.items():
            categories[category].models.append(
                ModelData(
                    label=str(meta.verbose_name_plural),
                    model=label,
                    columns=[
                        (d.name, str(meta.get_field(d.name).verbose_name)) for d in declared_fields
                    ],
                    rows=[
                        {d.name: display(instance, d) for d in declared_fields}
                        for instance in instances
                    ],
                    total=total,
                    public=all(d.public for d in declared_fields),
                    page=page,
                    per_page=limit,
                )
            )
    return [category for category in categories.values() if category.models]
