"""Benchmark of the request clock and the staff queue (issue 4).

    .venv/bin/python bench/data_requests.py [--open 100000] [--total 1000000] [--runs 5]

Creates ``--total`` requests once (``--open`` of them open, the rest fulfilled), all tagged
``bench`` in their details, then prints the median time of one sweep and the queue page's
p95 time and query count. Remove them with ``--clean``.
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

from datetime import timedelta  # noqa: E402

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from accounts.models import User  # noqa: E402
from datarequests import services  # noqa: E402
from datarequests.models import (  # noqa: E402
    DataRequest,
    FeeQuote,
    Jurisdiction,
    RequestEvent,
    Status,
)
from privacy_office import clock  # noqa: E402

TAG = "bench"
BATCH = 20_000


def load(total: int, open_count: int) -> None:
    have = DataRequest.objects.filter(details=TAG).count()
    if have >= total:
        return
    print(f"creating {total - have:,} requests…", flush=True)
    jurisdictions = list(Jurisdiction.objects.all())
    requester, _ = User.objects.get_or_create(username="bench-requester")
    now = clock.now()
    open_statuses = [Status.AWAITING_IDENTITY, Status.AWAITING_PAYMENT, Status.IN_PROGRESS]
    for start in range(have, total, BATCH):
        batch = []
        for n in range(start, min(start + BATCH, total)):
            is_open = n < open_count
            batch.append(
                DataRequest(
                    kind="access",
                    status=open_statuses[n % 3] if is_open else Status.FULFILLED,
                    channel="api",
                    jurisdiction=jurisdictions[n % len(jurisdictions)],
                    requester=requester,
                    language="en",
                    details=TAG,
                    received_at=now - timedelta(minutes=n),
                    due_at=now + timedelta(days=(n % 60) - 10),
                )
            )
        created = DataRequest.objects.bulk_create(batch)
        RequestEvent.objects.bulk_create(
            RequestEvent(request=r, status=r.status, at=r.received_at) for r in created
        )


def quotes_add() -> None:
    """Give each request waiting for payment the quote it waits on."""
    waiting = DataRequest.objects.filter(
        details=TAG, status=Status.AWAITING_PAYMENT, fee_quote__isnull=True
    )
    FeeQuote.objects.bulk_create(
        (
            FeeQuote(
                request=request,
                amount=50,
                currency="HKD",
                status=FeeQuote.Status.QUOTED,
                quoted_at=clock.now(),
            )
            for request in waiting.only("pk", "received_at").iterator(chunk_size=BATCH)
        ),
        batch_size=BATCH,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--open", type=int, default=100_000)
    parser.add_argument("--total", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--clean", action="store_true")
    args = parser.parse_args()
    if args.clean:
        RequestEvent.objects.filter(request__details=TAG).delete()
        print(DataRequest.objects.filter(details=TAG).delete())
        return
    load(args.total, args.open)
    quotes_add()
    open_now = DataRequest.objects.filter(
        status__in=[Status.AWAITING_IDENTITY, Status.AWAITING_PAYMENT, Status.IN_PROGRESS]
    ).count()
    print(f"requests: {DataRequest.objects.count():,}, open: {open_now:,}")

    sweeps = []
    for _ in range(args.runs):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            services.requests_sweep(now=clock.now())
            sweeps.append((time.perf_counter() - start, len(queries)))
    print(
        f"sweep: median {statistics.median(s[0] for s in sweeps):.2f} s, "
        f"queries {sorted({s[1] for s in sweeps})}"
    )

    staff, _ = User.objects.get_or_create(
        username="bench-staff", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(staff)
    url = reverse("admin:datarequests_datarequest_changelist")
    for label, params in (("queue", {}), ("queue, overdue", {"due": "overdue"})):
        times, counts = [], set()
        client.get(url, params)  # warm
        for _ in range(max(args.runs, 20)):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(url, params)
                times.append(time.perf_counter() - start)
            assert response.status_code == 200
            counts.add(len(queries))
        times.sort()
        p95 = times[int(len(times) * 0.95) - 1]
        print(
            f"{label} page: median {statistics.median(times) * 1000:.0f} ms, "
            f"p95 {p95 * 1000:.0f} ms, queries {sorted(counts)}"
        )


if __name__ == "__main__":
    main()
