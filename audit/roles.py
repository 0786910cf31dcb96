"""Two database roles: an owner that migrates, and the application's, which cannot rewrite proof.

The application's role may read and write ordinary tables, but on the proof
tables (the audit trail and the consent records) it holds SELECT and INSERT
only: PostgreSQL itself refuses its UPDATE, DELETE and TRUNCATE there, so no
session setting (``SET LOCAL pgtrigger.ignore``) and no trigger switch lets the
application rewrite them. It owns nothing and is no member of the owner, so it
cannot grant itself more. Run as a superuser (or the database's owner) after
every ``migrate``; running again changes nothing that is already right.
"""

from __future__ import annotations

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections
from psycopg import sql

# The models whose rows are proof; the app role may only add to and read them.
PROOF_MODELS = ("audit.AuditEvent", "cookies.ConsentRecord")
APP_TABLE_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"
PROOF_TABLE_PRIVILEGES = "SELECT, INSERT"
# Records kept for a fixed time (the HK log book): added, read and, once their time is out,
# purged; never updated. A trigger of their own refuses deleting a row still within it.
RECORD_MODELS = ("records.LogBookEntry", "records.LogBookAnnotation")
RECORD_TABLE_PRIVILEGES = "SELECT, INSERT, DELETE"


def proof_tables(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Return the proof tables that exist in the database (none before the first migrate)."""
    return existing_tables([apps.get_model(label)._meta.db_table for label in PROOF_MODELS], using)


def existing_tables(names: list[str], using: str = DEFAULT_DB_ALIAS) -> list[str]:
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT name FROM unnest(%s::text[]) AS name WHERE to_regclass(name) IS NOT NULL",
            [names],
        )
        existing = {row[0] for row in cursor.fetchall()}
    return [name for name in names if name in existing]


def record_tables(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    names = [
        apps.get_model(label)._meta.db_table
        for label in RECORD_MODELS
        if apps.is_installed(label.split(".")[0])
    ]
    return existing_tables(names, using)


def db_roles_setup(
    *,
    owner: str,
    app: str,
    owner_password: str | None = None,
    app_password: str | None = None,
    owner_createdb: bool = False,
    schema: str = "public",
    using: str = DEFAULT_DB_ALIAS,
) -> None:
    """Create or correct the owner and application roles and their grants in this database."""
    db_roles_create(
        owner=owner,
        app=app,
        owner_password=owner_password,
        app_password=app_password,
        owner_createdb=owner_createdb,
        using=using,
    )
    db_grants_apply(owner=owner, app=app, schema=schema, using=using)


def _runner(using: str):
    connection = connections[using]
    connection.ensure_connection()
    raw = connection.connection

    def run(statement: sql.Composable) -> None:
        with connection.cursor() as cursor:
            cursor.execute(statement.as_string(raw))

    return connection, run


def db_roles_create(
    *,
    owner: str,
    app: str,
    owner_password: str | None = None,
    app_password: str | None = None,
    owner_createdb: bool = False,
    using: str = DEFAULT_DB_ALIAS,
) -> None:
    """Create or correct the two roles (needs a superuser).

    ``owner_createdb`` lets the owner create databases: the test runner creates its database
    as the owner, so that the owner owns every table in it.
    """
    connection, run = _runner(using)
    owner_id, app_id = sql.Identifier(owner), sql.Identifier(app)
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolname FROM pg_roles WHERE rolname IN (%s, %s)", [owner, app])
        existing = {row[0] for row in cursor.fetchall()}
    for name in (owner, app):
        if name not in existing:
            run(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(name)))
    run(
        sql.SQL(
            "ALTER ROLE {} LOGIN NOSUPERUSER NOCREATEROLE NOBYPASSRLS NOREPLICATION NOCREATEDB"
        ).format(app_id)
    )
    run(
        sql.SQL("ALTER ROLE {} LOGIN NOSUPERUSER NOCREATEROLE NOBYPASSRLS NOREPLICATION {}").format(
            owner_id, sql.SQL("CREATEDB" if owner_createdb else "NOCREATEDB")
        )
    )
    for name, password in ((owner, owner_password), (app, app_password)):
        if password:
            run(
                sql.SQL("ALTER ROLE {} PASSWORD {}").format(
                    sql.Identifier(name), sql.Literal(password)
                )
            )
    # The app role must not inherit the owner's rights through membership.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_has_role(%s, %s, 'MEMBER')", [app, owner])
        if cursor.fetchone()[0]:
            run(sql.SQL("REVOKE {} FROM {}").format(owner_id, app_id))


def db_grants_apply(
    *, owner: str, app: str, schema: str = "public", using: str = DEFAULT_DB_ALIAS
) -> None:
    """Hand every table to the owner and grant the app role its rights in this database.

    Needs a superuser, or the owner itself where the owner already owns everything (the test
    database, which the owner creates and migrates).
    """
    connection, run = _runner(using)
    owner_id, app_id, schema_id = sql.Identifier(owner), sql.Identifier(app), sql.Identifier(schema)
    database = sql.Identifier(connection.settings_dict["NAME"])
    run(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}, {}").format(database, owner_id, app_id))
    run(sql.SQL("GRANT USAGE, CREATE ON SCHEMA {} TO {}").format(schema_id, owner_id))
    run(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(schema_id, app_id))
    run(sql.SQL("REVOKE CREATE ON SCHEMA {} FROM {}").format(schema_id, app_id))

    # Everything migrations made becomes the owner's, so the owner can migrate again.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = "
            "c.relnamespace WHERE n.nspname = %s AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') "
            "AND pg_get_userbyid(c.relowner) <> %s AND NOT (c.relkind = 'S' AND EXISTS ("
            "SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')))",
            [schema, owner],
        )
        relations = cursor.fetchall()
        cursor.execute(
            "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = "
            "p.pronamespace WHERE n.nspname = %s AND pg_get_userbyid(p.proowner) <> %s",
            [schema, owner],
        )
        functions = [row[0] for row in cursor.fetchall()]
    kinds = {"r": "TABLE", "p": "TABLE", "f": "TABLE", "v": "VIEW", "m": "MATERIALIZED VIEW"}
    for name, kind in relations:
        run(
            sql.SQL("ALTER {} {}.{} OWNER TO {}").format(
                sql.SQL(kinds.get(kind, "SEQUENCE")), schema_id, sql.Identifier(name), owner_id
            )
        )
    for signature in functions:
        run(sql.SQL("ALTER FUNCTION {} OWNER TO {}").format(sql.SQL(signature), owner_id))

    run(
        sql.SQL("GRANT {} ON ALL TABLES IN SCHEMA {} TO {}").format(
            sql.SQL(APP_TABLE_PRIVILEGES), schema_id, app_id
        )
    )
    run(
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}").format(schema_id, app_id)
    )
    run(
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA {} GRANT {} ON TABLES TO {}"
        ).format(owner_id, schema_id, sql.SQL(APP_TABLE_PRIVILEGES), app_id)
    )
    run(
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA {} GRANT USAGE, SELECT ON SEQUENCES "
            "TO {}"
        ).format(owner_id, schema_id, app_id)
    )
    restricted = [(table, PROOF_TABLE_PRIVILEGES) for table in proof_tables(using)]
    restricted += [(table, RECORD_TABLE_PRIVILEGES) for table in record_tables(using)]
    for table, privileges in restricted:
        table_id = sql.SQL("{}.{}").format(schema_id, sql.Identifier(table))
        run(sql.SQL("REVOKE ALL ON TABLE {} FROM PUBLIC, {}").format(table_id, app_id))
        run(sql.SQL("GRANT {} ON TABLE {} TO {}").format(sql.SQL(privileges), table_id, app_id))


def app_role_problems(*, app: str, owner: str, using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Return what would let the app role rewrite proof (empty when it cannot)."""
    problems: list[str] = []
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s", [app])
        row = cursor.fetchone()
        if row is None:
            return [f"The role {app} does not exist."]
        if row[0]:
            problems.append(f"{app} is a superuser: it can do anything.")
        cursor.execute("SELECT pg_has_role(%s, %s, 'MEMBER')", [app, owner])
        if cursor.fetchone()[0]:
            problems.append(f"{app} is a member of {owner}: it holds the owner's rights.")
        for table in proof_tables(using):
            cursor.execute(
                "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = %s::regclass", [table]
            )
            if cursor.fetchone()[0] == app:
                problems.append(f"{app} owns {table}: it can grant itself anything on it.")
            for privilege in ("UPDATE", "DELETE", "TRUNCATE", "TRIGGER", "REFERENCES"):
                cursor.execute("SELECT has_table_privilege(%s, %s, %s)", [app, table, privilege])
                if cursor.fetchone()[0]:
                    problems.append(f"{app} may {privilege} {table}.")
        for table in record_tables(using):
            for privilege in ("UPDATE", "TRUNCATE", "TRIGGER", "REFERENCES"):
                cursor.execute("SELECT has_table_privilege(%s, %s, %s)", [app, table, privilege])
                if cursor.fetchone()[0]:
                    problems.append(f"{app} may {privilege} {table}.")
    return problems
