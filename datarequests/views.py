"""Self-service pages for data requests: submit, follow, withdraw, download."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View

from datarequests import services
from datarequests.api import export_response, pending_steps
from datarequests.erasure import kept_items, kept_lines
from datarequests.exports import export_is_downloadable
from datarequests.forms import RequestForm
from datarequests.models import Channel, Kind
from datarequests.selectors import acting_as_agent, request_of, requests_of
from privacy_office import clock
from privacy_office.ratelimit import rate_limited


@method_decorator(rate_limited("request"), name="dispatch")
class RequestListView(LoginRequiredMixin, View):
    template_name = "datarequests/list.html"

    def get(self, request):
        return self._render(request, RequestForm())

    def post(self, request):
        form = RequestForm(data=request.POST)
        if form.is_valid():
            try:
                created = services.data_request_submit(
                    requester=services.Requester(user=request.user),
                    kind=form.cleaned_data["kind"],
                    jurisdiction_code=form.cleaned_data["jurisdiction"].code,
                    channel=Channel.SELF_SERVICE,
                    details=form.cleaned_data["details"],
                    corrections=form.corrections(),
                    categories=form.erasure_categories(),
                    language=_page_language(request),
                    now=clock.now(),
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("Your request was received."))
                return redirect("requests:detail", request_id=created.pk)
        return self._render(request, form, status=400)

    def _render(self, request, form, status=200):
        context = {"form": form, "requests": requests_of(user=request.user)[:100]}
        return render(request, self.template_name, context, status=status)


class RequestDetailView(LoginRequiredMixin, View):
    template_name = "datarequests/detail.html"

    def get(self, request, request_id: int):
        found = request_of(user=request.user, request_id=request_id)
        if found is None:
            raise Http404
        if acting_as_agent(found, request.user):
            # The agent sees where the request stands, never the person's data (§7063).
            context = {"data_request": found, "agent_view": True, "steps": pending_steps(found)}
            return render(request, self.template_name, context)
        export = getattr(found, "export", None)
        downloadable = export is not None and export_is_downloadable(export, now=clock.now())
        tombstone = getattr(found, "tombstone", None)
        context = {
            "data_request": found,
            "downloadable": downloadable,
            "steps": pending_steps(found),
            "kept": kept_lines(kept_items(tombstone.counts))
            if tombstone and found.kind == Kind.ERASURE
            else [],
        }
        return render(request, self.template_name, context)


class WithdrawView(LoginRequiredMixin, View):
    def post(self, request, request_id: int):
        found = request_of(user=request.user, request_id=request_id)
        if found is None or acting_as_agent(found, request.user):
            raise Http404
        try:
            services.data_request_withdraw(
                request_id=request_id, requester=request.user, now=clock.now()
            )
        except services.AlreadyMoved as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your request was withdrawn."))
        return redirect("requests:detail", request_id=request_id)


class ExportDownloadView(LoginRequiredMixin, View):
    def get(self, request, request_id: int):
        return export_response(request, request_id)


def _page_language(request) -> str:
    """The language the person chose on the site (the language switch), else their
    account's: the reply letter is written in it."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return chosen if chosen in dict(settings.LANGUAGES) else request.user.preferred_language
