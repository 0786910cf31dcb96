"""Files encrypted at rest in chunks, so any size is written and read in flat memory.

Layout: a header (``MAGIC``, the key's id, a random file id), then records, each a
4-byte big-endian length and one chunk of up to ``CHUNK`` plain bytes sealed with
AES-256-GCM. The key is derived (HKDF) from the first of ``FIELD_ENCRYPTION_KEYS``,
so rotating those keys rotates these too; older keys still read older files. The
nonce is the file id and the chunk's number, and the last chunk is sealed as the
last, so a file that was cut short or had chunks swapped does not decrypt.

Files written before this layout (Fernet tokens, one per record) cannot show that they
were cut short at a record's end: they are re-sealed in this layout when first read, or
refused when damaged. A file is checked whole before its first byte is handed out, so a
damaged one is refused rather than served in part.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import struct
import tempfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.fernet import InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from privacy_office.fields import cipher

CHUNK = 1024 * 1024
MAGIC = b"POFILE2\n"
_LENGTH = struct.Struct(">I")


@cache
def _file_key(field_key: str) -> tuple[bytes, AESGCM]:
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"privacy-office encrypted files"
    ).derive(field_key.encode())
    return hashlib.sha256(key).digest()[:8], AESGCM(key)


def _keys() -> list[tuple[bytes, AESGCM]]:
    return [_file_key(key) for key in settings.FIELD_ENCRYPTION_KEYS]


def _associated(header: bytes, last: bool) -> bytes:
    return header + (b"\x01" if last else b"\x00")


class EncryptingWriter:
    """A write-only, non-seekable file object that encrypts as it goes."""

    def __init__(self, path: Path) -> None:
        key_id, self._aead = _keys()[0]
        self._file_id = os.urandom(8)
        self._header = MAGIC + key_id + self._file_id
        self._file = path.open("wb")
        self._file.write(self._header)
        self._buffer = bytearray()
        self._sealed = 0
        self.plain_size = 0

    def write(self, data: bytes) -> int:
        self._buffer += data
        self.plain_size += len(data)
        # Keep at least one byte back: the last chunk is sealed as such on close.
        while len(self._buffer) > CHUNK:
            self._seal(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]
        return len(data)

    def _seal(self, chunk: bytes, *, last: bool) -> None:
        nonce = self._file_id + struct.pack(">I", self._sealed)
        sealed = self._aead.encrypt(nonce, chunk, _associated(self._header, last))
        self._file.write(_LENGTH.pack(len(sealed)))
        self._file.write(sealed)
        self._sealed += 1

    def flush(self) -> None:
        pass

    def close(self) -> None:
        """Seal the last chunk and write the file through to the disk."""
        if not self._file.closed:
            self._seal(bytes(self._buffer), last=True)
            self._buffer.clear()
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()

    def abort(self) -> None:
        """Close without sealing the last chunk: what was written never decrypts as whole."""
        self._buffer.clear()
        self._file.close()

    def __enter__(self) -> EncryptingWriter:
        return self

    def __exit__(self, exc_type, *exc) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


def decrypted_chunks(path: Path) -> Iterator[bytes]:
    """Return the plain bytes of an encrypted file as an iterator of chunks.

    The header and the key are checked at once, so a file no configured key opens fails
    here rather than halfway through a download, and so is damage anywhere in the file
    (``ValueError``): every chunk is authenticated before the first is returned. A file of
    the earlier Fernet layout is re-sealed first.
    """
    with path.open("rb") as handle:
        legacy = not handle.read(len(MAGIC)).startswith(MAGIC)
    if legacy:
        file_reseal(path)
    header, aead = _opening(path)
    for _chunk in _gcm_chunks(path.open("rb"), path.name, header, aead):
        pass  # authenticated whole before anything is handed out
    return _gcm_chunks(path.open("rb"), path.name, header, aead)


def _opening(path: Path) -> tuple[bytes, AESGCM]:
    with path.open("rb") as handle:
        header = handle.read(len(MAGIC) + 16)
    return header, _aead_of(header, path.name)


def _aead_of(header: bytes, name: str) -> AESGCM:
    key_id = header[len(MAGIC) : -8]
    aead = next((aead for known, aead in _keys() if known == key_id), None)
    if aead is None:
        raise ImproperlyConfigured(
            f"{name} was encrypted with a key no longer in FIELD_ENCRYPTION_KEYS."
        )
    return aead


def sealed_file_chunks(handle: BinaryIO, name: str) -> Iterator[bytes]:
    """Return the plain bytes of an encrypted file already open for reading (a seekable file
    of any storage, e.g. an object store's), as ``decrypted_chunks`` does for a path: the
    whole file is authenticated before the first chunk is returned. The iterator closes the
    file when it ends. A file of the earlier Fernet layout is refused (``ValueError``)."""
    try:
        header = handle.read(len(MAGIC) + 16)
        if not header.startswith(MAGIC) or len(header) < len(MAGIC) + 16:
            raise ValueError(f"{name} is damaged or incomplete.")
        aead = _aead_of(header, name)
        for _chunk in _gcm_chunks(handle, name, header, aead, close=False):
            pass
    except BaseException:
        handle.close()
        raise
    return _gcm_chunks(handle, name, header, aead)


def file_reseal(path: Path) -> None:
    """Rewrite a file of the earlier Fernet layout in the current one, in place and at once
    (a rename); raise ``ValueError`` and change nothing when a record of it is damaged."""
    partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}.reseal")
    try:
        with path.open("rb") as handle, EncryptingWriter(partial) as writer:
            for chunk in _fernet_chunks(handle, path.name):
                writer.write(chunk)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _gcm_chunks(
    handle, name: str, header: bytes, aead: AESGCM, *, close: bool = True
) -> Iterator[bytes]:
    damaged = ValueError(f"{name} is damaged or incomplete.")
    file_id = header[-8:]
    with handle if close else contextlib.nullcontext(handle):
        handle.seek(len(header))
        number, last_seen = 0, False
        prefix = handle.read(_LENGTH.size)
        while prefix:
            if len(prefix) < _LENGTH.size:
                raise damaged
            (length,) = _LENGTH.unpack(prefix)
            sealed = handle.read(length)
            prefix = handle.read(_LENGTH.size)
            nonce = file_id + struct.pack(">I", number)
            try:
                yield aead.decrypt(nonce, sealed, _associated(header, last=not prefix))
            except InvalidTag as error:
                raise damaged from error
            last_seen = not prefix
            number += 1
        if not last_seen:  # cut right after the header
            raise damaged


def _fernet_chunks(handle, name: str) -> Iterator[bytes]:
    decryptor = cipher()
    while header := handle.read(_LENGTH.size):
        if len(header) < _LENGTH.size:
            raise ValueError(f"{name} is damaged or incomplete.")
        (length,) = _LENGTH.unpack(header)
        try:
            yield decryptor.decrypt(handle.read(length))
        except InvalidToken as error:
            raise ValueError(f"{name} is damaged or incomplete.") from error


class Spool:
    """A temporary store of byte blocks, read back once in order, for work that must be
    written later (one model's CSV while its JSON is written first).

    Blocks stay in memory up to 1 MiB and then go to an unnamed temporary file,
    encrypted under a key that only this object holds: nothing readable is left on
    disk, even if the process dies.
    """

    IN_MEMORY = 1024 * 1024

    def __init__(self) -> None:
        self._aead = AESGCM(AESGCM.generate_key(bit_length=128))
        self._file = tempfile.SpooledTemporaryFile(max_size=self.IN_MEMORY)  # noqa: SIM115 - closed by close()
        self._blocks = 0

    def write(self, block: bytes) -> None:
        sealed = self._aead.encrypt(struct.pack(">4xQ", self._blocks), block, None)
        self._file.write(_LENGTH.pack(len(sealed)))
        self._file.write(sealed)
        self._blocks += 1

    def blocks(self) -> Iterator[bytes]:
        self._file.seek(0)
        for number in range(self._blocks):
            (length,) = _LENGTH.unpack(self._file.read(_LENGTH.size))
            yield self._aead.decrypt(struct.pack(">4xQ", number), self._file.read(length), None)

    def close(self) -> None:
        self._file.close()
