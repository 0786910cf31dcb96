"""Verbs for the policy: write, publish, tell every user (once), record acknowledgements."""

from __future__ import annotations

import hashlib
import logging
import re
import smtplib
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from cookies.selectors import declarations_version_forget
from policies.models import PolicyAcknowledgement, PolicyNotice, PolicyVersion
from policies.selectors import policy_current_forget
from privacy_office.queue import enqueue, enqueue_on_commit

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger("policies")
ALREADY_PUBLISHED = _("This version is already published; write a new one to change it.")
BATCH = 500
NOTICES_SEND_TASK = "policies.tasks.policy_notices_send_task"
# A notice claimed this long ago and not marked sent is taken to be unsent (its worker died
# before it could send); within the lease it belongs to the worker that claimed it.
CLAIM_LEASE = timedelta(minutes=10)


COOKIE_SECTION = re.compile(r"E\.\s*COOKIES(.*?)(?:\n\s*F\.\s)", re.IGNORECASE | re.DOTALL)


def cookie_section_fingerprint(text: str) -> str:
    """Hash of the policy's cookie section (E), so a change to it asks for fresh consent."""
    match = COOKIE_SECTION.search(text)
    section = " ".join((match.group(1) if match else "").split())
    return hashlib.sha256(section.encode()).hexdigest()[:16]


@transaction.atomic
def policy_version_publish(*, version_id: int, now: datetime) -> PolicyVersion:
    """Publish a version: it governs at once, and every user is told (on a worker)."""
    version = PolicyVersion.objects.select_for_update().get(pk=version_id)
    if version.published_at is not None:
        raise ValidationError(ALREADY_PUBLISHED)
    version.published_at = now
    version.cookie_section_hash = cookie_section_fingerprint(version.text)
    version.save(update_fields=["published_at", "cookie_section_hash"])
    transaction.on_commit(policy_current_forget)
    transaction.on_commit(declarations_version_forget)
    enqueue_on_commit(NOTICES_SEND_TASK, version.pk)
    return version


def _notice_recipients():
    return get_user_model().objects.filter(is_active=True).exclude(email="")


def policy_notice_recipients_count() -> int:
    """Return how many users a newly published version would be emailed to."""
    return _notice_recipients().count()


def policy_notices_send(
    *, version_id: int, now_fn, batch: int = BATCH, until: datetime | None = None
) -> int:
    """Tell every active user about a published version, in batches; return how many were sent.

    Each user is claimed (a unique row) before the email and marked sent right after it,
    so a rerun after a worker died sends to those never claimed, and to those whose claim
    expired unsent — never twice to a user whose email was marked sent. Past ``until``
    (a task's time budget) the rest is handed to a new task after the current batch.
    """
    version = PolicyVersion.objects.get(pk=version_id)
    users = _notice_recipients()
    sent = 0
    while True:
        now = now_fn()
        if until is not None and now >= until:
            # A minute's pause: if mail is down, the claims expire and are retried, not hammered.
            enqueue(NOTICES_SEND_TASK, version_id, countdown=60)
            logger.info(
                "Policy notices %s: %s sent in this run, the rest in a new one", version.pk, sent
            )
            return sent
        with transaction.atomic():
            done = PolicyNotice.objects.filter(version=version, user=OuterRef("pk")).filter(
                Q(sent_at__isnull=False) | Q(claimed_at__gte=now - CLAIM_LEASE)
            )
            chosen = list(
                users.filter(~Exists(done))
                .order_by("pk")
                .select_for_update(skip_locked=True)[:batch]
            )
            for user in chosen:
                PolicyNotice.objects.update_or_create(
                    version=version, user=user, defaults={"claimed_at": now}
                )
        if not chosen:
            return sent
        for index, user in enumerate(chosen):
            if until is not None and now_fn() >= until:
                # Out of time: hand the batch's rest back at once, not after the lease.
                unsent = [u.pk for u in chosen[index:]]
                PolicyNotice.objects.filter(version=version, user__in=unsent).update(
                    claimed_at=now - CLAIM_LEASE - timedelta(seconds=1)
                )
                break
            try:
                _notice_email(version, user)
            except (OSError, smtplib.SMTPException):
                # Left claimed and unsent: counted in the admin, retried after the lease.
                logger.warning("Policy notice %s could not be sent to user %s", version.pk, user.pk)
                continue
            PolicyNotice.objects.filter(version=version, user=user).update(sent_at=now_fn())
            sent += 1


def _notice_email(version: PolicyVersion, user: User) -> None:
    with translation.override(user.preferred_language):
        context = {"version": version, "user": user}
        subject = render_to_string("policies/email/notice_subject.txt", context)
        body = render_to_string("policies/email/notice.txt", context)
    send_mail(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [user.email])


def policy_acknowledge(*, user, version: PolicyVersion, now: datetime) -> None:
    PolicyAcknowledgement.objects.get_or_create(
        version=version, user=user, defaults={"acknowledged_at": now}
    )


FIRST_VERSION = "2018-11-02"


def policies_install() -> None:
    """Install the policy of 2 November 2018 as the first published version, once."""
    from pathlib import Path

    if PolicyVersion.objects.exists():
        return
    text = (Path(__file__).resolve().parent / "seed" / "privacy-policy-2018.md").read_text()
    PolicyVersion.objects.create(
        version=FIRST_VERSION,
        title="Privacy Policy_waimaotong",
        text=text,
        summary="",
        cookie_section_hash=cookie_section_fingerprint(text),
        published_at=datetime(2018, 11, 2, tzinfo=UTC),
    )
