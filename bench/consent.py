"""Benchmark of consent writes through the real server (issue 5).

    .venv/bin/python bench/consent.py [--requests 2000] [--clients 4] [--workers 2]

Starts gunicorn on 127.0.0.1 (embedded PostgreSQL and Redis, DEBUG off), then sends, in
the same run, ``PUT /api/v1/cookies/consent/`` (each a new consent record) and the
trivial ``GET /api/v1/health/`` from ``--clients`` threads over keep-alive connections,
three rounds each, and prints the median rates and their ratio. It also shows that a
visitor's current consent is read from the cache (no query) once known.
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


def hammer(method: str, path: str, count: int, clients: int) -> float:
    """Send ``count`` requests from ``clients`` threads; return requests per second."""
    per_client = count // clients
    errors = []

    def client(number: int) -> None:
        connection_ = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        for n in range(per_client):
            headers = {"Content-Type": "application/json", "Host": "127.0.0.1"}
            if method == "PUT":
                headers["Cookie"] = f"po_visitor=bench{number:02d}{n:08d}"
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
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
        hammer("GET", "/api/v1/health/", 200, args.clients)  # warm both workers
        rounds = []
        for _ in range(3):
            trivial = hammer("GET", "/api/v1/health/", args.requests, args.clients)
            consent = hammer("PUT", "/api/v1/cookies/consent/", args.requests, args.clients)
            rounds.append((trivial, consent))
    finally:
        server.terminate()
        server.wait(timeout=30)
    trivial = statistics.median(r[0] for r in rounds)
    consent = statistics.median(r[1] for r in rounds)
    print(f"trivial DRF endpoint (GET /api/v1/health/): median {trivial:,.0f} requests/s")
    print(f"consent writes (PUT /api/v1/cookies/consent/): median {consent:,.0f} records/s")
    print(f"ratio: {consent / trivial:.0%} of the trivial endpoint (aim: at least 70%)")

    visitor = "bench0000000000"
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
