"""JSON doors for data requests (API.md): submit, list, read, withdraw, download the export."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.http import Http404, StreamingHttpResponse
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from datarequests import services
from datarequests.exports import export_is_downloadable
from datarequests.models import Channel, DataRequest, Kind
from datarequests.selectors import account_named, request_of, requests_of
from privacy_office import clock
from privacy_office.encrypted_files import decrypted_chunks
from privacy_office.ratelimit import ScopeThrottle


class SubmitSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    jurisdiction = serializers.CharField(max_length=10)
    details = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    corrections = serializers.ListField(
        child=serializers.DictField(), required=False, max_length=50
    )
    minor = serializers.CharField(
        required=False,
        max_length=254,
        help_text="guardian_deletion: the minor's user name or email",
    )


def fee_data(request: DataRequest) -> dict | None:
    quote = getattr(request, "fee_quote", None)
    if quote is None:
        return None
    return {
        "amount": str(quote.amount),
        "currency": quote.currency,
        "lines": quote.lines,
        "status": quote.status,
    }


def request_data(request: DataRequest, *, events: bool = False) -> dict:
    data = {
        "id": request.pk,
        "status": request.status,
        "kind": request.kind,
        "jurisdiction": request.jurisdiction.code,
        "channel": request.channel,
        "received_at": request.received_at.isoformat(),
        "due_at": request.due_at.isoformat() if request.due_at else None,
        "fee": fee_data(request),
    }
    if events:
        data["events"] = [
            {
                "time": e.at.isoformat(),
                "status": e.status,
                "type": e.type,
                "reason": gettext(e.reason),
            }
            for e in request.events.all()
        ]
        data["corrections"] = [
            {
                "field": c.field,
                "old_value": c.old_value,
                "new_value": c.new_value,
                "applied": c.applied_at is not None,
            }
            for c in request.corrections.all()
        ]
        export = getattr(request, "export", None)
        data["export"] = (
            {"expires_at": export.expires_at.isoformat(), "size": export.size}
            if export and export_is_downloadable(export, now=clock.now())
            else None
        )
    return data


def validation_response(error: ValidationError) -> Response:
    if hasattr(error, "message_dict"):
        fields = error.message_dict
        detail = next(iter(fields.values()))[0]
    else:
        fields, detail = {}, error.messages[0]
    return Response({"detail": detail, "fields": fields}, status=status.HTTP_400_BAD_REQUEST)


REQUEST_FIELDS = {
    "id": serializers.IntegerField(),
    "status": serializers.CharField(),
    "kind": serializers.CharField(),
    "jurisdiction": serializers.CharField(),
    "channel": serializers.CharField(),
    "received_at": serializers.DateTimeField(),
    "due_at": serializers.DateTimeField(allow_null=True),
    "fee": serializers.DictField(allow_null=True),
    "events": serializers.ListField(child=serializers.DictField(), required=False),
    "corrections": serializers.ListField(child=serializers.DictField(), required=False),
    "export": serializers.DictField(allow_null=True, required=False),
}
RequestSerializer = inline_serializer("DataRequest", REQUEST_FIELDS)
RequestListSerializer = inline_serializer("DataRequestList", REQUEST_FIELDS, many=True)


class RequestsAPI(APIView):
    throttle_classes = [ScopeThrottle]
    rate_scope = "request"

    @extend_schema(responses=RequestListSerializer)
    def get(self, request):
        return Response([request_data(r) for r in requests_of(user=request.user)[:500]])

    @extend_schema(
        request=SubmitSerializer,
        responses={
            201: RequestSerializer,
            400: OpenApiResponse(description='{"detail", "fields"}: what to correct'),
            429: OpenApiResponse(description="too many requests; see Retry-After"),
        },
    )
    def post(self, request):
        serializer = SubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)  # 400 {"detail", "fields"}: exception_handler
        data = serializer.validated_data
        try:
            created = services.data_request_submit(
                requester=services.Requester(user=request.user),
                kind=data["kind"],
                jurisdiction_code=data["jurisdiction"],
                channel=Channel.API,
                details=data.get("details", ""),
                corrections=data.get("corrections", []),
                minor=account_named(data.get("minor", "")),
                minor_named=data.get("minor", ""),
                language=request.user.preferred_language,
                now=clock.now(),
            )
        except ValidationError as error:
            return validation_response(error)
        created = request_of(user=request.user, request_id=created.pk)
        return Response(request_data(created, events=True), status=status.HTTP_201_CREATED)


class RequestAPI(APIView):
    @extend_schema(
        responses={200: RequestSerializer, 404: OpenApiResponse(description="not yours")}
    )
    def get(self, request, request_id: int):
        found = request_of(user=request.user, request_id=request_id)
        if found is None:
            raise Http404
        return Response(request_data(found, events=True))


class WithdrawAPI(APIView):
    @extend_schema(request=None, responses={200: RequestSerializer, 409: OpenApiResponse()})
    def post(self, request, request_id: int):
        if request_of(user=request.user, request_id=request_id) is None:
            raise Http404
        try:
            services.data_request_withdraw(
                request_id=request_id, requester=request.user, now=clock.now()
            )
        except services.AlreadyMoved as error:
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
        found = request_of(user=request.user, request_id=request_id)
        return Response(request_data(found, events=True))


def export_response(request, request_id: int) -> StreamingHttpResponse:
    """Stream the owner's export, decrypting as it goes; 404 for anyone else or once expired."""
    found = request_of(user=request.user, request_id=request_id)
    export = getattr(found, "export", None) if found else None
    if export is None or not export_is_downloadable(export, now=clock.now()):
        raise Http404(_("There is no export to download, or its link has expired."))
    response = StreamingHttpResponse(
        decrypted_chunks(Path(export.path)), content_type="application/zip"
    )
    response["Content-Disposition"] = f'attachment; filename="my-data-request-{found.pk}.zip"'
    response["Content-Length"] = str(export.size)
    response["Cache-Control"] = "no-store"
    return response


class ExportAPI(APIView):
    @extend_schema(
        responses={200: OpenApiResponse(description="application/zip"), 404: OpenApiResponse()}
    )
    def get(self, request, request_id: int):
        return export_response(request, request_id)
