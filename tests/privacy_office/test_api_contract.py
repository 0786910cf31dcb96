"""The API's public contract as its OpenAPI schema states it, checked against what the
server does: enums, named components, required fields, unknown fields, the error shape."""

import json

import pytest
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer

from accounts.models import User
from datarequests.models import Channel, DataRequest, FeeQuote, Kind, RequestEvent, Status
from tests.factories import REGISTRATION, UserFactory

UNKNOWN = "This field is not known here; leave it out."


@pytest.fixture(scope="module")
def schema():
    return json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(public=True)))


def component(schema, name):
    return schema["components"]["schemas"][name]


def enum_of(schema, prop):
    """The values of an enum property, whether referenced directly or through allOf."""
    ref = prop.get("$ref") or prop["allOf"][0]["$ref"]
    return component(schema, ref.rsplit("/", 1)[1])["enum"]


def test_a_request_states_status_kind_channel_and_jurisdiction_as_enums(schema):
    request = component(schema, "DataRequest")["properties"]

    assert enum_of(schema, request["status"]) == [
        "received",
        "awaiting_identity",
        "awaiting_requester",
        "assessing_fee",
        "awaiting_acceptance",
        "awaiting_payment",
        "in_progress",
        "awaiting_review",
        "awaiting_dispatch",
        "fulfilled",
        "refused",
        "withdrawn",
        "lapsed",
    ]
    assert enum_of(schema, request["status"]) == Status.values
    assert enum_of(schema, request["kind"]) == [
        "access",
        "correction",
        "guardian_deletion",
        "erasure",
    ]
    assert enum_of(schema, request["channel"]) == Channel.values
    assert enum_of(schema, request["jurisdiction"]) == ["HK", "EU", "UK", "CN", "US-CA", "SG"]
    submit = component(schema, "Submit")["properties"]
    assert enum_of(schema, submit["kind"]) == Kind.values
    assert enum_of(schema, submit["jurisdiction"]) == ["HK", "EU", "UK", "CN", "US-CA", "SG"]


def test_fee_events_corrections_and_export_are_named_components_with_typed_fields(schema):
    request = component(schema, "DataRequest")["properties"]
    fee, event = component(schema, "Fee"), component(schema, "Event")
    correction, export = component(schema, "Correction"), component(schema, "Export")

    assert request["fee"]["allOf"] == [{"$ref": "#/components/schemas/Fee"}]
    assert request["fee"]["nullable"] is True
    assert request["events"]["items"] == {"$ref": "#/components/schemas/Event"}
    assert request["corrections"]["items"] == {"$ref": "#/components/schemas/Correction"}
    assert request["export"]["allOf"] == [{"$ref": "#/components/schemas/Export"}]
    assert fee["properties"]["amount"]["format"] == "decimal"
    assert fee["properties"]["lines"]["items"] == {"$ref": "#/components/schemas/FeeLine"}
    assert enum_of(schema, fee["properties"]["status"]) == FeeQuote.Status.values
    assert enum_of(schema, event["properties"]["status"]) == Status.values
    assert enum_of(schema, event["properties"]["type"]) == RequestEvent.Type.values
    assert event["properties"]["time"]["format"] == "date-time"
    assert correction["properties"]["applied"]["type"] == "boolean"
    assert export["properties"]["expires_at"]["format"] == "date-time"
    assert export["properties"]["size"]["type"] == "integer"
    assert set(component(schema, "DataRequest")["required"]) >= {"fee", "events", "export"}


@pytest.mark.django_db
def test_the_schemas_required_registration_fields_are_the_ones_the_server_refuses(schema, client):
    registration = component(schema, "Registration")
    required = set(registration["required"])
    either = [set(alternative["required"]) for alternative in registration["anyOf"]]

    nothing = client.post(reverse("api-register"), {}, content_type="application/json")
    refused = set(nothing.json()["fields"])

    assert required == {
        "username",
        "password",
        "password_again",
        "first_name",
        "last_name",
        "email",
        "phone",
        "country",
    }
    assert either == [{"birth_date"}, {"birth_year"}]
    # The server names the year for the either-or pair.
    assert refused == required | {"birth_year"}
    only_required = {name: REGISTRATION[name] for name in required}
    with_year = client.post(
        reverse("api-register"),
        {**only_required, "birth_year": 1990},
        content_type="application/json",
    )
    assert with_year.status_code == 201


