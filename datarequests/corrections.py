"""Corrections (policy D): a declared correctable field, its row, and a value that the field's
own validation accepts, checked when asked for and again when applied."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from datetime import datetime

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from privacy_office.registry import registry
from privacy_office.subject_data import display_value, subject_rows


def _problem(number: int, message: str) -> ValidationError:
    return ValidationError(
        {"corrections": _("Correction %(n)s: %(message)s") % {"n": number, "message": message}}
    )


def _target(number: int, user, item: Mapping):
    reference = str(item.get("field", ""))
    parts = reference.split(".")
    if len(parts) != 3:
        raise _problem(number, _("name the field as app.Model.field, as the data map does"))
    app_label, model_name, field_name = parts
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError as error:
        raise _problem(number, _("there is no such field")) from error
    declaration = registry.for_model(model)
    declared = (
        next((f for f in declaration.fields if f.name == field_name), None) if declaration else None
    )
    if declared is None or not declared.correctable:
        raise _problem(number, _("%(field)s cannot be corrected") % {"field": reference})
    rows = subject_rows(declaration, user)
    if "id" in item:
        if not isinstance(item["id"], int) or isinstance(item["id"], bool):
            raise _problem(number, _("the record's id must be a whole number"))
        rows = rows.filter(pk=item["id"])
    found = list(rows[:2])
    if not found:
        raise _problem(number, _("we hold no such record about you"))
    if len(found) > 1:
        raise _problem(number, _("you have several of these; give the record's id"))
    return found[0], declared


def _validated(instance: models.Model, name: str, value) -> models.Model:
    """Return a copy of the row with the new value, validated as the field's own form would."""
    from accounts.models import User
    from accounts.validators import registration_value_validate

    if isinstance(instance, User):
        return registration_value_validate(user=instance, name=name, value=value)
    changed = copy.copy(instance)
    model_field = instance._meta.get_field(name)
    form_field = model_field.formfield()
    setattr(changed, name, form_field.clean(value) if form_field else value)
    changed.full_clean()
    return changed


def corrections_check(*, user, corrections: Iterable[Mapping]) -> list[tuple]:
    """Check each asked correction; return (row, declared field, value), or raise with the
    first problem named by its number."""
    checked = []
    for number, item in enumerate(corrections, start=1):
        if user is None:
            raise _problem(number, _("corrections need a signed-in account"))
        if not isinstance(item, Mapping) or "field" not in item or "value" not in item:
            raise _problem(number, _('give "field" and "value"'))
        value = item["value"]
        if isinstance(value, dict | list):
            raise _problem(number, _("the value must be text, a number, true or false"))
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, int | float):
            value = str(value)
        instance, declared = _target(number, user, item)
        try:
            _validated(instance, declared.name, value)
        except ValidationError as error:
            raise _problem(number, " ".join(error.messages)) from error
        checked.append((item["field"], instance, declared, value))
    return checked


def correction_items_build(*, request, user, corrections: Iterable[Mapping]) -> list:
    from datarequests.models import CorrectionItem

    return CorrectionItem.objects.bulk_create(
        CorrectionItem(
            request=request,
            field=reference,
            object_id=str(instance.pk),
            old_value=display_value(instance, declared),
            new_value=str(value),
        )
        for reference, instance, declared, value in corrections_check(
            user=user, corrections=corrections
        )
    )


def correction_items_apply(*, request, actor, now: datetime) -> set[str]:
    """Apply each correction again through validation; the user's own edits keep history.

    Return the categories of the corrected fields (whose recipients must hear of it)."""
    from accounts.models import User
    from accounts.services import registration_update

    categories: set[str] = set()
    for number, item in enumerate(request.corrections.order_by("pk"), start=1):
        app_label, model_name, name = item.field.split(".")
        model = apps.get_model(app_label, model_name)
        instance = model.objects.get(pk=item.object_id)
        try:
            changed = _validated(instance, name, item.new_value)
        except ValidationError as error:
            raise _problem(number, " ".join(error.messages)) from error
        if isinstance(instance, User):
            registration_update(user=instance, actor=actor, cleaned={name: getattr(changed, name)})
        else:
            changed.save(update_fields=[name])
        item.applied_at = now
        item.save(update_fields=["applied_at"])
        declaration = registry.for_model(model)
        declared = next(f for f in declaration.fields if f.name == name)
        categories.add(declaration.category_of(declared))
    return categories


ROWS_OFFERED = 20  # per model: a person corrects a few records, not a table


def correctable_choices_of(user) -> list[tuple[str, str]]:
    """Return every correctable field of every record the person holds, as form choices:
    ``app.Model.field`` (one record) or ``app.Model.field@id`` (one of several), each with a
    label a person reads ("Registration: last name", "Bank account 2: holder's name")."""
    from accounts.models import User

    choices: list[tuple[str, str]] = []
    for declaration in registry.declarations():
        correctable = [d for d in declaration.fields if d.correctable]
        if not correctable:
            continue
        model = declaration.model
        rows = list(subject_rows(declaration, user).order_by("pk")[:ROWS_OFFERED])
        for number, row in enumerate(rows, start=1):
            if model is User:
                record = _("Registration")
            elif len(rows) == 1:
                record = str(model._meta.verbose_name).capitalize()
            else:
                record = f"{str(model._meta.verbose_name).capitalize()} {number}"
            for declared in correctable:
                field = model._meta.get_field(declared.name)
                reference = f"{declaration.label}.{declared.name}"
                value = reference if len(rows) == 1 else f"{reference}@{row.pk}"
                now_shown = display_value(row, declared) or "—"
                label = _("%(record)s: %(field)s (now: %(value)s)") % {
                    "record": record,
                    "field": field.verbose_name,
                    "value": now_shown[:40],
                }
                choices.append((value, label))
    return choices


def correction_from_choice(choice: str, value: str) -> dict:
    """Return the correction a form's choice and value ask for, as the API takes it."""
    reference, _at, row = choice.partition("@")
    item: dict = {"field": reference, "value": value}
    if row.isdigit():
        item["id"] = int(row)
    return item
