"""A process of its own that turns CSV blocks into JSON objects with polars, so the worker
that builds an export never loads polars (35 MiB imported, 10–25 MiB more once used) on top
of Django's ~90 MiB: each process stays under the 150 MB a worker may use. It imports only
polars and the standard library, and exits when its input closes.

Protocol on stdin/stdout, lengths as 4-byte big-endian unsigned: a request is the JSON list
of the CSV's column names, the JSON list of the columns to write, and a block of whole CSV
rows; the answer is the number of rows (8 bytes) and the rows as JSON objects, comma-separated,
without the array's brackets. An error is a row count of 2**64 - 1 and its message.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import queue
import struct
import subprocess
import sys
import threading
from typing import BinaryIO, cast

LENGTH = struct.Struct(">I")
COUNT = struct.Struct(">Q")
FAILED = 2**64 - 1
# polars' allocator (jemalloc) keeps one arena and no thread cache: about 10 MiB less at
# the peak. Returning freed pages at once as well (dirty_decay_ms:0) saved 3 MiB more but
# cost 0.2 core-seconds of page faults per million rows (bench/README.md).
ALLOCATOR = "narenas:1,tcache:false"
IN_FLIGHT = 2  # blocks sent ahead of their answers


def _read_exactly(stream: BinaryIO, size: int) -> bytes:
    data = stream.read(size)
    if len(data) != size:
        raise EOFError
    return data


def _read_part(stream: BinaryIO) -> bytes:
    (size,) = LENGTH.unpack(_read_exactly(stream, LENGTH.size))
    return _read_exactly(stream, size)


def _serve(source: BinaryIO, sink: BinaryIO) -> None:
    import polars as pl

    while True:
        try:
            names = json.loads(_read_part(source))
        except EOFError:
            return
        selected = json.loads(_read_part(source))
        block = _read_part(source)
        try:
            # A header line of our own: polars drops a byte-order mark at the start of its
            # input, which would take it off a value that begins with one.
            frame = pl.read_csv(
                ",".join(names).encode() + b"\n" + block,
                has_header=True,
                schema=dict.fromkeys(names, pl.String),
                empty_string_is_null=False,
            )
            objects = b""
            if frame.height:
                out = io.BytesIO()
                frame.select(selected).write_json(out)
                objects = out.getbuffer()[1:-1].tobytes()
            sink.write(COUNT.pack(frame.height) + LENGTH.pack(len(objects)) + objects)
        except Exception as error:
            message = repr(error).encode()
            sink.write(COUNT.pack(FAILED) + LENGTH.pack(len(message)) + message)
        sink.flush()


class CsvToJson:
    """The converter process, started at once so its import overlaps the first query.

    Blocks are sent and answers read by two threads of their own, so the caller can send
    the next block while polars converts the one before (``submit`` then ``answer``, in the
    same order): polars works on one core while PostgreSQL and the caller use the other.
    """

    def __init__(self) -> None:
        self._process: subprocess.Popen[bytes] = subprocess.Popen(
            [sys.executable, "-m", "datarequests.csv_json"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
            env={**os.environ, "_RJEM_MALLOC_CONF": ALLOCATOR, "POLARS_MAX_THREADS": "1"},
        )
        self._input = cast(BinaryIO, self._process.stdin)  # both piped above
        self._output = cast(BinaryIO, self._process.stdout)
        self._requests: queue.Queue[list[bytes] | None] = queue.Queue(maxsize=IN_FLIGHT)
        self._answers: queue.Queue[tuple[int, bytes] | None] = queue.Queue()
        self._pending = 0
        self._writer = threading.Thread(target=self._send, name="csv-json-send", daemon=True)
        self._reader = threading.Thread(target=self._receive, name="csv-json-read", daemon=True)
        self._writer.start()
        self._reader.start()

    def _send(self) -> None:
        broken = False
        while (parts := self._requests.get()) is not None:
            if broken:
                continue  # the reader reports the process's death; keep taking requests
            try:
                for part in parts:
                    self._input.write(LENGTH.pack(len(part)))
                    self._input.write(part)
                self._input.flush()
            except (BrokenPipeError, OSError, ValueError):
                broken = True

    def _receive(self) -> None:
        try:
            while True:
                (count,) = COUNT.unpack(_read_exactly(self._output, COUNT.size))
                self._answers.put((count, _read_part(self._output)))
        except (EOFError, OSError, ValueError):
            self._answers.put(None)

    def submit(self, names: list[str], selected: list[str], block: bytes) -> None:
        """Send a block of CSV rows to convert; its answer comes from ``answer``, in order."""
        self._requests.put([json.dumps(names).encode(), json.dumps(selected).encode(), block])
        self._pending += 1

    def answer(self) -> tuple[int, bytes]:
        """The oldest submitted block's row count and its rows as JSON objects of the
        selected columns."""
        if not self._pending:
            raise RuntimeError("no block was submitted")
        self._pending -= 1
        answer = self._answers.get()
        if answer is None:
            self._answers.put(None)  # and every later answer
            raise RuntimeError("the CSV to JSON process has died")
        count, objects = answer
        if count == FAILED:
            raise ValueError(objects.decode())
        return count, objects

    def objects(self, names: list[str], selected: list[str], block: bytes) -> tuple[int, bytes]:
        """Return the block's row count and its rows as JSON objects of the selected columns."""
        self.submit(names, selected, block)
        return self.answer()

    def close(self) -> None:
        self._requests.put(None)
        self._writer.join()
        with contextlib.suppress(BrokenPipeError):
            self._input.close()
        # The reader sees the end of the output when the process exits; waiting for that
        # is prompt, where Popen.wait with a timeout polls in sleeps of up to 50 ms.
        self._reader.join(timeout=10)
        try:
            self._process.wait(timeout=0 if self._reader.is_alive() else 10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._reader.join()
        self._output.close()


if __name__ == "__main__":
    _serve(sys.stdin.buffer, sys.stdout.buffer)
