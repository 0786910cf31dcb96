"""The bulk doors (browsing ingest, disclosures) take batches of 10,000 rows, several MB;
every other door keeps Django's limit (2.5 MB), so an anonymous request cannot make the
server parse a large body."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig

BULK_PATHS = ("/api/v1/browsing/ingest/", "/api/v1/disclosures/")


class BulkBodyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.path in BULK_PATHS:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
            if length > settings.BULK_UPLOAD_MAX_BYTES:
                raise RequestDataTooBig(f"A bulk body of {length} bytes")
            # Read now, past Django's general limit; ``request.body`` then returns it as read.
            request._body = request.read()
        return self.get_response(request)
