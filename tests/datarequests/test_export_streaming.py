"""The export reads each model's rows once, in blocks, through PostgreSQL's COPY: every row
arrives once and in order however many blocks it spans, odd text survives both formats,
and a failed or abandoned read leaves the connection usable and no half-written file."""

import csv
import io
import json
import threading
from datetime import date, timedelta

import pytest
from django.db import DataError, connection, transaction

from activity.models import ForumPost, PageView
from datarequests.csv_json import CsvToJson
from datarequests.exports import CsvDeflater, ModelRows, export_create, export_dir
from datarequests.models import Channel, Kind
from datarequests.services import Requester, data_request_submit
from privacy_office import clock, subject_sql
from privacy_office.registry import registry
from privacy_office.subject_sql import copy_csv_blocks
from tests.datarequests.helpers import export_json, export_zip, stored_path
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def access_request(user):
    return data_request_submit(
        requester=Requester(user=user),
        kind=Kind.ACCESS,
        jurisdiction_code="EU",
        channel=Channel.API,
        now=clock.now(),
    )


def csv_rows(archive, label):
    return list(csv.reader(io.StringIO(archive.read(f"csv/{label}.csv").decode("utf-8-sig"))))


def test_rows_spanning_many_blocks_arrive_once_and_newest_first(monkeypatch):
    monkeypatch.setattr(subject_sql, "BLOCK_BYTES", 2_000)  # about 20 rows a block
    user = UserFactory()
    start = clock.now() - timedelta(days=3)
    PageView.objects.bulk_create(
        PageView(
            viewed_at=start + timedelta(minutes=n),
            visitor_id="v",
            session_id="s",
            user=user,
            path=f"/products/{n}",
        )
        for n in range(700)
    )

    export = export_create(request=access_request(user), now=clock.now())

    views = export_json(export)["categories"]["browsing"]["models"]["activity.PageView"]["rows"]
    expected = [f"/products/{n}" for n in reversed(range(700))]
    assert [row["path"] for row in views] == expected
    rows = csv_rows(export_zip(export), "activity.PageView")
    assert rows[0][-1] == "path" and [row[-1] for row in rows[1:]] == expected
    assert export.row_count >= 700


def test_a_model_read_abandoned_with_blocks_in_flight_leaves_the_next_answers_in_order(
    monkeypatch,
):
    monkeypatch.setattr(subject_sql, "BLOCK_BYTES", 2_000)
    user = UserFactory()
    PageView.objects.bulk_create(
        PageView(viewed_at=clock.now(), visitor_id="v", session_id="s", user=user, path="/p")
        for _ in range(200)
    )
    declaration = next(d for d in registry.declarations() if d.model is PageView)
    converter, deflater = CsvToJson(), CsvDeflater()
    try:
        rows = ModelRows(declaration, user, deflater, converter)
        objects = rows.json_objects(["path"])
        next(objects)  # a second block was sent before the first's answer came
        objects.close()

        assert converter.objects(["a"], ["a"], b'"after"\n') == (1, b'{"a":"after"}')
        rows.close()
    finally:
        deflater.close()
        converter.close()


def test_control_characters_and_line_breaks_survive_json_and_csv():
    odd = 'bell\x07 tab\t "quoted", comma\r\nnew line \\ 梅 😀'
    user = UserFactory(first_name="")
    ForumPost.objects.create(author=user, title="", body=odd, posted_at=clock.now())

    export = export_create(request=access_request(user), now=clock.now())

    post = export_json(export)["categories"]["activity"]["models"]["activity.ForumPost"]["rows"]
    assert post == [{"title": "", "body": odd, "posted_at": post[0]["posted_at"]}]
    assert csv_rows(export_zip(export), "activity.ForumPost")[1][:2] == ["", odd]
    user_row = export_json(export)["categories"]["registration"]["models"]["accounts.User"]
    assert user_row["rows"][0]["first_name"] == ""


