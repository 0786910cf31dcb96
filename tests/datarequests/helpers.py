import io
import json
import zipfile
from pathlib import Path

from datarequests import services
from datarequests.export_storage import export_file_chunks, export_name
from datarequests.models import Channel, DataRequest, Kind
from privacy_office import clock


def access_request(user, jurisdiction: str = "EU") -> DataRequest:
    """The user's access request, received now through the API (its fee not yet assessed
    unless tasks run eagerly)."""
    return services.data_request_submit(
        requester=services.Requester(user=user),
        kind=Kind.ACCESS,
        jurisdiction_code=jurisdiction,
        channel=Channel.API,
        now=clock.now(),
    )


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
