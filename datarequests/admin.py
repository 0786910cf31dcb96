"""The staff queue: requests with their deadlines, filters, and the actions as buttons."""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from audit.admin_mixins import AuditedAdminMixin
from datarequests import scans, services
from datarequests.calendars import at_noon, local_day, zone_name
from datarequests.corrections import corrections_check
from datarequests.models import (
    OPEN_STATUSES,
    Asked,
    CalendarOverride,
    Channel,
    CorrectionItem,
    DataRequest,
    FeeQuote,
    FeeSchedule,
    Jurisdiction,
    Kind,
    RequestEvent,
)
from datarequests.selectors import dashboard_counts, erasure_summary
from datarequests.services.intake import (
    AGENT_JURISDICTIONS,
    AGENT_NEEDS_PERMISSION,
    AGENT_NOT_HERE,
    CATEGORIES_ONLY_FOR_ERASURE,
    ERASURE_NEEDS_ACCOUNT,
    NO_ERASURE_RIGHT,
)
from datarequests.services.transitions import STAFF
from datarequests.templatetags.request_dates import day_in
from disclosures.models import RecipientNotice
from disclosures.selectors import notice_counts
from privacy_office import clock
from privacy_office.admin_base import HistoryInline
from privacy_office.registry import Category


class DueFilter(admin.SimpleListFilter):
    title = _("deadline")
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [
            ("overdue", _("Overdue")),
            ("3", _("Due within 3 days")),
            ("7", _("Due within 7 days")),
        ]

    def queryset(self, request, queryset):
        now = clock.now()
        open_requests = queryset.filter(status__in=OPEN_STATUSES)
        if self.value() == "overdue":
            return open_requests.filter(due_at__lt=now)
        if self.value() in {"3", "7"}:
            return open_requests.filter(
                due_at__gte=now, due_at__lt=now + timedelta(days=int(self.value()))
            )
        return queryset


class NoticeDueFilter(admin.SimpleListFilter):
    """Open requests with a notice the law asks for still to send (HK s.19(2), SG, CCPA)."""

    title = _("notice")
    parameter_name = "notice"

    def lookups(self, request, model_admin):
        return [("overdue", _("Notice overdue")), ("pending", _("Notice to send"))]

    def queryset(self, request, queryset):
        open_requests = queryset.filter(status__in=OPEN_STATUSES, notice_due_at__isnull=False)
        if self.value() == "overdue":
            return open_requests.filter(notice_due_at__lt=clock.now())
        if self.value() == "pending":
            return open_requests
        return queryset


class FeeOutstandingFilter(admin.SimpleListFilter):
    title = _("fee")
    parameter_name = "fee"

    def lookups(self, request, model_admin):
        return [("outstanding", _("Outstanding"))]

    def queryset(self, request, queryset):
        if self.value() == "outstanding":
            return queryset.filter(fee_quote__status=FeeQuote.Status.QUOTED)
        return queryset


# On a request's page, its documents are links to the audited download, never the file's URL.
SCAN_LINKS = {name: f"{name}_link" for name in scans.SCAN_FIELDS}


class EventInline(HistoryInline):
    model = RequestEvent
    fields = ["at", "type", "status", "actor", "reason"]


class CorrectionInline(HistoryInline):
    model = CorrectionItem
    fields = ["field", "object_id", "old_value", "new_value", "applied_at"]


