"""The policy in force at a public address, its history, and the user's acknowledgement."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from policies.models import PolicyVersion
from policies.selectors import needs_acknowledgement, policy_current, published_versions
from policies.services import policy_acknowledge
from privacy_office import clock


class PolicyView(View):
    def get(self, request, version: str | None = None):
        if version is None:
            shown = policy_current()
            if shown is None:
                raise Http404
        else:
            shown = get_object_or_404(PolicyVersion, version=version, published_at__isnull=False)
        return render(
            request,
            "policies/policy.html",
            {"policy": shown, "current": policy_current(), "versions": published_versions()},
        )


class AcknowledgeView(LoginRequiredMixin, View):
    def post(self, request):
        version = needs_acknowledgement(user=request.user)
        if version is not None:
            policy_acknowledge(user=request.user, version=version, now=clock.now())
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
            target = reverse("accounts:my-data")
        return redirect(target)
