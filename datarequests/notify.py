"""Messages to requesters, from templates, in the requester's language."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation


def _send(request, template: str, **context) -> None:
    if not request.requester_email:
        return  # a postal requester gets the written reply letter instead
    with translation.override(request.language):
        subject = render_to_string(
            f"datarequests/email/{template}_subject.txt", {"request": request, **context}
        )
        body = render_to_string(
            f"datarequests/email/{template}.txt", {"request": request, **context}
        )
    send_mail(
        " ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [request.requester_email]
    )


def fee_quoted(request) -> None:
    _send(request, "fee_quoted", quote=request.fee_quote)


def fulfilled(request) -> None:
    _send(request, "fulfilled")


def refused(request, *, ground: str, explanation: str) -> None:
    _send(request, "refused", ground=ground, explanation=explanation)


def lapsed(request) -> None:
    _send(request, "lapsed")


def extended(request, *, reason: str) -> None:
    _send(request, "extended", reason=reason)
