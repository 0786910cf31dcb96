"""A streaming zip64 writer whose members are either deflated as they are written or were
deflated in advance (their CRC and sizes known), so a member can be compressed on another
thread while an earlier one is still being produced.

Every member is written with zip64 sizes, as ``stream_zip``'s ``ZIP_64`` does: Python's
``zipfile``, ``unzip`` and the common archive tools open it, whatever the sizes.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

DEFLATE = 8
ZIP64_VERSION = 45
UTF8_NAME = 1 << 11
DATA_DESCRIPTOR = 1 << 3
MAX_32 = 0xFFFFFFFF
MAX_16 = 0xFFFF
FILE_MODE_SHIFT = 16
UNIX = 3


class Compressor(Protocol):
    def compress(self, data: bytes, /) -> bytes: ...
    def flush(self) -> bytes: ...


@dataclass
class Streamed:
    """A member deflated here, from its plain chunks (sizes and CRC follow its data)."""

    name: str
    chunks: Iterable[bytes]


@dataclass
class Deflated:
    """A member deflated in advance: ``ready()`` is called when the member's turn comes (it
    may wait for the deflating) and gives the raw deflate chunks, the plain CRC-32 and sizes."""

    name: str
    ready: Callable[[], DeflatedData]


@dataclass
class DeflatedData:
    crc: int
    size: int
    compressed_size: int
    chunks: Iterable[bytes]


@dataclass
class _Entry:
    name: bytes
    flags: int
    crc: int
    size: int
    compressed: int
    offset: int


def _dos_time(moment: datetime) -> tuple[int, int]:
    return (
        (moment.hour << 11) | (moment.minute << 5) | (moment.second // 2),
        ((moment.year - 1980) << 9) | (moment.month << 5) | moment.day,
    )


def zip_chunks(
    members: Iterable[Streamed | Deflated],
    *,
    modified: datetime,
    mode: int,
    compressor: Callable[[], Compressor],
) -> Iterator[bytes]:
    """Yield the bytes of a zip of ``members``, each with the same time and Unix mode.

    ``compressor()`` gives an object with ``compress``/``flush`` making raw deflate."""
    dos_time, dos_date = _dos_time(modified)
    entries: list[_Entry] = []
    offset = 0

    def local_header(name: bytes, flags: int, crc: int, size: int, compressed: int) -> bytes:
        extra = struct.pack("<HHQQ", 0x0001, 16, size, compressed)
        return (
            struct.pack(
                "<IHHHHHIIIHH",
                0x04034B50,
                ZIP64_VERSION,
                flags,
                DEFLATE,
                dos_time,
                dos_date,
                crc,
                MAX_32,
                MAX_32,
                len(name),
                len(extra),
            )
            + name
            + extra
        )

    for member in members:
        name = member.name.encode()
        if isinstance(member, Deflated):
            data = member.ready()
            crc, size, compressed = data.crc, data.size, data.compressed_size
            flags = UTF8_NAME
            header = local_header(name, flags, crc, size, compressed)
            yield header
            written = 0
            for chunk in data.chunks:
                written += len(chunk)
                yield chunk
            if written != compressed:
                raise ValueError(f"{member.name}: {written} deflated bytes, {compressed} declared")
        else:
            flags = UTF8_NAME | DATA_DESCRIPTOR
            header = local_header(name, flags, 0, 0, 0)
            yield header
            deflate = compressor()
            crc = size = written = 0
            for chunk in member.chunks:
                crc = zlib.crc32(chunk, crc)
                size += len(chunk)
                if out := deflate.compress(chunk):
                    written += len(out)
                    yield out
            out = deflate.flush()
            written += len(out)
            yield out
            compressed = written
            yield struct.pack("<IIQQ", 0x08074B50, crc, compressed, size)
            written += 24
        entries.append(_Entry(name, flags, crc, size, compressed, offset))
        offset += len(header) + written

    directory_start = offset
    directory = bytearray()
    for entry in entries:
        extra = struct.pack("<HHQQQ", 0x0001, 24, entry.size, entry.compressed, entry.offset)
        directory += (
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                (UNIX << 8) | ZIP64_VERSION,
                ZIP64_VERSION,
                entry.flags,
                DEFLATE,
                dos_time,
                dos_date,
                entry.crc,
                MAX_32,
                MAX_32,
                len(entry.name),
                len(extra),
                0,
                0,
                0,
                mode << FILE_MODE_SHIFT,
                MAX_32,
            )
            + entry.name
            + extra
        )
    directory_end = directory_start + len(directory)
    count = len(entries)
    directory += struct.pack(
        "<IQHHIIQQQQ",
        0x06064B50,
        44,
        (UNIX << 8) | ZIP64_VERSION,
        ZIP64_VERSION,
        0,
        0,
        count,
        count,
        len(directory),
        directory_start,
    )
    directory += struct.pack("<IIQI", 0x07064B50, 0, directory_end, 1)
    directory += struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, min(count, MAX_16), min(count, MAX_16), MAX_32, MAX_32, 0
    )
    yield bytes(directory)
