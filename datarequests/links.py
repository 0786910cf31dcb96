"""Signed download links for the exports of requesters without an account (issue 15, item
2): mailed to the address their one-time code proved, valid while the export's own link
is (``Export.expires_at``), and for that export only (a rebuilt export needs a new link)."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "datarequests.export_link"


def export_link(export) -> str:
    """Return the absolute link that downloads this export without signing in."""
    token = signing.dumps({"request": export.request_id, "export": export.pk}, salt=SALT)
    return settings.SITE_URL + reverse("requests:public-export", args=[token])


def export_link_read(token: str) -> tuple[int, int] | None:
    """Return (request id, export id) a link names, or None when it was not made here."""
    try:
        value = signing.loads(token, salt=SALT)
        return int(value["request"]), int(value["export"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


# A text message is short: it links to the full text of what it tells (kept on the request
# as ``SentMessage.full_text``), readable without signing in for this long.
MESSAGE_SALT = "datarequests.message_link"
MESSAGE_LINK_DAYS = 90


def message_link(message) -> str:
    """Return the absolute link that shows the full text of a message sent by SMS."""
    token = signing.dumps({"message": message.pk}, salt=MESSAGE_SALT)
    return settings.SITE_URL + reverse("requests:public-message", args=[token])


def message_link_read(token: str) -> int | None:
    """Return the id of the message a link names, or None when it was not made here or is
    older than ``MESSAGE_LINK_DAYS``."""
    try:
        value = signing.loads(token, salt=MESSAGE_SALT, max_age=MESSAGE_LINK_DAYS * 24 * 3600)
        return int(value["message"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
