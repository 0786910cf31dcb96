#!/usr/bin/env python3
"""Verify a privacy-office evidence pack with nothing but Python's standard library.

    python3 verify_evidence_standalone.py evidence-request-12.zip PUBLIC_KEY_BASE64

The pack is a zip whose comment holds an Ed25519 signature over the whole file as it was
before the comment was written (comment length zero). The script checks that signature
(a pure-Python Ed25519 verifier after RFC 8032, section 6: slow, but needs no package),
then every member's SHA-256 against the signed manifest, then the audit entries' chain
links up to the signed checkpoint that anchors them. It prints what it found and exits 0
only when everything holds. Copy this one file to verify a pack anywhere.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import itertools
import json
import sys
import zipfile
from collections.abc import Callable

FORMAT = "privacy-office evidence pack 1"
COMMENT_PREFIX = b"privacy-office-evidence-signature:ed25519:"
COMMENT_LENGTH = len(COMMENT_PREFIX) + 88  # 64 bytes of signature in base64
CHECKPOINT_SIGNED_FIELDS = ("count", "last_seq", "last_id", "head_hash", "at", "key")

# --- Ed25519 verification, RFC 8032 section 6 (reference arithmetic) -------------------
_P = 2**255 - 19
_L = 2**252 + 27742317777372353535851937790883648493
_D = -121665 * pow(121666, _P - 2, _P) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)


def _recover_x(y: int, sign: int) -> int | None:
    if y >= _P:
        return None
    x2 = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P) % _P
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P:
        x = x * _SQRT_M1 % _P
    if (x * x - x2) % _P:
        return None
    if (x & 1) != sign:
        x = _P - x
    return x


def _add(a: tuple, b: tuple) -> tuple:
    x1, y1, z1, t1 = a
    x2, y2, z2, t2 = b
    e_ = (y1 - x1) * (y2 - x2) % _P
    f_ = (y1 + x1) * (y2 + x2) % _P
    c_ = 2 * t1 * t2 * _D % _P
    d_ = 2 * z1 * z2 % _P
    e, f, g, h = f_ - e_, d_ - c_, d_ + c_, f_ + e_
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _multiply(scalar: int, point: tuple) -> tuple:
    result = (0, 1, 1, 0)
    while scalar:
        if scalar & 1:
            result = _add(result, point)
        point = _add(point, point)
        scalar >>= 1
    return result


def _equal(a: tuple, b: tuple) -> bool:
    return (a[0] * b[2] - b[0] * a[2]) % _P == 0 and (a[1] * b[2] - b[1] * a[2]) % _P == 0


def _decompress(raw: bytes) -> tuple | None:
    if len(raw) != 32:
        return None
    y = int.from_bytes(raw, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    x = _recover_x(y, sign)
    return None if x is None else (x, y, 1, x * y % _P)


_GY = 4 * pow(5, _P - 2, _P) % _P
_GX = _recover_x(_GY, 0)
_BASE = (_GX, _GY, 1, (_GX or 0) * _GY % _P)


def ed25519_verify(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """Return whether ``signature`` is the Ed25519 signature of ``message`` by the key."""
    if len(public_key) != 32 or len(signature) != 64:
        return False
    a = _decompress(public_key)
    r = _decompress(signature[:32])
    if a is None or r is None:
        return False
    s = int.from_bytes(signature[32:], "little")
    if s >= _L:
        return False
    h = int.from_bytes(hashlib.sha512(signature[:32] + public_key + message).digest(), "little")
    return _equal(_multiply(s, _BASE), _add(r, _multiply(h % _L, a)))


# --- The pack ---------------------------------------------------------------------------
Verifier = Callable[[bytes, bytes, bytes], bool]


def split_signature(data: bytes) -> tuple[bytes, bytes] | None:
    """Return (the signed bytes, the signature), or None when the file is not shaped so."""
    if len(data) < COMMENT_LENGTH + 22:
        return None
    comment = data[-COMMENT_LENGTH:]
    length = data[-COMMENT_LENGTH - 2 : -COMMENT_LENGTH]
    if not comment.startswith(COMMENT_PREFIX) or length != COMMENT_LENGTH.to_bytes(2, "little"):
        return None
    encoded = comment[len(COMMENT_PREFIX) :]
    try:
        signature = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        return None
    if len(signature) != 64 or base64.b64encode(signature) != encoded:
        return None
    return data[: -COMMENT_LENGTH - 2] + b"\x00\x00", signature


def _chain_problems(audit: dict, checkpoint_verify: Verifier) -> tuple[list[str], list[str]]:
    problems: list[str] = []
    notes: list[str] = []
    links = audit.get("chain", [])
    by_seq = {link["seq"]: link for link in links}
    for before, after in itertools.pairwise(links):
        if after["seq"] != before["seq"] + 1:
            problems.append(f"the chain proof skips from event {before['seq']} to {after['seq']}")
        elif after["previous_hash"] != before["hash"]:
            problems.append(f"event {after['seq']} does not follow event {before['seq']}")
    for entry in audit.get("entries", []):
        link = by_seq.get(entry["seq"])
        if link is None or link["hash"] != entry["hash"]:
            problems.append(f"audit entry {entry['seq']} is not in the chain proof")
    checkpoint = audit.get("checkpoint")
    if checkpoint is None:
        notes.append("no checkpoint anchors these entries yet: the chain alone protects them")
        return problems, notes
    key = base64.b64decode(audit.get("checkpoint_public_key", ""))
    if hashlib.sha256(key).hexdigest()[:16] != checkpoint.get("key"):
        problems.append("the checkpoint was not signed by the key the pack names")
    signed = json.dumps(
        {name: checkpoint.get(name) for name in CHECKPOINT_SIGNED_FIELDS}, sort_keys=True
    ).encode()
    try:
        checkpoint_signature = base64.b64decode(checkpoint.get("signature", ""), validate=True)
    except (binascii.Error, ValueError):
        checkpoint_signature = b""
    if not checkpoint_verify(key, signed, checkpoint_signature):
        problems.append("the checkpoint's signature does not hold")
    head = by_seq.get(checkpoint.get("last_seq"))
    if head is None or head["hash"] != checkpoint.get("head_hash"):
        problems.append("the chain proof does not end at the checkpoint's head")
    else:
        notes.append(f"anchored by the checkpoint of {checkpoint['at']} (event {head['seq']})")
    return problems, notes


def verify(
    data: bytes, public_key: bytes, signature_verify: Verifier = ed25519_verify
) -> tuple[list[str], list[str]]:
    """Return (problems, notes) for a pack; no problems means it is intact and signed."""
    parts = split_signature(data)
    if parts is None:
        return ["the file carries no evidence signature (or it was altered)"], []
    signed, signature = parts
    if not signature_verify(public_key, signed, signature):
        return ["the signature does not hold: the file was altered or signed by another key"], []
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        manifest = json.loads(archive.read("manifest.json"))
        problems: list[str] = []
        if manifest.get("format") != FORMAT:
            problems.append("not a privacy-office evidence pack")
        names = {item["name"] for item in manifest["members"]}
        if set(archive.namelist()) != names | {"manifest.json"}:
            problems.append("the zip's members differ from the manifest's")
        for item in manifest["members"]:
            content = archive.read(item["name"])
            if hashlib.sha256(content).hexdigest() != item["sha256"]:
                problems.append(f"{item['name']} differs from its SHA-256 in the manifest")
        chain_problems, notes = _chain_problems(
            json.loads(archive.read("audit.json")), signature_verify
        )
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError) as error:
        return [f"the pack cannot be read: {error}"], []
    return problems + chain_problems, notes


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    with open(argv[1], "rb") as handle:
        data = handle.read()
    problems, notes = verify(data, base64.b64decode(argv[2]))
    for note in notes:
        print("note:", note)
    for problem in problems:
        print("FAILED:", problem)
    if not problems:
        print("OK: the evidence pack is intact and signed by the key given.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
