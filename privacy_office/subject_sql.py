"""The same values as ``subject_data.display_value``, computed by PostgreSQL.

For bulk work (access exports of subjects with millions of rows) the database
formats each declared field itself, so rows stream out through ``COPY`` or a
server-side cursor without a Python object per row. Masked (encrypted) fields
cannot be formatted in SQL: such models take the Python path.
"""

from __future__ import annotations

import psycopg
from django.conf import settings
from django.db import connection, models
from django.db.models import Case, F, Func, Value, When
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext as _

from privacy_office.registry import Declaration, PersonalField
from privacy_office.subject_data import subject_rows

TEXT = models.TextField()


class LocalMinute(Func):
    """``to_char(value AT TIME ZONE <site zone>, 'YYYY-MM-DD HH24:MI')``."""

    output_field = TEXT

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"to_char({sql} AT TIME ZONE %s, 'YYYY-MM-DD HH24:MI')", [
            *params,
            settings.TIME_ZONE,
        ]


def display_expression(model: type[models.Model], declared: PersonalField):
    """Return an SQL expression giving the field as ``display_value`` shows it, or None."""
    if declared.masked:
        return None
    field = model._meta.get_field(declared.name)
    column = F(declared.name)
    if field.choices:
        return Coalesce(
            Case(
                *[
                    When(**{declared.name: value}, then=Value(str(label)))
                    for value, label in field.choices
                ],
                default=Cast(column, TEXT),
                output_field=TEXT,
            ),
            Value("", output_field=TEXT),
        )
    if isinstance(field, models.BooleanField):
        return Case(
            When(**{declared.name: True}, then=Value(_("yes"), output_field=TEXT)),
            When(**{declared.name: False}, then=Value(_("no"), output_field=TEXT)),
            default=Value("", output_field=TEXT),
            output_field=TEXT,
        )
    if isinstance(field, models.DateTimeField):
        return Coalesce(LocalMinute(column), Value("", output_field=TEXT))
    if isinstance(field, models.GenericIPAddressField):
        return Coalesce(
            Func(column, function="host", output_field=TEXT), Value("", output_field=TEXT)
        )
    return Coalesce(Cast(column, TEXT), Value("", output_field=TEXT))


def sql_formattable(declaration: Declaration) -> bool:
    return all(not declared.masked for declared in declaration.fields)


def subject_values_sql(
    declaration: Declaration, user, fields: list[PersonalField]
) -> tuple[str, tuple]:
    """Return SQL and parameters selecting the person's rows as display text, one column a field."""
    names = [f"_display_{index}" for index in range(len(fields))]
    queryset = subject_rows(declaration, user).annotate(
        **{
            name: display_expression(declaration.model, declared)
            for name, declared in zip(names, fields, strict=True)
        }
    )
    return queryset.values_list(*names).query.sql_with_params()


def subject_json_sql(
    declaration: Declaration, user, fields: list[PersonalField]
) -> tuple[str, tuple]:
    """Return SQL selecting each of the person's rows as one JSON object (text)."""
    pairs = []
    for declared in fields:
        pairs += [Value(declared.name), display_expression(declaration.model, declared)]
    queryset = subject_rows(declaration, user).annotate(
        _json=Cast(Func(*pairs, function="json_build_object"), TEXT)
    )
    return queryset.values_list("_json").query.sql_with_params()


CHUNK_ROWS = 5000


def _chunked(sql: str, params: tuple, line: str, separator: str):
    """Yield the query's rows joined by PostgreSQL itself, CHUNK_ROWS rows to a message.

    One message per row would cost more than everything else an export does; a
    server-side cursor keeps only a few chunks in memory at a time.
    """
    statement = (
        f"SELECT string_agg(line, %s ORDER BY n) FROM ("  # noqa: S608 - SQL compiled by Django; values bound below
        f"SELECT {line} AS line, row_number() OVER () AS n FROM ({sql}) AS subject_rows"
        f") AS lines GROUP BY (n - 1) / {CHUNK_ROWS} ORDER BY (n - 1) / {CHUNK_ROWS}"
    )
    connection.ensure_connection()
    # Bound on the client: a server-side cursor would send the parameters untyped.
    bound = psycopg.ClientCursor(connection.connection).mogrify(statement, (separator, *params))
    with connection.connection.cursor(name="subject_chunks") as cursor:
        cursor.itersize = 4
        cursor.execute(bound)
        for (chunk,) in cursor:
            yield chunk


def csv_chunks(sql: str, params: tuple, columns: int):
    """Yield CSV text (every value quoted, CRLF line ends) for a query of text columns."""
    quoted = ", ".join(
        f"""'"' || replace("_display_{index}", '"', '""') || '"'""" for index in range(columns)
    )
    for chunk in _chunked(sql, params, f"concat_ws(',', {quoted})", "\r\n"):
        yield (chunk + "\r\n").encode()


def json_array_items(sql: str, params: tuple):
    """Yield the JSON objects of a one-column query, comma-separated, as bytes."""
    separator = b""
    for chunk in _chunked(sql, params, '"_json"', ","):
        yield separator + chunk.encode()
        separator = b","
