"""The access export: a zip of JSON (one section per category), one CSV per declared model and
the reply letter, built from the registry and streamed into an encrypted file.

Each model's rows are read once, as CSV: formatted by PostgreSQL (``COPY``) where the
fields allow, by Python where a field is masked. As each block is read, a thread deflates
it into the model's CSV file (kept deflated in an encrypted spool, so the CSV files need no
work once data.json is written) while polars, in a process of its own
(``datarequests.csv_json``), turns it into data.json's objects; deflate is ISA-L's
(``isal``), four times as fast as zlib for the same size. Memory stays flat: a few blocks
of about 1 MiB are held at a time, whatever the subject's size.
"""

from __future__ import annotations

import contextlib
import csv
import ctypes
import ctypes.util
import io
import json
import os
import queue
import secrets
import select
import signal
import stat
import threading
import time
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache, partial
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from isal import isal_zlib

from datarequests.csv_json import CsvToJson
from datarequests.export_storage import (
    export_file_delete,
    export_file_exists,
    export_file_modified,
    export_file_names,
    export_file_store,
    export_name,
    staging_dir,
    staging_path,
)
from datarequests.zipwriter import Deflated, DeflatedData, Streamed, zip_chunks
from privacy_office.encrypted_files import EncryptingWriter, Spool
from privacy_office.registry import Category, Declaration, registry
from privacy_office.subject_data import display_value, subject_filter, subject_rows
from privacy_office.subject_sql import (
    BLOCK_BYTES,
    copy_csv_blocks,
    sql_formattable,
    subject_values_sql,
)

LINK_DAYS = 14
KEEP_DAYS = 30
CHUNK_ROWS = 2000
FILE_MODE = stat.S_IFREG | 0o600
# A build writes under this suffix and renames the file to its own name once complete, so
# a build cut off (a killed worker, a lost database) never leaves a file an export can name.
PARTIAL = ".part"


@dataclass
class ModelSummary:
    label: str
    verbose_name: str  # a lazy translation
    rows: int
    purposes: set[str] = field(default_factory=set)
    retention_days: set[int | None] = field(default_factory=set)
    public: bool = False
    categories: set[str] = field(default_factory=set)


def export_dir() -> Path:
    """The folder of the default export storage (bench and older callers; see export_storage)."""
    folder = Path(settings.MEDIA_ROOT) / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _declarations() -> list[Declaration]:
    return [d for d in registry.declarations() if d.fields]


def _summary(declaration: Declaration, rows: int) -> ModelSummary:
    meta = declaration.model._meta
    # Kept lazy: the letter puts it in the requester's language.
    summary = ModelSummary(
        label=declaration.label, verbose_name=meta.verbose_name_plural, rows=rows
    )
    for declared in declaration.fields:
        summary.purposes.update(declared.purposes)
        summary.retention_days.add(declared.retention_days)
        summary.categories.add(declaration.category_of(declared))
    summary.public = all(d.public for d in declaration.fields)
    return summary


def _csv_blocks(declaration: Declaration, user) -> Iterator[bytes]:
    """The person's rows of one model as CSV of display values, every declared field, in
    blocks of whole rows."""
    if subject_filter(declaration, user) is None:
        return  # the model cannot hold anything about this kind of subject
    if sql_formattable(declaration):
        yield from copy_csv_blocks(*subject_values_sql(declaration, user, declaration.fields))
        return
    # Every value quoted: with "\n" line ends, Python 3.11 leaves a lone "\r" unquoted.
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n", quoting=csv.QUOTE_ALL)
    for instance in subject_rows(declaration, user).iterator(chunk_size=CHUNK_ROWS):
        writer.writerow([display_value(instance, d) for d in declaration.fields])
        if text.tell() >= BLOCK_BYTES:
            yield text.getvalue().encode()
            text = io.StringIO()
            writer = csv.writer(text, lineterminator="\n", quoting=csv.QUOTE_ALL)
    if text.tell():
        yield text.getvalue().encode()


