"""Where finished exports are kept: Django's ``exports`` storage (settings.STORAGES).

By default a folder under ``MEDIA_ROOT``; on several hosts, a bucket of an object store
(django-storages' S3 backend, ``EXPORT_STORAGE_BUCKET``), so the worker that built an export
and the web process that serves it need not share a disk. An export row's ``path`` holds the
file's name in that storage; rows written before held an absolute path under
``MEDIA_ROOT/exports``, whose last part is the same name.

A build writes to a local staging file first (``staging_path``), then hands it to the storage
whole: a folder on the same disk takes it by a rename, a bucket by a (multipart) upload.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, cast

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages

from privacy_office.encrypted_files import MAGIC, decrypted_chunks, sealed_file_chunks

ALIAS = "exports"


def export_storage() -> Storage:
    return storages[ALIAS]


def export_name(recorded: str) -> str:
    """Return the storage name of an export row's ``path`` (a name, or an older absolute path)."""
    return Path(recorded).name if os.path.isabs(recorded) else recorded


def staging_dir() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "exports-staging"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def staging_path(name: str, suffix: str) -> Path:
    """Return the local file a build of ``name`` writes to before it is stored."""
    return staging_dir() / f"{name}{suffix}"


class _StagedFile(File):
    """A finished local file; FileSystemStorage moves it into place instead of copying it."""

    def temporary_file_path(self) -> str:
        return str(self.name)


def export_file_store(*, staged: Path, name: str) -> str:
    """Put a finished staging file into the export storage under ``name``; return the name.

    The staging file is gone afterwards (moved, or uploaded and deleted)."""
    try:
        with staged.open("rb") as handle:
            stored: str = export_storage().save(name, _StagedFile(handle, name=str(staged)))
    finally:
        staged.unlink(missing_ok=True)
    return stored


def export_file_chunks(recorded: str) -> Iterator[bytes]:
    """Return the export's plain bytes as chunks, streamed from the storage (checked whole
    before the first chunk is returned; ``ValueError`` when damaged)."""
    storage, name = export_storage(), export_name(recorded)
    local = _local_path(storage, name)
    if local is not None:  # a folder: the path reader also re-seals files of the older layout
        return decrypted_chunks(local)
    handle = cast(BinaryIO, storage.open(name, "rb"))
    return sealed_file_chunks(handle, name)


def export_file_size(recorded: str) -> int:
    """Return the stored file's size in bytes, 0 when it is missing."""
    storage, name = export_storage(), export_name(recorded)
    try:
        return storage.size(name) if storage.exists(name) else 0
    except FileNotFoundError:
        return 0


def export_file_exists(recorded: str) -> bool:
    return export_file_size(recorded) > 0


def export_file_delete(recorded: str) -> None:
    """Delete the export's file; nothing happens when it is already gone."""
    storage, name = export_storage(), export_name(recorded)
    if storage.exists(name):
        storage.delete(name)


def export_file_names(prefix: str = "") -> list[str]:
    """Return the names of the stored export files that start with ``prefix``."""
    try:
        _folders, files = export_storage().listdir("")
    except FileNotFoundError:  # a folder not made yet: no export was ever stored here
        return []
    return [name for name in files if name.startswith(prefix)]


def export_file_modified(name: str):
    return export_storage().get_modified_time(name)


def export_file_is_sealed(recorded: str) -> bool:
    """Return whether the stored file starts like an encrypted file (for checks and tests)."""
    with export_storage().open(export_name(recorded), "rb") as handle:
        return handle.read(len(MAGIC)) == MAGIC


def _local_path(storage: Storage, name: str) -> Path | None:
    if isinstance(storage, FileSystemStorage):
        return Path(storage.path(name))
    return None  # an object store (or memory): no file on this host
