"""Self-service pages for data requests: submit, follow, withdraw, download."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View

from datarequests import services
from datarequests.api import export_response, pending_steps
from datarequests.erasure import kept_items, kept_lines
from datarequests.export_storage import export_file_chunks
from datarequests.exports import export_is_downloadable
from datarequests.forms import EmailCodeForm, PublicRequestForm, RequestForm
from datarequests.models import OPEN_STATUSES, Channel, Kind
from datarequests.selectors import account_named, acting_as_agent, request_of, requests_of
from privacy_office import clock
from privacy_office.logging import mask_text
from privacy_office.phones import phone_masked
from privacy_office.ratelimit import rate_limited


@method_decorator(rate_limited("request"), name="dispatch")
class RequestListView(LoginRequiredMixin, View):
    template_name = "datarequests/list.html"

    def get(self, request):
        return self._render(request, RequestForm(user=request.user))

    def post(self, request):
        form = RequestForm(data=request.POST, files=request.FILES, user=request.user)
        if form.is_valid():
            guardian = form.cleaned_data["kind"] == Kind.GUARDIAN_DELETION
            minor = form.cleaned_data["minor"] if guardian else ""
            try:
                created = services.data_request_submit(
                    requester=services.Requester(user=request.user),
                    kind=form.cleaned_data["kind"],
                    jurisdiction_code=form.cleaned_data["jurisdiction"].code,
                    channel=Channel.SELF_SERVICE,
                    details=form.cleaned_data["details"],
                    corrections=form.corrections(),
                    minor=account_named(minor) if guardian else None,
                    minor_named=minor,
                    guardianship_document=form.cleaned_data["guardianship_document"]
                    if guardian
                    else None,
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
            "payment": services.payment_details_of(found),
            "is_open": found.status in OPEN_STATUSES,
            "closed_at": None if found.status in OPEN_STATUSES else found.events.last(),
            "kept": kept_lines(kept_items(tombstone.counts))
            if tombstone and found.kind == Kind.ERASURE
            else [],
        }
        return render(request, self.template_name, context)


class WithdrawView(LoginRequiredMixin, View):
    """Withdrawing cannot be undone: a page says so, and only its button withdraws."""

    def get(self, request, request_id: int):
        found = request_of(user=request.user, request_id=request_id)
        if found is None:
            raise Http404
        if found.status not in OPEN_STATUSES:
            return redirect("requests:detail", request_id=request_id)
        context = {
            "data_request": found,
            "consequence": services.TRANSITIONS["withdraw"].consequence,
        }
        return render(request, "datarequests/withdraw_confirm.html", context)

    def post(self, request, request_id: int):
        found = request_of(user=request.user, request_id=request_id)
        if found is None or acting_as_agent(found, request.user):
            raise Http404
        if request.POST.get("confirmed") != "1":
            return self.get(request, request_id)
        try:
            services.data_request_withdraw(
                request_id=request_id, requester=request.user, now=clock.now()
            )
        except services.AlreadyMoved as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your request was withdrawn."))
        return redirect("requests:detail", request_id=request_id)


class EstimateAnswerView(LoginRequiredMixin, View):
    """Singapore (PDPR reg 7): accept or decline the written fee estimate."""

    def post(self, request, request_id: int, answer: str):
        if answer not in {"accept", "decline"}:
            raise Http404
        if request_of(user=request.user, request_id=request_id) is None:
            raise Http404
        accept = answer == "accept"
        try:
            services.fee_estimate_answer(
                request_id=request_id, requester=request.user, accept=accept, now=clock.now()
            )
        except services.AlreadyMoved as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("You accepted the estimate: the fee is now due.")
                if accept
                else _("You declined the estimate: nothing is charged and the request ends."),
            )
        return redirect("requests:detail", request_id=request_id)


class ExportDownloadView(LoginRequiredMixin, View):
    def get(self, request, request_id: int):
        return export_response(request, request_id)


def _page_language(request) -> str:
    """The language the person chose on the site (the language switch), else their
    account's: the reply letter is written in it."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return chosen if chosen in dict(settings.LANGUAGES) else request.user.preferred_language


