"""Staff reads of a person's data and admin changes, written to the audit trail.

Every door of a ModelAdmin that shows rows of a declared model is audited, one event per
page view: the list (with its search, masked as the logs mask it, and its filters), a row's
page, its history, the confirmation before deleting, and every admin action that answers
with a page or a file (a CSV export) rather than a redirect. ``AuditConfig.ready`` gives the
mixin to every registered ModelAdmin of a model that declares whose data it holds, the
project's and the libraries' alike; the check ``audit.E005`` refuses one registered later
without it.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import wraps

from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q

from audit.models import Action
from audit.services import audit_record
from privacy_office import clock
from privacy_office.logging import mask_text
from privacy_office.registry import (
    Declaration,
    Identifiers,
    NoSubject,
    SubjectQuery,
    UserItself,
    UserPaths,
    registry,
)

# Parameters of an admin list that say nothing about what was looked for.
NOT_A_FILTER = {"q", "p", "o", "ref", "_popup", "_to_field", "e"}


def declaration_for(model: type[models.Model]) -> Declaration | None:
    """Return the model's declaration, or its concrete model's for a proxy (DRF's TokenProxy)."""
    return registry.for_model(model) or registry.for_model(model._meta.concrete_model)


def holds_personal_data(model: type[models.Model]) -> bool:
    declaration = declaration_for(model)
    return declaration is not None and not isinstance(declaration.kind, NoSubject)


def subject_of(obj):
    """Return the person a row is about, following its declaration, or None."""
    subjects = subjects_of_rows(type(obj), [obj.pk])
    if len(subjects) != 1:
        return registry.owner_of(obj) if registry.for_model(type(obj)) else None
    return get_user_model().objects.filter(pk=subjects[0]).first()


def _user_links(model: type[models.Model]) -> list[str]:
    """The foreign keys to the user model among ``user`` and ``subject`` (for SubjectQuery)."""
    fields = {field.name: field for field in model._meta.get_fields()}
    return [
        name
        for name in ("user", "subject")
        if name in fields
        and fields[name].is_relation
        and fields[name].related_model is get_user_model()
    ]


def subjects_of_rows(model: type[models.Model], pks: Iterable) -> list[int]:
    """Return the ids of every person the rows ``pks`` of ``model`` are about, in a few queries."""
    declaration = declaration_for(model)
    pks = list(pks)
    if declaration is None or not pks:
        return []
    kind = declaration.kind
    rows = model._base_manager.filter(pk__in=pks)
    found: set[int] = set()
    if isinstance(kind, UserItself):
        found.update(int(pk) for pk in pks)
    elif isinstance(kind, UserPaths):
        for path in kind.paths:
            found.update(rows.values_list(path, flat=True))
    elif isinstance(kind, Identifiers):
        if kind.user:
            found.update(rows.values_list(kind.user, flat=True))
        if kind.username:
            usernames = rows.values_list(kind.username, flat=True)
            found.update(
                get_user_model().objects.filter(username__in=usernames).values_list("pk", flat=True)
            )
    elif isinstance(kind, SubjectQuery):
        for link in _user_links(declaration.model):
            found.update(rows.values_list(link, flat=True))
    return sorted(pk for pk in found if pk is not None)


def categories_of(model) -> list[str]:
    declaration = declaration_for(model)
    if declaration is None:
        return []
    return sorted({declaration.category_of(field) for field in declaration.fields} - {""})


def _numbered(model: type[models.Model]) -> bool:
    """Whether the model's primary key is a number (a token's is the secret itself)."""
    return isinstance(
        model._meta.pk, models.AutoField | models.BigIntegerField | models.IntegerField
    )


def target_of(obj) -> str:
    if not _numbered(type(obj)) and hasattr(obj, "user_id"):
        return f"{obj._meta.label}:user={obj.user_id}"
    return f"{obj._meta.label}:{obj.pk}"


def row_ids(model: type[models.Model], pks: Iterable) -> list:
    """Return the rows' ids as the trail may keep them: never a key that is a secret."""
    return list(pks) if _numbered(model) else []


def people_searched_for(term: str) -> list[int]:
    """A search for someone's user name or email is a look at them, whatever it finds."""
    if not term or len(term) > 254:
        return []
    users = get_user_model().objects.filter(Q(username=term) | Q(email__iexact=term))
    return list(users.values_list("pk", flat=True)[:5])


def query_described(request) -> str:
    """Return the search (masked as the logs mask it) and the filters of an admin page."""
    parts = []
    term = request.GET.get("q", "").strip()
    if term:
        parts.append(f'search "{mask_text(term)}"')
    filters = [
        f"{name}={mask_text(value)}"
        for name, value in sorted(request.GET.items())
        if name not in NOT_A_FILTER
    ]
    if filters:
        parts.append("filter " + " ".join(filters))
    page = request.GET.get("p")
    if page:
        parts.append(f"page {mask_text(page)}")
    return "; ".join(parts)


def audit_rows_read(
    *,
    request,
    model: type[models.Model],
    pks: list,
    target: str,
    detail: str = "",
    also_subjects: Iterable[int] = (),
    categories: Iterable[str] | None = None,
) -> None:
    """Write one event for a staff look at rows ``pks`` of ``model`` (a page, an export)."""
    subjects = sorted({*subjects_of_rows(model, pks), *also_subjects})
    one = get_user_model().objects.filter(pk=subjects[0]).first() if len(subjects) == 1 else None
    shown = f"{len(pks)} rows of {len(subjects)} people"
    audit_record(
        actor=request.user,
        action=Action.READ,
        target=target,
        subject=one,
        subjects=subjects,
        rows=row_ids(model, pks),
        categories=categories_of(model) if categories is None else categories,
        reference=request.GET.get("ref", ""),
        detail="; ".join(part for part in (detail, shown) if part),
        now=clock.now(),
    )


def _audited_action(func, name: str):
    @wraps(func)
    def action(modeladmin, request, queryset):
        # The rows an action works on, read before it runs (a delete leaves none to read).
        pks = list(queryset.values_list("pk", flat=True))
        response = func(modeladmin, request, queryset)
        if response is not None and getattr(response, "status_code", 200) == 200:
            audit_rows_read(
                request=request,
                model=modeladmin.model,
                pks=pks,
                target=f"{modeladmin.model._meta.label}:action",
                detail=f"action {name}",
            )
        return response

    return action


class AuditedAdminMixin:
    """Every page of personal data a staff member opens, and every change they save, is audited.

    ``?ref=`` on the URL names the request or ticket the look was for.
    """

    # What a list page is called in the trail's ``target`` (``cookies.ConsentRecord:list``).
    audit_list_name = "list"

    def _audit_categories(self) -> list[str]:
        models_shown = [self.model, *(inline.model for inline in getattr(self, "inlines", []))]
        return sorted({category for model in models_shown for category in categories_of(model)})

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        cl = (getattr(response, "context_data", None) or {}).get("cl")
        if request.method == "GET" and response.status_code == 200 and cl is not None:
            # Evaluates the page's rows once; the template reuses them.
            pks = [row.pk for row in cl.result_list]
            audit_rows_read(
                request=request,
                model=self.model,
                pks=pks,
                target=f"{self.model._meta.label}:{self.audit_list_name}",
                detail=query_described(request),
                also_subjects=people_searched_for(request.GET.get("q", "").strip()),
            )
        return response

    def _audit_object_read(self, request, object_id, response, detail: str = "") -> None:
        if request.method != "GET" or getattr(response, "status_code", None) != 200:
            return
        obj = (getattr(response, "context_data", None) or {}).get("original") or (
            (getattr(response, "context_data", None) or {}).get("object")
        )
        if obj is None:
            obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return
        subjects = subjects_of_rows(type(obj), [obj.pk])
        audit_record(
            actor=request.user,
            action=Action.READ,
            target=target_of(obj),
            subject=subject_of(obj),
            subjects=subjects,
            rows=row_ids(type(obj), [obj.pk]),
            categories=self._audit_categories(),
            reference=request.GET.get("ref", ""),
            detail=detail,
            now=clock.now(),
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        self._audit_object_read(request, object_id, response)
        return response

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        self._audit_object_read(request, object_id, response, detail="history")
        return response

    def delete_view(self, request, object_id, extra_context=None):
        response = super().delete_view(request, object_id, extra_context)
        self._audit_object_read(request, object_id, response, detail="delete confirmation")
        return response

    def get_actions(self, request):
        actions = super().get_actions(request)
        return {
            name: (_audited_action(func, name), name, description)
            for name, (func, _name, description) in actions.items()
        }

    def _audit_change(self, request, obj, action: str, message) -> None:
        audit_record(
            actor=request.user,
            action=action,
            target=target_of(obj),
            subject=subject_of(obj),
            subjects=subjects_of_rows(type(obj), [obj.pk]) if obj.pk is not None else [],
            categories=categories_of(type(obj)),
            detail=str(message)[:300] if isinstance(message, str) else "",
            now=clock.now(),
        )

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        self._audit_change(request, obj, Action.CREATE, message)
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        self._audit_change(request, obj, Action.CHANGE, message)
        return entry

    def log_deletions(self, request, queryset):
        objects = list(queryset)
        entries = super().log_deletions(request, queryset)
        for obj in objects:
            self._audit_change(request, obj, Action.DELETE, "")
        return entries


def audited_admin_class(admin_class: type) -> type:
    """Return ``admin_class`` with the audit mixin first (itself, if it already has it)."""
    if issubclass(admin_class, AuditedAdminMixin):
        return admin_class
    return type(f"Audited{admin_class.__name__}", (AuditedAdminMixin, admin_class), {})


def admins_audit(site) -> list[str]:
    """Give every ModelAdmin of a model holding personal data the mixin; return their labels."""
    wrapped = []
    for model, model_admin in list(site._registry.items()):
        if holds_personal_data(model) and not isinstance(model_admin, AuditedAdminMixin):
            site._registry[model] = audited_admin_class(type(model_admin))(model, site)
            wrapped.append(model._meta.label)
    return wrapped