class ModelRows:
    """One model's rows for the subject, read from the database once. As they are read, a
    ``CsvDeflater`` thread makes the model's CSV file (deflated, in its own encrypted spool)
    while data.json is written; a model whose fields fall in several categories also keeps
    its rows in an encrypted spool, replayed for the later categories' sections."""

    def __init__(
        self, declaration: Declaration, user, deflater: CsvDeflater, converter: CsvToJson
    ) -> None:
        self.label = declaration.label
        self.names = [d.name for d in declaration.fields]
        self.count = 0
        self._source = _csv_blocks(declaration, user)
        categories = {declaration.category_of(d) for d in declaration.fields}
        self._spool = Spool() if len(categories) > 1 else None
        self._read = False
        self._deflater = deflater
        self._converter = converter
        self.csv = deflater.member(self)

    def blocks(self) -> Iterator[bytes]:
        if self._read:
            if self._spool is None:
                raise RuntimeError(f"{self.label}: rows read twice without a spool")
            yield from self._spool.blocks()
            return
        for block in self._source:
            if self._spool is not None:
                self._spool.write(block)
            self._deflater.feed(self.csv, block)
            yield block
        self._read = True
        self._deflater.finish(self.csv)

    def csv_ready(self) -> DeflatedData:
        """The model's CSV file, deflated; read the rows first if no section has."""
        if not self._read:
            for _objects in self.json_objects([]):
                pass
        return self.csv.ready()

    def json_objects(self, selected: list[str]) -> Iterator[bytes]:
        """The rows' selected columns as JSON objects, comma-separated, a block at a time."""
        counting = not self._read
        pending = 0
        try:
            for block in self.blocks():
                self._converter.submit(self.names, selected, block)
                pending += 1
                if pending > 1:  # one block converting while the next is read
                    pending -= 1
                    yield from self._converted(counting)
            while pending:
                pending -= 1
                yield from self._converted(counting)
        finally:
            for _unread in range(pending):  # abandoned: the next caller's answers come next
                with contextlib.suppress(RuntimeError, ValueError):
                    self._converter.answer()

    def _converted(self, counting: bool) -> Iterator[bytes]:
        count, objects = self._converter.answer()
        if counting:
            self.count += count
        if objects:
            yield objects

    def close(self) -> None:
        self._source.close()
        if self._spool is not None:
            self._spool.close()


def _dump(value) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode()


def _json_chunks(request, now: datetime, models: dict[str, ModelRows]) -> Iterator[bytes]:
    """data.json: one section per category, each model's rows as objects of display values."""
    header = {
        "request": request.pk,
        "generated_at": now.isoformat(),
        "notice": "Card and account numbers are shown by their last four digits.",
    }
    yield _dump(header)[:-1] + b', "categories": {'
    for index, (code, label) in enumerate(Category.choices):
        yield (b"," if index else b"") + _dump(code) + b': {"label": ' + _dump(str(label))
        yield b', "models": {'
        first_model = True
        for declaration in _declarations():
            declared = [f for f in declaration.fields if declaration.category_of(f) == code]
            if not declared:
                continue
            yield (b"" if first_model else b",") + _dump(declaration.label) + b": "
            yield b'{"public": ' + _dump(all(f.public for f in declared)) + b', "rows": ['
            names = [f.name for f in declared]
            separator = b""
            for objects in models[declaration.label].json_objects(names):
                yield separator
                yield objects
                separator = b","
            yield b"]}"
            first_model = False
        yield b"}}"
    yield b"}}"


# A cell a spreadsheet would run as a formula (CSV injection, OWASP): it starts with one of
# these. Such a value is shown with a leading "'" in the CSV files; data.json keeps it as is.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Every formula start becomes "=" and every line end ",", so one pass of bytes.translate and
# three substring searches find a cell that may start a formula (a cell starts the block or
# follows "," or a line end, maybe after its opening quote). A regular expression over the
# same block took 8 times as long and held the GIL the whole time (bench/README.md).
_FORMULA_SCAN = bytes.maketrans(b"+-@\t\r\n", b"=====,")


