from cookies.selectors import categories_with_cookies, consent_current, consent_needed
from privacy_office import clock


def cookie_banner(request) -> dict:
    """Tell every page whether to show the banner (no decision, expired, or cookies changed)."""
    visitor_id = getattr(request, "visitor_id", None)
    if visitor_id is None or request.path.startswith("/admin/"):
        return {}
    consent = consent_current(visitor_id=visitor_id, user=getattr(request, "user", None))
    if not consent_needed(consent, now=clock.now()):
        return {"cookie_banner": False}
    return {
        "cookie_banner": True,
        "cookie_categories": [c for c in categories_with_cookies() if not c.always_on],
    }
