"""The staff queue: requests with their deadlines, filters, and the actions as buttons."""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template import Template, TemplateSyntaxError
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.dateparse import parse_date
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from audit.admin_mixins import AuditedAdminMixin
from datarequests import scans, services
from datarequests.admin_desk import AssigneeFilter, DeskAdminMixin, StateFilter
from datarequests.calendars import at_noon, zone_name
from datarequests.corrections import corrections_check
from datarequests.models import (
    OPEN_STATUSES,
    Asked,
    CalendarOverride,
    Channel,
    CorrectionItem,
    CorrespondenceTemplate,
    DataRequest,
    DispatchMethod,
    FeePayment,
    FeeQuote,
    FeeSchedule,
    Jurisdiction,
    Kind,
    PaymentDetails,
    RequestEvent,
)
from datarequests.selectors import dashboard_charts, earlier_requests, erasure_summary
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
from privacy_office.db_router import replica_page
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
            return queryset.filter(
                fee_quote__status__in=[FeeQuote.Status.QUOTED, FeeQuote.Status.ACCEPTED]
            )
        return queryset


# On a request's page, its documents are links to the audited download, never the file's URL.
SCAN_LINKS = {name: f"{name}_link" for name in scans.SCAN_FIELDS}


class EventInline(HistoryInline):
    model = RequestEvent
    fields = ["at", "type", "status", "actor", "reason_shown"]

    @admin.display(description=_("reason"))
    def reason_shown(self, event: RequestEvent) -> str:
        return event.reason_text


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
            self.add_error("agent", AGENT_NOT_HERE % {"law": jurisdiction.law_text})
        if not cleaned.get("agent_permission"):
            self.add_error("agent_permission", AGENT_NEEDS_PERMISSION)

    def _erasure_check(self, cleaned) -> None:
        if cleaned.get("kind") != Kind.ERASURE:
            if cleaned.get("erasure_categories"):
                self.add_error("erasure_categories", CATEGORIES_ONLY_FOR_ERASURE)
            return
        jurisdiction = cleaned.get("jurisdiction")
        if jurisdiction is not None and not jurisdiction.erasure_right:
            self.add_error("kind", NO_ERASURE_RIGHT % {"law": jurisdiction.law_text})
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
    amount = forms.DecimalField(required=False, max_digits=10, decimal_places=2)


# The staff's buttons, in the table's order, with its labels.
ACTIONS = {name: t.label for name, t in services.TRANSITIONS.items() if t.by == STAFF}


def _posted_date(text: str):
    """The dispatch form's date, or None when it is missing or no real day."""
    try:
        return parse_date(text.strip())
    except ValueError:
        return None


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


class ToDispatchFilter(admin.SimpleListFilter):
    """Written replies printed or to print, waiting to be posted (the dispatch's sources)."""

    title = _("written reply")
    parameter_name = "reply"

    def lookups(self, request, model_admin):
        return [("to_dispatch", _("To dispatch by post"))]

    def queryset(self, request, queryset):
        if self.value() == "to_dispatch":
            return queryset.filter(status__in=services.TRANSITIONS["dispatch"].sources)
        return queryset


