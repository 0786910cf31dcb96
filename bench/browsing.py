"""Benchmark of browsing information (A.6): bulk ingest rate and one subject's rows.

Run after `make demo` (or `python manage.py seed_demo`) has loaded the heavy buyer:

    .venv/bin/python bench/browsing.py [--rows 200000] [--runs 5]

Prints medians; the ingest runs are rolled back, so the database is left as it was.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import devservers

devservers.environ_ensure()  # the embedded servers, unless DATABASE_URL / CELERY_BROKER_URL

import django  # noqa: E402

django.setup()

import random  # noqa: E402

from django.db import connection, transaction  # noqa: E402

from accounts.models import User  # noqa: E402
from activity.models import PageView  # noqa: E402
from activity.services import browsing_ingest  # noqa: E402
from demo.accounts import HEAVY_BUYER  # noqa: E402
from demo.activity import page_views  # noqa: E402
from privacy_office.subject_data import personal_data_of  # noqa: E402


class Rollback(Exception):
    pass


def timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def ingest_once(user: User, rows: int) -> float:
    chooser = random.Random(7)
    batch = list(page_views(users=[user], per_user=rows, chooser=chooser))
    elapsed = 0.0
    try:
        with transaction.atomic():
            elapsed = timed(lambda: browsing_ingest(rows=batch))
            raise Rollback
    except Rollback:
        pass
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    heavy = User.objects.filter(username=HEAVY_BUYER).first()
    if heavy is None:
        sys.exit("No heavy buyer: run `python manage.py seed_demo` first.")
    total = PageView.objects.count()
    own = PageView.objects.filter(user=heavy).count()
    print(f"page views in the table: {total:,}; the heavy buyer's: {own:,}")

    ingest = [ingest_once(heavy, args.rows) for _ in range(3)]
    median = statistics.median(ingest)
    print(f"ingest: {args.rows:,} rows, median {median:.2f} s -> {args.rows / median:,.0f} rows/s")

    my_data = [timed(lambda: personal_data_of(user=heavy, limit=100)) for _ in range(args.runs)]
    print(f"'my data' of the heavy buyer: median {statistics.median(my_data) * 1000:.0f} ms")

    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN SELECT * FROM activity_pageview WHERE user_id = %s "
            "ORDER BY viewed_at DESC LIMIT 100",
            [heavy.pk],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    uses_index = "activity_pageview_user_time" in plan or "user_id_viewed_at" in plan
    print(f"latest 100 rows of one subject use the (user, time) index: {uses_index}")


if __name__ == "__main__":
    main()
