"""My data reads as a person reads: one card per record, consent choices in words, counts
with thousands separators, and large tables paged."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from activity.services import browsing_ingest
from cookies.models import Method
from cookies.services import consent_record
from privacy_office import clock
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _on_a_winter_morning(time_machine):
    time_machine.move_to(datetime(2026, 11, 25, 2, 0, tzinfo=UTC))


def page_views(user, count):
    browsing_ingest(
        rows=[
            {
                "viewed_at": (clock.now() - timedelta(seconds=n)).isoformat(),
                "visitor_id": "v",
                "user_id": user.pk,
                "path": f"/p/{n}",
            }
            for n in range(count)
        ]
    )


def cards_of(html: str, anchor: str) -> list[str]:
    section = html.split(f'id="{anchor}"', 1)[1].split("</h3>", 1)[1]
    section = section.split("<h3", 1)[0].split("</section>", 1)[0]
    return re.findall(r'<article class="record">(.*?)</article>', section, re.S)


def test_each_record_is_a_card_of_labels_and_values(client):
    user = UserFactory(first_name="Mei", last_name="Chen")
    client.force_login(user)

    html = client.get(reverse("accounts:my-data")).content.decode()

    [card] = cards_of(html, "registration-accounts.User")
    assert "<dt>Last name</dt><dd>Chen</dd>" in card
    assert "<dt>Fax</dt><dd>—</dd>" in card
    assert "<table" not in html


def test_consent_choices_read_in_words(client):
    user = UserFactory()
    consent_record(
        visitor_id="visitor-1",
        user=user,
        choices={"statistics": True},
        method=Method.PREFERENCE_CENTRE,
        gpc=False,
        ip="203.0.113.7",
        user_agent="Firefox",
        now=clock.now(),
    )
    client.force_login(user)

    html = client.get(reverse("accounts:my-data")).content.decode()

    assert "Statistics: yes" in html
    assert "Ad targeting: no" in html
    assert '{"necessary": true' not in html and "&quot;statistics&quot;" not in html


def test_a_large_table_is_paged_with_counts_people_read(client):
    user = UserFactory()
    page_views(user, 1050)
    client.force_login(user)
    url = reverse("accounts:my-data")

    first = client.get(url).content.decode()
    second = client.get(url, {"model": "activity.PageView", "page": "2"}).content.decode()
    last = client.get(url, {"model": "activity.PageView", "page": "999"}).content.decode()
    nonsense = client.get(url, {"model": "activity.PageView", "page": "-3"}).content.decode()

    assert "Records 1 to 50 of 1,050, the latest first" in first
    assert "Page 1 of 21" in first and "page=2" in first
    assert len(cards_of(first, "browsing-activity.PageView")) == 50
    assert "Records 51 to 100 of 1,050" in second and "/p/50<" in second
    assert "/p/49<" not in second
    assert "Records 1,001 to 1,050 of 1,050" in last  # past the end: the last page
    assert len(cards_of(last, "browsing-activity.PageView")) == 50
    assert "Records 1 to 50 of 1,050" in nonsense


def test_paging_one_table_leaves_the_others_at_their_first_page(client):
    user = UserFactory()
    page_views(user, 60)
    client.force_login(user)

    html = client.get(
        reverse("accounts:my-data"), {"model": "accounts.User", "page": "2"}
    ).content.decode()

    assert "Records 1 to 50 of 60" in html
    assert len(cards_of(html, "registration-accounts.User")) == 1
