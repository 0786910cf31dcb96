"""Shared pieces of the JSON API: error bodies a person can act on."""

from django import forms
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView


def form_errors_response(form: forms.Form) -> Response:
    """Return 400 with a summary and each field's messages; never echoes submitted values."""
    fields = {
        name: [e["message"] for e in errors] for name, errors in form.errors.get_json_data().items()
    }
    general = fields.pop("__all__", [])
    return Response(
        {
            "detail": general[0] if general else _("Please correct the fields listed."),
            "fields": fields,
        },
        status=status.HTTP_400_BAD_REQUEST,
    )


class HealthAPI(APIView):
    """A cheap liveness check for load balancers (and the benchmarks' baseline)."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(responses=inline_serializer("Health", {"status": serializers.CharField()}))
    def get(self, request):
        return Response({"status": "ok"})