@pytest.mark.django_db
def test_an_unknown_registration_field_is_refused_by_name(client):
    body = {**REGISTRATION, "date_of_birth": "1990-04-12"}
    del body["birth_date"]

    response = client.post(reverse("api-register"), body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["fields"]["date_of_birth"] == [UNKNOWN]
    assert not User.objects.exists()


@pytest.mark.django_db
def test_an_unknown_field_in_a_request_or_a_consent_is_refused_by_name(client):
    user = UserFactory()
    client.force_login(user)

    submitted = client.post(
        reverse("api-requests"),
        {"kind": "access", "jurisdiction": "HK", "urgent": True},
        content_type="application/json",
    )
    consent = client.put(
        reverse("api-cookie-consent"),
        {"choices": {"analytics": True}, "choice": {"analytics": False}},
        content_type="application/json",
    )

    assert (submitted.status_code, submitted.json()) == (
        400,
        {"detail": "Please correct the fields listed.", "fields": {"urgent": [UNKNOWN]}},
    )
    assert not DataRequest.objects.exists()
    assert consent.status_code == 400
    assert consent.json()["fields"] == {"choice": [UNKNOWN]}


@pytest.mark.django_db
def test_an_unknown_field_in_a_token_request_is_refused_by_name(client):
    UserFactory(username="integration", password="Lanterns-over-Xihu-2026")

    response = client.post(
        reverse("api-token"),
        {"username": "integration", "password": "Lanterns-over-Xihu-2026", "scope": "all"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {"scope": [UNKNOWN]}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "name"),
    [("get", "api-me"), ("get", "api-requests"), ("post", "api-browsing-ingest")],
)
def test_an_unauthenticated_call_answers_401_with_www_authenticate(client, method, name):
    response = getattr(client, method)(reverse(name), [], content_type="application/json")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {
        "detail": "Authentication credentials were not provided.",
        "fields": {},
    }


def test_every_operations_errors_are_documented_in_the_one_error_shape(schema):
    error = component(schema, "Error")
    errors = {
        (method.upper(), path): sorted(code for code in operation["responses"] if code >= "400")
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    }
    shapes = {
        operation["responses"][code]["content"]["application/json"]["schema"]["$ref"]
        for operations in schema["paths"].values()
        for operation in operations.values()
        for code in operation["responses"]
        if code >= "400"
    }

    assert error["required"] == ["detail", "fields"]
    assert shapes == {"#/components/schemas/Error"}
    assert errors[("POST", "/api/v1/requests/")] == ["400", "401", "403", "413", "429"]
    assert errors[("POST", "/api/v1/requests/{request_id}/withdraw/")] == [
        "401",
        "403",
        "404",
        "409",
    ]
    assert errors[("POST", "/api/v1/accounts/register/")] == ["400", "413", "429"]
    assert errors[("POST", "/api/v1/disclosures/")] == ["400", "401", "403", "413"]
    assert errors[("GET", "/api/v1/health/")] == []


@pytest.mark.django_db
def test_a_services_refusal_and_a_conflict_answer_in_the_one_error_shape(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory()
    client.force_login(user)
    unknown = client.post(
        reverse("api-requests"),
        {"kind": "access", "jurisdiction": "XX"},
        content_type="application/json",
    )
    created = client.post(
        reverse("api-requests"), {"kind": "access", "jurisdiction": "HK"}, "application/json"
    )
    request_id = created.json()["id"]
    client.post(reverse("api-request-withdraw", args=[request_id]))
    again = client.post(reverse("api-request-withdraw", args=[request_id]))

    assert unknown.status_code == 400
    assert set(unknown.json()) == {"detail", "fields"}
    assert unknown.json()["detail"].startswith("Unknown jurisdiction XX")
    assert list(unknown.json()["fields"]) == ["jurisdiction"]
    assert again.status_code == 409
    assert set(again.json()) == {"detail", "fields"}
    assert again.json()["fields"] == {}
    assert "already moved on" in again.json()["detail"]
