"""Disclosures written by the marketplace's systems, in bulk."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from disclosures.services import disclosures_record
from privacy_office.api import error_body

ONE_TO_MAX = gettext_lazy("Send a JSON list of 1 to 10,000 disclosures.")

MAX_ROWS = 10_000


class CanRecordDisclosures(BasePermission):
    def has_permission(self, request, view) -> bool:
        return request.user.is_authenticated and request.user.has_perm("disclosures.add_disclosure")


class DisclosuresAPI(APIView):
    permission_classes = [CanRecordDisclosures]

    @extend_schema(
        request=inline_serializer(
            "DisclosureRow",
            {
                "recipient": serializers.CharField(),
                "subject_id": serializers.IntegerField(),
                "categories": serializers.ListField(child=serializers.CharField()),
                "purpose": serializers.CharField(),
                "disclosed_at": serializers.DateTimeField(),
                "reference": serializers.CharField(required=False),
            },
            many=True,
        ),
        responses={
            201: inline_serializer("DisclosuresStored", {"stored": serializers.IntegerField()}),
            400: OpenApiResponse(description="the first bad row and what is wrong with it"),
            413: OpenApiResponse(description="more than 10,000 rows"),
        },
        summary="Record disclosures to recipients: all, or none at the first bad one",
    )
    def post(self, request):
        rows = request.data
        if not isinstance(rows, list) or not rows:
            return Response(error_body(ONE_TO_MAX), status=status.HTTP_400_BAD_REQUEST)
        if len(rows) > MAX_ROWS:  # as the browsing ingest answers a batch too large
            return Response(error_body(ONE_TO_MAX), status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
        stored = disclosures_record(rows=rows)  # a bad one: ValidationError, answered 400
        return Response({"stored": stored}, status=status.HTTP_201_CREATED)
