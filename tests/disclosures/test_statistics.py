"""Statistical releases (policy C.5): counts by dimension, no identifier, no cell under 10."""

import csv
import io
import random
from datetime import date

import pytest
from django.urls import reverse

from accounts.models import Membership
from disclosures.models import StatisticalRelease
from disclosures.statistics import release_compute
from privacy_office import clock
from tests.conftest import verified_login
from tests.factories import OrderFactory, UserFactory

pytestmark = pytest.mark.django_db


def people(count, *, country, level=None, goods=None):
    users = []
    for _ in range(count):
        user = UserFactory(country=country)
        if level:
            Membership.objects.create(user=user, level=level, started_on=date(2025, 1, 1))
        if goods:
            OrderFactory(buyer=user, goods_type=goods)
        users.append(user)
    return users


def compute(*dimensions, minimum=10):
    release = StatisticalRelease.objects.create(
        name="Members by country", dimensions=list(dimensions), minimum_cell=minimum
    )
    release_compute(release_id=release.pk, now=clock.now())
    release.refresh_from_db()
    return release, list(csv.reader(io.StringIO(release.result_csv)))


def test_counts_by_country_leave_out_small_cells_and_identifiers():
    everyone = people(12, country="CN") + people(4, country="DE")
    UserFactory(country="DE", is_staff=True)

    release, rows = compute("country")

    assert rows == [["country", "people"], ["CN", "12"]]
    assert (release.cells_released, release.cells_suppressed) == (1, 1)
    text = release.result_csv
    assert not any(u.username in text or u.email in text for u in everyone)


def test_counts_by_country_and_membership():
    people(10, country="CN", level=Membership.Level.GOLD_SUPPLIER)
    people(11, country="CN", level=Membership.Level.FREE)
    people(9, country="HK", level=Membership.Level.FREE)

    _, rows = compute("country", "membership")

    assert rows[1:] == [["CN", "free", "11"], ["CN", "gold_supplier", "10"]]


def test_people_are_counted_once_whatever_they_bought_twice():
    buyers = people(10, country="CN", goods="LED panels")
    for buyer in buyers[:3]:
        OrderFactory(buyer=buyer, goods_type="LED panels")

    _, rows = compute("goods_type")

    assert ["LED panels", "10"] in rows


@pytest.mark.parametrize("seed", range(5))
def test_no_released_cell_ever_counts_fewer_than_10(seed):
    chooser = random.Random(seed)
    for country in ("CN", "DE", "US", "BR"):
        people(
            chooser.randint(0, 25), country=country, level=chooser.choice(Membership.Level.values)
        )

    _, rows = compute("country", "membership")

    assert all(int(row[-1]) >= 10 for row in rows[1:])


def test_a_release_cannot_lower_the_threshold_below_10(client):
    verified_login(client, UserFactory(is_staff=True, is_superuser=True))

    response = client.post(
        reverse("admin:disclosures_statisticalrelease_add"),
        {"name": "Tiny cells", "dimensions": ["country"], "minimum_cell": "3"},
    )

    assert "A cell may not count fewer than 10 people." in response.content.decode()
    assert not StatisticalRelease.objects.exists()


def test_staff_define_a_release_a_worker_computes_it_and_they_download_it(
    client, eager_tasks, django_capture_on_commit_callbacks
):
    people(10, country="CN")
    verified_login(client, UserFactory(is_staff=True, is_superuser=True))

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:disclosures_statisticalrelease_add"),
            {"name": "By country", "dimensions": ["country"], "minimum_cell": "10"},
        )
    release = StatisticalRelease.objects.get()
    download = client.get(reverse("admin:disclosures_statisticalrelease_csv", args=[release.pk]))

    assert release.status == StatisticalRelease.Status.READY
    assert download["Content-Type"].startswith("text/csv")
    assert download.content.decode().splitlines() == ["country,people", "CN,10"]
