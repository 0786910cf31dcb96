"""Erasure of a minor's data on a guardian's request (policy F), and of a person's own data
on their erasure request, as each field declares.

A model whose declared fields are all ``delete`` loses the person's rows; ``redact`` fields
are blanked; ``keep`` fields stay, with the legal reason in the tombstone. The account is
de-identified and disabled and its sessions ended. What was done is counted in a tombstone
that proves the erasure without holding the data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from datarequests.models import ErasureTombstone
from privacy_office.registry import SELF, Erasure, registry
from privacy_office.subject_data import subject_rows


def _blank(field: models.Field):
    return None if field.null else ""


def _own_rows(declaration, person):
    """The person's own rows: where a row has several parties (an order's buyer and seller),
    only those where the person is the first-named party, whose data the fields are."""
    if isinstance(declaration.subject, tuple):
        return declaration.model.objects.filter(**{declaration.subject[0]: person})
    return subject_rows(declaration, person)


def _erase_rows(declaration, person) -> tuple[str, int]:
    rows = _own_rows(declaration, person)
    count = rows.count()
    if not count:
        return "none", 0
    erasures = {declared.erasure for declared in declaration.fields}
    if erasures == {Erasure.DELETE}:
        rows.delete()
        return "deleted", count
    meta = declaration.model._meta
    redact = {
        declared.name: _blank(meta.get_field(declared.name))
        for declared in declaration.fields
        if declared.erasure != Erasure.KEEP
    }
    redact = {
        name: value
        for name, value in redact.items()
        if value is not None or meta.get_field(name).null
    }
    if not redact:
        return "kept", count
    rows.update(**redact)
    return "redacted", count


def _account_deidentify(user) -> None:
    declaration = registry.for_model(type(user))
    for declared in declaration.fields:
        if declared.erasure == Erasure.KEEP:
            continue
        field = user._meta.get_field(declared.name)
        if field.name == user.USERNAME_FIELD:
            setattr(user, field.name, f"erased-{user.pk}")
        elif isinstance(field, models.BooleanField):
            continue
        elif field.null or field.blank:
            setattr(user, field.name, None if field.null else "")
    user.is_active = False
    user.set_unusable_password()
    user.save()


def _sessions_end(user) -> int:
    ended = 0
    for session in Session.objects.iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
            ended += 1
    return ended


def minor_erase(*, request, now: datetime) -> ErasureTombstone:
    """Erase the request's minor across every declared model; return the tombstone."""
    minor = request.minor
    counts: dict[str, dict[str, int]] = {}
    categories: set[str] = set()
    for declaration in registry.declarations():
        if not declaration.fields or declaration.subject == SELF:
            continue
        outcome, count = _erase_rows(declaration, minor)
        if count:
            counts[declaration.label] = {outcome: count}
            kept = sorted({f.keep_reason for f in declaration.fields if f.erasure == Erasure.KEEP})
            if kept and outcome != "deleted":
                counts[declaration.label]["kept because"] = "; ".join(kept)
            categories |= {declaration.category_of(f) for f in declaration.fields}
    _account_deidentify(minor)
    counts[f"{minor._meta.label}"] = {"de-identified": 1}
    counts["sessions"] = {"ended": _sessions_end(minor)}
    return ErasureTombstone.objects.create(
        request=request,
        subject_id=minor.pk,
        erased_at=now,
        categories=sorted(categories | {"registration"}),
        counts=counts,
    )


# The person's own erasure request (GDPR Art. 17, CCPA §1798.105, PIPL Art. 47): the same
# engine, field by field as declared, but what an exemption covers stays, some categories
# may be asked for alone, and each kept thing is named with its reason for staff and reply.


@dataclass
class ModelPlan:
    """What an erasure does to one declared model's rows of the person."""

    label: str
    rows: int
    outcome: str  # deleted, redacted, kept
    kept: list[dict] = field(default_factory=list)  # {"model", "fields", "reason", "rows"}


def _blankable(model_field: models.Field) -> bool:
    return model_field.null or isinstance(model_field, models.CharField | models.TextField)


def _exempt_rows(declared) -> Q | None:
    condition = None
    for exemption in declared.exemptions:
        condition = exemption.rows if condition is None else condition | exemption.rows
    return condition


