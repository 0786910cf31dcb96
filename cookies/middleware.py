"""Cookie consent on the server (policy E): every response keeps only the cookies allowed.

On the way in: give the browser a visitor id (a strictly necessary cookie) and
read its current consent. On the way out: drop every ``Set-Cookie`` of a
declared non-necessary cookie the visitor has not consented to, expire such
cookies the browser still holds, honour Global Privacy Control, and warn about
cookies set without a declaration.
"""

import logging
import secrets

from cookies.models import Method, SaleOptOut
from cookies.selectors import (
    AD_CATEGORIES,
    allowed_categories,
    consent_current,
    consent_needed,
    declared_cookies,
    optional_category_codes,
    sale_opted_out,
)
from cookies.services import consent_record, sale_opt_out, undeclared_cookie_note
from privacy_office import clock
from privacy_office.client_ip import client_ip

VISITOR_COOKIE = "po_visitor"
VISITOR_MAX_AGE = 395 * 24 * 60 * 60
logger = logging.getLogger("cookies")


def sends_gpc(request) -> bool:
    return request.headers.get("Sec-GPC", "").strip() == "1"


class CookieConsentMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        visitor_id = request.COOKIES.get(VISITOR_COOKIE, "")
        new_visitor = not (8 <= len(visitor_id) <= 64 and visitor_id.isalnum())
        if new_visitor:
            visitor_id = secrets.token_hex(16)
        request.visitor_id = visitor_id
        request.visitor_is_new = new_visitor
        response = self.get_response(request)
        if new_visitor:
            response.set_cookie(
                VISITOR_COOKIE,
                visitor_id,
                max_age=VISITOR_MAX_AGE,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        self._enforce(request, response)
        return response

    def _enforce(self, request, response) -> None:
        now = clock.now()
        user = getattr(request, "user", None)
        consent = consent_current(visitor_id=request.visitor_id, user=user)
        gpc = sends_gpc(request)
        signed_in = user is not None and user.is_authenticated
        opted_in_with_signal = (
            consent is not None
            and consent.gpc
            and any(consent.allows(code) for code in AD_CATEGORIES)
        )
        if gpc and signed_in and not opted_in_with_signal and not sale_opted_out(user):
            # A signal from a signed-in user is their account's opt-out of sale and sharing
            # (CCPA): remembered, and honoured on every browser they sign in on.
            sale_opt_out(
                visitor_id=request.visitor_id,
                user=user,
                source=SaleOptOut.Source.GPC,
                gpc=True,
                ip=client_ip(request),
                user_agent=request.headers.get("User-Agent", ""),
                now=now,
            )
            consent = consent_current(visitor_id=request.visitor_id, user=user)
        elif (
            gpc
            and consent is not None
            and not consent.gpc
            and not consent_needed(consent, now=now)
            and any(consent.allows(code) for code in AD_CATEGORIES)
        ):
            # The signal withdraws a current grant: record it, as proof, once. (An expired or
            # outdated consent allows nothing anyway, and must not be renewed by this.)
            choices = {code: consent.allows(code) for code in optional_category_codes()}
            consent_record(
                visitor_id=request.visitor_id,
                user=user,
                choices={**choices, **dict.fromkeys(AD_CATEGORIES, False)},
                method=Method.GPC,
                gpc=True,
                ip=client_ip(request),
                user_agent=request.headers.get("User-Agent", ""),
                now=now,
            )
            consent = consent_current(visitor_id=request.visitor_id, user=user) or consent
        opted_out = gpc or (signed_in and sale_opted_out(user))
        allowed = allowed_categories(consent, now=now, gpc=opted_out)
        declared = declared_cookies()
        for name in list(response.cookies):
            category = declared.get(name)
            if category is None:
                logger.warning("Undeclared cookie %s set on %s", name, request.path)
                undeclared_cookie_note(name=name, path=request.path, now=now)
                continue
            if category not in allowed and response.cookies[name]["max-age"] != 0:
                del response.cookies[name]
        for name in request.COOKIES:
            category = declared.get(name)
            if category is not None and category not in allowed and name not in response.cookies:
                response.delete_cookie(name)
