"""System checks that keep every personal field in the registry (policy A.1).

``check`` (and so ``migrate``, ``runserver`` and the test command) stops with
an Error when an installed model has a field that looks personal and is not
declared, when a model points at a user without a declaration, or when a
declaration is itself wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from privacy_office.purposes import LEGAL_BASES, PURPOSES
from privacy_office.registry import Category, Declaration, Erasure, Mask, Registry
from privacy_office.registry import registry as default_registry
from privacy_office.retention import age_field

# Substrings that make a field name look personal, and whole words that do
# (short ones such as "ip" would match too much as substrings).
PERSONAL_SUBSTRINGS = (
    "email",
    "phone",
    "mobile",
    "fax",
    "address",
    "name",
    "birth",
    "gender",
    "user_agent",
    "useragent",
    "card",
    "bank",
    "iban",
    "account_number",
    "passport",
    "postcode",
    "postal",
    "national_id",
    "tax_id",
    "tracking",
)
PERSONAL_WORDS = {"ip", "dob", "sex", "zip", "ssn", "ua", "street", "city"}
PERSONAL_FIELD_TYPES = (models.EmailField, models.GenericIPAddressField)

HINT = (
    "Declare it in the app's personal_data.py with declare(...), or list it in "
    "exempt={...} with the reason it is not personal data."
)


def field_looks_personal(field: models.Field) -> bool:
    """Return whether a field's name or type suggests it holds personal data."""
    if isinstance(field, PERSONAL_FIELD_TYPES):
        return True
    name = field.name.lower()
    if any(part in name for part in PERSONAL_SUBSTRINGS):
        return True
    return bool(PERSONAL_WORDS.intersection(re.split(r"[_\W]+", name)))


def _points_at_user(field: models.Field) -> bool:
    if not field.is_relation or not field.concrete or field.many_to_many:
        return False
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    return field.related_model is user_model


def _subject_problems(declaration: Declaration) -> list[str]:
    if declaration.subject is None and declaration.fields:
        return ["declares personal fields but no subject: say whose data it is"]
    return declaration.kind.problems(declaration.model)


