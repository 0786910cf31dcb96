import io
import json
import zipfile
from pathlib import Path

from datarequests.export_storage import export_file_chunks, export_name


def export_zip(export) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(export_file_chunks(export.path))))


def stored_path(export) -> Path:
    """The export's file in the default export storage (the folder MEDIA_ROOT/exports)."""
    from datarequests.exports import export_dir

    return export_dir() / export_name(export.path)


def export_json(export) -> dict:
    return json.loads(export_zip(export).read("data.json"))


class FailingEmailBackend:
    """An email backend whose server is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")
