"""A reference receiver of recipient notices: what a recipient runs to take our webhooks.

It checks the signature (HMAC-SHA256 over ``<timestamp>.<body>`` under the shared secret) and
the timestamp's age, takes each delivery id once (a retry or a reminder of a delivery it has
is answered again, not processed again) and answers ``{"acknowledged": true}``. Run it with
``python manage.py notice_receiver --port 8765`` (the secret from ``NOTICE_RECEIVER_SECRET``);
the suite runs it in a thread. ``down`` makes it answer 503, as a receiver being deployed.
"""

from __future__ import annotations

import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from disclosures.notices import signature

TOLERANCE_SECONDS = 300
MAX_BODY = 64 * 1024


class ReferenceReceiver:
    def __init__(self, *, secret: str, host: str = "127.0.0.1", port: int = 0) -> None:
        self.secret = secret
        self.down = False
        self.received: dict[str, dict] = {}  # delivery id -> the notice, taken once
        self.calls = 0
        self.refused = 0
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer((host, port), self._handler())
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/notices/"

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet: the notices carry personal data
                pass

            def _answer(self, code: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                with receiver._lock:
                    receiver.calls += 1
                if receiver.down:
                    self._answer(503, {"error": "down for maintenance"})
                    return
                length = int(self.headers.get("Content-Length") or 0)
                if length > MAX_BODY:
                    self._answer(413, {"error": "too large"})
                    return
                body = self.rfile.read(length)
                delivery = self.headers.get("X-Notice-Delivery", "")
                stamp = self.headers.get("X-Notice-Timestamp", "")
                given = self.headers.get("X-Notice-Signature", "")
                expected = signature(secret=receiver.secret, timestamp=stamp, body=body)
                fresh = stamp.isdigit() and abs(time.time() - int(stamp)) <= TOLERANCE_SECONDS
                if not hmac.compare_digest(given, expected) or not fresh or not delivery:
                    with receiver._lock:
                        receiver.refused += 1
                    self._answer(401, {"error": "bad signature"})
                    return
                notice = json.loads(body)
                with receiver._lock:
                    duplicate = delivery in receiver.received
                    if not duplicate:
                        receiver.received[delivery] = notice
                self._answer(200, {"acknowledged": True, "duplicate": duplicate})

        return Handler

    def start(self) -> ReferenceReceiver:
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
