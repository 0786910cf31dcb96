"""JSON doors for accounts: registration, "me", "my data" and marketing choices."""

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.email_change import LINK_SENT, registration_edit
from accounts.forms import EDITABLE_FIELDS, RegistrationForm, RegistrationInformationForm
from accounts.models import MarketingChannel
from accounts.selectors import marketing_choices
from accounts.services import marketing_preferences_set, user_register
from accounts.tokens import api_token_issue
from accounts.validators import registration_information
from accounts.views import email_change_link, new_email_clean
from privacy_office import clock
from privacy_office.api import (
    StrictSerializer,
    error_body,
    form_errors_response,
    form_values,
    unknown_fields,
    values_error_response,
)
from privacy_office.ratelimit import ScopeThrottle
from privacy_office.schema import serializer_field_for
from privacy_office.second_factor import is_staff_account
from privacy_office.subject_data import personal_data_of


class RegistrationSchema(serializers.Serializer):
    """Registration's body as the server checks it: the form's fields, required as the
    form (and so the registry's mandatory flags) requires them. Built when read, for the
    schema only; the form itself checks the body."""

    class Meta:
        ref_name = "Registration"

    def get_fields(self):
        form = RegistrationForm()
        return {
            name: serializer_field_for(field, required=field.required)
            for name, field in form.fields.items()
        }


class RegistrationSchemaExtension(OpenApiSerializerExtension):
    """The form's either-or: a date of birth, or only its year (its error names the year)."""

    target_class = RegistrationSchema

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_basic_serializer(self.target, direction)
        if "birth_year" in RegistrationForm().also_mandatory:
            schema["anyOf"] = [{"required": ["birth_date"]}, {"required": ["birth_year"]}]
        return schema


class RegistrationInformationSchema(serializers.Serializer):
    """Registration information as answered: every field present, empty ones null or ""."""

    class Meta:
        ref_name = "RegistrationInformation"

    def get_fields(self):
        form = RegistrationInformationForm()
        return {
            "id": serializers.IntegerField(read_only=True),
            "username": serializers.CharField(read_only=True),
            **{
                name: serializer_field_for(form.fields[name], required=False)
                for name in EDITABLE_FIELDS
            },
        }


