"""Statistical releases (policy C.5): counts of people, grouped, with small cells left out
and the cells that would give them back by subtraction."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from disclosures.models import ReleaseReceipt, StatisticalRelease
from disclosures.suppression import HeldTable, Key, suppress

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


def _held(release: StatisticalRelease) -> list[HeldTable]:
    """Return the tables the release's recipient already holds (anyone holds a public one).

    A release without a recipient may reach anyone, so it is checked against every receipt.
    """
    receipts = ReleaseReceipt.objects.select_related("release").order_by("pk")
    if release.recipient_id is not None:
        receipts = receipts.filter(Q(recipient_id=release.recipient_id) | Q(recipient__isnull=True))
    return [
        HeldTable(
            name=receipt.release.name,
            dimensions=tuple(receipt.dimensions),
            published=frozenset(tuple(key) for key in receipt.published),
            primary=frozenset(tuple(key) for key in receipt.primary),
        )
        for receipt in receipts
    ]


def _people(dims: list[str]):
    expressions = _dimension_expressions()
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=False)
        .annotate(**{f"d_{name}": expressions[name] for name in dims})
        .values(*[f"d_{name}" for name in dims])
    )


def _key(row, dims: list[str]) -> Key:
    return tuple("" if row[f"d_{name}"] is None else str(row[f"d_{name}"]) for name in dims)


@transaction.atomic
def release_compute(*, release_id: int, now: datetime) -> StatisticalRelease:
    """Count people by the release's dimensions and publish the cells that are safe to.

    Small cells are left out, and so are the cells that would let the recipient work
    them out again from this release and what it already holds. When nothing at all
    could be published because of what it holds, the release is refused, naming them.
    """
    release = StatisticalRelease.objects.select_for_update().get(pk=release_id)
    if release.status != StatisticalRelease.Status.PENDING:
        return release
    release_validate(dimensions=release.dimensions, minimum_cell=release.minimum_cell)
    dims = list(release.dimensions)
    held = _held(release)
    offered = [code for code, _label in StatisticalRelease.DIMENSIONS]
    used = set(dims).union(*(table.dimensions for table in held))
    fine = [code for code in offered if code in used]
    cells = (
        _people(dims)
        .annotate(people=Count("pk", distinct=True))
        .order_by(*[f"d_{name}" for name in dims])
    )
    order: list[Key] = []
    counts: dict[Key, int] = {}
    for cell in cells:
        key = _key(cell, dims)
        order.append(key)
        counts[key] = cell["people"]
    support = {_key(row, fine) for row in _people(fine).distinct()}
    table = suppress(
        dimensions=dims,
        counts=counts,
        floor=release.minimum_cell,
        fine_dimensions=fine,
        support=support,
        held=held,
    )
    release.computed_at = now
    if counts and not table.published and table.clashes:
        release.status = StatisticalRelease.Status.REFUSED
        release.refusal = _(
            "Nothing was released: every cell could be combined with what %(recipient)s "
            "already holds (%(releases)s) to work out a count under %(n)s."
        ) % {
            "recipient": release.recipient or _("anyone"),
            "releases": ", ".join(f"“{name}”" for name in table.clashes),
            "n": release.minimum_cell,
        }
        release.result_csv, release.cells = "", []
        release.cells_released = release.cells_suppressed = 0
        release.full_clean()
        release.save()
        return release

    def state(key: Key) -> str:
        if key in table.primary:
            return "primary"
        return "complementary" if key in table.complementary else ""

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*dims, "people"])
    for key in order:
        if key in table.published:
            writer.writerow([*key, counts[key]])
    release.result_csv = out.getvalue()
    release.cells = [
        {
            "cell": list(key),
            "people": counts[key] if key in table.published else None,
            "suppressed": state(key),
        }
        for key in order
    ]
    release.cells_released = len(table.published)
    release.cells_suppressed = len(counts) - len(table.published)
    release.status = StatisticalRelease.Status.READY
    release.refusal = ""
    release.full_clean()
    release.save()
    receipt = ReleaseReceipt(
        recipient=release.recipient,
        release=release,
        dimensions=dims,
        published=[list(key) for key in order if key in table.published],
        primary=[list(key) for key in order if key in table.primary],
        complementary=[list(key) for key in order if key in table.complementary],
        received_at=now,
    )
    receipt.full_clean()
    receipt.save()
    return release
