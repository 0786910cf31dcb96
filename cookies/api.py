"""JSON doors for cookies (API.md), for the marketplace's own front ends."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from cookies.middleware import sends_gpc
from cookies.models import Method
from cookies.selectors import (
    CONSENT_LIFETIME,
    Consent,
    allowed_categories,
    categories_with_cookies,
    category_codes,
    consent_current,
    consent_from_record,
    consent_needed,
    declarations_version,
)
from cookies.services import consent_record
from privacy_office import clock
from privacy_office.api import error_body, unknown_fields
from privacy_office.client_ip import client_ip
from privacy_office.ratelimit import ScopeThrottle

SEND_CHOICES = _('Send {"choices": {"<category>": true or false, …}}.')

ConsentSerializer = inline_serializer(
    "CookieConsent",
    {
        "choices": serializers.DictField(child=serializers.BooleanField()),
        "declarations_version": serializers.CharField(),
        "given_at": serializers.DateTimeField(allow_null=True),
        "expires_at": serializers.DateTimeField(allow_null=True),
        "needs_consent": serializers.BooleanField(),
        "gpc": serializers.BooleanField(),
    },
)


class CategoriesAPI(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        responses=inline_serializer(
            "CookieCategory",
            {
                "code": serializers.CharField(),
                "title": serializers.CharField(),
                "description": serializers.CharField(),
                "always_on": serializers.BooleanField(),
                "cookies": serializers.ListField(child=serializers.DictField()),
            },
            many=True,
        )
    )
    def get(self, request):
        return Response(
            [
                {
                    "code": category.code,
                    "title": gettext(category.title),
                    "description": gettext(category.description),
                    "always_on": category.always_on,
                    "cookies": [
                        {
                            "name": cookie.name,
                            "domain": cookie.domain,
                            "purpose": gettext(cookie.purpose),
                            "lifetime": gettext(cookie.lifetime),
                            "first_party": cookie.first_party,
                        }
                        for cookie in category.cookies.all()
                    ],
                }
                for category in categories_with_cookies()
            ]
        )


def consent_data(request, consent: Consent | None = None) -> dict:
    now = clock.now()
    if consent is None:
        consent = consent_current(visitor_id=request.visitor_id, user=request.user)
    allowed = allowed_categories(consent, now=now, gpc=sends_gpc(request))
    codes = category_codes()
    return {
        "choices": {code: code in allowed for code in codes},
        "declarations_version": declarations_version(),
        "given_at": consent.given_at.isoformat() if consent else None,
        "expires_at": (consent.given_at + CONSENT_LIFETIME).isoformat() if consent else None,
        "needs_consent": consent_needed(consent, now=now),
        "gpc": sends_gpc(request),
    }


class ConsentAPI(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [ScopeThrottle]
    rate_scope = "consent"

    @extend_schema(responses=ConsentSerializer)
    def get(self, request):
        return Response(consent_data(request))

    @extend_schema(
        request=inline_serializer(
            "CookieConsentChoices",
            {"choices": serializers.DictField(child=serializers.BooleanField())},
        ),
        responses={200: ConsentSerializer},
    )
    def put(self, request):
        choices = request.data.get("choices") if isinstance(request.data, dict) else None
        unknown = unknown_fields(request.data, {"choices"})
        if not isinstance(choices, dict) or unknown:
            return Response(error_body(SEND_CHOICES, unknown), status=status.HTTP_400_BAD_REQUEST)
        record = consent_record(
            visitor_id=request.visitor_id,
            user=request.user,
            choices=choices,
            method=Method.API,
            gpc=sends_gpc(request),
            ip=client_ip(request),
            user_agent=request.headers.get("User-Agent", ""),
            now=clock.now(),
        )
        return Response(consent_data(request, consent_from_record(record)))
