"""The text a reader sees in a reply letter, one entry per paragraph (or table cell).

Enough of PDF for what reportlab writes: page content streams (ASCII85 and Flate), text
objects ``BT … ET`` and their ``(…) Tj`` strings, decoded through the font they are shown
in — an embedded TrueType subset by its ``/ToUnicode`` map (one byte a glyph), a CID font
without one as UCS-2, a standard font as Latin-1. Within a line (up to ``T*``) the strings
are joined as they are (a line changes font where Chinese meets Latin); a paragraph wrapped
over several lines comes back as one entry, its lines joined by a space.
"""

import base64
import re
import zlib

STREAM = re.compile(rb"<<((?:(?!>>\s*stream).)*?)>>\s*stream\r?\n(.*?)\r?\n?endstream", re.S)
OBJECT = re.compile(rb"(?<![0-9])(\d+) 0 obj\b(.*?)\bendobj", re.S)
FONT_NAME = re.compile(rb"/([A-Za-z0-9_.+-]+) (\d+) 0 R")
TO_UNICODE = re.compile(rb"/ToUnicode (\d+) 0 R")
BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
PAIR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
TEXT_OBJECT = re.compile(rb"\bBT\b(.*?)\bET\b", re.S)
TOKEN = re.compile(
    rb"/(?P<font>[^\s/()]+)\s+[\d.]+\s+Tf"
    rb"|\((?P<string>(?:\\.|[^\\)])*)\)\s*Tj"
    rb"|(?P<newline>T\*)",
    re.S,
)
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


def _stream_of(body: bytes) -> bytes:
    stream = STREAM.search(body)
    return _decoded(stream.group(1), stream.group(2)) if stream else b""


def _decoders(pdf: bytes) -> dict[bytes, object]:
    """Each font resource name (``F2+0``) -> how to turn its shown bytes into text."""
    objects = {int(number): body for number, body in OBJECT.findall(pdf)}
    decoders: dict[bytes, object] = {}
    for body in objects.values():
        if b"stream" in body:
            continue
        for name, number in FONT_NAME.findall(body):
            font = objects.get(int(number), b"")
            if b"/Font" not in font:
                continue
            to_unicode = TO_UNICODE.search(font)
            if to_unicode:
                cmap = _stream_of(objects[int(to_unicode.group(1))])
                table = {
                    int(code, 16): bytes.fromhex(text.decode()).decode("utf-16-be")
                    for block in BFCHAR.findall(cmap)
                    for code, text in PAIR.findall(block)
                }
                decoders[name] = lambda data, table=table: "".join(
                    table.get(byte, "") for byte in data
                )
            elif b"/Type0" in font:
                decoders[name] = lambda data: data.decode("utf-16-be")
            else:
                decoders[name] = lambda data: data.decode("latin-1")
    return decoders


def letter_paragraphs(pdf: bytes) -> list[str]:
    decoders = _decoders(pdf)
    paragraphs = []
    for stream in STREAM.finditer(pdf):
        if b"/Length1" in stream.group(1):
            continue  # an embedded font file
        content = _decoded(stream.group(1), stream.group(2))
        for text_object in TEXT_OBJECT.finditer(content):
            decode = None
            lines, line = [], ""
            for token in TOKEN.finditer(text_object.group(1)):
                if token.group("font"):
                    decode = decoders.get(token.group("font"))
                elif token.group("newline"):
                    if line:
                        lines.append(line)
                    line = ""
                elif decode is not None:
                    line += decode(ESCAPE.sub(_unescape, token.group("string")))
            if line:
                lines.append(line)
            if lines:
                paragraphs.append(" ".join(line.strip() for line in lines))
    return paragraphs
