"""Staff reads of a person's data and admin changes, written to the audit trail."""

from django.contrib.admin.utils import unquote

from audit.models import Action
from audit.services import audit_record
from privacy_office import clock
from privacy_office.registry import SELF, Identifiers, SubjectQuery, registry


def subject_of(obj):
    """Return the person a row is about, following its declaration, or None."""
    declaration = registry.for_model(type(obj))
    if declaration is None or declaration.subject is None:
        return None
    subject = declaration.subject
    if subject == SELF:
        return obj
    if isinstance(subject, Identifiers):
        subject = subject.user
    elif isinstance(subject, SubjectQuery):
        subject = "user" if hasattr(obj, "user_id") else None
    elif isinstance(subject, tuple):
        subject = subject[0]
    current = obj
    for step in (subject or "").split("__"):
        if current is None or not step:
            return None
        current = getattr(current, step, None)
    return current


def categories_of(model) -> list[str]:
    declaration = registry.for_model(model)
    if declaration is None:
        return []
    return sorted({declaration.category_of(field) for field in declaration.fields})


def target_of(obj) -> str:
    return f"{obj._meta.label}:{obj.pk}"


class AuditedAdminMixin:
    """Every change page a staff member opens, and every change they save, is audited.

    ``?ref=`` on the URL names the request or ticket the look was for.
    """

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        obj = (
            getattr(response, "context_data", {}).get("original")
            if request.method == "GET"
            else None
        )
        if obj is None and request.method == "GET" and response.status_code == 200:
            obj = self.get_object(request, unquote(object_id))
        if obj is not None:
            audit_record(
                actor=request.user,
                action=Action.READ,
                target=target_of(obj),
                subject=subject_of(obj),
                categories=categories_of(type(obj)),
                reference=request.GET.get("ref", ""),
                now=clock.now(),
            )
        return response

    def _audit_change(self, request, obj, action: str, message) -> None:
        audit_record(
            actor=request.user,
            action=action,
            target=target_of(obj),
            subject=subject_of(obj),
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
