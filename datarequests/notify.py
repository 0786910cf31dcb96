"""Messages to requesters, from templates, in the requester's language."""

from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

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
    from datarequests.selectors import payment_details_of

    _send(request, "fee_quoted", quote=request.fee_quote, payment=payment_details_of(request))


def fee_receipt(request, *, payment) -> None:
    _send(request, "fee_receipt", payment=payment)


def fulfilled(request) -> None:
    from datarequests.links import export_link

    export = getattr(request, "export", None)
    # No account to sign in to: the export comes as a signed link to the verified address.
    link = export_link(export) if request.requester_id is None and export is not None else ""
    _send(request, "fulfilled", download_link=link)


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
