"""The preference centre and the banner's form (no JavaScript needed)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from cookies.forms import ConsentForm
from cookies.middleware import sends_gpc
from cookies.models import SaleOptOut
from cookies.selectors import (
    categories_with_cookies,
    consent_current,
    consent_needed,
    sale_opted_out,
)
from cookies.services import consent_record, sale_opt_out
from privacy_office import clock
from privacy_office.client_ip import client_ip
from privacy_office.ratelimit import rate_limited


def _back(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or fallback
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


class PreferenceCentreView(View):
    template_name = "cookies/preferences.html"

    def get(self, request):
        categories = list(categories_with_cookies())
        current = consent_current(visitor_id=request.visitor_id, user=request.user)
        form = ConsentForm(categories=categories, current=current)
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "categories": categories,
                "current": current,
                "asking": consent_needed(current, now=clock.now()),
                "gpc": sends_gpc(request),
            },
        )


@method_decorator(rate_limited("consent"), name="dispatch")
class ConsentView(View):
    def post(self, request):
        categories = list(categories_with_cookies())
        form = ConsentForm(data=request.POST, categories=categories)
        if not form.is_valid():
            messages.error(request, _("Your cookie choices could not be read; please try again."))
            return redirect("cookies:preferences")
        choices, method = form.decision()
        consent_record(
            visitor_id=request.visitor_id,
            user=request.user,
            choices=choices,
            method=method,
            gpc=sends_gpc(request),
            ip=client_ip(request),
            user_agent=request.headers.get("User-Agent", ""),
            now=clock.now(),
        )
        messages.success(request, _("Your cookie choices were saved."))
        return redirect(_back(request, "/"))


@method_decorator(rate_limited("consent"), name="dispatch")
class DoNotSellView(View):
    """“Do not sell or share my personal information” (CCPA §1798.135): one button, honoured
    as a Global Privacy Control signal is, remembered on a signed-in user's account."""

    template_name = "cookies/do_not_sell.html"

    def get(self, request):
        opted_out = sale_opted_out(request.user) or sends_gpc(request)
        return render(request, self.template_name, {"opted_out": opted_out})

    def post(self, request):
        sale_opt_out(
            visitor_id=request.visitor_id,
            user=request.user,
            source=SaleOptOut.Source.FORM,
            gpc=sends_gpc(request),
            ip=client_ip(request),
            user_agent=request.headers.get("User-Agent", ""),
            now=clock.now(),
        )
        messages.success(
            request, _("You opted out: we do not sell or share your personal information.")
        )
        return redirect("cookies:do-not-sell")
