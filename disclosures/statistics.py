"""Statistical releases (policy C.5): counts of people, grouped, with small cells left out."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.utils.translation import gettext as _

from disclosures.models import StatisticalRelease

MINIMUM_ALLOWED = 10  # no release may publish a count under this, whatever staff enter


def _dimension_expressions():
    from accounts.models import Membership

    latest_level = Membership.objects.filter(user=OuterRef("pk")).order_by("-started_on")
    return {
        "country": F("country"),
        "membership": Subquery(latest_level.values("level")[:1]),
        "goods_type": F("orders_bought__goods_type"),
    }


def release_validate(*, dimensions, minimum_cell: int) -> None:
    known = {code for code, _label in StatisticalRelease.DIMENSIONS}
    if not isinstance(dimensions, list) or not dimensions or not set(dimensions) <= known:
        raise ValidationError(
            {
                "dimensions": _("Choose one or more of: %(known)s.")
                % {"known": ", ".join(sorted(known))}
            }
        )
    if minimum_cell < MINIMUM_ALLOWED:
        raise ValidationError(
            {
                "minimum_cell": _("A cell may not count fewer than %(n)s people.")
                % {"n": MINIMUM_ALLOWED}
            }
        )


@transaction.atomic
def release_compute(*, release_id: int, now: datetime) -> StatisticalRelease:
    """Count people by the release's dimensions; keep only cells of at least the minimum."""
    release = StatisticalRelease.objects.select_for_update().get(pk=release_id)
    if release.status == StatisticalRelease.Status.READY:
        return release
    release_validate(dimensions=release.dimensions, minimum_cell=release.minimum_cell)
    expressions = _dimension_expressions()
    dims = list(release.dimensions)
    cells = (
        get_user_model()
        .objects.filter(is_active=True, is_staff=False)
        .annotate(**{f"d_{name}": expressions[name] for name in dims})
        .values(*[f"d_{name}" for name in dims])
        .annotate(people=Count("pk", distinct=True))
        .order_by(*[f"d_{name}" for name in dims])
    )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*dims, "people"])
    released = suppressed = 0
    for cell in cells:
        if cell["people"] < release.minimum_cell:
            suppressed += 1
            continue
        writer.writerow([cell[f"d_{name}"] or "" for name in dims] + [cell["people"]])
        released += 1
    release.result_csv = out.getvalue()
    release.cells_released, release.cells_suppressed = released, suppressed
    release.status = StatisticalRelease.Status.READY
    release.computed_at = now
    release.save()
    return release
