"""Export files are encrypted at rest: readable with the configured keys only, and a file that
was cut short or tampered with is refused rather than served in part."""

import struct

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from privacy_office.encrypted_files import (
    CHUNK,
    MAGIC,
    EncryptingWriter,
    Spool,
    decrypted_chunks,
)

PLAIN = b"".join(b"row %07d, Mei \xe6\xa2\x85\n" % n for n in range(300_000))  # > 5 chunks


def write(path, data=PLAIN, piece=70_001):
    with EncryptingWriter(path) as writer:
        for start in range(0, len(data), piece):
            writer.write(data[start : start + piece])
    return writer


def records(path):
    """The header and the sealed records of a file, as bytes."""
    raw = path.read_bytes()
    header, offset, found = raw[: len(MAGIC) + 16], len(MAGIC) + 16, []
    while offset < len(raw):
        (length,) = struct.unpack(">I", raw[offset : offset + 4])
        found.append(raw[offset : offset + 4 + length])
        offset += 4 + length
    return header, found


def test_a_file_reads_back_exactly_and_holds_no_plain_text(tmp_path):
    path = tmp_path / "export.zip.enc"

    writer = write(path)

    assert writer.plain_size == len(PLAIN)
    assert b"".join(decrypted_chunks(path)) == PLAIN
    assert b"row 0000001, Mei" not in path.read_bytes()
    assert len(records(path)[1]) == -(-len(PLAIN) // CHUNK)


def test_an_empty_file_reads_back_empty(tmp_path):
    path = tmp_path / "empty.enc"
    write(path, b"")

    assert b"".join(decrypted_chunks(path)) == b""


def test_a_file_cut_short_is_refused(tmp_path):
    path = tmp_path / "export.zip.enc"
    write(path)
    header, sealed = records(path)
    path.write_bytes(header + b"".join(sealed[:-1]))

    with pytest.raises(ValueError, match="damaged or incomplete"):
        b"".join(decrypted_chunks(path))


def test_swapped_chunks_are_refused(tmp_path):
    path = tmp_path / "export.zip.enc"
    write(path)
    header, sealed = records(path)
    path.write_bytes(header + sealed[1] + sealed[0] + b"".join(sealed[2:]))

    with pytest.raises(ValueError, match="damaged or incomplete"):
        b"".join(decrypted_chunks(path))


def test_a_file_written_under_an_old_key_is_read_after_rotation(tmp_path, settings):
    path = tmp_path / "export.zip.enc"
    write(path)
    old_keys = settings.FIELD_ENCRYPTION_KEYS
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), *old_keys]

    assert b"".join(decrypted_chunks(path)) == PLAIN
    write(tmp_path / "new.enc", b"under the new key")
    settings.FIELD_ENCRYPTION_KEYS = settings.FIELD_ENCRYPTION_KEYS[1:]
    with pytest.raises(ImproperlyConfigured, match="no longer in FIELD_ENCRYPTION_KEYS"):
        b"".join(decrypted_chunks(tmp_path / "new.enc"))


def test_files_of_the_earlier_fernet_layout_are_still_read(tmp_path, settings):
    fernet = Fernet(settings.FIELD_ENCRYPTION_KEYS[0])
    path = tmp_path / "old.zip.enc"
    with path.open("wb") as handle:
        for piece in (b"first chunk ", b"second chunk"):
            token = fernet.encrypt(piece)
            handle.write(struct.pack(">I", len(token)) + token)

    assert b"".join(decrypted_chunks(path)) == b"first chunk second chunk"


def test_a_spool_gives_its_blocks_back_in_order_and_keeps_nothing_readable(tmp_path, monkeypatch):
    import os
    import tempfile
    from pathlib import Path

    def files_open_in(folder):  # unnamed temporary files are seen only through the process
        targets = {}
        for fd in Path("/proc/self/fd").iterdir():
            try:
                targets[fd] = os.readlink(fd)
            except FileNotFoundError:  # the descriptor that listed the folder, closed since
                continue
        return [fd for fd, target in targets.items() if target.startswith(str(folder))]

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    spool = Spool()
    blocks = [b"block %d: Mei \xe6\xa2\x85 " % n * 20_000 for n in range(6)]  # > in-memory limit
    for block in blocks:
        spool.write(block)

    assert list(spool.blocks()) == blocks
    assert list(spool.blocks()) == blocks  # read again for a second section
    (on_disk,) = files_open_in(tmp_path)
    assert b"block 1: Mei" not in on_disk.read_bytes()
    spool.close()


def test_a_file_cut_to_its_header_or_inside_a_length_is_refused(tmp_path):
    path = tmp_path / "export.zip.enc"
    write(path)
    header, sealed = records(path)

    path.write_bytes(header)
    with pytest.raises(ValueError, match="damaged or incomplete"):
        b"".join(decrypted_chunks(path))
    path.write_bytes(header + sealed[0] + sealed[1][:2])
    with pytest.raises(ValueError, match="damaged or incomplete"):
        b"".join(decrypted_chunks(path))


def test_a_missing_key_is_reported_before_any_byte_is_served(tmp_path, settings):
    path = tmp_path / "export.zip.enc"
    write(path)
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]

    with pytest.raises(ImproperlyConfigured):
        decrypted_chunks(path)  # not iterated: the check is on the call
