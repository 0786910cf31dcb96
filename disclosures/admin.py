from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from audit.admin_mixins import AuditedAdminMixin
from disclosures.models import Disclosure, Recipient, ReleaseReceipt, StatisticalRelease
from disclosures.statistics import release_validate
from disclosures.tasks import release_compute_task
from privacy_office.admin_base import ProofAdmin


@admin.register(Recipient)
class RecipientAdmin(admin.ModelAdmin):
    list_display = ["organisation", "kind", "jurisdiction", "confidentiality_agreed_on"]
    list_filter = ["kind", "jurisdiction"]
    search_fields = ["organisation", "code"]


@admin.register(Disclosure)
class DisclosureAdmin(AuditedAdminMixin, ProofAdmin):
    list_display = ["disclosed_at", "recipient", "subject", "categories", "purpose"]
    list_filter = ["recipient", "purpose"]
    search_fields = ["=subject__username", "=reference"]
    list_select_related = ["recipient", "subject"]
    date_hierarchy = "disclosed_at"


class ReleaseForm(forms.ModelForm):
    dimensions = forms.MultipleChoiceField(
        choices=StatisticalRelease.DIMENSIONS, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = StatisticalRelease
        fields = ["name", "recipient", "dimensions", "minimum_cell"]

    def clean(self):
        cleaned = super().clean()
        try:
            release_validate(
                dimensions=cleaned.get("dimensions") or [],
                minimum_cell=cleaned.get("minimum_cell") or 0,
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field, messages)
        return cleaned


@admin.register(StatisticalRelease)
class StatisticalReleaseAdmin(admin.ModelAdmin):
    """Define a release; a worker computes it; download the CSV for the third party."""

    form = ReleaseForm
    list_display = ["name", "recipient", "status", "cells_released", "cells_suppressed", "csv"]
    readonly_fields = [
        "status",
        "refusal",
        "cells_released",
        "cells_suppressed",
        "computed_at",
        "suppression",
    ]

    def save_model(self, request, obj, form, change):
        obj.status = StatisticalRelease.Status.PENDING
        obj.result_csv = ""
        obj.refusal = ""
        super().save_model(request, obj, form, change)
        transaction.on_commit(lambda: release_compute_task.delay(obj.pk))

    @admin.display(description=_("suppression"))
    def suppression(self, obj):
        """Show each cell: its count if published, else why it was left out."""
        if not obj.cells:
            return "—"
        why = {
            "primary": _("left out: under the floor (primary)"),
            "complementary": _("left out: would give another cell away (complementary)"),
        }
        header = format_html_join("", "<th>{}</th>", ((d,) for d in obj.dimensions))
        rows = format_html_join(
            "",
            "<tr>{}<td>{}</td></tr>",
            (
                (
                    format_html_join(
                        "", "<td>{}</td>", ((value or "—",) for value in cell["cell"])
                    ),
                    why.get(cell["suppressed"], cell["people"]),
                )
                for cell in obj.cells
            ),
        )
        return format_html(
            "<table><thead><tr>{}<th>{}</th></tr></thead><tbody>{}</tbody></table>",
            header,
            _("people"),
            rows,
        )

    @admin.display(description=_("CSV"))
    def csv(self, obj):
        if obj.status != StatisticalRelease.Status.READY:
            return "—"
        url = reverse("admin:disclosures_statisticalrelease_csv", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("download"))

    def get_urls(self):
        return [
            path(
                "<int:release_id>/csv/",
                self.admin_site.admin_view(self.csv_view),
                name="disclosures_statisticalrelease_csv",
            ),
            *super().get_urls(),
        ]

    def csv_view(self, request, release_id: int):
        release = StatisticalRelease.objects.filter(pk=release_id, status="ready").first()
        if release is None or not self.has_view_permission(request, release):
            raise Http404
        response = HttpResponse(release.result_csv, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="release-{release.pk}.csv"'
        return response


@admin.register(ReleaseReceipt)
class ReleaseReceiptAdmin(admin.ModelAdmin):
    """What each recipient holds: written by the computation, never by hand."""

    list_display = ["received_at", "recipient", "release", "dimensions"]
    list_filter = ["recipient"]
    list_select_related = ["recipient", "release"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
