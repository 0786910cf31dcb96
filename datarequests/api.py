"""JSON doors for data requests (API.md): submit, list, read, withdraw, download the export."""

from django.http import Http404, StreamingHttpResponse
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from datarequests import services
from datarequests.calendars import end_of_day, zone_name, zone_of
from datarequests.erasure import kept_items, kept_lines
from datarequests.export_storage import export_file_chunks
from datarequests.exports import export_is_downloadable
from datarequests.models import (
    Channel,
    DataRequest,
    FeeQuote,
    Kind,
    Notice,
    RequestEvent,
    Status,
)
from datarequests.seed import JURISDICTIONS
from datarequests.selectors import account_named, acting_as_agent, request_of, requests_of
from privacy_office import clock
from privacy_office.api import StrictSerializer
from privacy_office.ratelimit import ScopeThrottle
from privacy_office.registry import Category

JURISDICTION_CODES = [rules["code"] for rules in JURISDICTIONS]


@extend_schema_field({"type": "string", "enum": JURISDICTION_CODES, "maxLength": 10})
class JurisdictionField(serializers.CharField):
    """A jurisdiction's code; the service names the known ones when it is not one of them."""


class SubmitSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    jurisdiction = JurisdictionField(max_length=10)
    details = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    corrections = serializers.ListField(
        child=serializers.DictField(), required=False, max_length=50
    )
    minor = serializers.CharField(
        required=False,
        max_length=254,
        help_text="guardian_deletion: the minor's user name or email",
    )
    categories = serializers.ListField(
        child=serializers.ChoiceField(choices=Category.choices),
        required=False,
        max_length=len(Category.values),
        help_text="erasure: only these categories (empty or absent: all the person's data)",
    )
    on_behalf_of = serializers.CharField(
        required=False,
        max_length=254,
        help_text="an authorized agent (US-CA, CCPA regs §7063): the person's user name or email",
    )
    agent_permission = serializers.FileField(
        required=False,
        help_text="with on_behalf_of: the person's signed permission, PDF, JPEG or PNG (multipart)",
    )


def fee_data(request: DataRequest) -> dict | None:
    quote = getattr(request, "fee_quote", None)
    if quote is None:
        return None
    return {
        "amount": str(quote.amount),
        "currency": quote.currency,
        "lines": quote.shown_lines,
        "status": quote.status,
        "estimate": quote.is_estimate,
    }


def pending_steps(request: DataRequest) -> list[dict]:
    """The statutory steps still pending, the reply among them, each with its last moment
    in the jurisdiction's zone (the request page shows them too)."""
    zone = zone_of(request.jurisdiction)
    steps = [
        {
            "step": step.name,
            "label": str(Notice(step.name).label),
            "due_at": end_of_day(request.jurisdiction, step.due),
        }
        for step in services.request_steps(request, now=clock.now())
    ]
    if request.due_at and request.status in services.TRANSITIONS["refuse"].sources:
        steps.append(
            {
                "step": "reply",
                "label": gettext("the reply"),
                "due_at": request.due_at.astimezone(zone),
            }
        )
    return sorted(steps, key=lambda step: step["due_at"])


