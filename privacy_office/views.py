from django.views.generic import TemplateView

STATISTICS_COOKIE = "po_stats"
STATISTICS_MAX_AGE = 395 * 24 * 60 * 60


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
