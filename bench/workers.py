"""Benchmark through real workers (issue 18, items 1 and 3).

    .venv/bin/python bench/workers.py export [--views 1000000] [--runs 3]
    .venv/bin/python bench/workers.py throughput [--requests 200] [--workers 1,2,4]

``export``: the subject of ``bench/export.py`` (created by it, 1,000,000 page views and
10,000 orders) asks for its data; a real Celery worker (prefork, one child, as deployed)
builds it. Prints submit → fulfilled beside a ``COPY … TO STDOUT`` of the same rows, the
child's peak resident set read from outside (``/proc/<pid>/status``, sampled every 10 ms;
the request's state is read every 50 ms) and the worker's resident set once it is idle again.

``throughput``: that many access requests of mixed sizes (one in ten of a subject with
100,000 page views, the rest of subjects with 1,000) are queued at once, then 1, 2 and 4
worker processes consume them; prints requests per minute and the ratio to one worker.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
# A queue of the benchmark's own, so a demo worker running beside it takes none of its tasks.
QUEUE = os.environ["CELERY_QUEUE"] = f"bench-{os.getpid()}"

import devservers  # noqa: E402

devservers.environ_ensure()  # the embedded servers, unless DATABASE_URL / CELERY_BROKER_URL

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from accounts.models import User  # noqa: E402
from activity.models import PageView  # noqa: E402
from activity.services import browsing_ingest  # noqa: E402
from datarequests import services  # noqa: E402
from datarequests.models import Channel, DataRequest, Kind, Status  # noqa: E402
from privacy_office import clock  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from export import chronological, copy_baseline, subject  # noqa: E402


def kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def descendants(pid: int) -> list[int]:
    found = []
    for child in children(pid):
        found += [child, *descendants(child)]
    return found


def worker_start(name: str, *, concurrency: int) -> subprocess.Popen:
    env = {**os.environ, "CELERY_QUEUE": QUEUE}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config.celery",
            "worker",
            "-n",
            f"{name}@%h",
            f"--concurrency={concurrency}",
            "--pool=prefork",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )


def worker_stop(worker: subprocess.Popen) -> None:
    worker.terminate()
    try:
        worker.wait(timeout=60)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def submit(user: User) -> int:
    return services.data_request_submit(
        requester=services.Requester(user=user),
        kind=Kind.ACCESS,
        jurisdiction_code="EU",
        channel=Channel.API,
        now=clock.now(),
    ).pk


def open_count(ids: list[int]) -> int:
    return DataRequest.objects.filter(pk__in=ids).exclude(status=Status.FULFILLED).count()


def export_bench(views: int, runs: int) -> None:
    user = subject(views, 10_000)
    worker = worker_start("bench-export", concurrency=1)
    time.sleep(5)
    copies, times, peaks, helpers, idles = [], [], [], [], []
    try:
        for _ in range(runs):
            copies.append(copy_baseline(user))
            pool = children(worker.pid)
            idle_before = (pool, sum(kib(pid, "VmRSS") for pid in [worker.pid, *pool]))
            began = time.perf_counter()
            request_id = submit(user)
            peak = helper = 0
            finished = None
            polls = 0
            while finished is None:
                for pid in children(worker.pid):
                    peak = max(peak, kib(pid, "VmRSS"), kib(pid, "VmHWM"))
                    for below in descendants(pid):
                        if b"csv_json" not in cmdline(below):  # the letter's forked child
                            continue
                        helper = max(helper, kib(below, "VmRSS"), kib(below, "VmHWM"))
                polls += 1
                # /proc every 10 ms, the database every 50 ms: a query each 10 ms took a
                # share of the server from the export being measured.
                if polls % 5 == 0 and not open_count([request_id]):
                    finished = time.perf_counter()  # seen at most 50 ms late
                time.sleep(0.01)
            times.append(finished - began)
            peaks.append(peak)
            helpers.append(helper)
            print(
                f"  run {len(times)}: {times[-1]:.2f} s ({times[-1] / copies[-1]:.2f}× its COPY), "
                f"building child {peak / 1024:.0f} MiB, polars process {helper / 1024:.0f} MiB",
                flush=True,
            )
            time.sleep(2)  # the pool replaces a child that grew past its limit
            pool = children(worker.pid)
            idles.append(
                (idle_before, (pool, sum(kib(pid, "VmRSS") for pid in [worker.pid, *pool])))
            )
    finally:
        worker_stop(worker)
    copy_time, export_time = statistics.median(copies), statistics.median(times)
    print(f"COPY TO STDOUT of the same rows: median {copy_time:.2f} s")
    print(
        f"submit → fulfilled through a real worker: median {export_time:.2f} s "
        f"= {export_time / copy_time:.2f}× COPY"
    )
    print(
        f"the building child's peak RSS (VmHWM/VmRSS from /proc, every 10 ms): "
        f"median {statistics.median(peaks) / 1024:.0f} MiB, highest {max(peaks) / 1024:.0f} MiB "
        f"(150 MB = 143 MiB)"
    )
    print(f"its CSV to JSON process (polars): highest {max(helpers) / 1024:.0f} MiB")
    for (pool_before, before), (pool_after, after) in idles:
        replaced = "replaced" if pool_before != pool_after else "kept"
        print(
            f"worker (parent + child) RSS idle: before {before / 1024:.0f} MiB, "
            f"after {after / 1024:.0f} MiB (child {replaced}: {pool_before} → {pool_after})"
        )


def throughput_subjects(count: int) -> list[User]:
    users = []
    loaded = False
    for number in range(count):
        views = 100_000 if number % 10 == 0 else 1_000
        user, _ = User.objects.get_or_create(
            username=f"bench-throughput-{number}",
            defaults={"email": f"throughput{number}@example.com", "country": "IE"},
        )
        have = PageView.objects.filter(user=user).count()
        if have < views:
            browsing_ingest(rows=chronological(user, views - have))
            loaded = True
        users.append(user)
        if number % 20 == 19:
            print(f"  subjects ready: {number + 1} of {count}", flush=True)
    if loaded:  # the planner's statistics of the new rows, as autovacuum would make them
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) activity_pageview")
    return users


def throughput_bench(requests: int, worker_counts: list[int]) -> None:
    print(f"preparing {requests} subjects…", flush=True)
    users = throughput_subjects(requests)
    rates = {}
    for workers in worker_counts:
        ids = [submit(user) for user in users]  # queued before any worker starts
        worker = worker_start(f"bench-{workers}", concurrency=workers)
        began = time.perf_counter()
        try:
            while left := open_count(ids):
                print(f"  {workers} worker(s): {requests - left} of {requests} done", end="\r")
                time.sleep(0.5)
        finally:
            worker_stop(worker)
        elapsed = time.perf_counter() - began
        rates[workers] = requests / elapsed * 60
        print(
            f"\n{workers} worker process(es): {rates[workers]:.0f} requests/min ({elapsed:.1f} s)"
        )
    base = rates[worker_counts[0]]
    for workers, rate in rates.items():
        print(f"  {workers}: {rate:.0f}/min, {rate / base:.2f}× {worker_counts[0]}")
    connection.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["export", "throughput"])
    parser.add_argument("--views", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--workers", default="1,2,4")
    args = parser.parse_args()
    if args.what == "export":
        export_bench(args.views, args.runs)
    else:
        throughput_bench(args.requests, [int(n) for n in args.workers.split(",")])


if __name__ == "__main__":
    main()