def request_data(request: DataRequest, *, events: bool = False) -> dict:
    # Every instant in the jurisdiction's own zone (the offset shows it), and the zone named.
    zone = zone_of(request.jurisdiction)
    data = {
        "id": request.pk,
        "status": request.status,
        "kind": request.kind,
        "jurisdiction": request.jurisdiction.code,
        "channel": request.channel,
        "time_zone": zone_name(request.jurisdiction),
        "received_at": request.received_at.astimezone(zone).isoformat(),
        "due_at": request.due_at.astimezone(zone).isoformat() if request.due_at else None,
        "fee": fee_data(request),
    }
    if request.kind == Kind.ERASURE:
        data["categories"] = list(request.erasure_categories)
        tombstone = getattr(request, "tombstone", None)
        data["kept"] = kept_lines(kept_items(tombstone.counts)) if tombstone else []
    if events:
        data["steps"] = [
            {**step, "due_at": step["due_at"].isoformat()} for step in pending_steps(request)
        ]
        data["events"] = [
            {
                "time": e.at.astimezone(zone).isoformat(),
                "status": e.status,
                "type": e.type,
                "reason": e.reason_text,
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


def _as_read_by(request: DataRequest, user) -> dict:
    """The whole request for its person; for the agent who made it, where it stands only."""
    if acting_as_agent(request, user):
        shown = ("id", "kind", "status", "channel", "jurisdiction", "time_zone", "received_at")
        shown += ("due_at",)
        return {key: value for key, value in request_data(request).items() if key in shown} | {
            "agent": True
        }
    return request_data(request, events=True)


class FeeLineSerializer(serializers.Serializer):
    label = serializers.CharField(help_text="in the reader's language")
    amount = serializers.DecimalField(max_digits=10, decimal_places=2)


class FeeSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    currency = serializers.CharField(min_length=3, max_length=3, help_text="ISO 4217")
    lines = FeeLineSerializer(many=True)
    status = serializers.ChoiceField(choices=FeeQuote.Status.choices)
    estimate = serializers.BooleanField(
        help_text="a written estimate to accept before anything is charged (SG, PDPR reg 7)"
    )

    class Meta:
        ref_name = "Fee"


class EventSerializer(serializers.Serializer):
    time = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=Status.choices, help_text="the status after it")
    type = serializers.ChoiceField(choices=RequestEvent.Type.choices)
    reason = serializers.CharField(allow_blank=True, help_text="in the reader's language")

    class Meta:
        ref_name = "Event"


class CorrectionSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="<app>.<Model>.<field>, as in the data map")
    old_value = serializers.JSONField(allow_null=True)
    new_value = serializers.JSONField(allow_null=True)
    applied = serializers.BooleanField()

    class Meta:
        ref_name = "Correction"


class ExportSerializer(serializers.Serializer):
    expires_at = serializers.DateTimeField()
    size = serializers.IntegerField(min_value=0, help_text="bytes")

    class Meta:
        ref_name = "Export"


class StepSerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=[*Notice.choices, ("reply", "the reply")])
    label = serializers.CharField(help_text="in the reader's language")
    due_at = serializers.DateTimeField(help_text="the last moment, in the jurisdiction's zone")

    class Meta:
        ref_name = "Step"


class RequestSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Status.choices)
    kind = serializers.ChoiceField(choices=Kind.choices)
    jurisdiction = JurisdictionField()
    channel = serializers.ChoiceField(choices=Channel.choices)
    time_zone = serializers.CharField(
        help_text="IANA zone the jurisdiction dates receipt and deadlines in"
    )
    received_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField(allow_null=True, help_text="in the jurisdiction's zone")
    fee = FeeSerializer(allow_null=True, help_text="null until a fee is assessed")
    categories = serializers.ListField(
        child=serializers.ChoiceField(choices=Category.choices),
        required=False,
        help_text="erasure only: the categories asked for (empty: all)",
    )
    kept = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="erasure only, once done: what was kept, each with its legal reason",
    )

    class Meta:
        ref_name = "DataRequestSummary"


class RequestSerializer(RequestSummarySerializer):
    steps = StepSerializer(many=True, help_text="the statutory steps still pending")
    events = EventSerializer(many=True)
    corrections = CorrectionSerializer(many=True)
    export = ExportSerializer(allow_null=True, help_text="null while there is none to download")

    class Meta:
        ref_name = "DataRequest"