class LetterForm(forms.ModelForm):
    """A written request entered by staff: the envelope's stamp date starts the clock."""

    envelope_date = forms.DateField(
        label=_("date on the envelope stamp"), widget=forms.DateInput(attrs={"type": "date"})
    )
    corrections_text = forms.CharField(
        label=_("corrections asked for"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_(
            "One a line, as the data map names the field: accounts.User.phone = +86 571 0000 0000"
        ),
    )

    erasure_categories = forms.MultipleChoiceField(
        label=_("erase only these categories"),
        choices=Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Erasure only. None ticked: all of the person's data."),
    )

    class Meta:
        model = DataRequest
        fields = [
            "kind",
            "jurisdiction",
            "requester",
            "minor",
            "minor_named",
            "guardianship_document",
            "requester_name",
            "requester_email",
            "requester_phone",
            "postal_address",
            "language",
            "details",
            "letter_scan",
            "agent",
            "agent_permission",
        ]

    def clean(self):
        cleaned = super().clean()
        named = cleaned.get("minor") is not None or (cleaned.get("minor_named") or "").strip()
        if cleaned.get("kind") == Kind.GUARDIAN_DELETION and not named:
            self.add_error("minor", _("Name the minor's account whose data is to be deleted."))
        cleaned["corrections"] = self._corrections(cleaned)
        self._erasure_check(cleaned)
        self._agent_check(cleaned)
        if not cleaned.get("postal_address"):
            self.add_error(
                "postal_address",
                _("A written request is answered in writing: give the postal address."),
            )
        if cleaned.get("envelope_date") and cleaned["envelope_date"] > clock.today():
            self.add_error("envelope_date", _("The stamp date cannot be in the future."))
        return cleaned

    def _agent_check(self, cleaned) -> None:
        if cleaned.get("agent") is None:
            return
        jurisdiction = cleaned.get("jurisdiction")
        if jurisdiction is not None and jurisdiction.code not in AGENT_JURISDICTIONS:
            self.add_error("agent", AGENT_NOT_HERE % {"law": jurisdiction.law})
        if not cleaned.get("agent_permission"):
            self.add_error("agent_permission", AGENT_NEEDS_PERMISSION)

    def _erasure_check(self, cleaned) -> None:
        if cleaned.get("kind") != Kind.ERASURE:
            if cleaned.get("erasure_categories"):
                self.add_error("erasure_categories", CATEGORIES_ONLY_FOR_ERASURE)
            return
        jurisdiction = cleaned.get("jurisdiction")
        if jurisdiction is not None and not jurisdiction.erasure_right:
            self.add_error("kind", NO_ERASURE_RIGHT % {"law": jurisdiction.law})
        if cleaned.get("requester") is None:
            self.add_error("requester", ERASURE_NEEDS_ACCOUNT)

    def _corrections(self, cleaned) -> list[dict]:
        if cleaned.get("kind") != Kind.CORRECTION:
            return []
        if cleaned.get("requester") is None:
            self.add_error("requester", _("Name the account whose data is to be corrected."))
            return []
        lines = [line for line in cleaned.get("corrections_text", "").splitlines() if line.strip()]
        corrections = []
        for line in lines:
            field, separator, value = line.partition("=")
            if not separator:
                self.add_error("corrections_text", _("Write each line as field = new value."))
                return []
            corrections.append({"field": field.strip(), "value": value.strip()})
        if not corrections:
            self.add_error("corrections_text", _("Write at least one correction."))
            return []
        try:
            corrections_check(user=cleaned["requester"], corrections=corrections)
        except ValidationError as error:
            self.add_error("corrections_text", error.messages)
        return corrections


class ActionForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 2, "cols": 60}), required=False)
    ground = forms.CharField(required=False)


# The staff's buttons, in the table's order, with its labels.
ACTIONS = {name: t.label for name, t in services.TRANSITIONS.items() if t.by == STAFF}


class WaitingForFilter(admin.SimpleListFilter):
    """The requests a staff action may start from now (identity, payment, review)."""

    title = _("action")
    parameter_name = "waiting_for"

    def lookups(self, request, model_admin):
        # One choice per set of statuses (paying and waiving wait for the same), leaving out
        # the actions open to every open request (extend, refuse).
        seen = {services.TRANSITIONS["refuse"].sources}
        choices = []
        for name in ACTIONS:
            sources = services.TRANSITIONS[name].sources
            if sources not in seen:
                seen.add(sources)
                choices.append((name, services.TRANSITIONS[name].label))
        return choices

    def queryset(self, request, queryset):
        if self.value() in ACTIONS:
            return queryset.filter(status__in=services.TRANSITIONS[self.value()].sources)
        return queryset


