"""Error answers: JSON under /api/ (as the API's own errors are), pages elsewhere."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults

from privacy_office.bulk_bodies import BULK_PATHS


def _api(request) -> bool:
    return request.path.startswith("/api/")


def bad_request(request, exception):
    if isinstance(exception, RequestDataTooBig):
        bulk = request.path in BULK_PATHS
        limit = settings.BULK_UPLOAD_MAX_BYTES if bulk else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        detail = _("The request is larger than %(limit)s MB; send less at a time.") % {
            "limit": f"{limit / 2**20:g}"
        }
        if _api(request):
            return JsonResponse({"detail": detail}, status=413)
        return defaults.bad_request(request, exception)
    if _api(request):
        return JsonResponse({"detail": _("The request could not be read.")}, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    if _api(request):
        return JsonResponse({"detail": _("You do not have permission to do this.")}, status=403)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    if _api(request):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _api(request):
        return JsonResponse(
            {"detail": _("Something went wrong on our side; please try again later.")},
            status=500,
        )
    return defaults.server_error(request)
