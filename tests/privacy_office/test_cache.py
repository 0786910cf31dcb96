"""The shared cache stores JSON: what is planted in Redis is never unpickled."""

import json
import pickle
from datetime import UTC, datetime

import pytest
from django.core.cache import cache

from cookies.selectors import Consent, consent_current, consent_remember
from cookies.services import consent_record
from policies.models import PolicyVersion
from policies.selectors import CURRENT_KEY, policy_current

pytestmark = pytest.mark.django_db


class Planted:
    """What an attacker able to write to the broker's Redis would plant: unpickling it runs
    code (here, it writes a file)."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (exec, (f"open({self.marker!r}, 'w').write('ran')",))


def redis_of(key: str):
    return cache._cache.get_client(cache.make_key(key), write=True)


def test_a_pickled_payload_planted_in_redis_is_never_unpickled(tmp_path):
    marker = tmp_path / "ran"
    published = PolicyVersion.objects.create(
        version="2026-1", title="Policy", text="…", published_at=datetime(2026, 1, 5, tzinfo=UTC)
    )
    redis_of(CURRENT_KEY).set(cache.make_key(CURRENT_KEY), pickle.dumps(Planted(marker)))

    read = cache.get(CURRENT_KEY, "missing")
    current = policy_current()

    assert not marker.exists()
    assert read == "missing"
    assert (current.pk, current.version) == (published.pk, "2026-1")


def test_cached_values_are_plain_json_and_come_back_as_they_went_in():
    visitor_id = "v-1"
    given = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    record = consent_record(
        visitor_id=visitor_id,
        user=None,
        choices={"statistics": True},
        method="banner_save",
        gpc=False,
        ip="192.0.2.1",
        user_agent="test",
        now=given,
    )
    consent_remember(record)
    stored = redis_of("x").get(cache.make_key(f"cookies:consent:visitor:{visitor_id}"))

    assert json.loads(stored)["given_at"] == {"__datetime__": "2026-03-02T09:30:00+00:00"}
    assert consent_current(visitor_id=visitor_id) == Consent(
        choices=record.choices,
        declarations_version=record.declarations_version,
        given_at=given,
        gpc=False,
        record_id=record.pk,
    )


def test_the_cache_refuses_to_store_what_json_cannot_hold():
    with pytest.raises(TypeError, match="The cache stores JSON only, not PolicyVersion"):
        cache.set("policy", PolicyVersion(version="x"))


def test_counters_stay_integers_for_rate_limits():
    cache.set("n", 41)

    assert (cache.incr("n"), cache.count("hits", 60), cache.count("hits", 60)) == (42, 1, 2)
