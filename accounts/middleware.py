"""End a signed-in session after a period without requests, and after an absolute lifetime
however busy it is (policy G; OWASP ASVS 3.3.1 and 3.3.2)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils.translation import gettext as _

from privacy_office import clock

SHARED_COMPUTER_KEY = "shared_computer"
LAST_SEEN_KEY = "last_seen"
SIGNED_IN_AT_KEY = "signed_in_at"


def idle_limit(session, user) -> int:
    if session.get(SHARED_COMPUTER_KEY):
        return settings.SESSION_IDLE_SECONDS_SHARED
    if user.is_staff:
        return settings.SESSION_IDLE_SECONDS_STAFF
    return settings.SESSION_IDLE_SECONDS


def absolute_limit(user) -> int:
    if user.is_staff:
        return settings.SESSION_ABSOLUTE_SECONDS_STAFF
    return settings.SESSION_ABSOLUTE_SECONDS


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(clock.now().timestamp())
            last_seen = request.session.get(LAST_SEEN_KEY, now)
            signed_in_at = request.session.setdefault(SIGNED_IN_AT_KEY, now)
            if now - signed_in_at > absolute_limit(user):
                logout(request)
                messages.info(request, _("Your session reached its time limit; sign in again."))
            elif now - last_seen > idle_limit(request.session, user):
                logout(request)
                messages.info(request, _("You were signed out after a period without activity."))
            else:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)