def _may_hold_formula(block: bytes) -> bool:
    scanned = block.translate(_FORMULA_SCAN)
    return scanned.startswith((b"=", b'"=')) or b",=" in scanned or b',"=' in scanned


def csv_formulas_neutralise(block: bytes) -> bytes:
    """Return a block of whole CSV rows with every cell that starts like a formula prefixed
    by ``'``, so a spreadsheet shows it as text (a block with none comes back unchanged)."""
    if not _may_hold_formula(block):
        return block
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n", quoting=csv.QUOTE_ALL)
    for row in csv.reader(io.StringIO(block.decode(), newline="")):
        writer.writerow(
            ["'" + value if value.startswith(FORMULA_STARTS) else value for value in row]
        )
    return text.getvalue().encode()


class CsvMember:
    """One model's CSV file as it is deflated: CRC, sizes and the deflated bytes' spool."""

    def __init__(self, names: list[str]) -> None:
        self.crc = 0
        self.size = 0
        self.compressed_size = 0
        self.deflate = _Deflate()
        self.spool = Spool()
        self.done = threading.Event()
        self.error: BaseException | None = None
        self.add(b"\xef\xbb\xbf" + (",".join(names) + "\n").encode())

    def add(self, plain: bytes) -> None:
        self.crc = zlib.crc32(plain, self.crc)
        self.size += len(plain)
        self._keep(self.deflate.compress(plain))

    def end(self) -> None:
        self._keep(self.deflate.flush())

    def _keep(self, deflated: bytes) -> None:
        if deflated:
            self.compressed_size += len(deflated)
            self.spool.write(deflated)

    def ready(self) -> DeflatedData:
        self.done.wait()
        if self.error is not None:
            raise self.error
        return DeflatedData(
            crc=self.crc,
            size=self.size,
            compressed_size=self.compressed_size,
            chunks=self.spool.blocks(),
        )

    def close(self) -> None:
        self.spool.close()


class CsvDeflater:
    """A thread that neutralises formulas in, checksums and deflates each model's CSV
    blocks as they are read, so the CSV files are ready when data.json is written, their
    deflating done on the second core while PostgreSQL still works."""

    def __init__(self) -> None:
        self._jobs: queue.Queue = queue.Queue(maxsize=4)
        self._members: list[CsvMember] = []
        self._thread = threading.Thread(target=self._run, name="csv-deflate", daemon=True)
        self._thread.start()

    def member(self, rows: ModelRows) -> CsvMember:
        member = CsvMember(rows.names)
        self._members.append(member)
        return member

    def feed(self, member: CsvMember, block: bytes) -> None:
        self._jobs.put((member, block))

    def finish(self, member: CsvMember) -> None:
        self._jobs.put((member, None))

    def _run(self) -> None:
        while (job := self._jobs.get()) is not None:
            member, block = job
            if member.error is not None:
                continue
            try:
                if block is None:
                    member.end()
                    member.done.set()
                else:
                    member.add(csv_formulas_neutralise(block))
            except BaseException as error:  # raised by the zip writer, in the caller's thread
                member.error = error
                member.done.set()

    def close(self) -> None:
        self._jobs.put(None)
        self._thread.join()
        for member in self._members:
            member.close()


def _summaries(counts: Mapping[str, int]) -> list[ModelSummary]:
    """What each model held (its rows by label), for the letter; models with none left out."""
    return [_summary(d, counts[d.label]) for d in _declarations() if counts.get(d.label)]


def _recipients(subject) -> list[dict]:
    """Each recipient the person's data went to, with the categories and purposes (C, D)."""
    from disclosures.models import Disclosure

    if getattr(subject, "pk", None) is None:
        return []
    merged: dict[int, dict] = {}
    for disclosure in Disclosure.objects.filter(subject=subject).select_related("recipient"):
        recipient = disclosure.recipient
        entry = merged.setdefault(
            recipient.pk,
            {
                "organisation": recipient.organisation,
                "kind": str(recipient.get_kind_display()),
                "jurisdiction": recipient.jurisdiction,
                "categories": set(),
                "purposes": set(),
            },
        )
        entry["categories"].update(disclosure.categories)
        entry["purposes"].add(disclosure.purpose)
    return [
        {**entry, "categories": sorted(entry["categories"]), "purposes": sorted(entry["purposes"])}
        for entry in merged.values()
    ]


