"""Project-wide verbs: the defaults every installation needs, and session retention."""

from datetime import datetime

from django.contrib.sessions.models import Session
from django.db import transaction

from privacy_office.models import Purpose
from privacy_office.purposes import PURPOSES


@transaction.atomic
def purposes_install() -> int:
    """Create the purposes B1-B9 that are missing; return how many were created."""
    existing = set(Purpose.objects.values_list("code", flat=True))
    missing = [
        Purpose(code=code, title=str(title), wording=wording)
        for code, (title, wording) in PURPOSES.items()
        if code not in existing
    ]
    Purpose.objects.bulk_create(missing)
    return len(missing)


def sessions_purge(*, now: datetime) -> int:
    """Delete sessions that expired before ``now``; return how many.

    Sessions carry who was signed in from where, so they are not kept past expiry.
    Not a declaration of ``privacy_office.retention``: a session's age does not decide, its
    own expiry does (as Django's ``clearsessions``).
    """
    deleted, _ = Session.objects.filter(expire_date__lt=now).delete()
    return deleted
