"""The product's URLs plus one page that sets cookies of every kind, for enforcement tests."""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as product_urls


def sets_cookies(request):
    response = HttpResponse("ok")
    for name in ("po_stats", "_ad_interest", "_partner_ref", "po_promo", "mystery_tracker"):
        response.set_cookie(name, "1", max_age=3600)
    return response


urlpatterns = [path("test/sets-cookies/", sets_cookies), *product_urls]
