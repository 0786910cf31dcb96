"""Benchmark of consent writes through the real server (issue 5).

    .venv/bin/python bench/consent.py [--rounds 10] [--requests 500] [--clients 4]
                                      [--workers 2] [--threads 1]
    .venv/bin/python bench/consent.py --bulk 100000    # manage.py consent_import's service

Starts gunicorn on 127.0.0.1 (embedded PostgreSQL and Redis, DEBUG off; two sync workers,
or ``--workers 3 --threads 8`` as ``make demo`` runs it), then sends, in
the same run, ``PUT /api/v1/cookies/consent/`` (each a new consent record) and the
trivial ``GET /api/v1/health/`` from ``--clients`` threads over keep-alive connections, in
many short rounds interleaved (health, consent, consent, health, …: the order alternates so
drift of the machine falls on both alike). Each round pair gives a ratio; it prints their
median and spread (min–max). It also shows that a visitor's current consent is read from
the cache (no query) once known.

``--bulk N`` instead writes N edge decisions to a JSON-lines file and stores them with the
service behind ``manage.py consent_import``, printing progress and rows per second.
"""

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import devservers  # noqa: E402

devservers.environ_ensure()  # the embedded servers, unless DATABASE_URL / CELERY_BROKER_URL

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from cookies.selectors import consent_current  # noqa: E402

PORT = 8765
BODY = json.dumps({"choices": {"statistics": True, "ad_targeting": False}})


_rounds_sent = iter(range(1_000_000))
FIRST_CONSENT_ROUND = 3  # warm GET, warm PUT, then the first round: GET, PUT


def hammer(method: str, path: str, count: int, clients: int, prefix: str = "bench") -> float:
    """Send ``count`` requests from ``clients`` threads; return requests per second."""
    per_client = count // clients
    errors = []
    round_ = next(_rounds_sent)  # a new visitor per request, across rounds (no rate limit hit)

    def client(number: int) -> None:
        connection_ = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        for n in range(per_client):
            headers = {"Content-Type": "application/json", "Host": "127.0.0.1"}
            if method == "PUT":
                headers["Cookie"] = f"po_visitor={prefix}{round_:03d}{number:02d}{n:06d}"
            connection_.request(
                method, path, body=BODY if method == "PUT" else None, headers=headers
            )
            response = connection_.getresponse()
            response.read()
            if response.status != 200:
                errors.append(response.status)
        connection_.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise SystemExit(f"{len(errors)} failed requests, e.g. HTTP {errors[0]}")
    return per_client * clients / elapsed


def bulk(rows: int) -> None:
    import tempfile
    import uuid
    from datetime import timedelta

    from cookies.selectors import declarations_version
    from cookies.services import consent_import
    from privacy_office import clock

    run = uuid.uuid4().hex[:8]
    at = (clock.now() - timedelta(minutes=1)).isoformat()
    version = declarations_version()
    with tempfile.NamedTemporaryFile("w+", suffix=".jsonl", encoding="utf-8") as handle:
        for n in range(rows):
            line = {
                "event_id": f"bench-{run}-{n}",
                "visitor_id": f"edge{run}{n:08d}",
                "choices": {"statistics": n % 2 == 0, "ad_targeting": False},
                "at": at,
                "declarations_version": version,
                "ip": "203.0.113.7",
                "user_agent": "Mozilla/5.0 (bench)",
            }
            handle.write(json.dumps(line) + "\n")
        handle.flush()
        handle.seek(0)
        start = time.perf_counter()
        result = consent_import(
            lines=handle,
            now=clock.now(),
            progress=lambda read: print(f"  {read:,} lines checked", file=sys.stderr),
        )
        elapsed = time.perf_counter() - start
    if result.problems:
        raise SystemExit(f"refused: {result.problems[0]}")
    print(f"bulk import: {result.stored:,} records, {elapsed:.2f} s, {rows / elapsed:,.0f} rows/s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--requests", type=int, default=500, help="per round and endpoint")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="threads per gunicorn worker (1: sync workers; make demo runs 3 workers × 8)",
    )
    parser.add_argument("--bulk", type=int, default=0, help="rows for the bulk import instead")
    args = parser.parse_args()
    if args.bulk:
        bulk(args.bulk)
        return
    env = {**os.environ, "DEBUG": "false", "LOG_LEVEL": "WARNING"}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", PORT, timeout=1).request("GET", "/")
                break
            except OSError:
                time.sleep(0.2)
        hammer("GET", "/api/v1/health/", 200, args.clients)  # warm the workers
        hammer("PUT", "/api/v1/cookies/consent/", 200, args.clients, prefix="warm")
        rounds = []
        for number in range(args.rounds):
            if number % 2 == 0:
                trivial = hammer("GET", "/api/v1/health/", args.requests, args.clients)
                consent = hammer("PUT", "/api/v1/cookies/consent/", args.requests, args.clients)
            else:
                consent = hammer("PUT", "/api/v1/cookies/consent/", args.requests, args.clients)
                trivial = hammer("GET", "/api/v1/health/", args.requests, args.clients)
            rounds.append((trivial, consent))
            print(f"  round {number + 1}: {consent / trivial:.0%}", file=sys.stderr)
    finally:
        server.terminate()
        server.wait(timeout=30)
    trivial = statistics.median(r[0] for r in rounds)
    consent = statistics.median(r[1] for r in rounds)
    ratios = [c / t for t, c in rounds]
    print(f"gunicorn: {args.workers} workers × {args.threads} threads, {args.clients} clients")
    print(f"trivial DRF endpoint (GET /api/v1/health/): median {trivial:,.0f} requests/s")
    print(f"consent writes (PUT /api/v1/cookies/consent/): median {consent:,.0f} records/s")
    print(
        f"ratio: median {statistics.median(ratios):.0%}, spread {min(ratios):.0%}–"
        f"{max(ratios):.0%} over {len(ratios)} rounds (aim: at least 70%)"
    )

    visitor = f"bench{FIRST_CONSENT_ROUND:03d}00000000"
    consent_current(visitor_id=visitor)
    with CaptureQueriesContext(connection) as queries:
        consent_current(visitor_id=visitor)
    print(f"queries to read a known visitor's consent again: {len(queries)} (cache)")
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN SELECT * FROM cookies_consentrecord WHERE visitor_id = %s "
            "ORDER BY created_at DESC LIMIT 1",
            [visitor],
        )
        plan = " ".join(row[0] for row in cursor.fetchall())
    print(f"uncached lookup uses an index, not a table scan: {'Seq Scan' not in plan}")


if __name__ == "__main__":
    main()
