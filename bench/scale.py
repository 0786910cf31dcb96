"""Benchmark of growth (issue 18, item 2): page views at 10M, 30M and 100M rows.

    .venv/bin/python bench/scale.py [--sizes 10M,30M,100M] [--runs 3] [--clean]

The rows are made by PostgreSQL (``generate_series``), not by Python: half belong to ten
heavy users, half to 100,000 light ones, spread over the last twelve months in time order.
Two real accounts are measured at every size: a light subject whose 200 page views never
change, and one of the heavy users, whose rows grow with the table. At each size it prints
the medians of: the light subject's access export and "my data" page, the heavy subject's
export, and the purge of the oldest month (detach and drop of its partition).

The rows stay for the next run (a larger size only adds the difference); ``--clean``
removes them. 100M rows take about 20 GB of disk; use a database of its own
(``DATABASE_URL``) if the demo's should stay small.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import devservers  # noqa: E402

devservers.environ_ensure()  # the embedded servers, unless DATABASE_URL / CELERY_BROKER_URL

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from accounts.models import User  # noqa: E402
from activity.partitions import (  # noqa: E402
    existing_partitions,
    next_month,
    partition_name,
    partitions_drop_before,
    partitions_ensure,
)
from datarequests import services  # noqa: E402
from datarequests.export_storage import export_file_delete  # noqa: E402
from datarequests.exports import export_create  # noqa: E402
from datarequests.models import Channel, Kind  # noqa: E402
from privacy_office import clock  # noqa: E402
from privacy_office.subject_data import personal_data_of  # noqa: E402

# Users of the generated rows that are not accounts: ids far above any real one.
HEAVY_BASE = 900_000_000
LIGHT_BASE = 910_000_000
HEAVY_USERS = 10
LIGHT_USERS = 100_000
LIGHT_SUBJECT_VIEWS = 200
CHUNK = 2_000_000
SPAN = timedelta(days=365)


def parse_size(text: str) -> int:
    text = text.strip().upper()
    factor = {"K": 1_000, "M": 1_000_000}.get(text[-1], 1)
    return int(float(text.rstrip("KM")) * factor)


def generated_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM activity_pageview WHERE user_id >= %s", [HEAVY_BASE])
        return cursor.fetchone()[0]


def subjects() -> tuple[User, User]:
    light, _ = User.objects.get_or_create(
        username="bench-scale-light", defaults={"email": "light@example.com", "country": "HK"}
    )
    heavy, _ = User.objects.get_or_create(
        username="bench-scale-heavy", defaults={"email": "heavy@example.com", "country": "HK"}
    )
    return light, heavy


def load(*, first: int, last: int, heavy: User, light: User) -> None:
    """Add generated rows number ``first`` to ``last`` (their times grow with the number)."""
    end = clock.now()
    start = end - SPAN
    partitions_ensure(first=start.date(), last=end.date())
    total = last - first
    done = 0
    for low in range(first, last, CHUNK):
        high = min(low + CHUNK, last)
        began = time.perf_counter()
        with connection.cursor() as cursor:
            # Even numbers: the ten heavy users (the first of them an account, measured);
            # odd numbers: the light users. Each load spans the whole year, its times going
            # forward with the number, as the ingest receives them.
            cursor.execute(
                """
                INSERT INTO activity_pageview
                    (viewed_at, visitor_id, session_id, user_id, browser, operating_system, path)
                SELECT %(start)s + ((g - %(first)s)::float8 / %(count)s) * %(span)s,
                       'visitor-' || (g %% 50000),
                       'session-' || (g / 40),
                       CASE WHEN g %% 2 = 0
                            THEN CASE WHEN (g / 2) %% %(heavy_users)s = 0 THEN %(heavy)s
                                      ELSE %(heavy_base)s + (g / 2) %% %(heavy_users)s END
                            ELSE %(light_base)s + (g / 2) %% %(light_users)s END,
                       'Chrome', 'Windows', '/products/' || (g %% 5000)
                FROM generate_series(%(low)s, %(high)s - 1) AS g
                """,
                {
                    "start": start,
                    "span": SPAN,
                    "first": first,
                    "count": max(last - first, 1),
                    "heavy_users": HEAVY_USERS,
                    "heavy": heavy.pk,
                    "heavy_base": HEAVY_BASE,
                    "light_base": LIGHT_BASE,
                    "light_users": LIGHT_USERS,
                    "low": low,
                    "high": high,
                },
            )
        done += high - low
        rate = (high - low) / (time.perf_counter() - began)
        print(f"  loaded {done:,} of {total:,} ({rate:,.0f} rows/s)", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM activity_pageview WHERE user_id = %s", [light.pk])
        if cursor.fetchone()[0] < LIGHT_SUBJECT_VIEWS:
            cursor.execute(
                """
                INSERT INTO activity_pageview
                    (viewed_at, visitor_id, session_id, user_id, browser, operating_system, path)
                SELECT %s - g * interval '1 day', 'visitor-light', 'session-light', %s,
                       'Firefox', 'Linux', '/products/' || g
                FROM generate_series(1, %s) AS g
                """,
                [end, light.pk, LIGHT_SUBJECT_VIEWS],
            )
        print("  ANALYZE…", flush=True)
        cursor.execute("ANALYZE activity_pageview")


def timed(function) -> float:
    began = time.perf_counter()
    function()
    return time.perf_counter() - began


def export_of(user: User) -> float:
    request = services.data_request_submit(
        requester=services.Requester(user=user),
        kind=Kind.ACCESS,
        jurisdiction_code="EU",
        channel=Channel.API,
        now=clock.now(),
    )
    with transaction.atomic():
        began = time.perf_counter()
        export = export_create(request=request, now=clock.now())
        elapsed = time.perf_counter() - began
    export_file_delete(export.path)
    return elapsed


def oldest_month_purge() -> dict:
    """Drop the partitions up to the oldest month that holds rows; return the time (the
    detach and the drop apart) and the rows.

    The month is vacuumed first, as a year-old month long since is: a fresh load leaves
    autovacuum on it, and the drop would wait for it to give way (``deadlock_timeout``)."""
    statements: dict[str, float] = {"detach": 0.0, "drop": 0.0}

    def timed_statement(execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            kind = "detach" if "DETACH" in sql else "drop" if sql.startswith("DROP") else None
            if kind:  # not the catalog's list of partitions
                statements[kind] += time.perf_counter() - began

    with connection.cursor() as cursor:
        for name, month in sorted(existing_partitions().items(), key=lambda item: item[1]):
            assert name == partition_name(month)
            cursor.execute(f'SELECT count(*) FROM "{name}"')  # noqa: S608 (our partition's name)
            rows = cursor.fetchone()[0]
            if rows:
                cursor.execute(f'VACUUM (ANALYZE) "{name}"')
                cutoff = next_month(month)
                began = time.perf_counter()
                with connection.execute_wrapper(timed_statement):
                    partitions_drop_before(cutoff=cutoff)
                return {"purge": time.perf_counter() - began, "purged rows": rows, **statements}
    return {"purge": 0.0, "purged rows": 0, **statements}


def measure(size: int, runs: int, light: User, heavy: User) -> dict:
    export_of(light)  # the first export of a process also loads its libraries
    light_exports = [export_of(light) for _ in range(runs)]
    pages = [timed(lambda: personal_data_of(user=light)) for _ in range(runs)]
    heavy_exports = [export_of(heavy) for _ in range(runs)]
    return {
        "size": size,
        "light export": statistics.median(light_exports),
        "my data": statistics.median(pages),
        "heavy export": statistics.median(heavy_exports),
        **oldest_month_purge(),
    }


def clean() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM activity_pageview WHERE user_id >= %s", [HEAVY_BASE])
        print(f"removed {cursor.rowcount:,} generated page views")
    User.objects.filter(username__in=["bench-scale-light", "bench-scale-heavy"]).delete()


def database_url_for(url: str, name: str) -> str:
    """Return ``url`` with its database name replaced by ``name``."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def database_environ(name: str) -> dict[str, str]:
    """This process's environment, connecting to the database ``name`` as DATABASE_URL's user."""
    env = {**os.environ, "DATABASE_URL": database_url_for(os.environ["DATABASE_URL"], name)}
    env.pop("DATABASE_OWNER_URL", None)
    return env


