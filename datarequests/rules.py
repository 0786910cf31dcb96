"""The rules a request was received under: a snapshot of its jurisdiction taken at intake.

Laws change and staff change the rules in the admin, but an open request keeps the rules
(and the fee schedule of its kind) it was received under: the clock and the fee read them
from the snapshot, never from today's row. ``rules_version`` says which version it is.
"""

from __future__ import annotations

from decimal import Decimal

from datarequests.models import DataRequest, FeeSchedule, Jurisdiction

FEE_FIELDS = ("base_amount", "per_thousand_records", "postage")


def _rule_fields() -> list:
    return [field for field in Jurisdiction._meta.concrete_fields if not field.primary_key]


def rules_snapshot(jurisdiction: Jurisdiction, kind: str) -> dict:
    """Return the jurisdiction's rules and the fee schedule of this kind, as JSON."""
    snapshot = {}
    for field in _rule_fields():
        value = field.value_from_object(jurisdiction)
        snapshot[field.attname] = str(value) if isinstance(value, Decimal) else value
    row = FeeSchedule.objects.filter(jurisdiction=jurisdiction, kind=kind).first()
    snapshot["fee_schedule"] = (
        {name: str(getattr(row, name)) for name in FEE_FIELDS} if row is not None else None
    )
    return snapshot


def rules_of(request: DataRequest) -> Jurisdiction:
    """Return the jurisdiction as the request was received under it (unsaved, never saved).

    A request taken in before snapshots existed follows its jurisdiction's current row."""
    if not request.rules:
        return request.jurisdiction
    values = {}
    for field in _rule_fields():
        if field.attname in request.rules:
            values[field.attname] = field.to_python(request.rules[field.attname])
    return Jurisdiction(pk=request.jurisdiction_id, **values)


def fee_schedule_of(request: DataRequest) -> dict[str, Decimal] | None:
    """Return the fee schedule of the request's kind as it was received, or None."""
    if not request.rules:
        row = FeeSchedule.objects.filter(
            jurisdiction_id=request.jurisdiction_id, kind=request.kind
        ).first()
        return {name: getattr(row, name) for name in FEE_FIELDS} if row is not None else None
    schedule = request.rules.get("fee_schedule")
    return {name: Decimal(schedule[name]) for name in FEE_FIELDS} if schedule else None
