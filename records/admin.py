"""The log book in the staff admin: read and exported, never changed; annotations added."""

from django.contrib import admin
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from audit.admin_mixins import AuditedAdminMixin
from privacy_office import clock
from privacy_office.admin_base import HistoryInline, ProofAdmin
from records.exports import logbook_csv, logbook_pdf
from records.models import LogBookAnnotation, LogBookEntry
from records.services import logbook_annotate


def _download(body: bytes, *, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _entries(queryset):
    return queryset.order_by("recorded_at", "pk").prefetch_related("annotations")


def _stamp() -> str:
    return clock.now().strftime("%Y%m%d")


@admin.action(description=_("Export the selected entries as CSV (English)"))
def export_csv_en(modeladmin, request, queryset):
    return _download(
        logbook_csv(_entries(queryset), language="en"),
        content_type="text/csv; charset=utf-8",
        name=f"logbook-{_stamp()}-en.csv",
    )


@admin.action(description=_("Export the selected entries as CSV (Chinese)"))
def export_csv_zh(modeladmin, request, queryset):
    return _download(
        logbook_csv(_entries(queryset), language="zh-hans"),
        content_type="text/csv; charset=utf-8",
        name=f"logbook-{_stamp()}-zh.csv",
    )


@admin.action(description=_("Export the selected entries as PDF (English)"))
def export_pdf_en(modeladmin, request, queryset):
    return _download(
        logbook_pdf(_entries(queryset), language="en", now=clock.now()),
        content_type="application/pdf",
        name=f"logbook-{_stamp()}-en.pdf",
    )


@admin.action(description=_("Export the selected entries as PDF (Chinese)"))
def export_pdf_zh(modeladmin, request, queryset):
    return _download(
        logbook_pdf(_entries(queryset), language="zh-hans", now=clock.now()),
        content_type="application/pdf",
        name=f"logbook-{_stamp()}-zh.pdf",
    )


class AnnotationInline(HistoryInline):
    model = LogBookAnnotation
    fields = ["at", "author", "text"]


@admin.register(LogBookEntry)
class LogBookEntryAdmin(AuditedAdminMixin, ProofAdmin):
    """Entries are written by the refusal itself; PostgreSQL refuses any change to them."""

    list_display = ["recorded_at", "section", "request_id", "requester_name", "ground"]
    list_filter = ["section"]
    search_fields = ["=request__id", "=requester_email"]
    date_hierarchy = "recorded_at"
    inlines = [AnnotationInline]
    actions = [export_csv_en, export_csv_zh, export_pdf_en, export_pdf_zh]


@admin.register(LogBookAnnotation)
class LogBookAnnotationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """An annotation is added, never changed or deleted."""

    list_display = ["at", "entry", "author", "text"]
    fields = ["entry", "text"]
    raw_id_fields = ["entry"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        saved = logbook_annotate(
            entry_id=obj.entry_id, text=obj.text, author=request.user, now=clock.now()
        )
        obj.pk, obj.at, obj.author = saved.pk, saved.at, saved.author
