"""Complementary suppression (policy C.5): no combination of what a recipient holds gives
back a count under the floor, within a release or across releases."""

import csv
import io
import itertools
import random
from datetime import date
from fractions import Fraction

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.models import Membership
from disclosures.models import Recipient, ReleaseReceipt, StatisticalRelease
from disclosures.statistics import release_compute
from disclosures.suppression import HeldTable, suppress
from privacy_office import clock
from tests.conftest import verified_login
from tests.factories import OrderFactory, UserFactory

pytestmark = pytest.mark.django_db

DIMENSIONS = [code for code, _label in StatisticalRelease.DIMENSIONS]
FLOOR = 10


# -- the attacker: what a recipient can work out from the CSVs it was sent ------------------


def population():
    """Return each counted person as {dimension: value}, read without the release's query."""
    people = []
    users = get_user_model().objects.filter(is_active=True, is_staff=False)
    for user in users.prefetch_related("memberships", "orders_bought"):
        latest = max(user.memberships.all(), key=lambda m: m.started_on, default=None)
        goods = {order.goods_type for order in user.orders_bought.all()} or {""}
        assert len(goods) == 1, "the tests give each person one type of goods, so cells add up"
        people.append(
            {
                "country": user.country or "",
                "membership": latest.level if latest else "",
                "goods_type": goods.pop(),
            }
        )
    return people


def sent(release):
    rows = list(csv.reader(io.StringIO(release.result_csv)))
    if not rows:  # refused: nothing was sent
        return list(release.dimensions), {}
    dims = rows[0][:-1]
    return dims, {tuple(row[:-1]): int(row[-1]) for row in rows[1:]}


def true_counts(people, dims):
    counts = {}
    for person in people:
        key = tuple(person[d] for d in dims)
        counts[key] = counts.get(key, 0) + 1
    return counts


def rank(rows):
    rows = [[Fraction(x) for x in row] for row in rows]
    found = 0
    for column in range(len(rows[0]) if rows else 0):
        pivot = next((i for i in range(found, len(rows)) if rows[i][column]), None)
        if pivot is None:
            continue
        rows[found], rows[pivot] = rows[pivot], rows[found]
        for i in range(len(rows)):
            if i != found and rows[i][column]:
                factor = rows[i][column] / rows[found][column]
                rows[i] = [x - factor * y for x, y in zip(rows[i], rows[found], strict=True)]
        found += 1
    return found


def leaks(releases):
    """Return the small cells a holder of these releases can work out exactly, and how."""
    people = population()
    held = [sent(release) for release in releases]
    found = []

    # A published margin minus the published cells under it, when one cell is hidden.
    for (coarse_dims, coarse), (fine_dims, fine) in itertools.permutations(held, 2):
        if not set(coarse_dims) < set(fine_dims):
            continue
        truth = true_counts(people, fine_dims)
        for margin_key, margin in coarse.items():
            under = [
                key
                for key in truth
                if tuple(key[fine_dims.index(d)] for d in coarse_dims) == margin_key
            ]
            hidden = [key for key in under if key not in fine]
            value = margin - sum(fine[key] for key in under if key in fine)
            if len(hidden) == 1 and 0 < value < FLOOR:
                found.append(("margin minus row", fine_dims, hidden[0], value))

    # One release's published total minus another's, when the difference is one hidden cell.
    for (dims_a, cells_a), (dims_b, cells_b) in itertools.permutations(held, 2):
        truth_b = true_counts(people, dims_b)
        hidden_b = [key for key in truth_b if key not in cells_b]
        if len(true_counts(people, dims_a)) == len(cells_a) and len(hidden_b) == 1:
            value = sum(cells_a.values()) - sum(cells_b.values())
            if 0 < value < FLOOR:
                found.append(("total minus total", dims_b, hidden_b[0], value))

    # Any exact linear combination of the published numbers.
    fine_cells = sorted({tuple(p[d] for d in DIMENSIONS) for p in people})

    def vector(dims, key):
        return [int(tuple(cell[DIMENSIONS.index(d)] for d in dims) == key) for cell in fine_cells]

    equations = [vector(dims, key) for dims, cells in held for key in cells]
    base = rank(equations)
    for dims, _cells in held:
        for key, count in true_counts(people, dims).items():
            if count < FLOOR and rank([*equations, vector(dims, key)]) == base:
                found.append(("linear combination", dims, key, count))
    return found


# -- populations --------------------------------------------------------------------------


@pytest.fixture
def seller():
    return UserFactory(country="CN")


def people(count, *, country, level=None, goods=None, seller=None):
    for _ in range(count):
        user = UserFactory(country=country)
        if level:
            Membership.objects.create(user=user, level=level, started_on=date(2025, 1, 1))
        if goods:
            OrderFactory(buyer=user, seller=seller, goods_type=goods)


def release(recipient, *dimensions):
    made = StatisticalRelease.objects.create(
        name=" × ".join(dimensions), recipient=recipient, dimensions=list(dimensions)
    )
    release_compute(release_id=made.pk, now=clock.now())
    made.refresh_from_db()
    return made


@pytest.fixture
def recipient():
    return Recipient.objects.create(
        code="stats-co",
        organisation="Stats Co",
        kind="supplier",
        service="market research",
        jurisdiction="HK",
    )


GOLD, FREE, CERTIFIED = (
    Membership.Level.GOLD_SUPPLIER,
    Membership.Level.FREE,
    Membership.Level.CERTIFIED,
)


