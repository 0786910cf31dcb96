"""The text a reader sees in a reply letter, one entry per paragraph (or table cell).

Enough of PDF for what reportlab writes with the letter's CID font: page content streams
(ASCII85 and Flate), text objects ``BT … ET`` and their ``(…) Tj`` strings in UCS-2. A
paragraph wrapped over several lines comes back as one entry, its lines joined by a space.
"""

import base64
import re
import zlib

STREAM = re.compile(rb"<<((?:(?!>>\s*stream).)*?)>>\s*stream\r?\n(.*?)\r?\n?endstream", re.S)
TEXT_OBJECT = re.compile(rb"\bBT\b(.*?)\bET\b", re.S)
SHOWN = re.compile(rb"\((?P<string>(?:\\.|[^\\)])*)\)\s*Tj", re.S)
ESCAPE = re.compile(rb"\\([0-7]{1,3}|.)", re.S)
NAMED = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _unescape(match: re.Match) -> bytes:
    code = match.group(1)
    if code[:1].isdigit():
        return bytes([int(code, 8)])
    return NAMED.get(code, code)


def _decoded(header: bytes, data: bytes) -> bytes:
    if b"/ASCII85Decode" in header:
        data = base64.a85decode(data.strip(), adobe=True)
    if b"/FlateDecode" in header:
        data = zlib.decompress(data)
    return data


def letter_paragraphs(pdf: bytes) -> list[str]:
    paragraphs = []
    for stream in STREAM.finditer(pdf):
        content = _decoded(stream.group(1), stream.group(2))
        for text_object in TEXT_OBJECT.finditer(content):
            lines = [
                ESCAPE.sub(_unescape, shown.group("string")).decode("utf-16-be")
                for shown in SHOWN.finditer(text_object.group(1))
            ]
            if lines:
                paragraphs.append(" ".join(line.strip() for line in lines))
    return paragraphs
