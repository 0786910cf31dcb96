from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import PaymentCard, User
from activity.models import Lead, Order, PageView
from privacy_office.subject_data import personal_data_of

pytestmark = pytest.mark.django_db


def seed(**options):
    out = StringIO()
    call_command("seed_demo", stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def test_seed_demo_fills_every_category_and_adds_nothing_the_second_time():
    first = seed(users=12, heavy_views=300)
    counts = (User.objects.count(), Order.objects.count(), PageView.objects.count())
    second = seed(users=12, heavy_views=300)

    assert "12 new demo users" in first
    assert "0 new demo users" in second
    assert (User.objects.count(), Order.objects.count(), PageView.objects.count()) == counts
    assert PageView.objects.filter(user__username="demo-heavy-buyer").count() == 300
    assert PaymentCard.objects.count() == 13
    assert Lead.objects.exists()
    heavy = User.objects.get(username="demo-heavy-buyer")
    assert {c.code for c in personal_data_of(user=heavy)} >= {"registration", "account", "browsing"}


def test_seed_demo_refuses_nonsense_counts():
    with pytest.raises(CommandError, match="--users must be at least 1"):
        seed(users=0)


def test_seed_demo_says_where_hong_kong_and_singapore_fees_are_paid_once():
    from datarequests.models import PaymentDetails

    seed(users=1, heavy_views=0)
    seed(users=1, heavy_views=0)

    assert sorted(PaymentDetails.objects.values_list("jurisdiction__code", "reference_prefix")) == [
        ("HK", "PO-HK-"),
        ("SG", "PO-SG-"),
    ]
