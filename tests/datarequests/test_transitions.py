"""One table says which action starts from which status; services name tasks, never import them."""

import ast
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission

from datarequests import services
from datarequests.models import Channel, DataRequest, Jurisdiction, Kind, Status
from privacy_office import clock
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]


def test_an_action_may_start_only_from_its_statuses():
    assert services.transition_allowed("verify", Status.AWAITING_IDENTITY)
    assert not services.transition_allowed("verify", Status.AWAITING_PAYMENT)
    assert services.transition_allowed("withdraw", Status.AWAITING_REVIEW)
    assert not services.transition_allowed("withdraw", Status.FULFILLED)
    assert not services.transition_allowed("refuse", Status.WITHDRAWN)


@pytest.mark.django_db
def test_each_user_is_offered_the_actions_their_role_and_the_status_allow():
    owner = UserFactory()
    request = services.data_request_submit(
        requester=services.Requester(user=owner),
        kind=Kind.ACCESS,
        jurisdiction_code="EU",
        channel=Channel.LETTER,
        now=clock.now(),
    )
    clerk = UserFactory(is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="change_datarequest"))
    officer = UserFactory(is_staff=True, is_superuser=True)
    request = DataRequest.objects.get(pk=request.pk)

    assert request.status == Status.AWAITING_IDENTITY
    assert services.actions_available(request, owner) == ["withdraw"]
    # staff checking identity may also ask the requester for it, or for a clarification
    asks = ["ask_identity", "ask_clarification"]
    mark = "mark_excessive"
    assert services.actions_available(request, clerk) == ["verify", *asks, "extend", mark]
    assert services.actions_available(request, officer) == [
        "verify",
        *asks,
        "extend",
        mark,
        "refuse",
    ]
    assert services.actions_available(request, UserFactory()) == []


@pytest.mark.django_db
def test_a_request_under_a_law_without_extensions_offers_none():
    Jurisdiction.objects.filter(code="EU").update(extension_amount=None)
    request = services.data_request_submit(
        requester=services.Requester(user=UserFactory()),
        kind=Kind.ACCESS,
        jurisdiction_code="EU",
        channel=Channel.LETTER,
        now=clock.now(),
    )
    officer = UserFactory(is_staff=True, is_superuser=True)

    assert services.actions_available(request, officer) == [
        "verify",
        "ask_identity",
        "ask_clarification",
        "mark_excessive",
        "refuse",
    ]


def test_every_task_the_services_name_is_a_registered_task():
    from celery import current_app

    current_app.loader.import_default_modules()
    names = [services.FEE_ASSESS_TASK, services.EXPORT_BUILD_TASK, services.MINOR_ERASE_TASK]

    assert [name for name in names if name not in current_app.tasks] == []


@pytest.mark.parametrize(
    "module",
    sorted(
        str(path.relative_to(ROOT))
        for path in [*ROOT.glob("*/services.py"), *ROOT.glob("*/services/*.py")]
        if ".venv" not in path.parts
    ),
)
def test_no_service_imports_a_task_module_or_a_door(module):
    tree = ast.parse((ROOT / module).read_text())
    imported = {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    } | {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    doors = {"tasks", "api", "views", "forms", "admin"}

    assert sorted(name for name in imported if name.rsplit(".", 1)[-1] in doors) == []


def test_corrections_import_no_door():
    tree = ast.parse((ROOT / "datarequests" / "corrections.py").read_text())
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}

    assert sorted(m for m in imported if m.rsplit(".", 1)[-1] in {"api", "forms", "views"}) == []