@admin.register(DataRequest)
class DataRequestAdmin(DeskAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    # --- the desk's queue (issue 15): columns that fit 1280 px; admin_desk.py ---
    list_display = [
        "reference",
        "days_left",
        "due_with_zone",
        "status",
        "kind_short",
        "jurisdiction_code",
        "requester_shown",
        "assignee_shown",
        "fee_status",
        "duplicate",
    ]
    list_display_links = ["reference"]
    actions = DeskAdminMixin.desk_actions
    list_filter = [
        StateFilter,
        AssigneeFilter,
        "status",
        WaitingForFilter,
        "kind",
        "jurisdiction",
        "channel",
        DueFilter,
        NoticeDueFilter,
        FeeOutstandingFilter,
        ToDispatchFilter,
    ]
    list_select_related = ["jurisdiction", "fee_quote", "requester", "assignee"]
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

    @admin.display(description=_("duplicate?"), boolean=True)
    def duplicate(self, obj):
        return obj.duplicate_of_id is not None

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
            "assignee_shown",
            "channel",
            *entered,
            "received",
            "identity_method",
            "due",
            "next_notice",
            "manifestly_excessive_reason",
            "duplicate_link",
            "earlier",
            "rules_version",
        ]

    @admin.display(description=_("possible duplicate of"))
    def duplicate_link(self, obj):
        if obj.duplicate_of_id is None:
            return "—"
        url = reverse("admin:datarequests_datarequest_change", args=[obj.duplicate_of_id])
        return format_html(
            '<a href="{}">{}</a>',
            url,
            _("request %(id)s, still open when this one came in") % {"id": obj.duplicate_of_id},
        )

    @admin.display(description=_("the person's earlier requests of this kind"))
    def earlier(self, obj):
        rows = [
            format_html(
                '<li><a href="{}">{}</a> {} · {}</li>',
                reverse("admin:datarequests_datarequest_change", args=[earlier.pk]),
                earlier.pk,
                day_in(earlier.received_at, earlier.jurisdiction),
                earlier.get_status_display(),
            )
            for earlier in earlier_requests(obj)[:50]
        ]
        if not rows:
            return _("none")
        return format_html("<ul>{}</ul>", format_html_join("", "{}", ((row,) for row in rows)))

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

    def reply_pack_view(self, request, request_id: int):
        """The print pack of a postal reply (letter and data as one PDF); the read is audited."""
        try:
            pack = services.reply_pack_read(
                request_id=request_id, actor=request.user, now=clock.now()
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(reverse("admin:datarequests_datarequest_change", args=[request_id]))
        if pack is None:
            raise Http404
        response = HttpResponse(pack, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="request-{request_id}-reply.pdf"'
        return response

    def reply_export_view(self, request, request_id: int):
        """The export of a postal reply as a zip, to send on a medium; the read is audited."""
        try:
            chunks = services.reply_export_read(
                request_id=request_id, actor=request.user, now=clock.now()
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(reverse("admin:datarequests_datarequest_change", args=[request_id]))
        if chunks is None:
            raise Http404
        response = StreamingHttpResponse(chunks, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="request-{request_id}-data.zip"'
        return response

    def fee_letter_view(self, request, request_id: int):
        """The fee quote as a letter to post, with where to pay; the read is audited."""
        letter = services.fee_letter_read(
            request_id=request_id, actor=request.user, now=clock.now()
        )
        if letter is None:
            raise Http404
        response = HttpResponse(letter, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="request-{request_id}-fee.pdf"'
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
                self.admin_site.admin_view(replica_page(self.dashboard_view)),
                name="datarequests_dashboard",
            ),
            path(
                "<int:request_id>/scan/<str:which>/",
                self.admin_site.admin_view(self.scan_view),
                name="datarequests_datarequest_scan",
            ),
            path(
                "<int:request_id>/reply-pack/",
                self.admin_site.admin_view(self.reply_pack_view),
                name="datarequests_datarequest_reply_pack",
            ),
            path(
                "<int:request_id>/reply-export/",
                self.admin_site.admin_view(self.reply_export_view),
                name="datarequests_datarequest_reply_export",
            ),
            path(
                "<int:request_id>/fee-letter/",
                self.admin_site.admin_view(self.fee_letter_view),
                name="datarequests_datarequest_fee_letter",
            ),
            path(
                "<int:request_id>/act/<str:action>/",
                self.admin_site.admin_view(self.act_view),
                name="datarequests_datarequest_act",
            ),
            *self.desk_urls(),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            available = services.actions_available(obj, request.user)
            context["request_actions"] = [
                (name, label) for name, label in ACTIONS.items() if name in available
            ]
            context["refusal_grounds"] = obj.jurisdiction.refusal_grounds
            context["replies_by_post"] = obj.kind == Kind.ACCESS and services.replies_by_post(obj)
            context["dispatch"] = getattr(obj, "dispatch", None)
            context["dispatch_methods"] = DispatchMethod.choices
            context.update(self.desk_context(request, obj))
            context["erasure"] = erasure_summary(obj)
            context["recipient_notices"] = RecipientNotice.objects.filter(
                request_id=obj.pk
            ).select_related("recipient")
        return super().render_change_form(request, context, add, change, form_url, obj)

    def dashboard_view(self, request):
        if not request.user.has_perm("audit.view_reports"):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("Requests dashboard"),
            **dashboard_charts(now=clock.now()),
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
        # The desk (issue 15): an action that cannot be undone is confirmed on its own page.
        consequence = services.TRANSITIONS[action].consequence
        if consequence and request.POST.get("confirmed") != "1":
            context = {
                **self.admin_site.each_context(request),
                "title": _("Are you sure?"),
                "original": obj,
                "action": action,
                "label": ACTIONS[action],
                "consequence": consequence,
                "text": text,
                "ground": ground,
                "back": back,
                "opts": self.model._meta,
            }
            return TemplateResponse(
                request, "admin/datarequests/datarequest/confirm_action.html", context
            )
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
            "paid": lambda: services.fee_payment_record(
                request_id=request_id,
                actor=actor,
                amount=request.POST.get("amount", ""),
                currency=request.POST.get("currency", ""),
                reference=text,
                now=now,
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
            "mark_excessive": lambda: services.manifestly_excessive_mark(
                request_id=request_id, actor=actor, reason=text, now=now
            ),
            "revise_fee": lambda: services.fee_revise(
                request_id=request_id,
                actor=actor,
                amount=form.cleaned_data.get("amount"),
                reason=text,
                now=now,
            ),
            "accept_estimate_recorded": lambda: services.fee_estimate_answer(
                request_id=request_id,
                requester=None,
                accept=True,
                recorded_by=actor,
                now=now,
            ),
            "decline_estimate_recorded": lambda: services.fee_estimate_answer(
                request_id=request_id,
                requester=None,
                accept=False,
                recorded_by=actor,
                now=now,
            ),
            "dispatch": lambda: services.reply_dispatch(
                request_id=request_id,
                actor=actor,
                dispatched_on=_posted_date(request.POST.get("dispatched_on", "")),
                method=request.POST.get("method", ""),
                tracking=request.POST.get("tracking", ""),
                now=now,
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


class RuleChangeForm(forms.ModelForm):
    """A rule's form: every change says why (it goes to the audit trail with who made it)."""

    change_reason = forms.CharField(
        label=_("why this change"),
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text=_("Kept in the audit trail with your name: the law, a guidance, a correction."),
    )


class RuleChangeAdmin(admin.ModelAdmin):
    """Rules are changed with a reason, audited, and never deleted (a request cites them)."""

    form = RuleChangeForm

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.rule_change_save(
            obj=obj,
            actor=request.user,
            reason=form.cleaned_data["change_reason"],
            changed=[name for name in form.changed_data if name != "change_reason"],
            now=clock.now(),
        )


@admin.register(Jurisdiction)
class JurisdictionAdmin(RuleChangeAdmin):
    list_display = [
        "code",
        "name",
        "law",
        "deadline_amount",
        "deadline_unit",
        "zone",
        "holiday_country",
        "access_fee",
        "rules_version",
    ]
    readonly_fields = ["rules_version"]

    @admin.display(description=_("time zone"))
    def zone(self, obj):
        return zone_name(obj)


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(RuleChangeAdmin):
    """Staff's corrections of the holidays library's calendar: add or remove a day off."""

    list_display = ["jurisdiction", "date", "day_off", "description"]
    list_filter = ["jurisdiction", "day_off"]
    date_hierarchy = "date"


@admin.register(FeeSchedule)
class FeeScheduleAdmin(RuleChangeAdmin):
    list_display = ["jurisdiction", "kind", "base_amount", "per_thousand_records", "postage"]
    list_filter = ["jurisdiction", "kind"]


# Where each jurisdiction's fees are paid (issue 15, item 3): shown on every quote.
@admin.register(PaymentDetails)
class PaymentDetailsAdmin(admin.ModelAdmin):
    list_display = ["jurisdiction", "payee", "bank_name", "reference_prefix"]


@admin.register(FeePayment)
class FeePaymentAdmin(admin.ModelAdmin):
    list_display = ["quote", "amount", "currency", "reference", "actor", "recorded_at"]
    readonly_fields = ["quote", "amount", "currency", "reference", "actor", "recorded_at"]

    def has_add_permission(self, request):
        return False  # recorded with the "Fee paid" button on the request, checked there

    def has_delete_permission(self, request, obj=None):
        return False


# --- the desk (issue 15): correspondence templates staff edit, per language ---------------


class CorrespondenceTemplateForm(forms.ModelForm):
    class Meta:
        model = CorrespondenceTemplate
        fields = ["key", "language", "subject", "body"]

    def clean(self):
        cleaned = super().clean()
        for name in ("subject", "body"):
            try:
                Template(cleaned.get(name) or "")
            except TemplateSyntaxError as error:
                self.add_error(
                    name, _("This template does not compile: %(error)s") % {"error": error}
                )
        return cleaned


@admin.register(CorrespondenceTemplate)
class CorrespondenceTemplateAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = CorrespondenceTemplateForm
    list_display = ["key", "language", "subject", "updated_at"]
    list_filter = ["key", "language"]
