"""CCPA request metrics (regs §7102) and the §7101 record of requests, by SQL over the events.

For a calendar year, counted in California's time (the jurisdiction's zone): a request is
*received* in the year its receipt falls in; it is *complied with* or *denied* in the year
its closing event (fulfilled, refused) falls in, so a request received in December and
answered in January counts once in each year, for what happened in it. Days to respond are
the calendar days from the day of receipt to the day of the response, for responses in the
year. Denials are split by the refusal ground of the event (``refused``'s ground, or the one an
older event's reason begins with).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection
from django.utils.translation import gettext_lazy as _

from datarequests.calendars import zone_name
from datarequests.models import Jurisdiction, Kind, Status

CCPA = "US-CA"
# The request kinds of regs §7102(a)(1)-(5), and which kind of ours each is, if any.
CCPA_KINDS: list[tuple[str, object, str | None]] = [
    ("know", _("Requests to know"), Kind.ACCESS),
    # A consumer's own erasure (§1798.105) and a guardian's deletion of a minor's account.
    ("delete", _("Requests to delete"), Kind.ERASURE),
    ("correct", _("Requests to correct"), Kind.CORRECTION),
    ("opt_out", _("Requests to opt out of sale or sharing"), None),
    ("limit", _("Requests to limit use of sensitive personal information"), None),
]
_KIND_SQL = "CASE WHEN r.kind = 'guardian_deletion' THEN 'erasure' ELSE r.kind END"
CLOSING = (Status.FULFILLED, Status.REFUSED, Status.WITHDRAWN, Status.LAPSED)

_CLOSING_SQL = """
    SELECT DISTINCT ON (e.request_id) e.request_id, e.status,
           CASE WHEN e.reason_code = 'refused'
                THEN CONCAT(e.reason_params->>'ground', ': ', e.reason_params->>'explanation')
                ELSE e.reason END AS reason,
           e.at
    FROM datarequests_requestevent e
    WHERE e.type = 'status' AND e.status = ANY(%(closing)s)
    ORDER BY e.request_id, e.at, e.id
"""

_METRICS_SQL = f"""
WITH closing AS ({_CLOSING_SQL}),
requests AS (
    SELECT {_KIND_SQL} AS kind,
           EXTRACT(YEAR FROM r.received_at AT TIME ZONE %(zone)s) = %(year)s AS received,
           c.status,
           EXTRACT(YEAR FROM c.at AT TIME ZONE %(zone)s) = %(year)s AS closed_in_year,
           (c.at AT TIME ZONE %(zone)s)::date - (r.received_at AT TIME ZONE %(zone)s)::date
               AS days
    FROM datarequests_datarequest r
    JOIN datarequests_jurisdiction j ON j.id = r.jurisdiction_id
    LEFT JOIN closing c ON c.request_id = r.id
    WHERE j.code = %(code)s
)
SELECT kind,
       COUNT(*) FILTER (WHERE received),
       COUNT(*) FILTER (WHERE closed_in_year AND status = 'fulfilled'),
       COUNT(*) FILTER (WHERE closed_in_year AND status = 'refused'),
       PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY days)
           FILTER (WHERE closed_in_year AND status IN ('fulfilled', 'refused')),
       AVG(days) FILTER (WHERE closed_in_year AND status IN ('fulfilled', 'refused'))
FROM requests
GROUP BY kind
"""  # noqa: S608 (built from constants; every value is a parameter)

_DENIALS_SQL = f"""
WITH closing AS ({_CLOSING_SQL})
SELECT {_KIND_SQL}, COALESCE(g.ground, ''), COUNT(*)
FROM datarequests_datarequest r
JOIN datarequests_jurisdiction j ON j.id = r.jurisdiction_id
JOIN closing c ON c.request_id = r.id
LEFT JOIN LATERAL (
    SELECT ground FROM jsonb_array_elements_text(j.refusal_grounds) AS ground
    WHERE LEFT(c.reason, LENGTH(ground) + 2) = ground || ': '
    ORDER BY LENGTH(ground) DESC LIMIT 1
) g ON true
WHERE j.code = %(code)s AND c.status = 'refused'
  AND EXTRACT(YEAR FROM c.at AT TIME ZONE %(zone)s) = %(year)s
GROUP BY 1, 2
"""  # noqa: S608 (built from constants; every value is a parameter)

_RECORDS_SQL = f"""
WITH closing AS ({_CLOSING_SQL})
SELECT r.id, (r.received_at AT TIME ZONE %(zone)s)::date, r.kind, r.channel,
       (c.at AT TIME ZONE %(zone)s)::date, c.status, c.reason