class _Deflate:
    """ISA-L's raw deflate, fed at least ``MIN_INPUT`` bytes a call: given a small piece
    first, it compressed everything after it poorly (a CSV of short rows came out 45 times
    larger than in one call)."""

    MIN_INPUT = 256 * 1024

    def __init__(self) -> None:
        self._deflate = isal_zlib.compressobj(1, isal_zlib.DEFLATED, -isal_zlib.MAX_WBITS)
        self._pending = bytearray()

    def compress(self, data: bytes) -> bytes:
        if not self._pending and len(data) >= self.MIN_INPUT:
            return self._deflate.compress(data)
        self._pending += data
        if len(self._pending) < self.MIN_INPUT:
            return b""
        compressed = self._deflate.compress(bytes(self._pending))
        self._pending.clear()
        return compressed

    def flush(self) -> bytes:
        return self._deflate.compress(bytes(self._pending)) + self._deflate.flush()


def export_write(path: Path, chunks: Iterator[bytes]) -> int:
    """Write the export's plain bytes to ``path``, encrypted (where a storage backend would
    take the file instead), and return their size; on failure what was written never
    decrypts as whole."""
    with EncryptingWriter(path) as writer:
        for chunk in chunks:
            writer.write(chunk)
    return writer.plain_size


@dataclass(frozen=True)
class BuiltExport:
    """An export file written but not yet recorded: what ``export_record`` needs."""

    path: str  # the file's name in the export storage
    size: int
    row_count: int

    def discard(self) -> None:
        export_file_delete(self.path)


LETTER_CHILD_SECONDS = 120


class ForkedChild:
    """A forked child, started before the rows are read, that prepares while they are
    (the letter's Chinese font takes 0.1 s to parse and 23 MiB once parsed, which the
    building worker then never holds), then turns the bytes sent to it into the bytes it
    answers (``answer``). The child has no database and exits after.

    Fork it before the build's own threads and subprocess start: it would inherit their
    pipes (the polars process would never see the end of its input). Threads of the
    worker's own (the claim's heartbeat) may be running.
    If the fork fails, the child fails, or it has not answered within
    ``LETTER_CHILD_SECONDS``, it is killed and reaped and ``work`` runs here instead;
    ``close`` kills and reaps a child whose answer was never asked for."""

    def __init__(self, prepare: Callable[[], None], work: Callable[[bytes], bytes]) -> None:
        from django.db import connection

        self._work = work
        self._pid: int | None = None
        _libc()  # loaded here: the child must not run ldconfig before it can die with us
        parent = os.getpid()
        inbox_read, inbox_write = os.pipe()
        outbox_read, outbox_write = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            for end in (inbox_read, inbox_write, outbox_read, outbox_write):
                os.close(end)
            return
        if pid == 0:  # the child: answer and leave without running any clean-up
            code = 1
            try:
                os.close(inbox_write)
                os.close(outbox_read)
                _die_with_parent(parent)
                connection.connection = None  # the parent's socket stays referenced, never closed
                connection.connect = _no_database  # type: ignore[method-assign]
                prepare()
                with os.fdopen(inbox_read, "rb") as inbox:
                    given = inbox.read()
                if given:  # nothing: the build was abandoned
                    with os.fdopen(outbox_write, "wb") as outbox:
                        outbox.write(work(given))
                    code = 0
            finally:
                os._exit(code)
        os.close(inbox_read)
        os.close(outbox_write)
        self._pid, self._inbox, self._outbox = pid, inbox_write, outbox_read

    def answer(self, given: bytes) -> bytes:
        """The child's answer to ``given`` (not empty), or ``work(given)`` computed here."""
        if self._pid is None:
            return self._work(given)
        deadline = time.monotonic() + LETTER_CHILD_SECONDS
        answered, complete = bytearray(), False
        try:
            sent = _send_until(self._inbox, given, deadline)
            os.close(self._inbox)  # the child reads to the end of what was sent
            self._inbox = -1
            if sent:
                complete = _receive_until(self._outbox, answered, deadline)
        finally:
            code = self._end(kill=not complete)
        if not complete or code != 0:
            return self._work(given)
        return bytes(answered)

    def close(self) -> None:
        if self._pid is not None:
            self._end(kill=True)

    def _end(self, *, kill: bool) -> int:
        pid, self._pid = self._pid, None
        for end in (self._inbox, self._outbox):
            if end >= 0:  # each closed once: a number closed twice may be another thread's
                os.close(end)
        self._inbox = self._outbox = -1
        if kill:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        return os.waitstatus_to_exitcode(status)


