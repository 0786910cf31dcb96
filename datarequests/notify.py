"""Messages to requesters, from templates, in the requester's language."""

from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from datarequests.erasure import kept_items, kept_lines

logger = logging.getLogger("datarequests")


EMAIL, LETTER = "email", "letter"


def sent_by(request) -> str:
    """Return how a notice reaches the requester: by email, or else by a letter staff post."""
    return EMAIL if request.requester_email else LETTER


def _send(request, template: str, **context) -> None:
    if not request.requester_email:
        return  # a postal requester gets a letter instead (letters.notice_letter_pdf)
    with translation.override(request.language):
        subject = render_to_string(
            f"datarequests/email/{template}_subject.txt", {"request": request, **context}
        )
        body = render_to_string(
            f"datarequests/email/{template}.txt", {"request": request, **context}
        )
    message = (
        " ".join(subject.split()),
        body,
        settings.DEFAULT_FROM_EMAIL,
        [request.requester_email],
    )
    # After commit: a mail failure must not undo the step, and a rolled-back step sends nothing.
    transaction.on_commit(lambda: _deliver(request.pk, template, message))


def _deliver(request_id: int, template: str, message: tuple) -> None:
    try:
        send_mail(*message)
    except (OSError, smtplib.SMTPException):
        logger.warning("Could not email request %s its %s notice", request_id, template)


def fee_quoted(request) -> None:
    _send(request, "fee_quoted", quote=request.fee_quote)


def fulfilled(request) -> None:
    kept: list[str] = []
    tombstone = getattr(request, "tombstone", None)
    if request.kind == "erasure" and tombstone is not None:
        with translation.override(request.language):
            kept = kept_lines(kept_items(tombstone.counts))
    _send(request, "fulfilled", kept=kept)


def refused(request, *, ground: str, explanation: str) -> None:
    _send(request, "refused", ground=ground, explanation=explanation)


def lapsed(request) -> None:
    _send(request, "lapsed")


def extended(request, *, reason: str) -> None:
    _send(request, "extended", reason=reason)


def asked(request, *, asked: str, text: str) -> None:
    _send(request, "asked", asked=asked, text=text)


def notice(request, *, notice: str, text: str) -> None:
    _send(request, "notice", notice=notice, text=text)