def session():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('TimeZone'), current_setting('DateStyle')")
        return cursor.fetchone()


def test_a_failing_query_raises_as_django_does_and_the_transaction_goes_on():
    before = session()
    with transaction.atomic():
        with pytest.raises(DataError, match="division by zero"):
            list(copy_csv_blocks("SELECT 1 / 0", ()))
        assert UserFactory().pk is not None  # the same transaction is still usable

    assert session() == before
    assert not any(t.name == "copy-reader" for t in threading.enumerate())


def test_a_read_abandoned_halfway_stops_the_server_and_leaves_the_transaction_usable():
    before = session()
    with transaction.atomic():
        many = "SELECT n, repeat('x', 100) FROM generate_series(1, 2000000) n"
        blocks = copy_csv_blocks(many, ())
        assert next(blocks).startswith(b"1,xxx")
        blocks.close()
        assert UserFactory().pk is not None
        assert session() == before

    assert not any(t.name == "copy-reader" for t in threading.enumerate())


def test_a_failed_build_leaves_no_file_behind(monkeypatch):
    user = UserFactory()
    before = set(export_dir().glob("*.zip.enc"))

    def broken_letter(**kwargs):
        raise RuntimeError("letter failed")

    monkeypatch.setattr("datarequests.letters.reply_letter_pdf", broken_letter)
    with pytest.raises(RuntimeError, match="letter failed"):
        export_create(request=access_request(user), now=clock.now())

    assert set(export_dir().glob("*.zip.enc")) == before


def test_the_zip_opens_with_the_standard_library_and_is_compressed():
    user = UserFactory()
    PageView.objects.bulk_create(
        PageView(viewed_at=clock.now(), visitor_id="v", session_id="s", user=user, path="/p")
        for _ in range(500)
    )

    export = export_create(request=access_request(user), now=clock.now())

    archive = export_zip(export)
    assert archive.testzip() is None
    info = archive.getinfo("csv/activity.PageView.csv")
    assert info.compress_size < info.file_size / 20  # 500 alike rows
    # sealed, not padded
    assert (
        export.size < stored_path(export).stat().st_size < export.size + 100
    )  # sealed, not padded


def test_the_number_of_statements_does_not_grow_with_the_rows():
    from django.test.utils import CaptureQueriesContext

    def statements(views: int) -> int:
        user = UserFactory()
        PageView.objects.bulk_create(
            PageView(viewed_at=clock.now(), visitor_id="v", session_id="s", user=user, path="/")
            for _ in range(views)
        )
        request = access_request(user)
        with CaptureQueriesContext(connection) as queries:
            export_create(request=request, now=clock.now())
        assert any("COPY (" in q["sql"] for q in queries.captured_queries)
        return len(queries)

    assert statements(5) == statements(5_000)


def test_postgresql_writes_every_field_as_python_shows_it():
    from datetime import UTC, datetime

    from activity.partitions import partitions_ensure
    from privacy_office.registry import registry
    from privacy_office.subject_data import display_value, subject_filter, subject_rows
    from privacy_office.subject_sql import sql_formattable, subject_values_sql
    from tests.factories import person_with_data_in_every_category

    partitions_ensure(first=date(2026, 1, 1), last=date(2026, 2, 28))
    user = person_with_data_in_every_category()
    PageView.objects.create(  # past midnight in Hangzhou, still the day before in UTC
        viewed_at=datetime(2026, 1, 31, 20, 30, tzinfo=UTC),
        visitor_id="v",
        session_id="s",
        user=user,
        ip_address="2001:db8::1",
        path="/",
    )

    before = session()
    from_sql = {}
    for declaration in registry.declarations():
        if not declaration.fields or not sql_formattable(declaration):
            continue
        if subject_filter(declaration, user) is None:
            continue
        sql, params = subject_values_sql(declaration, user, declaration.fields)
        text = b"".join(copy_csv_blocks(sql, params)).decode()
        from_sql[declaration.label] = sorted(csv.reader(io.StringIO(text)))
        from_python = sorted(
            [display_value(row, d) for d in declaration.fields]
            for row in subject_rows(declaration, user)
        )
        assert from_sql[declaration.label] == from_python, declaration.label

    assert len(from_sql) >= 8 and sum(map(len, from_sql.values())) >= 10
    midnight = ["2026-02-01 04:30", "v", "s", "2001:db8::1", "", "", "/"]
    assert midnight in from_sql["activity.PageView"]
    assert session() == before == ("UTC", before[1])


