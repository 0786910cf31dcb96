"""The staff desk in the request queue (issue 15): assignee, internal notes, the queue's
columns and filters, and its bulk actions (assign, remind, export the list as CSV).

``DataRequestAdmin`` takes this mixin; the rest of the queue stays in ``admin.py``.
"""

from __future__ import annotations

import csv
import io

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from datarequests import services
from datarequests.calendars import local_day, zone_name, zone_of
from datarequests.exports import csv_formulas_neutralise
from datarequests.models import (
    OPEN_STATUSES,
    DataRequest,
    DispatchMethod,
    InternalNote,
    Kind,
    MessageChannel,
    SentMessage,
)
from datarequests.selectors import letters_to_post
from privacy_office import clock
from privacy_office.fields import MASK
from privacy_office.logging import mask_text

# The queue's narrow names of the kinds (the request's page keeps the full ones).
KIND_SHORT = {
    Kind.ACCESS: _("access"),
    Kind.CORRECTION: _("correction"),
    Kind.GUARDIAN_DELETION: _("minor's deletion"),
    Kind.ERASURE: _("erasure"),
}

# Amber from this many days left; red once overdue.
AMBER_DAYS = 3


class StateFilter(admin.SimpleListFilter):
    """Open requests unless closed ones are asked for: the queue is the work still to do."""

    title = _("open or closed")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("open", _("Open")), ("closed", _("Closed")), ("all", _("All"))]

    def choices(self, changelist):
        current = self.value() or "open"
        for value, label in self.lookup_choices:
            yield {
                "selected": current == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        if self.value() == "closed":
            return queryset.exclude(status__in=OPEN_STATUSES)
        if self.value() == "all":
            return queryset
        return queryset.filter(status__in=OPEN_STATUSES)


class AssigneeFilter(admin.SimpleListFilter):
    title = _("assignee")
    parameter_name = "assignee"

    def lookups(self, request, model_admin):
        return [("mine", _("Mine")), ("unassigned", _("Unassigned"))]

    def queryset(self, request, queryset):
        if self.value() == "mine":
            return queryset.filter(assignee=request.user)
        if self.value() == "unassigned":
            return queryset.filter(assignee__isnull=True)
        return queryset


def requester_masked(obj: DataRequest) -> str:
    """The requester as lists show people: the user name, or the name given with all but
    each word's first letter hidden, or the email masked as the logs mask it."""
    if obj.requester_id is not None:
        return obj.requester.username
    words = obj.requester_name.split()
    if words:
        # The first and last names' initials: enough to tell two requesters apart in a list.
        return " ".join(word[0] + MASK for word in (words[0], words[-1])[: len(words)])
    return mask_text(obj.requester_email) if obj.requester_email else "—"


def address_masked(text: str) -> str:
    """A postal address as lists show it: each word's first letter, the rest hidden."""
    words = text.split()
    return " ".join(word[0] + MASK for word in words) if words else "—"


def _with_lateness(messages_, now):
    for message in messages_:
        message.lateness = services.letter_lateness(message, now=now)
        message.to_shown = (
            address_masked(message.to) if message.channel == MessageChannel.LETTER else message.to
        )
    return messages_


def _posted_on(text: str):
    from django.utils.dateparse import parse_date

    try:
        return parse_date(text.strip())
    except ValueError:
        return None


def days_left_of(obj: DataRequest) -> int | None:
    if obj.due_at is None or obj.status not in OPEN_STATUSES:
        return None
    jurisdiction = obj.jurisdiction
    return (local_day(jurisdiction, obj.due_at) - local_day(jurisdiction, clock.now())).days


def days_left_text(days: int) -> str:
    if days < 0:
        return ngettext("overdue by %(n)s day", "overdue by %(n)s days", -days) % {"n": -days}
    if days == 0:
        return str(_("due today"))
    return ngettext("%(n)s day left", "%(n)s days left", days) % {"n": days}


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        queryset=None, required=False, label=_("assignee"), empty_label=_("nobody (unassign)")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        self.fields["assignee"].queryset = get_user_model().objects.filter(
            pk__in=[user.pk for user in services.handlers()]
        )


class DeskAdminMixin:
    """Columns, filters, actions and views of the desk, for ``DataRequestAdmin``."""

    desk_actions = ["assign_selected", "remind_selected", "export_selected_csv"]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # One zone per screen: every time on a request's page is in its jurisdiction's zone
        # (the zone its deadline is counted in), said once at the top.
        found = (
            DataRequest.objects.select_related("jurisdiction").filter(pk=object_id).first()
            if str(object_id).isdigit()
            else None
        )
        if found is None:
            return super().change_view(request, object_id, form_url, extra_context)
        zone = zone_name(found.jurisdiction)
        extra_context = {"desk_zone": zone, **(extra_context or {})}
        with timezone.override(zone_of(found.jurisdiction)):
            response = super().change_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render"):
                response.render()
        return response

    def changelist_view(self, request, extra_context=None):
        # The queue needs the width: the app menu stays on every other admin page.
        extra_context = {"is_nav_sidebar_enabled": False, **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    # --- columns ---------------------------------------------------------------------------

    @admin.display(description=_("ref."), ordering="pk")
    def reference(self, obj):
        return f"#{obj.pk}"

    @admin.display(description=_("requester"))
    def requester_shown(self, obj):
        return requester_masked(obj)

    @admin.display(description=_("kind"), ordering="kind")
    def kind_short(self, obj):
        return KIND_SHORT.get(obj.kind, obj.get_kind_display())

    @admin.display(description=_("law"), ordering="jurisdiction__code")
    def jurisdiction_code(self, obj):
        return obj.jurisdiction.code

    @admin.display(description=_("assignee"), ordering="assignee__username")
    def assignee_shown(self, obj):
        return obj.assignee.username if obj.assignee_id else "—"

    @admin.display(description=_("due (zone)"), ordering="due_at")
    def due_with_zone(self, obj):
        if obj.due_at is None:
            return "—"
        day = local_day(obj.jurisdiction, obj.due_at)
        return format_html("{}<br><small>{}</small>", day.isoformat(), zone_name(obj.jurisdiction))

    @admin.display(description=_("days left"))
    def days_left(self, obj):
        days = days_left_of(obj)
        if days is None:
            return "—"
        # Colour repeats what the words say (overdue, due soon); it is never the only sign.
        style = "overdue" if days < 0 else "soon" if days <= AMBER_DAYS else "ok"
        return format_html(
            '<span class="days-left days-left-{}">{}</span>', style, days_left_text(days)
        )

    @admin.display(description=_("fee"))
    def fee_status(self, obj):
        quote = getattr(obj, "fee_quote", None)
        return quote.get_status_display() if quote else "—"

    # --- bulk actions ----------------------------------------------------------------------

    @admin.action(description=_("Assign the selected requests"))
    def assign_selected(self, request, queryset):
        if not request.user.has_perm(services.transitions.CHANGE):
            raise PermissionDenied
        if "apply" in request.POST:
            form = AssignForm(request.POST)
            if form.is_valid():
                assignee = form.cleaned_data["assignee"]
                done = 0
                for request_id in queryset.values_list("pk", flat=True):
                    try:
                        services.data_request_assign(
                            request_id=request_id,
                            assignee=assignee,
                            actor=request.user,
                            now=clock.now(),
                        )
                        done += 1
                    except ValidationError:
                        continue  # already theirs
                messages.success(
                    request,
                    ngettext("%(n)s request assigned.", "%(n)s requests assigned.", done)
                    % {"n": done},
                )
                return None
        else:
            form = AssignForm()
        context = {
            **self.admin_site.each_context(request),
            "title": _("Assign the selected requests"),
            "form": form,
            "chosen": queryset.select_related("jurisdiction"),
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/datarequests/datarequest/assign.html", context)

    @admin.action(description=_("Remind the assignees of the selected requests"))
    def remind_selected(self, request, queryset):
        sent = services.requests_remind(
            request_ids=queryset.values_list("pk", flat=True), actor=request.user, now=clock.now()
        )
        messages.success(
            request,
            ngettext("%(n)s reminder sent.", "%(n)s reminders sent.", sent) % {"n": sent}
            + " "
            + str(_("Unassigned and closed requests get none.")),
        )

    @admin.action(description=_("Export the selected requests as CSV"))
    def export_selected_csv(self, request, queryset):
        rows = queryset.select_related("jurisdiction", "assignee", "requester", "fee_quote")
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(
            [
                str(_("reference")),
                str(_("requester")),
                str(_("kind")),
                str(_("jurisdiction")),
                str(_("status")),
                str(_("assignee")),
                str(_("due")),
                str(_("time zone")),
                str(_("days left")),
                str(_("fee")),
            ]
        )
        for obj in rows.order_by("due_at", "pk"):
            days = days_left_of(obj)
            quote = getattr(obj, "fee_quote", None)
            writer.writerow(
                [
                    obj.pk,
                    requester_masked(obj),
                    obj.get_kind_display(),
                    obj.jurisdiction.code,
                    obj.get_status_display(),
                    obj.assignee.username if obj.assignee_id else "",
                    local_day(obj.jurisdiction, obj.due_at).isoformat() if obj.due_at else "",
                    zone_name(obj.jurisdiction),
                    days_left_text(days) if days is not None else "",
                    quote.get_status_display() if quote else "",
                ]
            )
        body = b"\xef\xbb\xbf" + csv_formulas_neutralise(text.getvalue().encode())
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="requests.csv"'
        return response

    # --- the request's page: assign, notes -------------------------------------------------

    def desk_urls(self):
        return [
            path(
                "<int:request_id>/assign/",
                self.admin_site.admin_view(self.assign_view),
                name="datarequests_datarequest_assign",
            ),
            path(
                "<int:request_id>/note/",
                self.admin_site.admin_view(self.note_view),
                name="datarequests_datarequest_note",
            ),
            path(
                "letters/",
                self.admin_site.admin_view(self.letters_view),
                name="datarequests_datarequest_letters",
            ),
            path(
                "<int:request_id>/letter/<int:message_id>/",
                self.admin_site.admin_view(self.letter_view),
                name="datarequests_datarequest_letter",
            ),
            path(
                "<int:request_id>/letter/<int:message_id>/posted/",
                self.admin_site.admin_view(self.letter_posted_view),
                name="datarequests_datarequest_letter_posted",
            ),
        ]

    def desk_context(self, request, obj) -> dict:
        return {
            "desk_assign_form": AssignForm(initial={"assignee": obj.assignee_id}),
            "desk_notes": InternalNote.objects.filter(request=obj).select_related("author"),
            "desk_messages": _with_lateness(
                list(obj.messages.select_related("request__jurisdiction", "posted_recorded_by")),
                clock.now(),
            ),
            "desk_letters_to_post": _with_lateness(
                list(letters_to_post(request_id=obj.pk)), clock.now()
            ),
            "desk_post_methods": DispatchMethod.choices,
            "desk_can_change": self.has_change_permission(request, obj),
        }

    def _desk_post(self, request, request_id: int):
        obj = get_object_or_404(DataRequest, pk=request_id)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        return obj

    def assign_view(self, request, request_id: int):
        back = reverse("admin:datarequests_datarequest_change", args=[request_id])
        if request.method != "POST":
            return redirect(back)
        self._desk_post(request, request_id)
        form = AssignForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
            return redirect(back)
        try:
            services.data_request_assign(
                request_id=request_id,
                assignee=form.cleaned_data["assignee"],
                actor=request.user,
                now=clock.now(),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Assignee changed."))
        return redirect(back)

    def note_view(self, request, request_id: int):
        back = reverse("admin:datarequests_datarequest_change", args=[request_id])
        if request.method != "POST":
            return redirect(back)
        self._desk_post(request, request_id)
        try:
            services.internal_note_add(
                request_id=request_id,
                actor=request.user,
                text=request.POST.get("text", ""),
                now=clock.now(),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Note added."))
        return redirect(back)

    # --- letters to post (a requester without an email address) -------------------------

    def letters_view(self, request):
        """Every letter written and not yet posted, the most pressing first."""
        if not request.user.has_perm(services.transitions.CHANGE):
            raise PermissionDenied
        letters = _with_lateness(list(letters_to_post()), clock.now())
        for letter in letters:
            letter.requester_shown = requester_masked(letter.request)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Letters to post"),
            "letters": letters,
            "post_methods": DispatchMethod.choices,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/datarequests/letters_to_post.html", context)

    def letter_view(self, request, request_id: int, message_id: int):
        """A letter to post, as a PDF; the read is audited."""
        letter = services.letter_read(
            message_id=message_id, request_id=request_id, actor=request.user, now=clock.now()
        )
        if letter is None:
            raise Http404
        response = HttpResponse(letter.content, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{letter.filename}"'
        return response

    def letter_posted_view(self, request, request_id: int, message_id: int):
        """Record that a letter was posted, after a page that asks to confirm it."""
        from_queue = request.POST.get("from_queue") == "1"
        back = (
            reverse("admin:datarequests_datarequest_letters")
            if from_queue
            else reverse("admin:datarequests_datarequest_change", args=[request_id])
        )
        if request.method != "POST":
            return redirect(back)
        self._desk_post(request, request_id)
        message = get_object_or_404(
            SentMessage, pk=message_id, request_id=request_id, channel=MessageChannel.LETTER
        )
        posted_on = request.POST.get("posted_on", "")
        method = request.POST.get("method", "")
        tracking = request.POST.get("tracking", "")
        if request.POST.get("confirmed") != "1":
            context = {
                **self.admin_site.each_context(request),
                "title": _("Are you sure?"),
                "letter": message,
                "posted_on": posted_on,
                "method": method,
                "method_label": dict(DispatchMethod.choices).get(method, method),
                "tracking": tracking,
                "from_queue": from_queue,
                "back": back,
                "opts": self.model._meta,
            }
            return TemplateResponse(
                request, "admin/datarequests/datarequest/confirm_letter_posted.html", context
            )
        try:
            services.letter_posted_record(
                message_id=message.pk,
                actor=request.user,
                posted_on=_posted_on(posted_on),
                method=method,
                tracking=tracking,
                now=clock.now(),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Letter recorded as posted."))
        return redirect(back)
