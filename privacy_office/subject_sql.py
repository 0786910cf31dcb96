"""The same values as ``subject_data.display_value``, computed by PostgreSQL.

For bulk work (access exports of subjects with millions of rows) the database
formats each declared field itself, so rows stream out through ``COPY`` as CSV
without a Python object per row. Masked (encrypted) fields cannot be formatted
in SQL: such models take the Python path.
"""

from __future__ import annotations

import contextlib
import queue
import select
import threading
from collections.abc import Iterator

import psycopg
from django.conf import settings
from django.db import connection, models
from django.db.models import Case, F, Func, Value, When
from django.db.models.functions import Cast
from django.utils.translation import gettext as _
from psycopg import pq

from privacy_office.registry import Declaration, PersonalField
from privacy_office.subject_data import subject_rows

TEXT = models.TextField()


class LocalMinute(Func):
    """``YYYY-MM-DD HH:MM`` of a timestamp in the site's time zone: the first 16 characters
    of its ISO text, which ``copy_csv_blocks`` has PostgreSQL write in that zone (a third
    of the cost of ``to_char(value AT TIME ZONE zone, ...)``, which looks the zone up per
    row)."""

    output_field = TEXT
    template = "left((%(expressions)s)::text, 16)"


def display_expression(model: type[models.Model], declared: PersonalField):
    """Return an SQL expression giving the field as ``display_value`` shows it (NULL for
    an empty value, which CSV writes as an empty field), or None where only Python can:
    masked fields, JSON and arrays."""
    if declared.masked:
        return None
    field = model._meta.get_field(declared.name)
    if isinstance(field, models.JSONField) or field.get_internal_type() == "ArrayField":
        return None  # PostgreSQL's text of these differs from the JSON Python writes
    column = F(declared.name)
    if field.choices:
        return Case(
            *[
                When(**{declared.name: value}, then=Value(str(label)))
                for value, label in field.choices
            ],
            default=Cast(column, TEXT),
            output_field=TEXT,
        )
    if isinstance(field, models.BooleanField):
        return Case(
            When(**{declared.name: True}, then=Value(_("yes"), output_field=TEXT)),
            When(**{declared.name: False}, then=Value(_("no"), output_field=TEXT)),
            default=Value("", output_field=TEXT),
            output_field=TEXT,
        )
    if isinstance(field, models.DateTimeField):
        return LocalMinute(column)
    if isinstance(field, models.GenericIPAddressField):
        return Func(column, function="host", output_field=TEXT)
    return Cast(column, TEXT)


def sql_formattable(declaration: Declaration) -> bool:
    return all(
        display_expression(declaration.model, declared) is not None
        for declared in declaration.fields
    )


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


BLOCK_BYTES = 1024 * 1024


def copy_csv_blocks(sql: str, params: tuple) -> Iterator[bytes]:
    """Yield the query's rows as CSV (PostgreSQL's ``COPY ... TO STDOUT``), in blocks of
    about ``BLOCK_BYTES`` holding whole rows.

    A thread receives the rows while the caller works on the previous blocks: the
    server sends one message per row, and reading a million of them is as much work
    as everything the caller does with them. The caller must not use the connection
    until the blocks are exhausted or the generator is closed.
    """
    connection.ensure_connection()
    raw = connection.connection
    # The COPY runs in a savepoint (or a transaction of its own) that is rolled back after:
    # a read stopped halfway is cancelled, which must not abort the caller's transaction,
    # and the session settings below last only until then.
    inside = raw.info.transaction_status == pq.TransactionStatus.INTRANS
    begin, end = (SAVEPOINT, UNDO_SAVEPOINT) if inside else ("BEGIN", "ROLLBACK")
    statement = psycopg.ClientCursor(raw).mogrify(
        f"{begin}; SET LOCAL TimeZone TO %s; SET LOCAL DateStyle TO ISO; "
        f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)",
        (settings.TIME_ZONE, *params),
    )
    if connection.queries_logged:
        connection.queries_log.append({"sql": statement, "time": "0.000"})
        connection.queries_log.append({"sql": end, "time": "0.000"})
    blocks: queue.Queue = queue.Queue(maxsize=4)
    stop = threading.Event()
    reader = threading.Thread(
        target=_receive, args=(raw, statement, blocks, stop), name="copy-reader", daemon=True
    )
    reader.start()
    try:
        while (block := blocks.get()) is not _END:
            if isinstance(block, BaseException):
                with connection.wrap_database_errors:  # as Django's own queries raise
                    raise block
            yield block
    finally:
        stop.set()
        while reader.is_alive():
            with contextlib.suppress(queue.Empty):
                blocks.get(timeout=0.1)
        reader.join()
        _finish(raw, end)


SAVEPOINT = "SAVEPOINT copy_csv_blocks"
UNDO_SAVEPOINT = "ROLLBACK TO SAVEPOINT copy_csv_blocks; RELEASE SAVEPOINT copy_csv_blocks"


def _finish(raw, end: str) -> None:
    """Undo the COPY's savepoint or transaction; close the connection if it is stuck."""
    if raw.info.transaction_status == pq.TransactionStatus.ACTIVE:
        connection.close()  # still mid-COPY after a failure: no one can use it any more
        return
    result = raw.pgconn.exec_(end.encode())
    if result.status != pq.ExecStatus.COMMAND_OK:
        connection.close()
        raise _error(result)


_END = object()


def _error(result) -> psycopg.Error:
    """The psycopg exception for a failed result (``DataError`` for a division by zero…)."""
    state = (result.error_field(pq.DiagnosticField.SQLSTATE) or b"").decode()
    if not state:
        # The server gives every error of its own a state; none is libpq's: the connection
        # was lost (a backend terminated), an operational error to retry, as psycopg says.
        return psycopg.OperationalError(result.get_error_message())
    try:
        kind = psycopg.errors.lookup(state)
    except KeyError:
        kind = psycopg.DatabaseError
    return kind(result.get_error_message())


def _receive(raw, statement: str, blocks: queue.Queue, stop: threading.Event) -> None:
    """Run ``statement`` (a COPY TO STDOUT) and put its rows on ``blocks``, then ``_END``;
    an error is put on the queue instead. Uses libpq directly: psycopg's own copy
    iteration costs twice as much per row."""
    pgconn = raw.pgconn
    try:
        pgconn.send_query(statement.encode())
        result = pgconn.get_result()
        while result.status == pq.ExecStatus.COMMAND_OK:  # the statements before the COPY
            result = pgconn.get_result()
        if result.status != pq.ExecStatus.COPY_OUT:
            while pgconn.get_result() is not None:  # leave the connection ready for the next
                pass
            raise _error(result)
        poller = select.poll()
        poller.register(pgconn.socket, select.POLLIN)
        rows, cancelled = bytearray(), False
        while True:
            if stop.is_set() and not cancelled:  # the consumer has gone: stop the server
                raw.cancel_safe()
                cancelled = True
            length, data = pgconn.get_copy_data(1)
            if length > 0:
                if cancelled:
                    continue
                rows += data
                if len(rows) >= BLOCK_BYTES:
                    blocks.put(bytes(rows))
                    rows.clear()
            elif length == 0:
                poller.poll(100)
                pgconn.consume_input()
            else:
                break
        error = None
        while (result := pgconn.get_result()) is not None:
            if result.status == pq.ExecStatus.FATAL_ERROR and error is None:
                error = _error(result)
        if error is not None and not stop.is_set():
            raise error
        if rows and not cancelled:
            blocks.put(bytes(rows))
        blocks.put(_END)
    except BaseException as error:  # handed to the consumer, who raises it
        blocks.put(error)