def two_countries():
    people(12, country="CN", level=FREE)
    people(4, country="CN", level=GOLD)
    people(15, country="CN", level=CERTIFIED)
    people(20, country="DE", level=FREE)
    people(11, country="DE", level=CERTIFIED)


# -- the subtraction attack ---------------------------------------------------------------


def test_the_country_release_minus_country_by_membership_gives_no_small_cell_back(recipient):
    two_countries()

    by_both = release(recipient, "country", "membership")
    by_country = release(recipient, "country")

    assert leaks([by_both, by_country]) == []
    assert sent(by_country)[1] == {("DE",): 31}  # CN's total would give CN × gold back


def test_a_two_dimension_release_after_the_margins_hides_two_cells_in_the_row(recipient):
    two_countries()

    by_country = release(recipient, "country")
    by_both = release(recipient, "country", "membership")

    assert sent(by_country)[1] == {("CN",): 31, ("DE",): 31}
    assert leaks([by_country, by_both]) == []
    hidden_in_cn = [c for c in by_both.cells if c["cell"][0] == "CN" and c["people"] is None]
    assert len(hidden_in_cn) >= 2


def test_a_lone_small_cell_is_hidden_with_another_when_the_total_is_known(recipient):
    people(12, country="CN", level=FREE)
    people(4, country="DE", level=FREE)

    by_level = release(recipient, "membership")  # everyone is free: the total is published
    by_country = release(recipient, "country")

    assert sent(by_level)[1] == {("free",): 16}
    assert sent(by_country)[1] == {}
    assert by_country.status == StatisticalRelease.Status.REFUSED
    assert leaks([by_level]) == []


def test_a_release_that_could_only_give_cells_away_is_refused_naming_the_clash(recipient):
    people(12, country="CN", level=FREE)
    people(4, country="CN", level=GOLD)
    release(recipient, "country", "membership")

    refused = release(recipient, "country")

    assert refused.status == StatisticalRelease.Status.REFUSED
    assert refused.refusal == (
        "Nothing was released: every cell could be combined with what Stats Co already holds "
        "(“country × membership”) to work out a count under 10."
    )
    assert refused.result_csv == ""
    assert ReleaseReceipt.objects.filter(release=refused).count() == 0


def test_what_another_recipient_holds_does_not_hide_cells_from_this_one(recipient):
    two_countries()
    other = Recipient.objects.create(
        code="other", organisation="Other", kind="supplier", service="s", jurisdiction="CN"
    )
    release(other, "country", "membership")

    by_country = release(recipient, "country")

    assert sent(by_country)[1] == {("CN",): 31, ("DE",): 31}


def test_each_recipient_keeps_a_record_of_the_cells_it_received(recipient):
    two_countries()

    by_both = release(recipient, "country", "membership")

    receipt = ReleaseReceipt.objects.get(release=by_both)
    assert receipt.recipient == recipient
    assert receipt.dimensions == ["country", "membership"]
    assert ["CN", "gold_supplier"] in receipt.primary
    assert ["DE", "free"] in receipt.published


# -- random populations, every pair of dimensions -----------------------------------------


@pytest.mark.dateless
@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("pair", list(itertools.combinations(DIMENSIONS, 2)))
@pytest.mark.parametrize("two_first", [True, False])
def test_no_pair_of_dimensions_gives_back_a_small_cell(seed, pair, two_first, recipient, seller):
    chooser = random.Random(f"{seed}-{pair}")
    for country in ("CN", "DE", "US"):
        for level in [None, *Membership.Level.values]:
            for goods in (None, "LED panels", "cables"):
                people(
                    chooser.choice([0, 0, 1, 3, 6, 10, 14]),
                    country=country,
                    level=level,
                    goods=goods,
                    seller=seller,
                )
    plan = [pair, (pair[0],), (pair[1],)]
    if not two_first:
        plan.reverse()

    releases = [release(recipient, *dims) for dims in plan]

    assert leaks(releases) == []
    published = [r for r in releases if r.status == StatisticalRelease.Status.READY]
    assert all(count >= FLOOR for r in published for count in sent(r)[1].values())


# -- the law by hand, and the admin -------------------------------------------------------


def test_a_published_row_total_makes_a_second_cell_of_the_row_hidden():
    counts = {("CN", "free"): 12, ("CN", "gold"): 4, ("DE", "free"): 20, ("DE", "gold"): 15}

    table = suppress(
        dimensions=["country", "membership"],
        counts=counts,
        floor=10,
        fine_dimensions=["country", "membership"],
        support=set(counts),
        held=[
            HeldTable(
                name="by country",
                dimensions=("country",),
                published=frozenset({("CN",), ("DE",)}),
                primary=frozenset(),
            )
        ],
    )

    assert table.primary == {("CN", "gold")}
    assert table.complementary == {("CN", "free")}
    assert table.published == {("DE", "free"): 20, ("DE", "gold"): 15}


def test_staff_see_which_cells_were_left_out_and_why(client, recipient):
    two_countries()
    release(recipient, "country")
    by_both = release(recipient, "country", "membership")
    verified_login(client, UserFactory(is_staff=True, is_superuser=True))

    page = client.get(
        reverse("admin:disclosures_statisticalrelease_change", args=[by_both.pk])
    ).content.decode()

    assert "left out: under the floor (primary)" in page
    assert "left out: would give another cell away (complementary)" in page
