"""Stored texts are put into words when read: a request's events, its fee lines and its
law read in the reader's language, whatever language was active when they were written;
what staff typed shows as typed, inside the translated sentence (issue 15, item 16)."""

import html
import re
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from datarequests import services
from datarequests.models import DataRequest, Jurisdiction, RequestEvent, Status
from datarequests.reasons import FEE_LINES, REASONS, coded, fee_line, reason_text
from datarequests.services.transitions import _record
from privacy_office import clock
from tests.conftest import verified_login
from tests.datarequests.test_workflow import submit
from tests.factories import UserFactory, person_with_data_in_every_category

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]

TYPED = "档案室已被封存"  # a staff member's explanation, typed in Chinese: shown as typed
# Parameters for the codes the path below does not reach (a path reaches a few per request).
PARAMS = {
    "received": {"channel": "letter"},
    "answer_arrived": {"what": "clarification"},
    "fee_quoted": {"amount": Decimal("1234.5"), "currency": "HKD"},
    "fee_quoted_revised": {"amount": Decimal("60"), "currency": "HKD", "note": TYPED},
    "estimate_sent": {"amount": Decimal("60"), "currency": "SGD"},
    "estimate_sent_revised": {"amount": Decimal("60"), "currency": "SGD", "note": TYPED},
    "estimate_accepted": {"amount": Decimal("60"), "currency": "SGD"},
    "fee_lowered": {"amount": Decimal("40"), "currency": "HKD", "note": TYPED},
    "fee_waived": {"note": TYPED},
    "fee_paid": {"note": "HK-2026-0042"},
    "fee_paid_reference": {"amount": Decimal("50.65"), "currency": "HKD", "reference": "R42"},
    "fee_lapsed": {"days": 30},
    "marked_excessive": {"note": TYPED},
    "erasure_approved_over_age": {"note": TYPED},
    "correction_send_on": {"recipients": "顺丰速运"},
    "posted": {"day": "2026-11-03", "method": "registered"},
    "posted_tracked": {"day": "2026-11-03", "method": "courier", "tracking": "RR123456789HK"},
    "refused": {"ground": "Part 8 exemption", "explanation": TYPED},
}
# Every ASCII word of the product's stored messages; none may reach a Chinese page.
ENGLISH_WORDS = {
    word.lower()
    for msgid in [*REASONS.values(), *FEE_LINES.values()]
    for word in re.findall(r"[A-Za-z]{2,}", re.sub(r"%\(\w+\)s", "", msgid))
} | {"hong", "kong", "pdpo", "registered", "post", "courier", "letter", "clarification"}


def every_event_and_line(client, django_capture_on_commit_callbacks) -> DataRequest:
    """A Hong Kong access request through the services (receipt, identity by the session,
    the fee quoted, the fee revised, a delay notice, marked excessive, paid), then the
    codes no single path reaches, each through the one writer of events."""
    user = person_with_data_in_every_category()
    staff = UserFactory(is_staff=True, is_superuser=True)
    with django_capture_on_commit_callbacks(execute=True):
        request_id = submit(client, user, jurisdiction="HK").json()["id"]
    now = clock.now()
    services.fee_revise(
        request_id=request_id, actor=staff, amount=Decimal("70.65"), reason=TYPED, now=now
    )
    services.delay_notice_send(request_id=request_id, actor=staff, text=TYPED, now=now)
    services.manifestly_excessive_mark(request_id=request_id, actor=staff, reason=TYPED, now=now)
    with django_capture_on_commit_callbacks(execute=False):
        services.fee_settle(
            request_id=request_id, actor=staff, waived=False, note="HK-2026-0042", now=now
        )
    request = DataRequest.objects.get(pk=request_id)
    reached = set(request.events.values_list("reason_code", flat=True))
    types = [RequestEvent.Type.STATUS, RequestEvent.Type.NOTE, RequestEvent.Type.NOTICE]
    with transaction.atomic():
        for index, code in enumerate(sorted(set(REASONS) - reached)):
            _record(
                request,
                status=request.status,
                actor=staff,
                reason=coded(code, **PARAMS.get(code, {})),
                now=now,
                type=types[index % len(types)],
                notice="delay" if types[index % len(types)] == RequestEvent.Type.NOTICE else "",
            )
        _record(
            request,
            status=request.status,
            actor=staff,
            reason=TYPED,
            now=now,
            type=RequestEvent.Type.EXTENDED,
            notice="extension",
        )
    quote = request.fee_quote
    quote.lines = [
        *quote.lines,
        fee_line("copies", "5.00", records=12345),
        fee_line("postage", "12.00"),
        fee_line("cap_reduction", "-10.00"),
    ]
    quote.save(update_fields=["lines"])
    request.refresh_from_db()
    return request


