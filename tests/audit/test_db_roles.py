"""The application's database role cannot rewrite proof: PostgreSQL itself refuses it.

The test connects to the test database as a restricted role granted the way
``manage.py db_roles`` grants it, and tries what an attacker inside the
application would try, including switching the append-only triggers off.
"""

from io import StringIO

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from psycopg import errors

from audit.services import audit_record
from privacy_office import clock

OWNER, APP = "po_audit_owner_t", "po_audit_app_t"
PROOF = ["audit_auditevent", "cookies_consentrecord"]
ROWS = {
    "audit_auditevent": (
        "INSERT INTO audit_auditevent (seq, at, action, categories, target, reference, detail, "
        "previous_hash, key_id, hash) VALUES (999, now(), 'change', '[]', 'x:app', '', '', "
        "'', 'k', 'app-inserted') RETURNING id"
    ),
    "cookies_consentrecord": (
        "INSERT INTO cookies_consentrecord (visitor_id, choices, declarations_version, "
        "policy_version, method, gpc, created_at, ip_truncated, user_agent_hash) VALUES "
        "('v1', '{}', '1', '1', 'banner', false, now(), '', '') RETURNING id"
    ),
}


@pytest.fixture
def app_connection(transactional_db):
    out = StringIO()
    call_command("db_roles", owner=OWNER, app=APP, stdout=out)
    assert "cannot change, delete or empty them" in out.getvalue()
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        dbname=settings["NAME"],
        user=APP,
        autocommit=True,
    ) as app:
        yield app


def refused(app: psycopg.Connection, *statements: str) -> bool:
    try:
        with app.transaction():
            app.execute("SET LOCAL pgtrigger.ignore = 'pgtrigger_audit_events_append_only_5c9cd'")
            for statement in statements:
                app.execute(statement)
    except errors.InsufficientPrivilege:
        return True
    return False


@pytest.mark.parametrize("table", PROOF)
def test_the_app_role_may_add_and_read_proof(app_connection, table):
    new_id = app_connection.execute(ROWS[table]).fetchone()[0]

    query = f"SELECT count(*) FROM {table} WHERE id = %s"  # noqa: S608

    assert app_connection.execute(query, [new_id]).fetchone()[0] == 1


@pytest.mark.parametrize("table", PROOF)
def test_postgresql_refuses_the_app_role_updates_deletes_and_truncation_of_proof(
    app_connection, table
):
    audit_record(actor=None, action="change", target="x:1", now=clock.now())
    app_connection.execute(ROWS["cookies_consentrecord"])

    update, delete = f"UPDATE {table} SET id = id", f"DELETE FROM {table}"  # noqa: S608

    assert [
        refused(app_connection, update),
        refused(app_connection, delete),
        refused(app_connection, f"TRUNCATE {table}"),
        refused(app_connection, f"ALTER TABLE {table} DISABLE TRIGGER ALL"),
        refused(app_connection, f"GRANT UPDATE ON {table} TO {APP}", update),
    ] == [True] * 5
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
        assert cursor.fetchone()[0] == 1


def test_the_app_role_still_changes_ordinary_tables(app_connection):
    assert not refused(app_connection, "UPDATE accounts_user SET is_active = is_active")


def test_db_roles_runs_again_without_change_and_checks_the_app_role(app_connection):
    out = StringIO()
    call_command("db_roles", owner=OWNER, app=APP, stdout=out)
    call_command("db_roles", owner=OWNER, app=APP, check=True, stdout=out)

    assert out.getvalue().count(f"{APP} may read and add to the audit trail") == 2


def test_the_app_role_may_not_rewrite_the_log_book_nor_delete_a_young_entry(app_connection):
    from datarequests import services
    from datarequests.models import Channel, Kind

    request = services.data_request_submit(
        requester=services.Requester(name="Chan Tai Man", email="chan@example.com"),
        kind=Kind.ACCESS,
        jurisdiction_code="HK",
        channel=Channel.LETTER,
        now=clock.now(),
    )
    services.data_request_refuse(
        request_id=request.pk,
        actor=None,
        ground="Part 8 exemption",
        explanation="Exempt.",
        now=clock.now(),
    )
    table = "records_logbookentry"

    assert [
        refused(app_connection, f"UPDATE {table} SET reasons = 'rewritten'"),  # noqa: S608
        refused(app_connection, f"DELETE FROM {table}"),  # noqa: S608
        refused(app_connection, f"TRUNCATE {table}"),
        refused(app_connection, f"ALTER TABLE {table} DISABLE TRIGGER ALL"),
    ] == [True] * 4
    assert app_connection.execute(f"SELECT reasons FROM {table}").fetchone()[0] == "Exempt."  # noqa: S608
