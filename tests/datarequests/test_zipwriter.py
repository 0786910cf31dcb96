"""The export's zip writer: members deflated here or in advance open with Python's zipfile
and ``unzip -t``, with the right CRCs and zip64 sizes; a failure mid-build leaves no file."""

import io
import subprocess
import zipfile
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from datarequests import exports, services
from datarequests.exports import FILE_MODE, _Deflate, export_dir
from datarequests.models import Channel, DataRequest, Export, Kind, Status
from datarequests.zipwriter import Deflated, DeflatedData, Streamed, zip_chunks
from privacy_office import clock
from tests.datarequests.helpers import export_zip
from tests.factories import person_with_data_in_every_category

STAMP = datetime(2026, 11, 30, 13, 45, 20, tzinfo=UTC)


def deflated_in_advance(plain: bytes) -> Deflated:
    deflate = _Deflate()
    compressed = deflate.compress(plain) + deflate.flush()
    halves = [compressed[: len(compressed) // 2], compressed[len(compressed) // 2 :]]
    return Deflated(
        "csv/advance.csv",
        lambda: DeflatedData(
            crc=zlib.crc32(plain), size=len(plain), compressed_size=len(compressed), chunks=halves
        ),
    )


def written(members) -> bytes:
    return b"".join(zip_chunks(members, modified=STAMP, mode=FILE_MODE, compressor=_Deflate))


CSV = "".join(f'"{n}","视图 {n}","https://example.com/{n}"\n' for n in range(50_000)).encode()
JSON = b'{"rows": [' + b",".join(b'{"n": %d}' % n for n in range(20_000)) + b"]}"


def test_members_deflated_here_and_in_advance_open_with_the_right_contents_and_crcs(
    tmp_path: Path,
):
    data = written(
        [
            Streamed("data.json", iter([JSON[:1000], JSON[1000:]])),
            deflated_in_advance(CSV),
            Streamed("empty.txt", iter([])),
            Streamed("名前.pdf", iter([b"%PDF-1.4 letter"])),
        ]
    )
    archive = zipfile.ZipFile(io.BytesIO(data))

    assert archive.testzip() is None  # every member's CRC checked
    assert [i.filename for i in archive.infolist()] == [
        "data.json",
        "csv/advance.csv",
        "empty.txt",
        "名前.pdf",
    ]
    assert archive.read("data.json") == JSON
    assert archive.read("csv/advance.csv") == CSV
    assert archive.read("empty.txt") == b""
    assert archive.read("名前.pdf") == b"%PDF-1.4 letter"
    info = archive.getinfo("csv/advance.csv")
    assert (info.date_time, info.external_attr >> 16, info.compress_type) == (
        (2026, 11, 30, 13, 45, 20),
        FILE_MODE,
        zipfile.ZIP_DEFLATED,
    )
    assert info.compress_size < len(CSV) / 3
    path = tmp_path / "export.zip"
    path.write_bytes(data)
    tested = subprocess.run(["/usr/bin/unzip", "-t", str(path)], capture_output=True, text=True)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "No errors detected" in tested.stdout


def test_every_member_carries_zip64_sizes_and_offsets():
    """The sizes and offsets are written as 8-byte zip64 fields, so a member or an archive
    past 4 GiB is described the same way (zipfile reads the sizes from the zip64 extra)."""
    data = written([deflated_in_advance(CSV), Streamed("data.json", iter([JSON]))])
    archive = zipfile.ZipFile(io.BytesIO(data))

    for info in archive.infolist():
        assert info.extract_version >= 45
        extra_id, extra_size = int.from_bytes(info.extra[:2], "little"), info.extra[2:4]
        assert (extra_id, int.from_bytes(extra_size, "little")) == (0x0001, 24)
    assert data.find(b"PK\x06\x06") > 0  # the zip64 end of central directory
    assert archive.getinfo("data.json").header_offset > 0


def test_a_member_whose_deflated_bytes_differ_from_its_declared_size_is_refused():
    plain = b"a,b\n" * 1000
    member = deflated_in_advance(plain)
    real = member.ready()
    member.ready = lambda: DeflatedData(
        crc=real.crc, size=real.size, compressed_size=real.compressed_size + 1, chunks=real.chunks
    )

    with pytest.raises(ValueError, match="declared"):
        written([member])


def test_a_damaged_member_deflated_in_advance_fails_the_crc_check():
    plain = b"1,2,3\n" * 1000
    good = deflated_in_advance(plain).ready()
    wrong = Deflated(
        "x.csv",
        lambda: DeflatedData(
            crc=good.crc ^ 1,
            size=good.size,
            compressed_size=good.compressed_size,
            chunks=good.chunks,
        ),
    )
    archive = zipfile.ZipFile(io.BytesIO(written([wrong])))

    assert archive.testzip() == "x.csv"


@pytest.mark.django_db(transaction=True)
def test_a_failure_while_deflating_a_csv_file_leaves_no_file_and_releases_the_claim(monkeypatch):
    user = person_with_data_in_every_category()
    request = services.data_request_submit(
        requester=services.Requester(user=user),
        kind=Kind.ACCESS,
        jurisdiction_code="EU",
        channel=Channel.API,
        now=clock.now(),
    )
    DataRequest.objects.filter(pk=request.pk).update(status=Status.IN_PROGRESS)
    real = exports.csv_formulas_neutralise
    monkeypatch.setattr(
        exports, "csv_formulas_neutralise", lambda block: (_ for _ in ()).throw(OSError("disk"))
    )

    with pytest.raises(OSError, match="disk"):
        services.access_fulfil(request_id=request.pk, now=clock.now())
    left = DataRequest.objects.get(pk=request.pk)

    assert (left.status, left.export_claimed_at) == (Status.IN_PROGRESS, None)
    assert list(export_dir().glob(f"{request.pk}-*")) == []
    assert not Export.objects.filter(request_id=request.pk).exists()
    monkeypatch.setattr(exports, "csv_formulas_neutralise", real)
    assert services.access_fulfil(request_id=request.pk, now=clock.now()).status == (
        Status.FULFILLED
    )
    assert export_zip(Export.objects.get(request_id=request.pk)).testzip() is None
