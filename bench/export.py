"""Benchmark of the access export (issue 4): one subject with 1,000,000 page views and 10,000
orders, exported through the registry, side by side with PostgreSQL's own COPY of the same rows.

    .venv/bin/python bench/export.py [--views 1000000] [--orders 10000] [--runs 3]

Prints medians of wall time, the memory the export adds to the process (peak resident set
during the export, sampled every 5 ms, less the resident set before it) beside the process's
whole peak, and the number of SQL statements (COPY included). The subject is created once
(user ``bench-export-subject``) and kept for later runs; its page views are loaded in time
order, as the ingest receives them, so they lie on disk in the order the export reads them.
"""

import argparse
import os
import random
import resource
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import devservers

devservers.environ_ensure()  # the embedded servers, unless DATABASE_URL / CELERY_BROKER_URL

import django  # noqa: E402

django.setup()

from datetime import timedelta  # noqa: E402

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402
from activity.models import Order, PageView  # noqa: E402
from activity.services import browsing_ingest  # noqa: E402
from datarequests import services  # noqa: E402
from datarequests.export_storage import export_file_delete  # noqa: E402
from datarequests.exports import export_create  # noqa: E402
from datarequests.models import Channel, Kind  # noqa: E402
from demo.activity import page_views  # noqa: E402
from privacy_office import clock  # noqa: E402

SUBJECT = "bench-export-subject"


def subject(views: int, orders: int) -> User:
    user, _ = User.objects.get_or_create(
        username=SUBJECT, defaults={"email": "bench@example.com", "country": "CN"}
    )
    have = PageView.objects.filter(user=user).count()
    loaded = have < views
    if loaded:
        print(f"loading {views - have:,} page views…", flush=True)
        browsing_ingest(rows=chronological(user, views - have))
    have = Order.objects.filter(buyer=user).count()
    if have < orders:
        print(f"loading {orders - have:,} orders…", flush=True)
        now = clock.now()
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
        loaded = True
    if loaded:
        # As autovacuum would in time: without statistics of the new rows the planner
        # expects a few and sorts them all before sending the first (1.2 s more here).
        print("VACUUM ANALYZE…", flush=True)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) activity_pageview, activity_order")
    return user


def chronological(user: User, count: int):
    """The demo's page views, spread over the last 380 days, oldest first."""
    start = clock.now() - timedelta(days=380)
    step = timedelta(days=380) / count
    rows = page_views(users=[user], per_user=count, chooser=random.Random(1))
    for number, row in enumerate(rows):
        yield {**row, "viewed_at": start + step * number}


def copy_baseline(user: User, order: str = "") -> float:
    start = time.perf_counter()
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:  # psycopg's own cursor: COPY with parameters
        for sql in (
            f"COPY (SELECT * FROM activity_pageview WHERE user_id = %s {order}) "  # noqa: S608
            "TO STDOUT WITH CSV",
            "COPY (SELECT * FROM activity_order WHERE buyer_id = %s OR seller_id = %s) "
            "TO STDOUT WITH CSV",
        ):
            params = [user.pk] * sql.count("%s")
            with cursor.copy(sql, params) as copy:
                for _block in copy:
                    pass
    return time.perf_counter() - start


def resident() -> int:
    """The process's resident set now, in bytes."""
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class PeakResident(threading.Thread):
    """Samples the resident set every 5 ms until stopped; ``added`` is the peak less the start."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.start_size = self.peak = resident()
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.005):
            self.peak = max(self.peak, resident())

    def stop(self) -> int:
        self.done.set()
        self.join()
        return max(self.peak, resident()) - self.start_size


def export_once(user: User) -> tuple[float, int, int]:
    request = services.data_request_submit(
        requester=services.Requester(user=user),
        kind=Kind.ACCESS,
        jurisdiction_code="EU",
        channel=Channel.API,
        now=clock.now(),
    )
    sampler = PeakResident()
    sampler.start()
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        start = time.perf_counter()
        export = export_create(request=request, now=clock.now())
        elapsed = time.perf_counter() - start
    added = sampler.stop()
    export_file_delete(export.path)
    return elapsed, added, len(queries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--views", type=int, default=1_000_000)
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    user = subject(args.views, args.orders)
    rows = PageView.objects.filter(user=user).count() + Order.objects.filter(buyer=user).count()
    print(f"subject rows: {rows:,}")
    before = resident() / 2**20
    copies, ordered, exports = [], [], []
    for _ in range(args.runs):  # interleaved, so a slow moment of the machine hits both
        copies.append(copy_baseline(user))
        ordered.append(copy_baseline(user, order="ORDER BY viewed_at DESC"))
        exports.append(export_once(user))
    copy_time = statistics.median(copies)
    ordered_time = statistics.median(ordered)
    export_time = statistics.median(e[0] for e in exports)
    print(f"COPY TO STDOUT of the same rows: median {copy_time:.2f} s")
    print(f"  the same, newest first as the export lists them: median {ordered_time:.2f} s")
    print(
        f"export (zip of JSON + CSV + letter, encrypted): median {export_time:.2f} s "
        f"= {export_time / copy_time:.1f}x COPY "
        f"({export_time / ordered_time:.1f}x the ordered COPY)"
    )
    added = max(e[1] for e in exports) / 2**20
    print(f"memory the export adds (peak RSS less RSS before): at most {added:.0f} MiB")
    print(
        f"process RSS before the first export {before:.0f} MiB; whole-run peak "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )
    print(f"SQL statements per export (COPY included): {sorted({e[2] for e in exports})}")


if __name__ == "__main__":
    main()
