"""Rate limits for the doors people can hammer: sign-in, registration, requests, consent.

A fixed window per scope and key in the shared cache (Redis), so every web process
counts together. Over the limit the door answers 429 with ``Retry-After`` and a
message saying when to try again.
"""

from __future__ import annotations

import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.translation import gettext_lazy
from rest_framework.throttling import BaseThrottle

from privacy_office.client_ip import client_ip

TOO_MANY = gettext_lazy("Too many attempts. Please try again in %(seconds)s seconds.")


# Scopes counted by the visitor's browser (cheap, harmless writes); the others by address,
# since a client can make up a visitor id for every request.
BY_VISITOR = {"consent"}


# Scopes counted per signed-in person: many people share one office's address.
BY_USER = {"request"}


def client_key(request, scope: str = "") -> str:
    """The signed-in person for per-person scopes, the visitor's id where the browser sent
    one, else the client's address.

    (A client that keeps no cookies gets a new visitor id on every request, so for it
    the address is the only stable key.)
    """
    if scope in BY_USER:  # only here: reading the user may cost a session look-up
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return f"user:{user.pk}"
    if (
        scope in BY_VISITOR
        and getattr(request, "visitor_id", "")
        and not getattr(request, "visitor_is_new", True)
    ):
        return f"visitor:{request.visitor_id}"
    return f"ip:{client_ip(request) or 'unknown'}"


def seconds_to_wait(scope: str, key: str, *, now: float | None = None) -> int:
    """Count one more use of ``scope`` by ``key``; return 0 if allowed, else the wait."""
    limit, period = settings.RATE_LIMITS[scope]
    now = time.time() if now is None else now
    window = int(now // period)
    used = cache.count(f"ratelimit:{scope}:{key}:{window}", period + 5)
    if used <= limit:
        return 0
    return max(1, int((window + 1) * period - now))


def too_many_response(seconds: int) -> HttpResponse:
    response = HttpResponse(
        TOO_MANY % {"seconds": seconds}, status=429, content_type="text/plain; charset=utf-8"
    )
    response["Retry-After"] = str(seconds)
    return response


def rate_limited(scope: str, methods=("POST",)):
    """Decorate a view (function or ``dispatch``) so its ``methods`` count against ``scope``."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            request = args[1] if len(args) > 1 and hasattr(args[1], "META") else args[0]
            if request.method in methods:
                wait = seconds_to_wait(scope, client_key(request, scope))
                if wait:
                    return too_many_response(wait)
            return view(*args, **kwargs)

        return wrapped

    return decorator


class ScopeThrottle(BaseThrottle):
    """DRF throttle over the same counters; the view names its scope in ``rate_scope``."""

    def allow_request(self, request, view) -> bool:
        scope = getattr(view, "rate_scope", None)
        if scope is None or request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        self.wait_seconds = seconds_to_wait(scope, client_key(request, scope))  # DRF's user
        return self.wait_seconds == 0

    def wait(self):
        return getattr(self, "wait_seconds", None)
