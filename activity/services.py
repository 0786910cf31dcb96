"""Verbs for activity, event and browsing information."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from activity import partitions
from activity.models import PageView
from privacy_office import clock
from privacy_office.exceptions import Refused
from privacy_office.registry import registry

COLUMNS = (
    "viewed_at",
    "visitor_id",
    "session_id",
    "user_id",
    "ip_address",
    "browser",
    "operating_system",
    "path",
)


class IngestError(Refused):
    """A row of browsing information that cannot be stored; names the row and the problem."""

    def __init__(self, line: int, problem: str) -> None:
        super().__init__(_("Row %(line)s: %(problem)s") % {"line": line, "problem": problem})
        self.line = line
        self.problem = problem


@dataclass(frozen=True)
class IngestResult:
    stored: int
    partitions_created: list[str]


def browsing_retention_days() -> int:
    """Return how long page views are kept, as declared in the registry."""
    declaration = registry.declaration_of(PageView)
    return max(field.retention_days or 0 for field in declaration.fields)


def _clean_row(line: int, row: dict, *, now: datetime) -> tuple:
    if not isinstance(row, dict):
        raise IngestError(line, _("each row must be an object"))
    missing = [key for key in ("viewed_at", "visitor_id", "path") if not row.get(key)]
    if missing:
        raise IngestError(line, _("missing %(fields)s") % {"fields": ", ".join(missing)})
    viewed_at = row["viewed_at"]
    if isinstance(viewed_at, str):
        try:
            viewed_at = parse_datetime(viewed_at)
        except ValueError:  # well formed, but no such time (minute 61)
            viewed_at = None
    if not isinstance(viewed_at, datetime) or viewed_at.tzinfo is None:
        raise IngestError(line, _("viewed_at must be a date and time with a time zone"))
    if viewed_at > now + timedelta(days=1):
        raise IngestError(line, _("viewed_at is in the future"))
    if viewed_at < now - timedelta(days=browsing_retention_days()):
        raise IngestError(
            line, _("viewed_at is older than the retention period; such data is not kept")
        )
    ip = row.get("ip_address") or None
    if ip is not None:
        try:
            ip = str(ipaddress.ip_address(ip))
        except ValueError as error:
            raise IngestError(line, _("ip_address is not an IP address")) from error
    user_id = row.get("user_id")
    if user_id is not None and (not isinstance(user_id, int) or isinstance(user_id, bool)):
        raise IngestError(line, _("user_id must be a whole number"))
    texts = {
        key: str(row.get(key) or "")[:limit]
        for key, limit in (
            ("visitor_id", 64),
            ("session_id", 64),
            ("browser", 100),
            ("operating_system", 100),
            ("path", 2000),
        )
    }
    return (
        viewed_at,
        texts["visitor_id"],
        texts["session_id"] or texts["visitor_id"],
        user_id,
        ip,
        texts["browser"],
        texts["operating_system"],
        texts["path"],
    )


def browsing_ingest(
    *, rows: Iterable[dict], now: datetime | None = None, batch_size: int = 10_000
) -> IngestResult:
    """Store page views in bulk with COPY; all rows or, at the first bad row, none of them.

    Rows are checked before anything is written, batch by batch, inside one
    transaction, so a bad row late in a file leaves the table as it was.
    """
    now = now or clock.now()
    stored = 0
    created: list[str] = []
    with transaction.atomic():
        for batch in _batches(rows, batch_size, now=now):
            for month in sorted({partitions.month_start(row[0].date()) for row in batch}):
                created += partitions.partitions_ensure(first=month, last=month)
            with (
                connection.cursor() as cursor,
                cursor.copy(
                    f"COPY {PageView._meta.db_table} ({', '.join(COLUMNS)}) FROM STDIN"
                ) as copy,
            ):
                for row in batch:
                    copy.write_row(row)
            stored += len(batch)
    return IngestResult(stored=stored, partitions_created=created)


def _batches(rows: Iterable[dict], size: int, *, now: datetime) -> Iterator[list[tuple]]:
    batch: list[tuple] = []
    first_line = 1
    for line, row in enumerate(rows, start=1):
        batch.append(_clean_row(line, row, now=now))
        if len(batch) == size:
            yield _users_known(batch, first_line)
            batch, first_line = [], line + 1
    if batch:
        yield _users_known(batch, first_line)


USER_ID = 3  # the column of user_id in a cleaned row


def _users_known(batch: list[tuple], first_line: int) -> list[tuple]:
    """The batch, if every user_id in it is an account (the table has no foreign key)."""
    ids = {row[USER_ID] for row in batch if row[USER_ID] is not None}
    known = set(get_user_model().objects.filter(pk__in=ids).values_list("pk", flat=True))
    for offset, row in enumerate(batch):
        if row[USER_ID] is not None and row[USER_ID] not in known:
            raise IngestError(first_line + offset, _("user_id is not the id of an account"))
    return batch


def browsing_partitions_maintain(*, today: date) -> tuple[list[str], list[str]]:
    """Create the next three months' partitions and drop those past the declared retention."""
    created = partitions.partitions_ensure(first=today, last=today + timedelta(days=93))
    cutoff = today - timedelta(days=browsing_retention_days())
    dropped = partitions.partitions_drop_before(cutoff=cutoff)
    return created, dropped
