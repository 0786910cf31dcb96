"""Error answers: JSON under /api/ (as the API's own errors are), pages elsewhere."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults

from privacy_office.bulk_bodies import BULK_PATHS


def _answer(request, status: int, detail: str, page):
    """JSON ``{"detail", "fields"}`` for the API, else Django's page (``page()``)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": detail, "fields": {}}, status=status)
    return page()


def bad_request(request, exception):
    page = lambda: defaults.bad_request(request, exception)  # noqa: E731
    if isinstance(exception, RequestDataTooBig):
        bulk = request.path in BULK_PATHS
        limit = settings.BULK_UPLOAD_MAX_BYTES if bulk else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        detail = _("The request is larger than %(limit)s MB; send less at a time.") % {
            "limit": f"{limit / 2**20:g}"
        }
        return _answer(request, 413, detail, page)
    return _answer(request, 400, _("The request could not be read."), page)


def permission_denied(request, exception):
    return _answer(
        request,
        403,
        _("You do not have permission to do this."),
        lambda: defaults.permission_denied(request, exception),
    )


def page_not_found(request, exception):
    return _answer(
        request, 404, _("Not found."), lambda: defaults.page_not_found(request, exception)
    )


def server_error(request):
    return _answer(
        request,
        500,
        _("Something went wrong on our side; please try again later."),
        lambda: defaults.server_error(request),
    )
