"""Files encrypted at rest in chunks, so any size is written and read in flat memory.

Layout: a sequence of records, each a 4-byte big-endian length and a Fernet
token of up to ``CHUNK`` plain bytes, under the field-encryption keys.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path

from privacy_office.fields import cipher

CHUNK = 1024 * 1024


class EncryptingWriter:
    """A write-only, non-seekable file object that encrypts as it goes (for ``zipfile``)."""

    def __init__(self, path: Path) -> None:
        self._file = path.open("wb")
        self._buffer = bytearray()
        self._cipher = cipher()
        self.plain_size = 0

    def write(self, data: bytes) -> int:
        self._buffer += data
        self.plain_size += len(data)
        while len(self._buffer) >= CHUNK:
            self._flush(bytes(self._buffer[:CHUNK]))
            del self._buffer[:CHUNK]
        return len(data)

    def _flush(self, chunk: bytes) -> None:
        token = self._cipher.encrypt(chunk)
        self._file.write(struct.pack(">I", len(token)))
        self._file.write(token)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        if self._buffer:
            self._flush(bytes(self._buffer))
            self._buffer.clear()
        self._file.close()

    def __enter__(self) -> EncryptingWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def decrypted_chunks(path: Path) -> Iterator[bytes]:
    """Yield the plain bytes of an encrypted file, one chunk at a time."""
    decryptor = cipher()
    with path.open("rb") as handle:
        while header := handle.read(4):
            (length,) = struct.unpack(">I", header)
            yield decryptor.decrypt(handle.read(length))
