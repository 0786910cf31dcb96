"""The answer to a sign-in that django-axes has paused: JSON for the API, the page otherwise,
both 429 with ``Retry-After`` so a client knows when to try again."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def lockout_response(request, original_response=None, credentials=None):
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {
                "detail": _(
                    "Too many failed attempts to sign in to this account from your "
                    "connection. To protect the account, try again in 15 minutes."
                ),
                "fields": {},
            },
            status=429,
        )
    else:
        response = render(request, "accounts/locked_out.html", status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
