"""The OpenAPI schema's shared parts: the one error shape, the errors each operation can
answer, and request bodies typed from the forms that check them."""

from django import forms
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import permissions, serializers


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in words a person can act on.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Each field to correct, with its messages; empty when no field is to blame.",
    )

    class Meta:
        ref_name = "Error"


ERRORS = {
    "400": "The body is not what this operation takes: `detail` says why, `fields` names "
    "each field to correct (an unknown field included).",
    "401": "Not signed in: send `Authorization: Token <token>` (see `WWW-Authenticate`).",
    "403": "Signed in, but not allowed to do this (or a session without its CSRF token).",
    "404": "There is no such thing, or it is not yours.",
    "409": "It has already moved on (another click or request was first).",
    "413": "The body is too large; send less at a time.",
    "429": "Too many requests; try again after `Retry-After` seconds.",
}


class AutoSchema(SpectacularAutoSchema):
    """Every operation states each error it can answer, all in the one shape ``Error``."""

    def _get_response_bodies(self, direction="response"):
        bodies = super()._get_response_bodies(direction)
        codes = self._error_codes() | {code for code in bodies if code in ERRORS}
        for code in codes:
            described = bodies.get(code, {}).get("description")
            response = OpenApiResponse(ErrorSerializer, description=described or ERRORS[code])
            bodies[code] = self._get_response_for_code(response, code, direction=direction)
        return dict(sorted(bodies.items()))

    def _error_codes(self) -> set[str]:
        view = self.view
        has_body = (
            self.method in ("POST", "PUT", "PATCH") and self.get_request_serializer() is not None
        )
        public = all(isinstance(p, permissions.AllowAny) for p in view.get_permissions())
        signs_in = bool(view.get_authenticators())
        codes = set()
        if has_body:
            codes |= {"400", "413"}
        if not public and signs_in:
            codes |= {"401", "403"}
        elif signs_in and has_body:
            codes.add("403")  # a session's write without its CSRF token
        if "{" in self.path:
            codes.add("404")
        if view.get_throttles():
            codes.add("429")
        return codes


_FORM_FIELDS = [
    (forms.EmailField, serializers.EmailField),
    (forms.DateField, serializers.DateField),
    (forms.IntegerField, serializers.IntegerField),
    (forms.BooleanField, serializers.BooleanField),
    (forms.ChoiceField, serializers.ChoiceField),
    (forms.RegexField, serializers.RegexField),
    (forms.CharField, serializers.CharField),
]


def serializer_field_for(field: forms.Field, *, required: bool) -> serializers.Field:
    """The JSON field a form field takes: its type, limits and choices, required as the form
    requires it (empty values are sent as null or left out)."""
    kwargs: dict = {"required": required, "help_text": str(field.help_text) or None}
    if not required and not isinstance(field, forms.BooleanField):
        kwargs["allow_null"] = True
    json_type = next(json for form, json in _FORM_FIELDS if isinstance(field, form))
    if json_type is serializers.ChoiceField:
        kwargs["choices"] = [(value, label) for value, label in field.choices if value != ""]
        kwargs["allow_blank"] = not required
    elif json_type is serializers.RegexField:
        kwargs["regex"] = field.regex
    elif json_type in (serializers.CharField, serializers.EmailField):
        kwargs["max_length"] = field.max_length
        kwargs["allow_blank"] = not required
    elif json_type is serializers.IntegerField:
        kwargs["min_value"], kwargs["max_value"] = field.min_value, field.max_value
    return json_type(**kwargs)
