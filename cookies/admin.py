"""Cookies in the staff admin: declarations, consent records as proof, strays, statistics."""

import csv
import json

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.admin_mixins import AuditedAdminMixin
from cookies.models import ConsentRecord, CookieCategory, CookieDeclaration, UndeclaredCookie
from cookies.selectors import consent_rates_by_week
from privacy_office import clock
from privacy_office.admin_base import ProofAdmin


@admin.register(CookieCategory)
class CookieCategoryAdmin(admin.ModelAdmin):
    list_display = ["title", "code", "always_on", "position"]
    readonly_fields = ["code", "always_on"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CookieDeclaration)
class CookieDeclarationAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "domain", "first_party", "lifetime", "updated_at"]
    list_filter = ["category", "first_party"]
    search_fields = ["name", "domain"]


@admin.action(description=_("Export the selected records as proof (CSV)"))
def export_as_proof(modeladmin, request, queryset):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="consent-records-{stamp}.csv"'
    writer = csv.writer(response)
    columns = [
        "id",
        "visitor_id",
        "user_id",
        "created_at",
        "method",
        "choices",
        "declarations_version",
        "policy_version",
        "gpc",
        "ip_truncated",
        "user_agent_hash",
    ]
    writer.writerow(columns)
    for record in queryset.order_by("created_at").iterator():
        writer.writerow([_proof_cell(getattr(record, column)) for column in columns])
    return response


def _proof_cell(value) -> str:
    """A cell as a machine reads it back: JSON for choices and flags, ISO 8601 for times
    (never Python's repr, ``{'analytics': True}``)."""
    if isinstance(value, dict | list | bool):
        return json.dumps(value, sort_keys=True)
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


@admin.register(ConsentRecord)
class ConsentRecordAdmin(AuditedAdminMixin, ProofAdmin):
    """Records are proof: they can be read and exported, never added, changed or deleted here."""

    list_display = ["created_at", "visitor_id", "user", "method", "choices", "gpc"]
    list_filter = ["method", "gpc", "declarations_version"]
    search_fields = ["=visitor_id", "=user__username", "=user__email"]
    list_select_related = ["user"]
    actions = [export_as_proof]
    date_hierarchy = "created_at"
    # A search here is a look at someone's consent history: audited with whom it names.
    audit_list_name = "history"

    def get_urls(self):
        return [
            path(
                "statistics/",
                self.admin_site.admin_view(self.statistics_view),
                name="cookies_statistics",
            ),
            *super().get_urls(),
        ]

    def statistics_view(self, request):
        if not request.user.has_perm("audit.view_reports"):
            raise PermissionDenied
        weeks = consent_rates_by_week(now=clock.now(), weeks=12)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Consent rates per category"),
            "weeks": weeks,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/cookies/statistics.html", context)


@admin.register(UndeclaredCookie)
class UndeclaredCookieAdmin(admin.ModelAdmin):
    """Cookies seen set without a declaration: declare them, then dismiss the warning."""

    list_display = ["name", "example_path", "first_seen", "last_seen", "times_seen"]
    readonly_fields = ["name", "example_path", "first_seen", "last_seen", "times_seen"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
