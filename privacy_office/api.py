"""Shared pieces of the JSON API: error bodies a person can act on."""

from django import forms
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response


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