PR_SET_PDEATHSIG = 1


@cache
def _libc() -> ctypes.CDLL:
    """The C library (found by running ldconfig: do it before a fork, not in the child)."""
    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")


def _die_with_parent(parent: int) -> None:
    """Have the kernel kill this child if the worker dies (its time limit, the OOM killer)
    while the child is still preparing: nothing else would. A worker already gone before
    this took effect ends the child here."""
    _libc().prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)


def _send_until(end: int, data: bytes, deadline: float) -> bool:
    """Write ``data`` to the pipe; False if the reader has gone or is too slow."""
    view = memoryview(data)
    os.set_blocking(end, False)
    while view:
        if (left := deadline - time.monotonic()) <= 0 or not select.select([], [end], [], left)[1]:
            return False
        try:
            view = view[os.write(end, view) :]
        except BlockingIOError:
            continue
        except OSError:  # BrokenPipeError: the child has exited
            return False
    return True


def _receive_until(end: int, into: bytearray, deadline: float) -> bool:
    """Read the pipe to its end into ``into``; False if it did not end before ``deadline``."""
    while (left := deadline - time.monotonic()) > 0:
        if not select.select([end], [], [], left)[0]:
            return False
        chunk = os.read(end, 1 << 20)
        if not chunk:
            return True
        into += chunk
    return False


def _no_database(*args, **kwargs):
    raise RuntimeError("the letter's process has no database connection")


M_MMAP_THRESHOLD = -3


@cache
def _malloc_large_blocks_mapped() -> None:
    """Have glibc give every allocation of 256 KiB or more its own mapping, returned to the
    system when freed. By default the threshold rises to 32 MiB once a large block is freed,
    and the export's blocks of 1 MiB then stay in the heap, fragmented, after their use."""
    _libc().mallopt(M_MMAP_THRESHOLD, 256 * 1024)


def export_build(*, request, now: datetime) -> BuiltExport:
    """Write the request's export, encrypted; change nothing in the database.

    Run with no lock held: it reads every declared model, which takes long for a
    subject with much data. The file is written under a temporary name and renamed into
    place only once complete; a failed build leaves no file behind."""
    from datarequests.letters import letter_font_load, recipient_kinds, reply_letter_pdf
    from datarequests.selectors import request_subject

    _malloc_large_blocks_mapped()
    user = request_subject(request)
    name = f"{request.pk}-{secrets.token_hex(8)}.zip.enc"
    partial = staging_path(name, PARTIAL)
    stored = None
    # Read before the fork: the letter's process has no database.
    recipients, kinds = _recipients(user), recipient_kinds()
    request.jurisdiction  # noqa: B018

    def letter_pdf(counts: bytes) -> bytes:
        return reply_letter_pdf(
            request=request,
            summaries=_summaries(json.loads(counts)),
            recipients=recipients,
            now=now,
            kinds=kinds,
        )

    with contextlib.ExitStack() as closing:  # each closed, the last made first, however it ends
        letter_child = ForkedChild(letter_font_load, letter_pdf)  # first: before any thread
        closing.callback(letter_child.close)
        converter = CsvToJson()
        closing.callback(converter.close)
        deflater = CsvDeflater()
        closing.callback(deflater.close)
        models: dict[str, ModelRows] = {}
        for declaration in _declarations():
            models[declaration.label] = rows = ModelRows(declaration, user, deflater, converter)
            closing.callback(rows.close)

        def counts() -> dict[str, int]:
            return {label: rows.count for label, rows in models.items()}

        def letter() -> Iterator[bytes]:  # last: the counts are known once the rows were read
            yield letter_child.answer(json.dumps(counts()).encode())

        members: list[Streamed | Deflated] = [
            Streamed("data.json", _json_chunks(request, now, models)),
            *(Deflated(f"csv/{label}.csv", rows.csv_ready) for label, rows in models.items()),
            Streamed("letter.pdf", letter()),
        ]
        stamp = timezone.localtime(now)
        chunks = zip_chunks(members, modified=stamp, mode=FILE_MODE, compressor=_Deflate)
        try:
            plain_size = export_write(partial, chunks)
            stored = export_file_store(staged=partial, name=name)  # appears whole or not at all
        except BaseException:
            partial.unlink(missing_ok=True)
            if stored is not None:
                export_file_delete(stored)
            raise
    row_count = sum(counts().values())
    return BuiltExport(path=stored, size=plain_size, row_count=row_count)