def _has_field(model: type[models.Model], name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def _is_encrypted(model: type[models.Model], name: str) -> bool:
    from privacy_office.fields import EncryptedTextField

    try:
        return isinstance(model._meta.get_field(name), EncryptedTextField)
    except FieldDoesNotExist:
        return False


def _declaration_problems(declaration: Declaration) -> list[str]:
    problems = _subject_problems(declaration)
    seen: set[str] = set()
    for declared in declaration.fields:
        where = f"field {declared.name!r}"
        if declared.name in seen:
            problems.append(f"{where} is declared twice")
        seen.add(declared.name)
        if not _has_field(declaration.model, declared.name):
            problems.append(f"{where} does not exist on the model")
        if declared.name in declaration.exempt:
            problems.append(f"{where} is both declared and exempt")
        if declaration.category_of(declared) not in Category.values:
            problems.append(f"{where} has no valid category (one of {', '.join(Category.values)})")
        if not declared.purposes:
            problems.append(f"{where} names no purpose (B1-B9)")
        unknown = [code for code in declared.purposes if code not in PURPOSES]
        if unknown:
            problems.append(f"{where} names unknown purposes {unknown}; use B1-B9")
        if declared.erasure not in Erasure.values:
            problems.append(f"{where} has erasure {declared.erasure!r}; use delete, redact or keep")
        if declared.erasure == Erasure.KEEP and not declared.keep_reason:
            problems.append(f"{where} is kept on erasure without a keep_reason")
        if any(not exemption.reason.strip() for exemption in declared.exemptions):
            problems.append(f"{where} declares an erasure exemption without its reason")
        if declared.masked is not None and declared.masked not in Mask.values:
            problems.append(f"{where} has masked {declared.masked!r}; use last4 or all")
        if _is_encrypted(declaration.model, declared.name) and declared.masked is None:
            problems.append(f"{where} is encrypted financial data and must say how it is masked")
        if declared.retention_days is not None and declared.retention_days <= 0:
            problems.append(f"{where} has a retention that is not a positive number of days")
    problems += _retention_problems(declaration)
    for name, reason in declaration.exempt.items():
        if not _has_field(declaration.model, name):
            problems.append(f"exempt field {name!r} does not exist on the model")
        if not reason.strip():
            problems.append(f"exempt field {name!r} gives no reason")
    return problems


def _is_file(declaration: Declaration, name: str) -> bool:
    try:
        return isinstance(declaration.model._meta.get_field(name), models.FileField)
    except FieldDoesNotExist:
        return False


def _retention_problems(declaration: Declaration) -> list[str]:
    # A retention that is not positive is reported on its own field. Files (scans, proofs)
    # are deleted on their own, field by field, before their row: they may keep less long.
    days = {
        d.retention_days
        for d in declaration.fields
        if (d.retention_days or 0) > 0 and not _is_file(declaration, d.name)
    }
    if not days:
        if declaration.retained_from:
            return ["names retained_from but no field declares retention_days"]
        return []
    problems = []
    if len(days) > 1:
        problems.append(
            f"fields declare different retentions {sorted(days)}: rows are purged whole, "
            "declare one"
        )
    if not declaration.retained_from:
        problems.append(
            "declares retention_days but no retained_from: name the date or time field "
            "a row's age is measured from"
        )
        return problems
    age = age_field(declaration.model, declaration.retained_from)
    if not isinstance(age, models.DateField):  # DateTimeField is a DateField
        problems.append(
            f"retained_from {declaration.retained_from!r} is not a date or time field of the model"
        )
    return problems


def registry_problems(
    models_to_check: Iterable[type[models.Model]], registry: Registry
) -> list[checks.CheckMessage]:
    """Return the Errors for these models against this registry."""
    errors: list[checks.CheckMessage] = []
    for model in models_to_check:
        meta = model._meta
        if meta.proxy:
            continue
        declaration = registry.for_model(model)
        if declaration is not None:
            errors.extend(
                checks.Error(
                    f"{meta.label}: {problem}.",
                    obj=model,
                    id="privacy_office.E003",
                )
                for problem in _declaration_problems(declaration)
            )
        covered = set()
        if declaration is not None:
            covered = declaration.field_names() | set(declaration.exempt)
        for model_field in meta.concrete_fields:
            if model_field.primary_key or model_field.name in covered:
                continue
            if field_looks_personal(model_field):
                errors.append(
                    checks.Error(
                        f"{meta.label}.{model_field.name} looks like personal data but is not "
                        "declared in the personal-data registry.",
                        hint=HINT,
                        obj=model,
                        id="privacy_office.E001",
                    )
                )
            elif declaration is None and _points_at_user(model_field):
                errors.append(
                    checks.Error(
                        f"{meta.label} links to a user through {model_field.name!r} but is not "
                        "declared in the personal-data registry, so an access request would "
                        "miss it.",
                        hint=HINT,
                        obj=model,
                        id="privacy_office.E002",
                    )
                )
    return errors


@checks.register("privacy")
def check_personal_data_registry(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    if app_configs is None:
        models_to_check = apps.get_models()
    else:
        models_to_check = [model for config in app_configs for model in config.get_models()]
    return registry_problems(models_to_check, default_registry)


def purposes_without_legal_basis(
    purposes: Iterable[str] | None = None, bases: dict[str, str] | None = None
) -> list[str]:
    """Return the purposes with no lawful basis recorded (GDPR Art. 6, for Art. 30)."""
    bases = LEGAL_BASES if bases is None else bases
    return [code for code in (purposes or PURPOSES) if not (bases.get(code) or "").strip()]


@checks.register("privacy")
def check_purposes_have_a_legal_basis(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    return [
        checks.Warning(
            f"Purpose {code} has no legal basis recorded.",
            hint="Add it to LEGAL_BASES in privacy_office/purposes.py (GDPR Art. 6(1)); the "
            "record of processing (Art. 30) names it.",
            id="privacy_office.W001",
        )
        for code in purposes_without_legal_basis()
    ]
