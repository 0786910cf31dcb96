"""Messages to requesters, from templates, in the requester's language."""

from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from datarequests.erasure import kept_items, kept_lines
from privacy_office import clock

logger = logging.getLogger("datarequests")


EMAIL, LETTER, SMS = "email", "letter", "sms"


def sent_by(request) -> str:
    """Return how a notice reaches the requester: by email; to one known only by a phone
    number (no email, no postal address), by text message; else by a letter staff post."""
    if request.requester_email:
        return EMAIL
    if request.requester_phone and not request.postal_address:
        return SMS
    return LETTER


def _compose(request, template: str, context: dict) -> tuple[str, str]:
    """Return the subject and text: staff's wording for the language if there is one
    (*Correspondence templates*), else the product's own."""
    from datarequests.models import CorrespondenceTemplate

    context = {"request": request, **context}
    custom = CorrespondenceTemplate.objects.filter(key=template, language=request.language).first()
    with translation.override(request.language):
        if custom is not None:
            return (
                Template(custom.subject).render(Context(context)),
                Template(custom.body).render(Context(context)),
            )
        return (
            render_to_string(f"datarequests/email/{template}_subject.txt", context),
            render_to_string(f"datarequests/email/{template}.txt", context),
        )


def _send(request, template: str, *, post_by=None, **context) -> None:
    """Email the message; to a requester known only by a phone number, text it (``_text``);
    else keep it as a letter for staff to print and post (``letters.notice_letter_pdf``).
    Either way it is kept on the request as it was sent, tied to the step it tells of (the
    one just recorded)."""
    from datarequests.models import MessageChannel, SentMessage

    by = sent_by(request)
    by_letter = by == LETTER
    subject, body = _compose(
        request, template, {**context, "by_letter": by_letter, "by_text": by == SMS}
    )
    subject = " ".join(subject.split())
    # Kept on the request as it was sent (issue 15): what the requester was told, and when;
    # but never a download link, which opens the export to whoever holds it, unaudited.
    link = context.get("download_link")
    kept_body = body.replace(link, str(_("[the download link sent]"))) if link else body
    if by == SMS:
        _text(request, template, subject=subject, full_text=kept_body, download_link=link)
        return
    stored = SentMessage.objects.create(
        request=request,
        key=template,
        language=request.language,
        channel=MessageChannel.LETTER if by_letter else MessageChannel.EMAIL,
        to=request.postal_address if by_letter else request.requester_email,
        subject=subject[:300],
        body=kept_body,
        sent_at=clock.now(),
        event=request.events.order_by("-at", "-pk").first(),
        post_by=post_by if by_letter else None,
    )
    if by_letter:
        logger.info("Request %s: a %s letter waits to be posted", request.pk, template)
        if template == "asked":
            from datarequests.services.letters import ask_letter_clock_refresh

            ask_letter_clock_refresh(request, now=clock.now())
        return
    message = (subject, body, settings.DEFAULT_FROM_EMAIL, [request.requester_email])
    # After commit: a mail failure must not undo the step, and a rolled-back step sends nothing.
    transaction.on_commit(lambda: _deliver(request.pk, template, message, stored.pk))


def _text(request, template: str, *, subject: str, full_text: str, download_link: str) -> None:
    """Text a requester known only by a phone number: the subject and one link, to the
    export itself for a reply that has one, else to the message's full text."""
    from datarequests.links import message_link
    from datarequests.models import MessageChannel, SentMessage

    stored = SentMessage.objects.create(
        request=request,
        key=template,
        language=request.language,
        channel=MessageChannel.SMS,
        to=request.requester_phone,
        subject=subject[:300],
        body="",
        full_text=full_text,
        sent_at=clock.now(),
        event=request.events.order_by("-at", "-pk").first(),
    )
    with translation.override(request.language):
        if download_link:
            text = _(
                "%(subject)s. Download your copy within 14 days; it is for you alone: %(link)s"
            )
            placeholder = _("[the download link sent]")
        else:
            text = _("%(subject)s. Read the message: %(link)s")
            placeholder = _("[the link to the message sent]")
        link = download_link or message_link(stored)
        body = text % {"subject": subject, "link": link}
        stored.body = text % {"subject": subject, "link": placeholder}
    stored.save(update_fields=["body"])
    logger.info("Request %s: its %s notice goes by text message", request.pk, template)
    transaction.on_commit(lambda: _deliver_text(request.pk, template, body, stored.pk))


def _deliver_text(request_id: int, template: str, body: str, stored_id: int) -> None:
    from sms import send_sms

    from datarequests.models import SentMessage

    to = SentMessage.objects.values_list("to", flat=True).get(pk=stored_id)
    try:
        send_sms(body, settings.DEFAULT_FROM_SMS, [to])
    except Exception:  # any gateway's error: the step stands, the failure is shown to staff
        logger.warning("Could not text request %s its %s notice", request_id, template)
        SentMessage.objects.filter(pk=stored_id).update(failed_at=clock.now())


def _deliver(request_id: int, template: str, message: tuple, stored_id: int | None = None) -> None:
    from datarequests.models import SentMessage

    try:
        send_mail(*message)
    except (OSError, smtplib.SMTPException):
        logger.warning("Could not email request %s its %s notice", request_id, template)
        if stored_id is not None:
            SentMessage.objects.filter(pk=stored_id).update(failed_at=clock.now())


def fee_quoted(request) -> None:
    from datarequests.selectors import payment_details_of

    _send(request, "fee_quoted", quote=request.fee_quote, payment=payment_details_of(request))


def fee_receipt(request, *, payment) -> None:
    _send(request, "fee_receipt", payment=payment)


def fulfilled(request) -> None:
    from datarequests.links import export_link

    export = getattr(request, "export", None)
    # No account to sign in to: the export comes as a signed link to the verified address
    # or phone number.
    link = export_link(export) if request.requester_id is None and export is not None else ""
    kept: list[str] = []
    tombstone = getattr(request, "tombstone", None)
    if request.kind == "erasure" and tombstone is not None:
        with translation.override(request.language):
            kept = kept_lines(kept_items(tombstone.counts))
    _send(request, "fulfilled", download_link=link, kept=kept, post_by=_reply_due_day(request))


def _reply_due_day(request):
    """The day the reply is due: a reply by letter must be posted by then."""
    from datarequests.calendars import local_day

    return local_day(request.jurisdiction, request.due_at) if request.due_at else None


def refused(request, *, ground: str, explanation: str) -> None:
    _send(
        request,
        "refused",
        ground=ground,
        explanation=explanation,
        post_by=_reply_due_day(request),
    )


def lapsed(request) -> None:
    _send(request, "lapsed")


def extended(request, *, reason: str, post_by=None) -> None:
    _send(request, "extended", reason=reason, post_by=post_by)


def asked(request, *, asked: str, text: str) -> None:
    _send(request, "asked", asked=asked, text=text)


def notice(request, *, notice: str, text: str, post_by=None) -> None:
    _send(request, "notice", notice=notice, text=text, post_by=post_by)