def export_record(*, request, built: BuiltExport, now: datetime):
    """Record a built export with its expiry, in place of the request's earlier one."""
    from datarequests.models import Export

    old = Export.objects.filter(request=request).first()
    if old is not None:
        old.delete()
        # Only once committed: rolled back, the old row comes back and needs its file.
        transaction.on_commit(partial(export_file_delete, old.path))
    return Export.objects.create(
        request=request,
        path=built.path,
        size=built.size,
        row_count=built.row_count,
        created_at=now,
        expires_at=now + timedelta(days=LINK_DAYS),
    )


def export_create(*, request, now: datetime):
    """Write the request's export and record it, in one go (the caller holds what it needs)."""
    built = export_build(request=request, now=now)
    try:
        return export_record(request=request, built=built, now=now)
    except BaseException:
        built.discard()
        raise


def export_leftovers_remove(*, request_id: int, keep: str | None) -> int:
    """Delete the request's files other than ``keep`` (its recorded export): left by a build
    that died before it could clean up (a killed worker). Call it holding the build's claim,
    so no live build of the request writes meanwhile; return how many were deleted."""
    removed = 0
    kept = export_name(keep) if keep else None
    for name in export_file_names(f"{request_id}-"):
        if name != kept:
            export_file_delete(name)
            removed += 1
    for path in staging_dir().glob(f"{request_id}-*"):
        path.unlink(missing_ok=True)
        removed += 1
    return removed


ORPHAN_AFTER = timedelta(hours=1)


def exports_purge(*, now: datetime) -> int:
    """Delete export files older than their retention, and files no export points to (left by
    a build whose transaction rolled back); return how many exports were purged.

    Not left to ``privacy_office.retention``: what goes after 30 days is the file on disk;
    the row stays as the record that it was sent (declared with the request's records)."""
    from datarequests.models import Export

    known = {
        export_name(path)
        for path in Export.objects.filter(purged_at__isnull=True).values_list("path", flat=True)
    }
    for name in export_file_names():
        if name not in known and export_file_modified(name) < now - ORPHAN_AFTER:
            export_file_delete(name)
    for path in staging_dir().glob(f"*.zip.enc{PARTIAL}"):
        if datetime.fromtimestamp(path.stat().st_mtime, tz=now.tzinfo) < now - ORPHAN_AFTER:
            path.unlink(missing_ok=True)
    purged = 0
    for export in Export.objects.filter(
        purged_at__isnull=True, created_at__lt=now - timedelta(days=KEEP_DAYS)
    ).iterator():
        export_file_delete(export.path)
        export.purged_at = now
        export.save(update_fields=["purged_at"])
        purged += 1
    return purged


def export_is_downloadable(export, *, now: datetime) -> bool:
    """Return whether the export may be served: unexpired, and its file whole (never an
    empty or partly written file)."""
    if export.purged_at is not None or export.expires_at <= now or export.size <= 0:
        return False
    if export.path.endswith(PARTIAL):
        return False
    return export_file_exists(export.path)
