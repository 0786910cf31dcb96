"""Monthly partitions of the page-view table (A.6): created ahead, dropped after retention.

Dropping a month's partition removes its rows without scanning or locking the
rest of the table; it is first detached concurrently, so readers and the
ingest keep going.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from django.db import connection

PARENT = "activity_pageview"


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def partition_name(month: date) -> str:
    return f"{PARENT}_p{month:%Y_%m}"


def existing_partitions() -> dict[str, date]:
    """Return each partition's name and first month."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT child.relname FROM pg_inherits
            JOIN pg_class parent ON parent.oid = pg_inherits.inhparent
            JOIN pg_class child ON child.oid = pg_inherits.inhrelid
            WHERE parent.relname = %s
            """,
            [PARENT],
        )
        names = [row[0] for row in cursor.fetchall()]
    return {
        name: datetime.strptime(name.removeprefix(f"{PARENT}_p"), "%Y_%m")
        .replace(tzinfo=UTC)
        .date()
        for name in names
    }


def partitions_ensure(*, first: date, last: date, direct: bool = False) -> list[str]:
    """Create the monthly partitions from ``first``'s month to ``last``'s; return the new ones.

    Through ``activity_pageview_partition_create`` (migration 0003): the application's role may
    not create tables, and that function, run with its owner's rights, creates only a month of
    this table. ``direct`` creates them with the caller's own rights (migration 0002, which runs
    before the function exists).
    """
    existing = existing_partitions()
    created = []
    month = month_start(first)
    with connection.cursor() as cursor:
        while month <= last:
            name = partition_name(month)
            if name not in existing:
                if direct:
                    cursor.execute(
                        f'CREATE TABLE IF NOT EXISTS "{name}" PARTITION OF {PARENT} '
                        "FOR VALUES FROM (%s) TO (%s)",
                        [
                            datetime.combine(month, datetime.min.time(), tzinfo=UTC),
                            datetime.combine(next_month(month), datetime.min.time(), tzinfo=UTC),
                        ],
                    )
                    created.append(name)
                else:
                    cursor.execute("SELECT activity_pageview_partition_create(%s)", [month])
                    if cursor.fetchone()[0]:
                        created.append(name)
            month = next_month(month)
    return created


def partitions_drop_before(*, cutoff: date) -> list[str]:
    """Drop every partition whose whole month ends on or before ``cutoff``; return their names.

    Must run outside a transaction: ``DETACH … CONCURRENTLY`` refuses one.
    """
    dropped = []
    for name, month in sorted(existing_partitions().items(), key=lambda item: item[1]):
        if next_month(month) > cutoff:
            continue
        with connection.cursor() as cursor:
            cursor.execute(f'ALTER TABLE {PARENT} DETACH PARTITION "{name}" CONCURRENTLY')
            cursor.execute(f'DROP TABLE "{name}"')
        dropped.append(name)
    return dropped