class RegisterAPI(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [ScopeThrottle]
    rate_scope = "register"

    @extend_schema(
        request=RegistrationSchema,
        responses={201: RegistrationInformationSchema},
        summary="Register (A.2); mandatory fields enforced (A.8), under 18 refused (F)",
        description="Give the date of birth, or only its year: one of the two is required.",
    )
    def post(self, request):
        values, errors = form_values(request.data, RegistrationForm)
        errors.update(unknown_fields(values, RegistrationForm.base_fields))
        if errors:
            return values_error_response(errors)
        form = RegistrationForm(data=values)
        if not form.is_valid():
            return form_errors_response(form)
        user = user_register(
            cleaned=form.cleaned_data, marketing_email=form.cleaned_data["marketing_email"]
        )
        return Response(registration_information(user), status=status.HTTP_201_CREATED)


EmailLinkSentSerializer = inline_serializer(
    "EmailLinkSent", {"detail": serializers.CharField(read_only=True)}
)


class MeAPI(APIView):
    throttle_classes = [ScopeThrottle]
    rate_scope = "me_edit"

    @extend_schema(responses=RegistrationInformationSchema)
    def get(self, request):
        return Response(registration_information(request.user))

    @extend_schema(
        request=RegistrationInformationSchema,
        responses={
            200: RegistrationInformationSchema,
            202: EmailLinkSentSerializer,
        },
        description=(
            "A new `email` is not applied at once: a link goes to the new address and the "
            "address changes when it is followed. The answer is then 202, whether or not "
            "another account holds the address; the other fields are applied."
        ),
    )
    def patch(self, request):
        values, errors = form_values(request.data, RegistrationInformationForm)
        if errors:
            return values_error_response(errors)
        unknown = sorted(set(values) - set(EDITABLE_FIELDS))
        if unknown:
            detail = _("These fields cannot be changed here: %(fields)s.") % {
                "fields": ", ".join(unknown)
            }
            fields = unknown_fields(dict.fromkeys(unknown), known=())
            return Response(error_body(detail, fields), status=status.HTTP_400_BAD_REQUEST)
        user = request.user
        current = registration_information(user)
        new_email = values.pop("email", None)
        form = RegistrationInformationForm(data={**current, **values}, instance=user)
        form.is_valid()
        if new_email is not None:
            new_email = new_email_clean(form, new_email)
        if form.errors:
            return form_errors_response(form)
        _changed, sent = registration_edit(
            user=user,
            cleaned=form.cleaned_data,
            new_email=new_email,
            link_for=lambda token: email_change_link(request, token),
            now=clock.now(),
        )
        if sent:
            return Response({"detail": str(LINK_SENT)}, status=status.HTTP_202_ACCEPTED)
        user.refresh_from_db()
        return Response(registration_information(user))


class MyDataAPI(APIView):
    @extend_schema(
        responses=OpenApiResponse(description="Everything held about the caller, by category")
    )
    def get(self, request):
        categories = personal_data_of(user=request.user, limit=100)
        return Response(
            {
                "categories": [
                    {
                        "category": category.code,
                        "label": category.label,
                        "models": [
                            {
                                "model": item.model,
                                "label": item.label,
                                "public": item.public,
                                "total": item.total,
                                "truncated": item.truncated,
                                "rows": item.rows,
                            }
                            for item in category.models
                        ],
                    }
                    for category in categories
                ]
            }
        )


MarketingChoicesSerializer = inline_serializer(
    "MarketingChoices",
    {channel: serializers.BooleanField(required=False) for channel in MarketingChannel.values},
)


class MarketingAPI(APIView):
    @extend_schema(responses=MarketingChoicesSerializer)
    def get(self, request):
        return Response(marketing_choices(user=request.user))

    @extend_schema(request=MarketingChoicesSerializer, responses={200: MarketingChoicesSerializer})
    def put(self, request):
        choices = request.data
        if not isinstance(choices, dict) or not all(isinstance(v, bool) for v in choices.values()):
            detail = _('Send an object of channels and true or false: {"email": false}.')
            return Response(error_body(detail), status=status.HTTP_400_BAD_REQUEST)
        unknown = sorted(set(choices) - set(MarketingChannel.values))
        if unknown:
            detail = _("Unknown channels: %(unknown)s. Use %(known)s.") % {
                "unknown": ", ".join(unknown),
                "known": ", ".join(MarketingChannel.values),
            }
            fields = unknown_fields(dict.fromkeys(unknown), known=())
            return Response(error_body(detail, fields), status=status.HTTP_400_BAD_REQUEST)
        marketing_preferences_set(user=request.user, choices=choices)
        return Response(marketing_choices(user=request.user))


# One answer for a wrong password, an unknown account and a staff account (whose password
# may be right): the refusal tells nothing about the account or the password.
SIGN_IN_REFUSED = gettext_lazy(
    "Unable to log in with provided credentials. Staff accounts sign in to the admin with two "
    "factors and get no API token; use an integration account."
)


class TokenSerializer(StrictSerializer):
    username = serializers.CharField(write_only=True)
    password = serializers.CharField(
        write_only=True, trim_whitespace=False, style={"input_type": "password"}
    )
    token = serializers.CharField(read_only=True)

    class Meta:
        ref_name = "AuthToken"

    def validate(self, attrs):
        # django-axes marks the Django request it is given; DRF's wrapper would hide the mark
        # from the lockout middleware.
        request = self.context.get("request")
        request = getattr(request, "_request", request)
        user = authenticate(request=request, username=attrs["username"], password=attrs["password"])
        if user is not None and is_staff_account(user):
            # A token would skip the staff's second factor. Counted as a failed sign-in, so
            # neither the answer nor the lockout shows that the password was right.
            user_login_failed.send(
                sender=__name__, credentials={"username": attrs["username"]}, request=request
            )
            user = None
        if user is None:
            raise serializers.ValidationError(SIGN_IN_REFUSED, code="authorization")
        return {"user": user}


class TokenAPI(APIView):
    """Exchange an integration account's username and password for an API token."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [ScopeThrottle]
    rate_scope = "login"

    @extend_schema(
        request=TokenSerializer,
        responses={200: TokenSerializer},
        summary="Get an API token (integration accounts; staff get none)",
    )
    def post(self, request):
        serializer = TokenSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        return Response({"token": api_token_issue(user=serializer.validated_data["user"])})