def _plan_model(declaration, person, categories: set[str] | None, *, write: bool):
    rows = _own_rows(declaration, person)
    chosen = [
        declared
        for declared in declaration.fields
        if categories is None or declaration.category_of(declared) in categories
    ]
    if not chosen:
        return None
    count = rows.count()
    if not count:
        return None
    plan = ModelPlan(label=declaration.label, rows=count, outcome="kept")
    by_reason: dict[str, list[str]] = {}
    for declared in chosen:
        if declared.erasure == Erasure.KEEP:
            by_reason.setdefault(declared.keep_reason, []).append(declared.name)
    for reason, names in by_reason.items():
        plan.kept.append({"model": plan.label, "fields": names, "reason": reason, "rows": count})
    exempted: dict[str, tuple[list[str], int]] = {}
    for declared in chosen:
        if declared.erasure == Erasure.KEEP:
            continue
        for exemption in declared.exemptions:
            covered = rows.filter(exemption.rows).count()
            if covered:
                names, _rows = exempted.get(exemption.reason, ([], covered))
                exempted[exemption.reason] = ([*names, declared.name], covered)
    for reason, (names, covered) in exempted.items():
        plan.kept.append({"model": plan.label, "fields": names, "reason": reason, "rows": covered})
    whole = len(chosen) == len(declaration.fields)
    if whole and all(declared.erasure == Erasure.DELETE for declared in chosen):
        plan.outcome = "deleted"
        keep = None
        for declared in chosen:
            condition = _exempt_rows(declared)
            if condition is not None:
                keep = condition if keep is None else keep | condition
        if write:
            (rows if keep is None else rows.exclude(keep)).delete()
        return plan
    meta = declaration.model._meta
    for declared in chosen:
        model_field = meta.get_field(declared.name)
        if declared.erasure == Erasure.KEEP or not _blankable(model_field):
            continue
        plan.outcome = "redacted"
        if write:
            target = rows
            condition = _exempt_rows(declared)
            if condition is not None:
                target = target.exclude(condition)
            target.update(**{declared.name: _blank(model_field)})
    return plan


def erasure_plan(person, *, categories: list[str] | None = None) -> list[ModelPlan]:
    """What the person's erasure would do now, model by model (staff read it before approval)."""
    return _erasure_run(person, categories=categories, write=False)


def _erasure_run(person, *, categories: list[str] | None, write: bool) -> list[ModelPlan]:
    chosen = set(categories) if categories else None
    plans = []
    for declaration in registry.declarations():
        if not declaration.fields or declaration.subject == SELF:
            continue
        plan = _plan_model(declaration, person, chosen, write=write)
        if plan is not None:
            plans.append(plan)
    return plans


def account_erased(categories: list[str] | None) -> bool:
    """Whether the erasure closes the account: all data, or the registration category asked."""
    return not categories or "registration" in categories


def subject_erase(*, request, now: datetime) -> ErasureTombstone:
    """Erase the requester's data as every field declares and their exemptions allow."""
    person = request.requester
    categories = list(request.erasure_categories or [])
    plans = _erasure_run(person, categories=categories, write=True)
    counts: dict[str, dict] = {
        plan.label: {plan.outcome: plan.rows, "kept": plan.kept} for plan in plans
    }
    erased = {
        declaration.category_of(declared)
        for declaration in registry.declarations()
        for declared in declaration.fields
        if declaration.label in counts
        and (not categories or declaration.category_of(declared) in categories)
    }
    if account_erased(categories):
        _account_deidentify(person)
        counts[person._meta.label] = {"de-identified": 1}
        counts["sessions"] = {"ended": _sessions_end(person)}
        erased.add("registration")
    return ErasureTombstone.objects.create(
        request=request,
        subject_id=person.pk,
        erased_at=now,
        categories=sorted(erased),
        counts=counts,
    )


def kept_items(counts: dict) -> list[dict]:
    """What an erasure kept, each with its reason: from a tombstone's counts or a plan."""
    return [item for entry in counts.values() for item in entry.get("kept", [])]


def kept_lines(items: list[dict]) -> list[str]:
    """Each kept thing in words, in the active language: the table, the fields, the reason."""
    lines = []
    for item in items:
        meta = apps.get_model(item["model"])._meta
        names = ", ".join(str(meta.get_field(name).verbose_name) for name in item["fields"])
        lines.append(
            _("%(table)s (%(fields)s), %(rows)s row(s): %(reason)s")
            % {
                "table": str(meta.verbose_name_plural).capitalize(),
                "fields": names,
                "rows": item["rows"],
                "reason": gettext(item["reason"]),
            }
        )
    return lines
