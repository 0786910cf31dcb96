"""Answers that may hold personal data are never kept by browsers or shared caches."""

from django.utils.cache import add_never_cache_headers, patch_cache_control


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every page and API answer the application makes.

    Static files are answered before this runs (WhiteNoise) and keep their own caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        add_never_cache_headers(response)
        patch_cache_control(response, private=True)
        return response