PUBLIC_CHALLENGE_KEY = "datarequests_public_challenge"
# Where the code went, masked, and how (email or phone): what the person typed, not what
# is known, so the page tells nothing of whether the address or number is held.
PUBLIC_SENT_TO_KEY = "datarequests_public_sent_to"


def _sent_to_masked(by: str, value: str) -> str:
    return phone_masked(value) if by == PublicRequestForm.PHONE else mask_text(value)


@method_decorator(rate_limited("public_request"), name="dispatch")
class PublicRequestView(View):
    """A person with no account asks for a copy of their data; a code goes to their address
    or, with ``?by=phone``, by text message to their phone number."""

    template_name = "datarequests/public_request.html"

    def get(self, request):
        return self._render(request, PublicRequestForm(by=request.GET.get("by", "")))

    def post(self, request):
        form = PublicRequestForm(data=request.POST)
        if form.is_valid():
            by_phone = form.by == PublicRequestForm.PHONE
            send = services.phone_code_send if by_phone else services.email_code_send
            to = form.cleaned_data[form.by]
            try:
                challenge = send(
                    **{form.by: to},
                    name=form.cleaned_data["name"],
                    jurisdiction_code=form.cleaned_data["jurisdiction"].code,
                    details=form.cleaned_data["details"],
                    language=translation.get_language() or settings.LANGUAGE_CODE,
                    now=clock.now(),
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                request.session[PUBLIC_CHALLENGE_KEY] = challenge.pk
                request.session[PUBLIC_SENT_TO_KEY] = [form.by, _sent_to_masked(form.by, to)]
                return redirect("requests:public-code")
        return self._render(request, form, status=400)

    def _render(self, request, form, status=200):
        context = {"form": form, "by_phone": form.by == PublicRequestForm.PHONE}
        return render(request, self.template_name, context, status=status)


@method_decorator(rate_limited("public_request"), name="dispatch")
class PublicCodeView(View):
    template_name = "datarequests/public_code.html"

    def get(self, request):
        if PUBLIC_CHALLENGE_KEY not in request.session:
            return redirect("requests:public")
        return self._render(request, EmailCodeForm(texted=self._texted(request)))

    def post(self, request):
        challenge_id = request.session.get(PUBLIC_CHALLENGE_KEY)
        if challenge_id is None:
            return redirect("requests:public")
        form = EmailCodeForm(data=request.POST, texted=self._texted(request))
        if form.is_valid():
            try:
                created = services.email_code_verify(
                    challenge_id=challenge_id, code=form.cleaned_data["code"], now=clock.now()
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error("code", message)
            else:
                del request.session[PUBLIC_CHALLENGE_KEY]
                request.session.pop(PUBLIC_SENT_TO_KEY, None)
                context = {"data_request": created}
                return render(request, "datarequests/public_received.html", context)
        return self._render(request, form, status=400)

    @staticmethod
    def _texted(request) -> bool:
        by, _to = request.session.get(PUBLIC_SENT_TO_KEY) or ["", ""]
        return by == PublicRequestForm.PHONE

    def _render(self, request, form, status=200):
        by, to = request.session.get(PUBLIC_SENT_TO_KEY) or [PublicRequestForm.EMAIL, ""]
        context = {"form": form, "texted": by == PublicRequestForm.PHONE, "sent_to": to}
        return render(request, self.template_name, context, status=status)


class PublicExportView(View):
    """The export of a requester with no account, through the signed link mailed to them."""

    def get(self, request, token: str):
        export = services.export_by_link(token=token, now=clock.now())
        if export is None:
            raise Http404(_("There is no export to download, or its link has expired."))
        response = StreamingHttpResponse(
            export_file_chunks(export.path), content_type="application/zip"
        )
        filename = f"my-data-request-{export.request_id}.zip"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Content-Length"] = str(export.size)
        response["Cache-Control"] = "no-store"
        return response


class PublicMessageView(View):
    """The full text of a message texted to a requester known only by a phone number, through
    the signed link in the text message."""

    def get(self, request, token: str):
        message = services.message_by_link(token=token)
        if message is None:
            raise Http404(_("There is no message to show, or its link has expired."))
        response = render(request, "datarequests/public_message.html", {"message": message})
        response["Cache-Control"] = "no-store"
        return response
