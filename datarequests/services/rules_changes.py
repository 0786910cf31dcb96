"""Changes to the rules themselves (jurisdictions, fee schedules, calendar overrides).

Each is audited with who made it and why. A change to a jurisdiction or its fee schedule
raises the jurisdiction's ``rules_version``; open requests keep the snapshot they were
received under (``datarequests.rules``), so only requests received afterwards follow it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Model
from django.utils.translation import gettext_lazy as _

from audit.models import Action
from audit.services import audit_record
from datarequests.models import CalendarOverride, FeeSchedule, Jurisdiction

if TYPE_CHECKING:
    from accounts.models import User

RULE_REASON_REQUIRED = _("Say why the rule changes (the law, a guidance, a correction).")
RULE_MODELS = (Jurisdiction, FeeSchedule, CalendarOverride)


@transaction.atomic
def rule_change_save(
    *,
    obj: Jurisdiction | FeeSchedule | CalendarOverride,
    actor: User | None,
    reason: str,
    changed: Iterable[str],
    now: datetime,
) -> Model:
    """Check and save a rule, audit who changed what and why, and raise the version."""
    if not isinstance(obj, RULE_MODELS):
        raise TypeError(f"not a rule: {type(obj).__name__}")
    if not reason.strip():
        raise ValidationError({"change_reason": RULE_REASON_REQUIRED})
    created = obj.pk is None
    obj.full_clean()
    obj.save()
    jurisdiction_id = obj.pk if isinstance(obj, Jurisdiction) else obj.jurisdiction_id
    if not created and isinstance(obj, Jurisdiction | FeeSchedule):
        Jurisdiction.objects.filter(pk=jurisdiction_id).update(rules_version=F("rules_version") + 1)
        if isinstance(obj, Jurisdiction):
            obj.refresh_from_db(fields=["rules_version"])
    fields = ", ".join(sorted(changed)) or "-"
    audit_record(
        actor=actor,
        action=Action.CREATE if created else Action.CHANGE,
        target=f"datarequests.{type(obj).__name__}:{obj.pk}",
        reference=f"jurisdiction {jurisdiction_id}",
        detail=f"fields: {fields}; why: {reason.strip()}",
        now=now,
    )
    return obj