def test_values_python_writes_survive_too_and_json_reads_as_json():
    from accounts.models import BankAccount
    from cookies.models import ConsentRecord

    user = UserFactory(username="\ufeffbob", email="bob@example.com")  # a byte-order mark first
    BankAccount.objects.create(
        user=user, bank_name="Bank\rof\r", holder_name="Mei", account_number="6222020200112233"
    )
    ConsentRecord.objects.create(
        visitor_id="v",
        user=user,
        choices={"analytics": True, "ads": False, "广告": False},
        declarations_version="1",
        policy_version="2018",
        method="banner",
        created_at=clock.now(),
    )

    export = export_create(request=access_request(user), now=clock.now())

    data = export_json(export)["categories"]
    accounts = data["account"]["models"]["accounts.BankAccount"]["rows"]
    assert accounts[0]["bank_name"] == "Bank\rof\r"
    assert csv_rows(export_zip(export), "accounts.BankAccount")[1][0] == "Bank\rof\r"
    names = [
        row["username"]
        for category in data.values()
        for label, model in category["models"].items()
        if label == "accounts.User"
        for row in model["rows"]
        if "username" in row
    ]
    assert names == ["\ufeffbob"]
    consent = next(
        m["rows"][0]
        for c in data.values()
        for label, m in c["models"].items()
        if label == "cookies.ConsentRecord" and m["rows"] and "choices" in m["rows"][0]
    )
    assert json.loads(consent["choices"]) == {"analytics": True, "ads": False, "广告": False}


def test_a_rolled_back_rebuild_keeps_the_previous_export_downloadable():
    user = UserFactory()
    request = access_request(user)
    first = export_create(request=request, now=clock.now())

    class Failed(Exception):
        pass

    with pytest.raises(Failed), transaction.atomic():
        second = export_create(request=request, now=clock.now())
        raise Failed

    first.refresh_from_db()
    assert stored_path(first).exists() and export_zip(first).testzip() is None
    stored_path(second).unlink(missing_ok=True)


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_copy_leaves_the_session_as_it_was():
    before = session()
    rows = b"".join(copy_csv_blocks("SELECT now() AT TIME ZONE 'UTC' < now() + interval '1s'", ()))
    with pytest.raises(DataError):
        list(copy_csv_blocks("SELECT 1 / 0", ()))

    assert rows == b"t\n"
    assert session() == before
    assert connection.connection.info.transaction_status == 0  # idle, nothing left open


def test_the_letter_names_tables_in_the_requesters_language():
    from tests.pdf_text import letter_paragraphs

    user = UserFactory()
    PageView.objects.bulk_create(
        PageView(viewed_at=clock.now(), visitor_id="v", session_id="s", user=user, path=f"/{n}")
        for n in range(3)
    )

    def letter(language):
        request = data_request_submit(
            requester=Requester(user=user),
            kind=Kind.ACCESS,
            jurisdiction_code="EU",
            channel=Channel.API,
            now=clock.now(),
            language=language,
        )
        export = export_create(request=request, now=clock.now())
        return letter_paragraphs(export_zip(export).read("letter.pdf"))

    english, chinese = letter("en"), letter("zh-hans")

    assert "page views" in english and "页面浏览" not in english
    assert "页面浏览" in chinese and "page views" not in chinese
