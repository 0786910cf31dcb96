"""Shared pieces of the JSON API: error bodies a person can act on."""

from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from privacy_office.second_factor import SECOND_FACTOR_NEEDED, second_factor_missing


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
UNKNOWN_FIELD = _("This field is not known here; leave it out.")


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


def unknown_fields(data, known) -> dict[str, list[str]]:
    """Name each key of a JSON object that the operation does not take."""
    if not isinstance(data, dict):
        return {}
    return {name: [str(UNKNOWN_FIELD)] for name in data if name not in known}


class StrictSerializer(serializers.Serializer):
    """A serializer that refuses fields it does not know instead of silently dropping them."""

    def to_internal_value(self, data):
        unknown = unknown_fields(data, {name for name, f in self.fields.items() if not f.read_only})
        if unknown:
            raise serializers.ValidationError(unknown)
        return super().to_internal_value(data)


def error_body(detail, fields: dict[str, list[str]] | None = None) -> dict:
    """The one error shape of the API: ``{"detail": "…", "fields": {"<field>": ["…"]}}``."""
    return {"detail": str(detail), "fields": fields or {}}


def exception_handler(exc, context):
    """DRF's answers in the README's shape ``{"detail": "…", "fields": {"<field>": ["…"]}}``:
    a serializer's field errors named by field (sign-in errors name no field), Django's
    ``ValidationError`` as 400, ``Conflict`` (``AlreadyMoved``) as 409, ``Refused`` as 400."""
    from django.core.exceptions import ValidationError as DjangoValidationError
    from rest_framework.exceptions import ValidationError
    from rest_framework.views import exception_handler as drf_exception_handler

    from privacy_office.exceptions import Conflict, Refused

    if isinstance(exc, DjangoValidationError):
        return Response(_django_error_body(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Conflict):
        return Response(error_body(exc), status=status.HTTP_409_CONFLICT)
    if isinstance(exc, Refused):
        return Response(error_body(exc), status=status.HTTP_400_BAD_REQUEST)
    request = context.get("request")
    if isinstance(exc, exceptions.PermissionDenied) and second_factor_missing(
        getattr(request, "user", None)
    ):
        exc = exceptions.PermissionDenied(SECOND_FACTOR_NEEDED)
    response = drf_exception_handler(exc, context)
    if response is None:
        return response
    if not isinstance(exc, ValidationError):
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        response.data = error_body(detail)
        return response
    errors = response.data if isinstance(response.data, dict) else {"__all__": response.data}
    general = _messages(errors.pop("non_field_errors", [])) + _messages(errors.pop("__all__", []))
    fields = {}
    for name, found in errors.items():
        _collect(fields, str(name), found)
    response.data = error_body(general[0] if general else FIX_FIELDS, fields)
    return response


def _django_error_body(error) -> dict:
    """A service's refusal: its first message leads, the fields it names follow."""
    if not hasattr(error, "error_dict"):
        return error_body(error.messages[0])
    fields = error.message_dict
    general = fields.pop("__all__", [])
    detail = general[0] if general else next(iter(fields.values()))[0]
    return error_body(detail, fields)


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