FROM datarequests_datarequest r
JOIN datarequests_jurisdiction j ON j.id = r.jurisdiction_id
LEFT JOIN closing c ON c.request_id = r.id
WHERE j.code = %(code)s AND EXTRACT(YEAR FROM r.received_at AT TIME ZONE %(zone)s) = %(year)s
ORDER BY r.received_at, r.id
"""  # noqa: S608 (built from constants; every value is a parameter)


@dataclass
class KindMetrics:
    code: str
    label: object
    offered: bool
    received: int = 0
    complied: int = 0
    denied: int = 0
    denied_by_reason: dict[str, int] = field(default_factory=dict)
    median_days: float | None = None
    mean_days: float | None = None


@dataclass(frozen=True)
class YearMetrics:
    year: int
    kinds: list[KindMetrics]


def _params(year: int) -> dict:
    jurisdiction = Jurisdiction.objects.get(code=CCPA)
    return {
        "code": CCPA,
        "zone": zone_name(jurisdiction),
        "year": year,
        "closing": [str(status) for status in CLOSING],
    }


def ccpa_metrics(*, year: int) -> YearMetrics:
    """Return the §7102 figures of a calendar year, per kind of request."""
    params = _params(year)
    with connection.cursor() as cursor:
        cursor.execute(_METRICS_SQL, params)
        rows = {row[0]: row[1:] for row in cursor.fetchall()}
        cursor.execute(_DENIALS_SQL, params)
        denials = cursor.fetchall()
    kinds = []
    for code, label, ours in CCPA_KINDS:
        metrics = KindMetrics(code=code, label=label, offered=ours is not None)
        if ours in rows:
            received, complied, denied, median, mean = rows[ours]
            metrics.received, metrics.complied, metrics.denied = received, complied, denied
            metrics.median_days = None if median is None else float(median)
            metrics.mean_days = None if mean is None else round(float(mean), 1)
        metrics.denied_by_reason = {
            ground or "other": count for kind, ground, count in denials if kind == ours
        }
        kinds.append(metrics)
    return YearMetrics(year=year, kinds=kinds)


@dataclass(frozen=True)
class RequestRecord:
    """One line of the §7101 record: no personal data, only what happened when."""

    request_id: int
    received_on: object
    kind: str
    channel: str
    responded_on: object
    response: str
    denial_basis: str


def ccpa_request_records(*, year: int) -> list[RequestRecord]:
    """Return the §7101 record of the requests received in a year."""
    params = _params(year)
    with connection.cursor() as cursor:
        cursor.execute(_RECORDS_SQL, params)
        rows = cursor.fetchall()
    records = []
    for request_id, received, kind, channel, responded, status, reason in rows:
        records.append(
            RequestRecord(
                request_id=request_id,
                received_on=received,
                kind=kind,
                channel=channel,
                responded_on=responded,
                response={
                    Status.FULFILLED: "complied",
                    Status.REFUSED: "denied",
                    Status.WITHDRAWN: "withdrawn",
                    Status.LAPSED: "lapsed",
                }.get(status, "open"),
                denial_basis=(reason or "") if status == Status.REFUSED else "",
            )
        )
    return records


def ccpa_records_csv_rows(records: list[RequestRecord]) -> list[list[str]]:
    """Return the §7101 record as CSV rows (header first)."""
    rows = [["request", "received", "kind", "channel", "responded", "response", "denial_basis"]]
    for record in records:
        rows.append(
            [
                str(record.request_id),
                str(record.received_on),
                record.kind,
                record.channel,
                "" if record.responded_on is None else str(record.responded_on),
                record.response,
                record.denial_basis,
            ]
        )
    return rows


def _days(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def ccpa_metrics_csv_rows(metrics: YearMetrics) -> list[list[str]]:
    """Return the figures as CSV rows (header first)."""
    rows = [
        [
            "year",
            "kind",
            "received",
            "complied_in_whole_or_part",
            "denied",
            "denied_by_reason",
            "median_days",
            "mean_days",
        ]
    ]
    for kind in metrics.kinds:
        rows.append(
            [
                str(metrics.year),
                kind.code,
                str(kind.received),
                str(kind.complied),
                str(kind.denied),
                "; ".join(f"{ground}: {n}" for ground, n in sorted(kind.denied_by_reason.items())),
                "" if kind.median_days is None else f"{kind.median_days:g}",
                "" if kind.mean_days is None else f"{kind.mean_days:g}",
            ]
        )
    return rows


def ccpa_metrics_text(metrics: YearMetrics) -> str:
    """Return the figures as the paragraph the privacy policy publishes (§7102(a))."""
    lines = [f"California consumer requests, 1 January to 31 December {metrics.year}:"]
    for kind in metrics.kinds:
        if not kind.offered:
            lines.append(
                f"- {kind.label}: none received as requests"
                + (
                    " (opting out is honoured at once as a preference: the Do not sell or share"
                    " page, or a Global Privacy Control signal)."
                    if kind.code == "opt_out"
                    else " (not a request this service takes)."
                )
            )
            continue
        reasons = ", ".join(f"{n} {g}" for g, n in sorted(kind.denied_by_reason.items()))
        lines.append(
            f"- {kind.label}: {kind.received} received, {kind.complied} complied with in whole "
            f"or in part, {kind.denied} denied"
            + (f" ({reasons})" if reasons else "")
            + (
                f"; median {_days(kind.median_days)} days, mean {_days(kind.mean_days)} days "
                "to respond."
                if kind.median_days is not None
                else "; none answered in the year."
            )
        )
    return "\n".join(str(line) for line in lines)


def bar_chart_svg(metrics: YearMetrics) -> str:
    """Return an inline SVG bar chart: received, complied and denied per kind."""
    width, row, bar = 560, 54, 14
    series = [("received", "#4a7bb7"), ("complied", "#3d9a5b"), ("denied", "#c0504d")]
    top = max([1] + [getattr(k, name) for k in metrics.kinds for name, _c in series])
    height = row * len(metrics.kinds) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="CCPA {metrics.year}">'
    ]
    for index, kind in enumerate(metrics.kinds):
        y = index * row + 4
        parts.append(f'<text x="0" y="{y + 12}" font-size="11">{kind.code}</text>')
        for offset, (name, colour) in enumerate(series):
            value = getattr(kind, name)
            length = int(400 * value / top)
            bar_y = y + offset * (bar + 2)
            parts.append(
                f'<rect x="80" y="{bar_y}" width="{length}" height="{bar}" fill="{colour}">'
                f"<title>{name}: {value}</title></rect>"
                f'<text x="{85 + length}" y="{bar_y + 11}" font-size="10">{value}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def default_year(now: datetime) -> int:
    """The year §7102 asks about: the previous calendar year."""
    return now.year - 1
