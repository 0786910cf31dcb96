import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from privacy_office.registry import registry
from tests.conftest import verified_login

KEYS = [
    "app",
    "model",
    "field",
    "category",
    "personal",
    "purposes",
    "mandatory",
    "correctable",
    "erasure",
    "public",
    "retention_days",
]


def run_datamap(fmt):
    out = StringIO()
    call_command("datamap", "--format", fmt, stdout=out)
    return out.getvalue()


def test_json_lists_every_declared_field_with_the_contract_keys():
    rows = json.loads(run_datamap("json"))

    declared = [
        (d.model._meta.app_label, d.model._meta.object_name, f.name)
        for d in registry.declarations()
        for f in d.fields
    ]
    assert [(row["app"], row["model"], row["field"]) for row in rows] == declared
    assert all(list(row) == KEYS for row in rows)


def test_json_matches_the_user_declarations():
    rows = {(r["app"], r["model"], r["field"]): r for r in json.loads(run_datamap("json"))}

    assert rows["accounts", "User", "email"] == {
        "app": "accounts",
        "model": "User",
        "field": "email",
        "category": "registration",
        "personal": True,
        "purposes": ["B1", "B3", "B4", "B5", "B7"],
        "mandatory": True,
        "correctable": True,
        "erasure": "redact",
        "public": False,
        "retention_days": None,
    }
    assert rows["accounts", "User", "last_login"]["category"] == "browsing"
    assert rows["accounts", "User", "date_joined"]["erasure"] == "keep"


def test_table_shows_each_field_and_the_fields_declared_not_personal():
    table = run_datamap("table")

    assert "accounts.User.email" in table
    assert "registration  personal  B1,B3,B4,B5,B7" in table
    assert "Declared as not personal:" in table
    assert "auth.Group.name: the name of a staff role, not of a person" in table


def test_unknown_format_is_refused():
    with pytest.raises(CommandError, match="invalid choice: 'xml'"):
        call_command("datamap", "--format", "xml")


@pytest.mark.django_db
def test_admin_data_map_page_lists_declarations_for_staff(client, staff_user):
    verified_login(client, staff_user)

    response = client.get(reverse("admin:datamap"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "accounts.User.email" in page
    assert "Registration information (A.2)" in page
    assert "the name of a staff role, not of a person" in page
    assert "Verify your identity" in page  # the purposes legend, in the policy's words


@pytest.mark.django_db
def test_admin_data_map_filters_by_category(client, staff_user):
    verified_login(client, staff_user)

    page = client.get(reverse("admin:datamap"), {"category": "browsing"}).content.decode()

    assert "accounts.User.last_login" in page
    assert "accounts.User.email" not in page


@pytest.mark.django_db
def test_admin_index_links_to_the_data_map(client, staff_user):
    verified_login(client, staff_user)

    page = client.get(reverse("admin:index")).content.decode()

    assert reverse("admin:datamap") in page


@pytest.mark.django_db
def test_data_map_page_needs_a_staff_sign_in(client, django_user_model):
    anonymous = client.get(reverse("admin:datamap"))
    client.force_login(django_user_model.objects.create_user(username="buyer", password="x"))
    buyer = client.get(reverse("admin:datamap"))

    assert anonymous.status_code == 302
    assert buyer.status_code == 302
    assert "/admin/login/" in buyer["Location"]


@pytest.mark.django_db
def test_purposes_b1_to_b9_exist_as_data_with_the_policy_wording():
    from privacy_office.models import Purpose

    purposes = dict(Purpose.objects.values_list("code", "wording"))

    assert list(purposes) == [f"B{n}" for n in range(1, 10)]
    assert purposes["B1"] == "Verify your identity"
    assert purposes["B9"].startswith("Disclosure in accordance with any of the above objectives")


def test_the_data_map_names_what_a_persons_erasure_keeps_and_why(client, staff_user):
    verified_login(client, staff_user)

    english = client.get(reverse("admin:datamap")).content.decode()
    chinese = client.get(reverse("admin:datamap"), HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert "kept on a person's own erasure request: needed to complete an order still open" in (
        english
    )
    assert "本人提出删除请求时保留：为完成尚未结束的订单所需" in chinese.content.decode()
