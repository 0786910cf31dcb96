"""The cookie categories of policy E and the cookies this site declares at the start."""

from django.utils.translation import gettext_noop

NECESSARY = "necessary"
CATEGORIES = [
    (
        NECESSARY,
        gettext_noop("Strictly necessary"),
        gettext_noop(
            "Sign-in, security of forms, your language and the record of your cookie choices. "
            "The site cannot work without them, so they cannot be turned off."
        ),
        True,
    ),
    (
        "identification",
        gettext_noop("Identification"),
        gettext_noop(
            "Remember you so you do not have to re-enter your registration or account "
            "information (policy E.i)."
        ),
        False,
    ),
    (
        "statistics",
        gettext_noop("Statistics"),
        gettext_noop("Count visits and pages to improve the site (policy E.ii)."),
        False,
    ),
    (
        "ad_targeting",
        gettext_noop("Ad targeting"),
        gettext_noop(
            "Study access patterns and show ads that match your interests (policy E.iii)."
        ),
        False,
    ),
    (
        "partner_tracking",
        gettext_noop("Partner tracking"),
        gettext_noop(
            "Help partners track visits from their sites and process orders (policy E.iv)."
        ),
        False,
    ),
    (
        "promotions",
        gettext_noop("Promotions"),
        gettext_noop("Track your progress in promotional activities (policy E.v)."),
        False,
    ),
]
DECLARATIONS = [  # purposes and lifetimes are shown translated while unchanged
    (
        "sessionid",
        "",
        NECESSARY,
        gettext_noop("Keeps you signed in."),
        gettext_noop("2 weeks or the browser session"),
        True,
    ),
    (
        "csrftoken",
        "",
        NECESSARY,
        gettext_noop("Protects forms against forgery."),
        gettext_noop("1 year"),
        True,
    ),
    (
        "django_language",
        "",
        NECESSARY,
        gettext_noop("Remembers the language you chose."),
        gettext_noop("browser session"),
        True,
    ),
    (
        "messages",
        "",
        NECESSARY,
        gettext_noop("Carries a one-time notice to the next page."),
        gettext_noop("until shown"),
        True,
    ),
    (
        "po_visitor",
        "",
        NECESSARY,
        gettext_noop("Identifies this browser so your cookie choices are kept and can be proven."),
        gettext_noop("13 months"),
        True,
    ),
    (
        "po_login_hint",
        "",
        "identification",
        gettext_noop("Remembers your user name on the sign-in form."),
        gettext_noop("30 days"),
        True,
    ),
    (
        "po_stats",
        "",
        "statistics",
        gettext_noop("Counts your visits for unique-visitor statistics."),
        gettext_noop("13 months"),
        True,
    ),
    (
        "_ad_interest",
        "ads.partner.example",
        "ad_targeting",
        gettext_noop("Interest profile for ads."),
        gettext_noop("90 days"),
        False,
    ),
    (
        "_partner_ref",
        "partner.example",
        "partner_tracking",
        gettext_noop("Which partner site sent you, for orders made through it."),
        gettext_noop("30 days"),
        False,
    ),
    (
        "po_promo",
        "",
        "promotions",
        gettext_noop("Your progress in a promotion."),
        gettext_noop("30 days"),
        True,
    ),
]


def cookies_install() -> None:
    """Create the categories and declarations that are missing (staff edits are kept)."""
    from cookies.models import CookieCategory, CookieDeclaration

    for position, (code, title, description, always_on) in enumerate(CATEGORIES):
        CookieCategory.objects.get_or_create(
            code=code,
            defaults={
                "title": title,
                "description": description,
                "always_on": always_on,
                "position": position,
            },
        )
    categories = {c.code: c for c in CookieCategory.objects.all()}
    for name, domain, category, purpose, lifetime, first_party in DECLARATIONS:
        CookieDeclaration.objects.get_or_create(
            name=name,
            domain=domain,
            defaults={
                "category": categories[category],
                "purpose": purpose,
                "lifetime": lifetime,
                "first_party": first_party,
            },
        )
