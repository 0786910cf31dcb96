"""Give the events and fee lines stored as English text their code (best effort).

Only a text that is exactly one of the product's messages (as this version wrote them) is
mapped; anything else (words staff typed, a message in another language) stays as stored
and is still shown. The messages are frozen here, so later changes to
``datarequests.reasons`` do not change what this migration did. RequestEvent is not
append-only in the database (only the audit trail and consent records are), so the owner
running the migration may update it.
"""

import re

from django.db import migrations

CHANNELS = {
    "Self-service page": "self_service",
    "API": "api",
    "Letter": "letter",
    "Public form (no account)": "public_form",
}
METHODS = {
    "Ordinary post": "post",
    "Registered post": "registered",
    "Courier": "courier",
    "Handed over in person": "by_hand",
}
ASKED = {"proof of identity": "identity", "a clarification of the request": "clarification", "": ""}

PLAIN = {
    "identity verified by the signed-in session": "identity_by_session",
    "identity verified by a one-time code sent to the email address": "identity_by_code",
    "waiting for staff to check the requester's identity": "identity_awaited",
    "waiting for staff to verify the person's identity with them directly and the agent's "
    "signed permission": "identity_awaited_agent",
    "confirmation of receipt sent": "receipt_confirmed",
    "no fee": "no_fee",
    "the requester declined the fee estimate": "estimate_declined",
    "the fee is assessed again: the request was marked excessive": "reassessed_excessive",
    "waiting for staff to review the corrections": "review_corrections",
    "waiting for a privacy officer to approve the erasure": "review_erasure",
    "erasure approved": "erasure_approved",
    "the minor's data erased": "minor_erased",
    "data erased": "data_erased",
    "data erased, except what the law requires us to keep (listed in the reply)": (
        "data_erased_kept"
    ),
    "corrections applied": "corrections_applied",
    "export ready": "export_ready",
    "reply ready to print and post": "ready_to_post",
    "withdrawn by the requester": "withdrawn",
}

AMOUNT = r"(?P<amount>-?[0-9][0-9,]*(?:\.[0-9]+)?)"
CURRENCY = r"(?P<currency>[A-Z]{3})"
PATTERNS = [
    ("estimate_sent_revised", rf"written fee estimate sent for acceptance: {AMOUNT} {CURRENCY} \((?P<note>.+)\)"),
    ("estimate_sent", rf"written fee estimate sent for acceptance: {AMOUNT} {CURRENCY}"),
    ("fee_quoted_revised", rf"fee quoted: {AMOUNT} {CURRENCY} \((?P<note>.+)\)"),
    ("fee_quoted", rf"fee quoted: {AMOUNT} {CURRENCY}"),
    ("estimate_accepted", rf"the requester accepted the fee estimate of {AMOUNT} {CURRENCY}"),
    ("fee_lowered", rf"fee lowered to {AMOUNT} {CURRENCY}: (?P<note>.+)"),
    ("fee_paid_reference", rf"fee paid: {AMOUNT} {CURRENCY}, reference (?P<reference>.*)"),
    ("fee_waived", r"fee waived: (?P<note>.+)"),
    ("fee_paid", r"fee paid: (?P<note>.+)"),
    ("fee_lapsed", r"the fee was not paid within (?P<days>[0-9]+) days"),
    ("marked_excessive", r"marked manifestly unfounded or excessive: (?P<note>.+)"),
    (
        "erasure_approved_over_age",
        r"erasure approved, overriding the account's record of age: (?P<note>.+)",
    ),
    ("correction_send_on", r"send the correction on to: (?P<recipients>.+)"),
    ("answer_arrived", r"the requester's answer arrived: (?P<what>.*)"),
    (
        "posted_tracked",
        r"reply posted on (?P<day>[0-9]{4}-[0-9]{2}-[0-9]{2}) \((?P<method>[^)]+)\) (?P<tracking>.+)",
    ),
    ("posted", r"reply posted on (?P<day>[0-9]{4}-[0-9]{2}-[0-9]{2}) \((?P<method>[^)]+)\)"),
]
COMPILED = [(code, re.compile(pattern, re.S)) for code, pattern in PATTERNS]

FEE_LINES = {
    "Locating, retrieving and redacting": "handling",
    "Postage": "postage",
    "Reduction to the legal cap": "cap_reduction",
}
COPIES = re.compile(r"Copies: (?P<records>[0-9][0-9,]*) records")


def _coded(event, grounds) -> tuple[str, dict] | None:
    text = event.reason
    if text in PLAIN:
        return PLAIN[text], {}
    if event.status == "received" and text in CHANNELS:
        return "received", {"channel": CHANNELS[text]}
    if event.status == "refused":
        for ground in sorted(grounds, key=len, reverse=True):
            if text.startswith(f"{ground}: "):
                return "refused", {"ground": ground, "explanation": text[len(ground) + 2 :]}
        return None
    for code, pattern in COMPILED:
        match = pattern.fullmatch(text)
        if match is None:
            continue
        params = match.groupdict()
        if "amount" in params:
            params["amount"] = params["amount"].replace(",", "")
        if "days" in params:
            params["days"] = int(params["days"])
        if "method" in params:
            if params["method"] not in METHODS:
                return None
            params["method"] = METHODS[params["method"]]
        if "what" in params:
            if params["what"] not in ASKED:
                return None
            params["what"] = ASKED[params["what"]]
        return code, params
    return None


def events_coded(apps, schema_editor):
    RequestEvent = apps.get_model("datarequests", "RequestEvent")
    pending = (
        RequestEvent.objects.filter(reason_code="")
        .exclude(reason="")
        .select_related("request__jurisdiction")
    )
    batch = []
    for event in pending.iterator(chunk_size=2000):
        request = event.request
        grounds = list(request.jurisdiction.refusal_grounds or [])
        grounds += list((request.rules or {}).get("refusal_grounds") or [])
        coded = _coded(event, grounds)
        if coded is None:
            continue
        event.reason_code, event.reason_params = coded
        event.reason = ""
        batch.append(event)
        if len(batch) >= 2000:
            RequestEvent.objects.bulk_update(batch, ["reason", "reason_code", "reason_params"])
            batch = []
    RequestEvent.objects.bulk_update(batch, ["reason", "reason_code", "reason_params"])


def _line(line: dict) -> dict:
    label = line.get("label")
    if "code" in line or not isinstance(label, str):
        return line
    if label in FEE_LINES:
        return {"code": FEE_LINES[label], "params": {}, "amount": line["amount"]}
    match = COPIES.fullmatch(label)
    if match:
        records = int(match["records"].replace(",", ""))
        return {"code": "copies", "params": {"records": records}, "amount": line["amount"]}
    return line  # a revision's reason as staff typed it: shown as stored


def fee_lines_coded(apps, schema_editor):
    FeeQuote = apps.get_model("datarequests", "FeeQuote")
    for quote in FeeQuote.objects.exclude(lines=[]).iterator(chunk_size=2000):
        lines = [_line(line) for line in quote.lines]
        if lines != quote.lines:
            FeeQuote.objects.filter(pk=quote.pk).update(lines=lines)


class Migration(migrations.Migration):
    dependencies = [("datarequests", "0021_i18n_event_reason_codes")]

    # Backwards, the codes stay: 0021's reverse drops the columns (run it with the code
    # that reads them still deployed, or the coded reasons show as blank).
    operations = [
        migrations.RunPython(events_coded, migrations.RunPython.noop),
        migrations.RunPython(fee_lines_coded, migrations.RunPython.noop),
    ]
