"""Erasure of a minor's data on a guardian's request (policy F), as each field declares.

A model whose declared fields are all ``delete`` loses the person's rows; ``redact`` fields
are blanked; ``keep`` fields stay, with the legal reason in the tombstone. The account is
de-identified and disabled and its sessions ended. What was done is counted in a tombstone
that proves the erasure without holding the data.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.sessions.models import Session
from django.db import models

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
