"""The application's database role cannot rewrite proof: PostgreSQL itself refuses it.

The suite connects as the application's role (DATABASE_URL) while the owner
role (DATABASE_OWNER_URL) created and migrated its database, as in production
(README, Security). These tests try, on the suite's own connection, what an
attacker running code inside the application would try, including switching
the append-only triggers off first.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, ProgrammingError, connection, transaction
from psycopg import errors

from audit.models import AuditEvent
from audit.services import audit_record
from cookies.models import ConsentRecord
from privacy_office import clock

pytestmark = pytest.mark.usefixtures("app_role")

PROOF = ["audit_auditevent", "cookies_consentrecord"]
TRIGGERS_OFF = (
    "SET LOCAL pgtrigger.ignore = "
    "'pgtrigger_audit_events_append_only_5c9cd,pgtrigger_consent_records_append_only_8f232'"
)


@pytest.fixture
def proof():
    audit_record(actor=None, action="change", target="x:1", now=clock.now())
    ConsentRecord.objects.create(
        visitor_id="v1",
        choices={},
        declarations_version="1",
        policy_version="1",
        method="banner_save",
        created_at=clock.now(),
    )


def refusal(*statements: str) -> str | None:
    """Run the statements in a savepoint with the triggers off; return PostgreSQL's refusal."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(TRIGGERS_OFF)
            for statement in statements:
                cursor.execute(statement)
    except ProgrammingError as error:
        if isinstance(error.__cause__, errors.InsufficientPrivilege):
            return str(error.__cause__).splitlines()[0]
        raise
    return None


def test_the_suite_connects_as_a_role_that_is_neither_superuser_nor_owner():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolsuper, pg_get_userbyid(relowner) = current_user FROM pg_roles, pg_class "
            "WHERE rolname = current_user AND pg_class.oid = 'audit_auditevent'::regclass"
        )
        assert cursor.fetchone() == (False, False)


@pytest.mark.parametrize("table", PROOF)
def test_postgresql_refuses_the_app_role_updates_deletes_and_truncation_of_proof(proof, table):
    refusals = [
        refusal(f"UPDATE {table} SET id = id"),  # noqa: S608
        refusal(f"DELETE FROM {table}"),  # noqa: S608
        refusal(f"TRUNCATE {table}"),
        refusal(f"ALTER TABLE {table} DISABLE TRIGGER ALL"),
        # PostgreSQL only warns that it granted nothing; the UPDATE after it is still refused.
        refusal(f"GRANT UPDATE ON {table} TO CURRENT_USER", f"UPDATE {table} SET id = id"),  # noqa: S608
    ]

    assert refusals == [
        f"permission denied for table {table}",
        f"permission denied for table {table}",
        f"permission denied for table {table}",
        f"must be owner of table {table}",
        f"permission denied for table {table}",
    ]
    assert (AuditEvent.objects.count(), ConsentRecord.objects.count()) == (1, 1)


def test_the_orm_cannot_change_or_delete_proof_either(proof):
    event, record = AuditEvent.objects.get(), ConsentRecord.objects.get()

    with (
        pytest.raises(ProgrammingError, match="permission denied for table audit_auditevent"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(TRIGGERS_OFF)
        AuditEvent.objects.filter(pk=event.pk).update(target="x:forged")
    with (
        pytest.raises(ProgrammingError, match="permission denied for table cookies_consentrecord"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(TRIGGERS_OFF)
        ConsentRecord.objects.filter(pk=record.pk).delete()

    assert AuditEvent.objects.get().target == "x:1"


def test_the_app_role_may_add_and_read_proof_and_change_ordinary_tables(proof):
    assert refusal("UPDATE accounts_user SET is_active = is_active") is None
    assert refusal("DELETE FROM accounts_user WHERE false") is None
    assert AuditEvent.objects.count() == 1


def test_db_roles_check_finds_nothing_the_app_role_could_rewrite():
    out = StringIO()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_user, pg_get_userbyid(relowner) FROM pg_class WHERE relname = %s",
            [PROOF[0]],
        )
        app, owner = cursor.fetchone()

    call_command("db_roles", owner=owner, app=app, check=True, stdout=out)

    assert f"{app} may read and add to the audit trail and consent records" in out.getvalue()


def test_the_app_role_may_not_rewrite_the_log_book_nor_delete_a_young_entry():
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

    assert refusal(f"UPDATE {table} SET reasons = 'rewritten'") == (  # noqa: S608
        f"permission denied for table {table}"
    )
    assert refusal(f"TRUNCATE {table}") == f"permission denied for table {table}"
    assert refusal(f"ALTER TABLE {table} DISABLE TRIGGER ALL") == f"must be owner of table {table}"
    # The app role may delete an entry whose four years are over (the purge); a young one is
    # refused by a trigger of the table's owner, which the app role cannot switch off.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT reasons FROM {table}")  # noqa: S608
        assert cursor.fetchone()[0] == "Exempt."
