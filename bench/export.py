"""Benchmark of the access export (issue 4): one subject with 1,000,000 page views and 10,000
orders, exported through the registry, side by side with PostgreSQL's own COPY of the same rows.

    .venv/bin/python bench/export.py [--views 1000000] [--orders 10000] [--runs 3]

Prints medians of wall time, the peak of Python memory during the export (tracemalloc) and
the process's peak RSS, and the number of SQL queries. The subject is created once (user
``bench-export-subject``) and kept for later runs.
"""

import argparse
import os
import random
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "privacy_office.settings.local")

import django

django.setup()

from datetime import timedelta  # noqa: E402

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from activity.demo import page_views  # noqa: E402
from activity.models import Order, PageView  # noqa: E402
from activity.services import browsing_ingest  # noqa: E402
from datarequests import services  # noqa: E402
from datarequests.exports import export_create  # noqa: E402
from datarequests.models import Channel, Kind  # noqa: E402

SUBJECT = "bench-export-subject"


def subject(views: int, orders: int) -> User:
    user, _ = User.objects.get_or_create(
        username=SUBJECT, defaults={"email": "bench@example.com", "country": "CN"}
    )
    have = PageView.objects.filter(user=user).count()
    if have < views:
        print(f"loading {views - have:,} page views…", flush=True)
        browsing_ingest(
            rows=page_views(users=[user], per_user=views - have, chooser=random.Random(1))
        )
    have = Order.objects.filter(buyer=user).count()
    if have < orders:
        print(f"loading {orders - have:,} orders…", flush=True)
        now = timezone.now()
        Order.objects.bulk_create(
            Order(
                buyer=user,
                seller=user,
                goods_type="LED panels",
                specification="600x600",
                quantity=n,
                price="100.00",
                status=Order.Status.DELIVERED,
                ordered_at=now - timedelta(minutes=n),
            )
            for n in range(orders - have)
        )
    return user


def copy_baseline(user: User) -> float:
    start = time.perf_counter()
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:  # psycopg's own cursor: COPY with parameters
        for sql in (
            "COPY (SELECT * FROM activity_pageview WHERE user_id = %s) TO STDOUT WITH CSV",
            "COPY (SELECT * FROM activity_order WHERE buyer_id = %s OR seller_id = %s) "
            "TO STDOUT WITH CSV",
        ):
            params = [user.pk] * sql.count("%s")
            with cursor.copy(sql, params) as copy:
                for _block in copy:
                    pass
    return time.perf_counter() - start


def export_once(user: User) -> tuple[float, int, int]:
    request = services.data_request_submit(
        requester=services.Requester(user=user),
        kind=Kind.ACCESS,
        jurisdiction_code="EU",
        channel=Channel.API,
        now=timezone.now(),
    )
    tracemalloc.start()
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        start = time.perf_counter()
        export = export_create(request=request, now=timezone.now())
        elapsed = time.perf_counter() - start
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    Path(export.path).unlink(missing_ok=True)
    return elapsed, peak, len(queries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--views", type=int, default=1_000_000)
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    user = subject(args.views, args.orders)
    rows = PageView.objects.filter(user=user).count() + Order.objects.filter(buyer=user).count()
    print(f"subject rows: {rows:,}")
    copies = [copy_baseline(user) for _ in range(args.runs)]
    exports = [export_once(user) for _ in range(args.runs)]
    copy_time = statistics.median(copies)
    export_time = statistics.median(e[0] for e in exports)
    print(f"COPY TO STDOUT of the same rows: median {copy_time:.2f} s")
    print(
        f"export (zip of JSON + CSV + letter, encrypted): median {export_time:.2f} s "
        f"= {export_time / copy_time:.1f}x COPY"
    )
    peak = statistics.median(e[1] for e in exports) / 2**20
    print(f"Python memory peak during export: median {peak:.1f} MiB")
    print(f"process peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    print(f"SQL queries per export: {sorted({e[2] for e in exports})}")


if __name__ == "__main__":
    main()