def database_ensure(name: str) -> None:
    """Create and migrate the database ``name`` on the server of DATABASE_URL, if missing."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            print(f"creating database {name}", flush=True)
            cursor.execute(f'CREATE DATABASE "{name}"')
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "migrate", "--no-input", "-v", "0"],
        env=database_environ(name),
        check=True,
    )


def per_database(sizes: list[int], args) -> list[dict]:
    """Each size in a database of its own: loaded once (now or earlier), measured in turn."""
    results = []
    for size in sizes:
        name = f"po_scale_{size // 1_000_000}m" if size >= 1_000_000 else f"po_scale_{size}"
        database_ensure(name)
        env = database_environ(name)
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            command = [sys.executable, __file__, "--sizes", str(size), "--runs", str(args.runs)]
            command += ["--load-only"] if args.load_only else ["--json-out", out.name]
            print(f"== database {name}", flush=True)
            subprocess.run(command, env=env, check=True)
            if not args.load_only:
                results.append(json.loads(Path(out.name).read_text()))
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10M,30M,100M")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--clean", action="store_true")
    parser.add_argument(
        "--load-only", action="store_true", help="load the rows now, measure in a later run"
    )
    parser.add_argument(
        "--database-per-size",
        action="store_true",
        help="each size in a database of its own (po_scale_10m, …) on DATABASE_URL's server, "
        "kept for later runs: load them while the machine is busy, measure when it is quiet",
    )
    parser.add_argument("--json-out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.clean:
        clean()
        return
    sizes = sorted(parse_size(s) for s in args.sizes.split(","))
    if args.database_per_size:
        results = per_database(sizes, args)
    else:
        light, heavy = subjects()
        results = []
        for size in sizes:
            have = generated_rows()
            print(f"== {size:,} page views (have {have:,})", flush=True)
            if have < size:
                load(first=have, last=size, heavy=heavy, light=light)
            if args.load_only:
                continue
            result = measure(size, args.runs, light, heavy)
            results.append(result)
            print(
                f"  light export {result['light export']:.3f} s, my data "
                f"{result['my data']:.3f} s, heavy export {result['heavy export']:.2f} s, "
                f"oldest month purged in {result['purge']:.3f} s "
                f"({result['purged rows']:,} rows; detach {result['detach']:.3f} s, "
                f"drop {result['drop']:.3f} s)",
                flush=True,
            )
        if args.json_out and results:
            Path(args.json_out).write_text(json.dumps(results[-1]))
            return
    if len(results) < 2:
        return
    first, last = results[0], results[-1]
    print(f"\nmedians of {args.runs}; {first['size']:,} → {last['size']:,} page views:")
    for key in ("light export", "my data", "heavy export", "purge", "detach", "drop"):
        steps = " → ".join(f"{result[key]:.3f} s" for result in results)
        print(f"  {key}: {steps} ({last[key] / max(first[key], 1e-9):.2f}×)")
    print("  rows purged: " + " → ".join(f"{result['purged rows']:,}" for result in results))


if __name__ == "__main__":
    main()
