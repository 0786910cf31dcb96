"""Who is acting, for audit events written where no request is at hand (signal receivers)."""

from __future__ import annotations

from contextvars import ContextVar

_request: ContextVar = ContextVar("audit_request", default=None)


def current_actor():
    """Return the user of the request being served (also once DRF has authenticated a token),
    or None outside a request (a worker, a command, a migration)."""
    request = _request.get()
    user = getattr(request, "user", None) if request is not None else None
    return user if getattr(user, "is_authenticated", False) else None


class AuditActorMiddleware:
    """Remember the request being served, so a change made anywhere below names its actor."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)
