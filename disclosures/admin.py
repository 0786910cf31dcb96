from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from audit.admin_mixins import AuditedAdminMixin
from disclosures.models import (
    Disclosure,
    NoticeEvent,
    Recipient,
    RecipientNotice,
    ReleaseReceipt,
    StatisticalRelease,
)
from disclosures.notices import notice_acknowledge, notice_not_sent
from disclosures.statistics import release_validate
from disclosures.tasks import release_compute_task
from privacy_office import clock
from privacy_office.admin_base import ProofAdmin


class RecipientForm(forms.ModelForm):
    """The webhook secret is written, never shown: left empty on a change, it stays as it was."""

    webhook_url = forms.URLField(
        label=_("webhook URL"), required=False, max_length=500, assume_scheme="https"
    )
    webhook_secret = forms.CharField(
        label=_("webhook secret"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Signs each webhook (HMAC-SHA256); kept encrypted, never shown or logged."),
    )

    class Meta:
        model = Recipient
        fields = [
            "code",
            "organisation",
            "kind",
            "service",
            "jurisdiction",
            "confidentiality_agreed_on",
            "notify_by",
            "notify_email",
            "webhook_url",
            "webhook_secret",
            "reminder_days",
            "acknowledge_within_days",
        ]

    def clean_webhook_secret(self):
        return self.cleaned_data.get("webhook_secret") or (
            self.instance.webhook_secret if self.instance.pk else ""
        )


@admin.register(Recipient)
class RecipientAdmin(admin.ModelAdmin):
    form = RecipientForm
    list_display = [
        "organisation",
        "kind",
        "jurisdiction",
        "confidentiality_agreed_on",
        "notify_by",
    ]
    list_filter = ["kind", "jurisdiction", "notify_by"]
    search_fields = ["organisation", "code"]


class NoticeEventInline(admin.TabularInline):
    model = NoticeEvent
    fields = ["at", "state", "what"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class NoticeActionForm(admin.helpers.ActionForm):
    reason = forms.CharField(label=_("reason (for “not sent”)"), required=False, max_length=150)


@admin.register(RecipientNotice)
class RecipientNoticeAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Each notice with its history; staff record an acknowledgement that came by post."""

    list_display = ["created_at", "recipient", "kind", "request_id", "state", "acknowledge_by"]
    list_filter = ["state", "kind", "recipient"]
    search_fields = ["=request_id", "=delivery_id"]
    list_select_related = ["recipient"]
    readonly_fields = [
        "recipient",
        "subject",
        "request_id",
        "kind",
        "delivery_id",
        "state",
        "attempts",
        "reminders",
        "created_at",
        "last_sent_at",
        "acknowledge_by",
        "acknowledged_at",
    ]
    exclude = ["payload"]
    inlines = [NoticeEventInline]
    actions = ["postal_acknowledgement", "not_sent"]
    action_form = NoticeActionForm

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Record an acknowledgement received by post"))
    def postal_acknowledgement(self, request, queryset):
        for notice in queryset:
            notice_acknowledge(
                delivery_id=notice.delivery_id,
                how=str(_("acknowledgement received by post, recorded by %(who)s"))
                % {"who": request.user.get_username()},
                now=clock.now(),
            )
        self.message_user(request, _("Acknowledgements recorded."))

    @admin.action(
        description=_("Record that telling the recipient is impossible or disproportionate")
    )
    def not_sent(self, request, queryset):
        reason = request.POST.get("reason", "")
        try:
            for notice in queryset:
                notice_not_sent(
                    notice_id=notice.pk, reason=reason, actor=request.user, now=clock.now()
                )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), level="error")
            return
        self.message_user(request, _("Recorded as not sent, with the reason."))


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