def english_in(text: str) -> set[str]:
    return {word.lower() for word in re.findall(r"[A-Za-z]{2,}", text)} & ENGLISH_WORDS


def page_events(content: str) -> list[str]:
    """The events on the requester's page, as text."""
    section = content.split('<ol class="events">')[-1].split("</ol>")[0]
    items = re.findall(r"<li>(.*?)</li>", section, re.S)
    # The time and its zone's name (Asia/Hong_Kong) are not stored texts.
    items = [re.sub(r"<time>.*?</time>", "", item, flags=re.S) for item in items]
    return [html.unescape(re.sub(r"<[^>]+>", "", item)) for item in items]


def fee_rows(content: str) -> list[str]:
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td></tr>", content, re.S)
    return [html.unescape(label) for label, _amount in rows]


def admin_reasons(content: str) -> list[str]:
    cells = re.findall(r'<td class="field-reason_shown">(.*?)</td>', content, re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells]


def test_a_chinese_reader_sees_no_english_stored_text_on_the_page_the_admin_and_the_api(
    client, django_capture_on_commit_callbacks
):
    request = every_event_and_line(client, django_capture_on_commit_callbacks)
    codes = set(request.events.values_list("reason_code", flat=True))
    assert set(REASONS) <= codes
    assert {t for t, _l in RequestEvent.Type.choices} == set(
        request.events.values_list("type", flat=True)
    )
    assert set(FEE_LINES) - {"revision"} <= {line["code"] for line in request.fee_quote.lines}

    client.force_login(request.requester)
    page = client.get(
        reverse("requests:detail", args=[request.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    api = client.get(
        reverse("api-request", args=[request.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).json()
    staff = UserFactory(is_staff=True, is_superuser=True)
    verified_login(client, staff)
    admin = client.get(
        reverse("admin:datarequests_datarequest_change", args=[request.pk]),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    ).content.decode()

    events, lines = page_events(page), fee_rows(page)
    api_reasons = [event["reason"] for event in api["events"]]
    api_lines = [line["label"] for line in api["fee"]["lines"]]
    shown = {
        "page events": events,
        "page fee lines": lines,
        "admin reasons": admin_reasons(admin),
        "api reasons": api_reasons,
        "api fee lines": api_lines,
    }
    count = request.events.count()
    assert (len(events), len(shown["admin reasons"]), len(api_reasons)) == (count,) * 3
    for where, texts in shown.items():
        leaked = {text: english_in(text) for text in texts if english_in(text)}
        assert leaked == {}, where
    assert "《个人资料（私隐）条例》（第486章）" in page
    assert any(re.fullmatch(r"费用报价：[0-9,]+\.[0-9]{2} HKD", r) for r in api_reasons)
    assert "第8部豁免：档案室已被封存" in api_reasons
    assert any("答复已于" in reason and "RR123456789HK" in reason for reason in api_reasons)
    assert {"邮费", "复制：12345 条记录", "按法定上限减免"} <= set(api_lines)
    assert TYPED in api_lines  # the revision's reason, as typed


def test_the_same_events_read_in_english_are_english(client, django_capture_on_commit_callbacks):
    request = every_event_and_line(client, django_capture_on_commit_callbacks)
    client.force_login(request.requester)

    api = client.get(reverse("api-request", args=[request.pk]), HTTP_ACCEPT_LANGUAGE="en").json()

    reasons = [event["reason"] for event in api["events"]]
    assert any(re.fullmatch(r"fee quoted: [0-9,]+\.[0-9]{2} HKD", r) for r in reasons)
    assert "Part 8 exemption: 档案室已被封存" in reasons
    assert "Self-service page" in reasons or "API" in reasons
    assert "Postage" in [line["label"] for line in api["fee"]["lines"]]
    typed = (TYPED, PARAMS["correction_send_on"]["recipients"])
    chinese = [r for r in reasons if re.search(r"[\u4e00-\u9fff]", r)]
    assert chinese and all(any(words in r for words in typed) for r in chinese)


def test_a_typed_explanation_shows_verbatim_inside_the_translated_sentence():
    typed = "We <b>never</b> hold 100% of it: see s.20 & Part 8"
    params = coded("refused", ground="Art.12(5) manifestly excessive", explanation=typed)[1]

    with translation.override("zh-hans"):
        chinese = reason_text(code="refused", params=params, typed="")
    with translation.override("en"):
        english = reason_text(code="refused", params=params, typed="")

    assert chinese == f"第12(5)条：明显过度：{typed}"
    assert english == f"Art.12(5) manifestly excessive: {typed}"


def test_amounts_and_days_are_written_for_the_reader():
    params = coded("fee_quoted", amount=Decimal("1234.5"), currency="HKD")[1]
    posted = coded("posted", day=date(2026, 11, 3), method="registered")[1]

    with translation.override("zh-hans"):
        chinese = [
            reason_text(code=c, params=p, typed="")
            for c, p in [("fee_quoted", params), ("posted", posted)]
        ]
    with translation.override("en"):
        english = [
            reason_text(code=c, params=p, typed="")
            for c, p in [("fee_quoted", params), ("posted", posted)]
        ]

    assert chinese == ["费用报价：1234.50 HKD", "答复已于 2026年11月3日 寄出（挂号信）"]
    assert english == ["fee quoted: 1,234.50 HKD", "reply posted on Nov. 3, 2026 (Registered post)"]


def test_a_ground_typed_in_the_admin_and_a_typed_reason_show_as_typed():
    with translation.override("zh-hans"):
        ground = reason_text(
            code="refused", params={"ground": "Local rule 7", "explanation": "x"}, typed=""
        )
        typed = reason_text(code="", params={}, typed="The ID arrived by post")

    assert ground == "Local rule 7：x"
    assert typed == "The ID arrived by post"


def test_a_code_from_a_newer_version_renders_as_its_parts_not_an_error():
    with translation.override("zh-hans"):
        unknown = reason_text(code="fee_refunded", params={"amount": "5", "to": "bank"}, typed="")
        bare = reason_text(code="fee_refunded", params={}, typed="")
        missing_param = reason_text(code="fee_quoted", params={"amount": "5"}, typed="")

    assert unknown == "fee_refunded（amount: 5.00, to: bank）"
    assert bare == "fee_refunded"
    assert missing_param.startswith("fee_quoted（")


def test_an_english_reason_stored_before_the_codes_still_reads_in_chinese():
    with translation.override("zh-hans"):
        assert reason_text(code="", params={}, typed="export ready") == "导出文件已就绪"


def test_a_jurisdiction_renamed_in_the_admin_shows_as_typed_and_a_seeded_one_translated():
    hong_kong = Jurisdiction.objects.get(code="HK")
    renamed = Jurisdiction(code="HK", name="HKSAR", law="PDPO (as amended 2027)")
    unknown = Jurisdiction(code="XX", name="Atlantis", law="Atlantis Privacy Act")

    with translation.override("zh-hans"):
        assert (hong_kong.name_text, hong_kong.law_text) == (
            "香港",
            "《个人资料（私隐）条例》（第486章）",
        )
        assert (renamed.name_text, renamed.law_text) == ("HKSAR", "PDPO (as amended 2027)")
        assert (unknown.name_text, unknown.law_text) == ("Atlantis", "Atlantis Privacy Act")


def test_a_reason_code_outside_the_registry_cannot_be_written():
    with pytest.raises(ValueError, match="unknown reason code"):
        coded("made_up")


def test_refusals_are_still_counted_by_their_ground(client, django_capture_on_commit_callbacks):
    from records.metrics import ccpa_request_records

    user = person_with_data_in_every_category()
    with django_capture_on_commit_callbacks(execute=False):
        request_id = submit(client, user, jurisdiction="US-CA").json()["id"]
    staff = UserFactory(is_staff=True, is_superuser=True)
    services.data_request_refuse(
        request_id=request_id,
        actor=staff,
        ground="identity not verified",
        explanation="no answer",
        now=clock.now(),
    )

    records = ccpa_request_records(
        year=clock.now().astimezone(ZoneInfo("America/Los_Angeles")).year
    )

    refused = [r for r in records if r.request_id == request_id]
    assert DataRequest.objects.get(pk=request_id).status == Status.REFUSED
    assert [r.denial_basis for r in refused] == ["identity not verified: no answer"]


def test_the_migration_gives_english_texts_their_codes_and_leaves_the_rest():
    from importlib import import_module
    from types import SimpleNamespace

    migration = import_module("datarequests.migrations.0022_i18n_reasons_from_stored_text")

    def coded_from(text: str, status: str = "in_progress"):
        return migration._coded(SimpleNamespace(reason=text, status=status), ["Part 8 exemption"])

    assert coded_from("export ready") == ("export_ready", {})
    assert coded_from("Letter", status="received") == ("received", {"channel": "letter"})
    assert coded_from("fee paid: 1,234.00 HKD, reference R42") == (
        "fee_paid_reference",
        {"amount": "1234.00", "currency": "HKD", "reference": "R42"},
    )
    assert coded_from("fee quoted: 50.65 HKD (more pages)") == (
        "fee_quoted_revised",
        {"amount": "50.65", "currency": "HKD", "note": "more pages"},
    )
    assert coded_from("reply posted on 2026-11-03 (Registered post) RR1HK") == (
        "posted_tracked",
        {"day": "2026-11-03", "method": "registered", "tracking": "RR1HK"},
    )
    assert coded_from("Part 8 exemption: see s.58", status="refused") == (
        "refused",
        {"ground": "Part 8 exemption", "explanation": "see s.58"},
    )
    assert coded_from("A ground since removed: x", status="refused") is None
    assert coded_from("The ID arrived by post") is None
    assert coded_from("已通过登录会话核实身份") is None
    assert migration._line({"label": "Copies: 2,000 records", "amount": "5.00"}) == {
        "code": "copies",
        "params": {"records": 2000},
        "amount": "5.00",
    }
    typed = {"label": "extra pages", "amount": "3.00"}
    assert migration._line(typed) == typed


def test_the_request_form_names_each_jurisdiction_and_its_law_in_the_readers_language(client):
    client.force_login(UserFactory())
    client.cookies["django_language"] = "zh-hans"

    page = client.get(reverse("requests:list")).content.decode()

    assert "香港 (《个人资料（私隐）条例》（第486章）)" in page
    assert "PDPO Cap. 486" not in page


def test_the_migration_codes_stored_english_rows_and_they_then_read_in_chinese(
    client, django_capture_on_commit_callbacks
):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("datarequests.migrations.0022_i18n_reasons_from_stored_text")
    user = person_with_data_in_every_category()
    with django_capture_on_commit_callbacks(execute=True):
        request_id = submit(client, user, jurisdiction="HK").json()["id"]
    request = DataRequest.objects.get(pk=request_id)
    old = [
        RequestEvent.objects.create(
            request=request, status="in_progress", reason=text, at=clock.now()
        )
        for text in ("fee quoted: 50.65 HKD", "The ID arrived by post")
    ]
    quote = request.fee_quote
    quote.lines = [{"label": "Postage", "amount": "12.00"}, {"label": "extra", "amount": "1.00"}]
    quote.save(update_fields=["lines"])

    migration.events_coded(apps, None)
    migration.fee_lines_coded(apps, None)

    coded_row, typed_row = (RequestEvent.objects.get(pk=event.pk) for event in old)
    assert (coded_row.reason_code, coded_row.reason_params, coded_row.reason) == (
        "fee_quoted",
        {"amount": "50.65", "currency": "HKD"},
        "",
    )
    assert (typed_row.reason_code, typed_row.reason) == ("", "The ID arrived by post")
    quote.refresh_from_db()
    with translation.override("zh-hans"):
        assert coded_row.reason_text == "费用报价：50.65 HKD"
        assert [line["label"] for line in quote.shown_lines] == ["邮费", "extra"]
