"""The same values as ``subject_data.display_value``, computed by PostgreSQL.

For bulk work (access exports of subjects with millions of rows) the database
formats each declared field itself, so rows stream out through ``COPY`` or a
server-side cursor without a Python object per row. Masked (encrypted) fields
cannot be formatted in SQL: such models take the Python path.
"""

from __future__ import annotations

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


def _copy(statement: str, params: tuple):
    connection.ensure_connection()
    with connection.connection.cursor() as cursor, cursor.copy(statement, params) as copy:
        yield from copy


def copy_csv(sql: str, params: tuple, *, buffer_size: int = 1 << 20):
    """Yield the CSV bytes PostgreSQL writes for the query, in blocks of about ``buffer_size``."""
    buffer = bytearray()
    for row in _copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params):
        buffer += row
        if len(buffer) >= buffer_size:
            yield bytes(buffer)
            buffer.clear()
    if buffer:
        yield bytes(buffer)


def copy_json_array_items(sql: str, params: tuple, *, buffer_size: int = 1 << 20):
    """Yield the rows of a one-column JSON query, comma-separated, in large blocks.

    COPY's text format escapes only backslashes and control characters; JSON text has
    no raw control characters, so undoing the doubled backslashes restores it exactly.
    """
    buffer = bytearray()
    separator = b""
    for row in _copy(f"COPY ({sql}) TO STDOUT", params):
        buffer += separator
        buffer += bytes(row).rstrip(b"\n").replace(b"\\\\", b"\\")
        separator = b","
        if len(buffer) >= buffer_size:
            yield bytes(buffer)
            buffer.clear()
    if buffer:
        yield bytes(buffer)