@admin.register(DataRequest)
class DataRequestAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = [
        "pk",
        "kind",
        "status",
        "jurisdiction",
        "channel",
        "received",
        "due",
        "days_left",
        "next_notice",
        "fee_status",
    ]
    list_filter = [
        "status",
        WaitingForFilter,
        "kind",
        "jurisdiction",
        "channel",
        DueFilter,
        NoticeDueFilter,
        FeeOutstandingFilter,
    ]
    list_select_related = ["jurisdiction", "fee_quote"]
    search_fields = ["=pk", "=requester__username"]
    raw_id_fields = ["requester", "minor", "agent"]
    ordering = ["due_at"]
    inlines = [CorrectionInline, EventInline]
    show_full_result_count = False
    change_form_template = "admin/datarequests/datarequest/change_form.html"

    @admin.display(description=_("received"), ordering="received_at")
    def received(self, obj):
        return day_in(obj.received_at, obj.jurisdiction)

    @admin.display(description=_("due"), ordering="due_at")
    def due(self, obj):
        return day_in(obj.due_at, obj.jurisdiction) or "—"

    @admin.display(description=_("next notice due"), ordering="notice_due_at")
    def next_notice(self, obj):
        if obj.notice_due_at is None or obj.status not in OPEN_STATUSES:
            return "—"
        return day_in(obj.notice_due_at, obj.jurisdiction)

    @admin.display(description=_("days left"))
    def days_left(self, obj):
        if obj.due_at is None or obj.status not in OPEN_STATUSES:
            return "—"
        jurisdiction = obj.jurisdiction
        days = (local_day(jurisdiction, obj.due_at) - local_day(jurisdiction, clock.now())).days
        colour = "#a4000f" if days < 0 else "#b86e00" if days <= 3 else "inherit"
        return format_html('<span style="color:{}">{}</span>', colour, days)

    @admin.display(description=_("fee"))
    def fee_status(self, obj):
        quote = getattr(obj, "fee_quote", None)
        return f"{quote.amount} {quote.currency} {quote.get_status_display()}" if quote else "—"

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = LetterForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return [
                *LetterForm.Meta.fields,
                "corrections_text",
                "erasure_categories",
                "envelope_date",
            ]
        entered = [SCAN_LINKS.get(name, name) for name in LetterForm.Meta.fields if name != "kind"]
        return [
            "kind",
            "status",
            "channel",
            *entered,
            "received",
            "identity_method",
            "due",
            "next_notice",
        ]

    @admin.display(description=_("scan of the letter"))
    def letter_scan_link(self, obj):
        return self._scan_link(obj, "letter_scan")

    @admin.display(description=_("proof of guardianship"))
    def guardianship_document_link(self, obj):
        return self._scan_link(obj, "guardianship_document")

    @admin.display(description=_("the person's signed permission for the agent"))
    def agent_permission_link(self, obj):
        return self._scan_link(obj, "agent_permission")

    def _scan_link(self, obj, which: str):
        if not getattr(obj, which):
            return "—"
        url = reverse("admin:datarequests_datarequest_scan", args=[obj.pk, which])
        return format_html('<a href="{}">{}</a>', url, _("download (the read is audited)"))

    def scan_view(self, request, request_id: int, which: str):
        scan = scans.scan_read(
            request_id=request_id, which=which, actor=request.user, now=clock.now()
        )
        if scan is None:
            raise Http404
        response = StreamingHttpResponse(scan.chunks, content_type=scan.content_type)
        response["Content-Disposition"] = f'attachment; filename="{scan.filename}"'
        return response

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj) if obj else []

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return
        stamp = form.cleaned_data["envelope_date"]
        created = services.data_request_submit(
            requester=services.Requester(
                user=obj.requester,
                name=obj.requester_name,
                email=obj.requester_email,
                phone=obj.requester_phone,
                postal_address=obj.postal_address,
            ),
            kind=obj.kind,
            jurisdiction_code=obj.jurisdiction.code,
            channel=Channel.LETTER,
            details=obj.details,
            corrections=form.cleaned_data["corrections"],
            language=obj.language,
            received_at=at_noon(obj.jurisdiction, stamp),  # the stamp's day where the law counts
            letter_scan=form.cleaned_data.get("letter_scan") or None,
            minor=obj.minor,
            minor_named=obj.minor_named,
            guardianship_document=form.cleaned_data.get("guardianship_document") or None,
            categories=form.cleaned_data.get("erasure_categories") or [],
            agent=obj.agent,
            agent_permission=form.cleaned_data.get("agent_permission") or None,
            entered_by=request.user,
            now=clock.now(),
        )
        obj.pk = created.pk

    def save_related(self, request, form, formsets, change):
        if change:
            super().save_related(request, form, formsets, change)

    def get_urls(self):
        return [
            path(
                "dashboard/",
                self.admin_site.admin_view(self.dashboard_view),
                name="datarequests_dashboard",
            ),
            path(
                "<int:request_id>/scan/<str:which>/",
                self.admin_site.admin_view(self.scan_view),
                name="datarequests_datarequest_scan",
            ),
            path(
                "<int:request_id>/act/<str:action>/",
                self.admin_site.admin_view(self.act_view),
                name="datarequests_datarequest_act",
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            available = services.actions_available(obj, request.user)
            context["request_actions"] = [
                (name, label) for name, label in ACTIONS.items() if name in available
            ]
            context["refusal_grounds"] = obj.jurisdiction.refusal_grounds
            context["erasure"] = erasure_summary(obj)
            context["recipient_notices"] = RecipientNotice.objects.filter(
                request_id=obj.pk
            ).select_related("recipient")
        return super().render_change_form(request, context, add, change, form_url, obj)

    def dashboard_view(self, request):
        if not request.user.has_perm("audit.view_reports"):
            raise PermissionDenied
        counts = dashboard_counts(now=clock.now())
        largest = max([n for _name, n in counts["by_deadline"]] + [1])
        context = {
            **self.admin_site.each_context(request),
            "title": _("Requests dashboard"),
            "by_status": counts["by_status"],
            "notices": counts["notices"],
            "by_deadline": [
                (name, n, round(100 * n / largest)) for name, n in counts["by_deadline"]
            ],
            "opts": self.model._meta,
            **notice_counts(),
        }
        return TemplateResponse(request, "admin/datarequests/dashboard.html", context)

    def act_view(self, request, request_id: int, action: str):
        obj = get_object_or_404(DataRequest, pk=request_id)
        back = reverse("admin:datarequests_datarequest_change", args=[request_id])
        if request.method != "POST" or action not in ACTIONS:
            return redirect(back)
        permission = services.TRANSITIONS[action].permission
        if not self.has_change_permission(request, obj) or not request.user.has_perm(permission):
            raise PermissionDenied
        form = ActionForm(request.POST)
        form.is_valid()
        text, ground = form.cleaned_data.get("text", ""), form.cleaned_data.get("ground", "")
        now, actor = clock.now(), request.user
        calls = {
            "verify": lambda: services.identity_verify(
                request_id=request_id,
                actor=actor,
                method=text,
                now=now,
                guardianship_document=request.FILES.get("document"),
                minor_name=request.POST.get("minor", ""),
            ),
            "paid": lambda: services.fee_settle(
                request_id=request_id, actor=actor, waived=False, note=text, now=now
            ),
            "waive": lambda: services.fee_settle(
                request_id=request_id, actor=actor, waived=True, note=text, now=now
            ),
            "approve": lambda: services.correction_approve(
                request_id=request_id, actor=actor, now=now
            ),
            "approve_erasure": lambda: services.guardian_erasure_approve(
                request_id=request_id, actor=actor, override_reason=text, now=now
            ),
            "ask_identity": lambda: services.requester_ask(
                request_id=request_id, actor=actor, asked=Asked.IDENTITY, text=text, now=now
            ),
            "ask_clarification": lambda: services.requester_ask(
                request_id=request_id, actor=actor, asked=Asked.CLARIFICATION, text=text, now=now
            ),
            "answered": lambda: services.requester_answer(
                request_id=request_id, actor=actor, note=text, now=now
            ),
            "extend": lambda: services.deadline_extend(
                request_id=request_id, actor=actor, reason=text, now=now
            ),
            "confirm_receipt": lambda: services.receipt_confirm_send(
                request_id=request_id, actor=actor, now=now
            ),
            "notify_delay": lambda: services.delay_notice_send(
                request_id=request_id, actor=actor, text=text, now=now
            ),
            "refuse": lambda: services.data_request_refuse(
                request_id=request_id, actor=actor, ground=ground, explanation=text, now=now
            ),
        }
        try:
            calls[action]()
        except services.AlreadyMoved as error:
            messages.error(request, str(error))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Done: %(action)s.") % {"action": ACTIONS[action]})
        return redirect(back)


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "law",
        "deadline_amount",
        "deadline_unit",
        "zone",
        "holiday_country",
        "access_fee",
    ]

    @admin.display(description=_("time zone"))
    def zone(self, obj):
        return zone_name(obj)


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    """Staff's corrections of the holidays library's calendar: add or remove a day off."""

    list_display = ["jurisdiction", "date", "day_off", "description"]
    list_filter = ["jurisdiction", "day_off"]
    date_hierarchy = "date"


class FeeScheduleForm(forms.ModelForm):
    class Meta:
        model = FeeSchedule
        fields = ["jurisdiction", "kind", "base_amount", "per_thousand_records", "postage"]

    def clean(self):
        cleaned = super().clean()
        jurisdiction = cleaned.get("jurisdiction")
        charged = any(cleaned.get(f) for f in ("base_amount", "per_thousand_records", "postage"))
        if (
            jurisdiction is not None
            and cleaned.get("kind") == Kind.CORRECTION
            and jurisdiction.correction_fee_banned
            and charged
        ):
            raise ValidationError(
                _("The law of %(code)s bans a fee for corrections.") % {"code": jurisdiction.code}
            )
        return cleaned


@admin.register(FeeSchedule)
class FeeScheduleAdmin(admin.ModelAdmin):
    form = FeeScheduleForm
    list_display = ["jurisdiction", "kind", "base_amount", "per_thousand_records", "postage"]
    list_filter = ["jurisdiction", "kind"]
