"""The regulator's records in the staff admin: the log book (read and exported, never changed;
annotations added), the compliance page, the CCPA metrics, the evidence pack of a request."""

import base64
import csv
import io

from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from audit.admin_mixins import AuditedAdminMixin
from datarequests.models import OPEN_STATUSES, DataRequest
from datarequests.selectors import dashboard_counts
from privacy_office import clock
from privacy_office.admin_base import HistoryInline, ProofAdmin
from privacy_office.db_router import replica_page
from records.art30 import (
    CONTROLLER,
    processing_records,
    processing_records_csv_rows,
    processing_records_pdf,
)
from records.evidence import evidence_pack_build, evidence_public_key
from records.exports import logbook_csv, logbook_pdf
from records.forms import WithholdingForm
from records.metrics import (
    bar_chart_svg,
    ccpa_metrics,
    ccpa_metrics_csv_rows,
    ccpa_metrics_text,
    ccpa_records_csv_rows,
    ccpa_request_records,
    default_year,
)
from records.models import LogBookAnnotation, LogBookEntry, TrailCheck
from records.selectors import logbook_entries
from records.services import logbook_annotate, logbook_withholding_record


def _download(body: bytes, *, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _entries(queryset):
    return queryset.order_by("recorded_at", "pk").prefetch_related("annotations")


def _stamp() -> str:
    return clock.now().strftime("%Y%m%d")


def _export_action(file_format: str, language: str, code: str, description):
    """An admin action downloading the selected entries as CSV or PDF in one language."""

    def export(modeladmin, request, queryset):
        entries = _entries(queryset)
        if file_format == "csv":
            content, content_type = (
                logbook_csv(entries, language=language),
                "text/csv; charset=utf-8",
            )
        else:
            content = logbook_pdf(entries, language=language, now=clock.now())
            content_type = "application/pdf"
        return _download(
            content, content_type=content_type, name=f"logbook-{_stamp()}-{code}.{file_format}"
        )

    export.__name__ = f"export_{file_format}_{code}"
    return admin.action(description=description)(export)


export_csv_en = _export_action("csv", "en", "en", _("Export the selected entries as CSV (English)"))
export_csv_zh = _export_action(
    "csv", "zh-hans", "zh", _("Export the selected entries as CSV (Chinese)")
)
export_pdf_en = _export_action("pdf", "en", "en", _("Export the selected entries as PDF (English)"))
export_pdf_zh = _export_action(
    "pdf", "zh-hans", "zh", _("Export the selected entries as PDF (Chinese)")
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

    def get_urls(self):
        return [
            path(
                "withheld/",
                self.admin_site.admin_view(self.withheld_view),
                name="records_logbook_withheld",
            ),
            *super().get_urls(),
        ]

    def withheld_view(self, request):
        """Log data withheld under s.21(2) before the copy goes out (privacy officers)."""
        if not request.user.has_perm(REFUSE):
            raise PermissionDenied
        form = WithholdingForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                entry = logbook_withholding_record(
                    request_id=form.cleaned_data["request_id"],
                    withheld=form.cleaned_data["withheld"],
                    reasons=form.cleaned_data["reasons"],
                    actor=request.user,
                    now=clock.now(),
                )
            except DataRequest.DoesNotExist:
                form.add_error("request_id", _("No such request."))
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect("admin:records_logbookentry_change", entry.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Log data withheld under s.21(2)"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/records/withheld.html", context)


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


REPORTS = "audit.view_reports"
REFUSE = "datarequests.refuse_datarequest"
EVIDENCE_PERMISSIONS = ("datarequests.view_datarequest", "datarequests.view_scans_datarequest")


def _year(request, default: int) -> int:
    try:
        year = int(request.GET.get("year", default))
    except ValueError:
        return default
    return year if 2000 <= year <= 2100 else default


@admin.register(TrailCheck)
class TrailCheckAdmin(ProofAdmin):
    """Each ``verify_audit`` run's result; the regulator's pages hang here."""

    list_display = ["at", "intact", "checked"]

    def get_urls(self):
        return [
            path(
                "compliance/",
                self.admin_site.admin_view(replica_page(self.compliance_view)),
                name="records_compliance",
            ),
            path(
                "ccpa/",
                self.admin_site.admin_view(replica_page(self.ccpa_view)),
                name="records_ccpa",
            ),
            path("art30/", self.admin_site.admin_view(self.art30_view), name="records_art30"),
            path(
                "evidence/",
                self.admin_site.admin_view(self.evidence_view),
                name="records_evidence",
            ),
            *super().get_urls(),
        ]

    def compliance_view(self, request):
        if not request.user.has_perm(REPORTS):
            raise PermissionDenied
        now = clock.now()
        metrics = ccpa_metrics(year=default_year(now))
        counts = dashboard_counts(now=now)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Compliance"),
            "open": sum(n for status, _l, n in counts["by_status"] if status in OPEN_STATUSES),
            "overdue": dict(counts["by_deadline"])["overdue"],
            "notices_overdue": counts["notices"]["overdue"],
            "logbook": logbook_entries().order_by("-recorded_at", "-pk")[:20],
            "logbook_count": logbook_entries().count(),
            "metrics": metrics,
            "chart": mark_safe(bar_chart_svg(metrics)),  # noqa: S308 (built from numbers)
            "trail_check": TrailCheck.objects.order_by("-at", "-pk").first(),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/records/compliance.html", context)

    def ccpa_view(self, request):
        if not request.user.has_perm(REPORTS):
            raise PermissionDenied
        year = _year(request, default_year(clock.now()))
        metrics = ccpa_metrics(year=year)
        output = request.GET.get("format")
        if output == "csv":
            buffer = io.StringIO()
            csv.writer(buffer).writerows(ccpa_metrics_csv_rows(metrics))
            return _download(
                buffer.getvalue().encode(),
                content_type="text/csv; charset=utf-8",
                name=f"ccpa-metrics-{year}.csv",
            )
        if output == "records":
            buffer = io.StringIO()
            csv.writer(buffer).writerows(ccpa_records_csv_rows(ccpa_request_records(year=year)))
            return _download(
                buffer.getvalue().encode(),
                content_type="text/csv; charset=utf-8",
                name=f"ccpa-records-{year}.csv",
            )
        context = {
            **self.admin_site.each_context(request),
            "title": _("CCPA request metrics"),
            "year": year,
            "metrics": metrics,
            "chart": mark_safe(bar_chart_svg(metrics)),  # noqa: S308 (built from numbers)
            "text": ccpa_metrics_text(metrics),
            "records": ccpa_request_records(year=year),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/records/ccpa.html", context)

    def art30_view(self, request):
        if not request.user.has_perm(REPORTS):
            raise PermissionDenied
        if request.GET.get("format") == "pdf":
            language = "zh-hans" if request.GET.get("lang") == "zh-hans" else "en"
            return _download(
                processing_records_pdf(language=language, now=clock.now()),
                content_type="application/pdf",
                name=f"record-of-processing-{language}.pdf",
            )
        records = processing_records()
        if request.GET.get("format") == "csv":
            buffer = io.StringIO()
            csv.writer(buffer).writerows(processing_records_csv_rows(records))
            return _download(
                ("\ufeff" + buffer.getvalue()).encode(),
                content_type="text/csv; charset=utf-8",
                name="record-of-processing.csv",
            )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Record of processing activities (GDPR Art. 30)"),
            "controller": CONTROLLER,
            "records": records,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/records/art30.html", context)

    def evidence_view(self, request):
        if not all(request.user.has_perm(p) for p in EVIDENCE_PERMISSIONS):
            raise PermissionDenied
        request_id = request.GET.get("request", "")
        if request_id.isdigit():
            try:
                pack = evidence_pack_build(
                    request_id=int(request_id), actor=request.user, now=clock.now()
                )
            except DataRequest.DoesNotExist:
                raise Http404 from None
            return _download(pack.content, content_type="application/zip", name=pack.filename)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Evidence pack of a request"),
            "public_key": base64.b64encode(evidence_public_key()).decode(),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/records/evidence.html", context)