class RequestsAPI(APIView):
    throttle_classes = [ScopeThrottle]
    rate_scope = "request"

    @extend_schema(responses=RequestSummarySerializer(many=True))
    def get(self, request):
        requests = requests_of(user=request.user)[:500]
        user = request.user
        return Response(
            [
                _as_read_by(found, user) if acting_as_agent(found, user) else request_data(found)
                for found in requests
            ]
        )

    @extend_schema(
        request=SubmitSerializer,
        responses={201: RequestSerializer},
    )
    def post(self, request):
        serializer = SubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)  # 400 {"detail", "fields"}: exception_handler
        data = serializer.validated_data
        named = data.get("on_behalf_of", "").strip()
        agent = request.user if named else None
        if named:
            person = account_named(named)
            # An unknown name is kept as given, not refused: that would tell the agent whether
            # an account exists; staff name the account when they verify the person directly.
            requester = services.Requester(user=person, name=named)
        else:
            requester = services.Requester(user=request.user)
        created = services.data_request_submit(
            requester=requester,
            kind=data["kind"],
            jurisdiction_code=data["jurisdiction"],
            channel=Channel.API,
            details=data.get("details", ""),
            corrections=data.get("corrections", []),
            minor=account_named(data.get("minor", "")),
            minor_named=data.get("minor", ""),
            categories=data.get("categories", []),
            agent=agent,
            agent_permission=data.get("agent_permission"),
            language=request.user.preferred_language,
            now=clock.now(),
        )
        created = request_of(user=request.user, request_id=created.pk)
        return Response(_as_read_by(created, request.user), status=status.HTTP_201_CREATED)


class RequestAPI(APIView):
    @extend_schema(responses={200: RequestSerializer})
    def get(self, request, request_id: int):
        found = request_of(user=request.user, request_id=request_id)
        if found is None:
            raise Http404
        return Response(_as_read_by(found, request.user))


class WithdrawAPI(APIView):
    @extend_schema(
        request=None,
        responses={
            200: RequestSerializer,
            409: OpenApiResponse(description="already fulfilled, refused, withdrawn or lapsed"),
        },
    )
    def post(self, request, request_id: int):
        found = request_of(user=request.user, request_id=request_id)
        if found is None or acting_as_agent(found, request.user):
            raise Http404
        services.data_request_withdraw(
            request_id=request_id, requester=request.user, now=clock.now()
        )
        found = request_of(user=request.user, request_id=request_id)
        return Response(request_data(found, events=True))


class EstimateAnswerAPI(APIView):
    """Singapore (PDPR reg 7): the requester accepts or declines the written fee estimate."""

    accept = True

    @extend_schema(
        request=None,
        responses={
            200: RequestSerializer,
            409: OpenApiResponse(description="no estimate waits for an answer"),
        },
    )
    def post(self, request, request_id: int):
        if request_of(user=request.user, request_id=request_id) is None:
            raise Http404
        services.fee_estimate_answer(
            request_id=request_id, requester=request.user, accept=self.accept, now=clock.now()
        )
        found = request_of(user=request.user, request_id=request_id)
        return Response(request_data(found, events=True))


class EstimateAcceptAPI(EstimateAnswerAPI):
    accept = True


class EstimateDeclineAPI(EstimateAnswerAPI):
    accept = False


def export_response(request, request_id: int) -> StreamingHttpResponse:
    """Stream the owner's export, decrypting as it goes; 404 for anyone else or once expired."""
    found = request_of(user=request.user, request_id=request_id)
    if found is not None and acting_as_agent(found, request.user):
        found = None  # the data goes to the person, never to the agent (CCPA regs §7063)
    export = getattr(found, "export", None) if found else None
    if export is None or not export_is_downloadable(export, now=clock.now()):
        raise Http404(_("There is no export to download, or its link has expired."))
    response = StreamingHttpResponse(
        export_file_chunks(export.path), content_type="application/zip"
    )
    response["Content-Disposition"] = f'attachment; filename="my-data-request-{found.pk}.zip"'
    response["Content-Length"] = str(export.size)
    response["Cache-Control"] = "no-store"
    return response


class ExportAPI(APIView):
    @extend_schema(
        responses={
            (200, "application/zip"): OpenApiResponse(
                bytes, description="the export: data.json, a CSV per table and the reply letter"
            ),
            404: OpenApiResponse(description="no export to download, or its link has expired"),
        }
    )
    def get(self, request, request_id: int):
        return export_response(request, request_id)
