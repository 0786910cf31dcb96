"""End a signed-in session after a period without requests (policy G)."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils.translation import gettext as _

SHARED_COMPUTER_KEY = "shared_computer"
LAST_SEEN_KEY = "last_seen"


def idle_limit(session, user) -> int:
    if session.get(SHARED_COMPUTER_KEY):
        return settings.SESSION_IDLE_SECONDS_SHARED
    if user.is_staff:
        return settings.SESSION_IDLE_SECONDS_STAFF
    return settings.SESSION_IDLE_SECONDS


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY, now)
            if now - last_seen > idle_limit(request.session, user):
                logout(request)
                messages.info(request, _("You were signed out after a period without activity."))
            else:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)
