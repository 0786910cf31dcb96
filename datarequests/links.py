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
