"""The audit chain does not depend on the time zone an event was stamped in."""

from datetime import timedelta
from datetime import timezone as tz

import pytest

from audit.services import audit_record
from audit.verification import audit_chain_verify
from privacy_office import clock

pytestmark = pytest.mark.django_db


def test_an_event_stamped_in_another_time_zone_keeps_the_chain_intact():
    shanghai = clock.now().astimezone(tz(timedelta(hours=8)))
    audit_record(actor=None, action="change", target="x:1", now=shanghai, reference="a\x00b")

    assert audit_chain_verify() == (1, None)
