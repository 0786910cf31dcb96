"""The CSV to JSON process: the export's rows as JSON objects, its errors raised in the
worker, and a dead process never taken for an empty answer."""

import json

import pytest

from datarequests.csv_json import CsvToJson


@pytest.fixture
def converter():
    process = CsvToJson()
    yield process
    process.close()


def test_rows_become_objects_of_the_selected_columns_with_values_kept_as_written(converter):
    block = '"1","=SUM(A1)","\ufeffstarts with a mark"\n"2","",""\n"3","多行\n文本","x"\n'.encode()

    count, objects = converter.objects(["id", "formula", "note"], ["id", "note"], block)

    assert count == 3
    assert json.loads(b"[" + objects + b"]") == [
        {"id": "1", "note": "\ufeffstarts with a mark"},
        {"id": "2", "note": ""},
        {"id": "3", "note": "x"},
    ]
    assert converter.objects(["id"], ["id"], b"") == (0, b"")


def test_a_block_polars_cannot_read_raises_and_the_process_serves_the_next(converter):
    with pytest.raises(ValueError, match="missing"):
        converter.objects(["a"], ["missing"], b'"1"\n')

    assert converter.objects(["a"], ["a"], b'"1"\n') == (1, b'{"a":"1"}')


def test_a_process_that_died_is_an_error_not_an_empty_answer(converter):
    converter._process.kill()
    converter._process.wait()

    with pytest.raises(RuntimeError, match="died"):
        converter.objects(["a"], ["a"], b'"1"\n' * 100_000)


def test_blocks_sent_ahead_are_answered_in_the_order_they_were_sent(converter):
    blocks = [f'"{n}"\n'.encode() * (n + 1) for n in range(5)]  # several in flight at once
    for block in blocks:
        converter.submit(["a"], ["a"], block)

    answers = [converter.answer() for _ in blocks]

    assert [count for count, _objects in answers] == [1, 2, 3, 4, 5]
    assert [json.loads(b"[" + objects + b"]")[0]["a"] for _count, objects in answers] == [
        "0",
        "1",
        "2",
        "3",
        "4",
    ]
    with pytest.raises(RuntimeError, match="no block"):
        converter.answer()


def test_after_a_death_every_answer_still_waited_for_is_an_error(converter):
    converter.submit(["a"], ["a"], b'"1"\n')
    assert converter.answer() == (1, b'{"a":"1"}')
    converter._process.kill()
    converter._process.wait()
    converter.submit(["a"], ["a"], b'"2"\n')
    converter.submit(["a"], ["a"], b'"3"\n')

    for _ in range(2):
        with pytest.raises(RuntimeError, match="died"):
            converter.answer()
