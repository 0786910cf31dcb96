import io
import json
import zipfile
from pathlib import Path

from privacy_office.encrypted_files import decrypted_chunks


def export_zip(export) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(decrypted_chunks(Path(export.path)))))


def export_json(export) -> dict:
    return json.loads(export_zip(export).read("data.json"))


class FailingEmailBackend:
    """An email backend whose server is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")
