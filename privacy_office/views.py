from django.templatetags.static import static
from django.views.generic import RedirectView, TemplateView

STATISTICS_COOKIE = "po_stats"
STATISTICS_MAX_AGE = 395 * 24 * 60 * 60


class FaviconView(RedirectView):
    """``/favicon.ico`` to the icon's static address, looked up per request: at import time
    the manifest of collected files (production) may not exist yet."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs) -> str:
        return static("privacy_office/favicon.svg")


class HomeView(TemplateView):
    template_name = "home.html"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        # Counts this browser's visits for the unique-visitor statistics (policy E.ii). Set
        # for everyone here; the consent middleware drops it unless statistics are allowed.
        visits = request.COOKIES.get(STATISTICS_COOKIE, "0")
        count = int(visits) + 1 if visits.isdigit() else 1
        response.set_cookie(
            STATISTICS_COOKIE,
            str(count),
            max_age=STATISTICS_MAX_AGE,
            samesite="Lax",
            secure=request.is_secure(),
        )
        return response
