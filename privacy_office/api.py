"""Shared pieces of the JSON API: error bodies a person can act on."""

from django import forms
from django.utils.translation import gettext_lazy as _
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
            "detail": general[0] if general else str(FIX_FIELDS),
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


NOT_AN_OBJECT = _("Send a JSON object.")
NOT_A_BOOLEAN = _("Give true or false.")
FIX_FIELDS = _("Please correct the fields listed.")
NOT_A_VALUE = _("Give a single value here: text, a number, true or false.")


def form_values(data, form_class=None) -> tuple[dict, dict[str, list[str]]]:
    """Return JSON input as form data (numbers as text) and the fields that hold no single value.

    Django's form fields expect text; a number, true/false or a list where a date is due
    would otherwise end in a server error instead of a message. A yes/no field of
    ``form_class`` takes JSON true or false only (a form would read "maybe" as yes).
    """
    if not isinstance(data, dict):
        return {}, {"__all__": [str(NOT_AN_OBJECT)]}
    fields = form_class.base_fields if form_class is not None else {}
    values, errors = {}, {}
    for name, value in data.items():
        if (
            isinstance(fields.get(name), forms.BooleanField)
            and value is not None
            and not isinstance(value, bool)
        ):
            errors[name] = [str(NOT_A_BOOLEAN)]
        elif isinstance(value, dict | list):
            errors[name] = [str(NOT_A_VALUE)]
        elif isinstance(value, bool):
            values[name] = "true" if value else "false"
        elif isinstance(value, int | float):
            values[name] = str(value)
        else:
            values[name] = value
    return values, errors


def values_error_response(errors: dict[str, list[str]]) -> Response:
    general = errors.pop("__all__", None)
    return Response(
        {"detail": general[0] if general else str(FIX_FIELDS), "fields": errors},
        status=status.HTTP_400_BAD_REQUEST,
    )


def exception_handler(exc, context):
    """DRF's answers, with a serializer's field errors in the README's shape:
    ``{"detail": "…", "fields": {"<field>": ["…"]}}`` (sign-in errors name no field)."""
    from rest_framework.exceptions import ValidationError
    from rest_framework.views import exception_handler as drf_exception_handler

    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, ValidationError):
        return response
    errors = response.data if isinstance(response.data, dict) else {"__all__": response.data}
    general = _messages(errors.pop("non_field_errors", [])) + _messages(errors.pop("__all__", []))
    fields = {}
    for name, found in errors.items():
        _collect(fields, str(name), found)
    response.data = {"detail": general[0] if general else str(FIX_FIELDS), "fields": fields}
    return response


def _messages(found) -> list[str]:
    if isinstance(found, str):
        return [found]
    if isinstance(found, dict):
        return [m for value in found.values() for m in _messages(value)]
    return [m for item in found for m in _messages(item)]


def _collect(fields: dict[str, list[str]], name: str, found) -> None:
    """Nested errors (a list's item, an object's key) are named ``field.0.key``."""
    if isinstance(found, dict):
        for key, value in found.items():
            _collect(fields, f"{name}.{key}", value)
    elif isinstance(found, list) and any(isinstance(item, dict | list) for item in found):
        for index, item in enumerate(found):
            if item:
                _collect(fields, f"{name}.{index}", item)
    else:
        fields[name] = _messages(found)
