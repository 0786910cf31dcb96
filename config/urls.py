from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import api as accounts_api
from activity import api as activity_api
from cookies import api as cookies_api
from datarequests import api as requests_api
from disclosures import api as disclosures_api
from privacy_office.api import HealthAPI
from privacy_office.views import FaviconView, HomeView

api_v1 = [
    path("health/", HealthAPI.as_view(), name="api-health"),
    path("auth/token/", accounts_api.TokenAPI.as_view(), name="api-token"),
    path("accounts/register/", accounts_api.RegisterAPI.as_view(), name="api-register"),
    path("me/", accounts_api.MeAPI.as_view(), name="api-me"),
    path("me/data/", accounts_api.MyDataAPI.as_view(), name="api-my-data"),
    path("me/marketing/", accounts_api.MarketingAPI.as_view(), name="api-marketing"),
    path("browsing/ingest/", activity_api.BrowsingIngestAPI.as_view(), name="api-browsing-ingest"),
    path("cookies/categories/", cookies_api.CategoriesAPI.as_view(), name="api-cookie-categories"),
    path("cookies/consent/", cookies_api.ConsentAPI.as_view(), name="api-cookie-consent"),
    path("disclosures/", disclosures_api.DisclosuresAPI.as_view(), name="api-disclosures"),
    path("requests/", requests_api.RequestsAPI.as_view(), name="api-requests"),
    path("requests/<int:request_id>/", requests_api.RequestAPI.as_view(), name="api-request"),
    path(
        "requests/<int:request_id>/withdraw/",
        requests_api.WithdrawAPI.as_view(),
        name="api-request-withdraw",
    ),
    path(
        "requests/<int:request_id>/estimate/accept/",
        requests_api.EstimateAcceptAPI.as_view(),
        name="api-request-estimate-accept",
    ),
    path(
        "requests/<int:request_id>/estimate/decline/",
        requests_api.EstimateDeclineAPI.as_view(),
        name="api-request-estimate-decline",
    ),
    path(
        "requests/<int:request_id>/export/",
        requests_api.ExportAPI.as_view(),
        name="api-request-export",
    ),
]

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    # Browsers ask for /favicon.ico on every page, the admin's too (issue 15, 17).
    path(
        "favicon.ico",
        FaviconView.as_view(),
        name="favicon",
    ),
    path("accounts/", include("accounts.urls")),
    path("requests/", include("datarequests.urls")),
    path("cookies/", include("cookies.urls")),
    path("notices/", include("disclosures.urls")),
    path("privacy-policy/", include("policies.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its script as a file, so the page works under the CSP.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

handler400 = "privacy_office.errors.bad_request"
handler403 = "privacy_office.errors.permission_denied"
handler404 = "privacy_office.errors.page_not_found"
handler500 = "privacy_office.errors.server_error"
