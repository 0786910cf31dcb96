"""Bulk ingest of the marketplace's browsing logs (A.6), for staff clients."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from activity.services import browsing_ingest
from privacy_office.api import error_body

MAX_ROWS = 10_000


class CanIngestBrowsing(BasePermission):
    def has_permission(self, request, view) -> bool:
        return request.user.is_authenticated and request.user.has_perm("activity.add_pageview")


class BrowsingIngestAPI(APIView):
    permission_classes = [CanIngestBrowsing]

    @extend_schema(
        request=inline_serializer(
            "PageViewRow",
            {
                "viewed_at": serializers.DateTimeField(),
                "visitor_id": serializers.CharField(),
                "session_id": serializers.CharField(required=False),
                "user_id": serializers.IntegerField(required=False, allow_null=True),
                "ip_address": serializers.IPAddressField(required=False, allow_null=True),
                "browser": serializers.CharField(required=False),
                "operating_system": serializers.CharField(required=False),
                "path": serializers.CharField(),
            },
            many=True,
        ),
        responses={
            201: inline_serializer("IngestResult", {"stored": serializers.IntegerField()}),
            400: OpenApiResponse(description="the first bad row and what is wrong with it"),
            413: OpenApiResponse(description="more than 10,000 rows"),
        },
        summary="Store page views (A.6) in bulk: all rows, or none at the first bad one",
    )
    def post(self, request):
        rows = request.data
        if not isinstance(rows, list) or not rows:
            detail = _("Send a JSON list of page views.")
            return Response(error_body(detail), status=status.HTTP_400_BAD_REQUEST)
        if len(rows) > MAX_ROWS:
            detail = _("At most %(max)s rows per request; split the batch.") % {"max": MAX_ROWS}
            return Response(error_body(detail), status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
        result = browsing_ingest(rows=rows)  # a bad row: IngestError, answered 400 by name
        return Response({"stored": result.stored}, status=status.HTTP_201_CREATED)
