"""Signal receivers: install the defaults, link a visitor to the user who signs in, and
forget the cached declarations version when a declaration changes."""

from privacy_office import clock


def install_cookies(using="default", **kwargs) -> None:
    from cookies.models import CookieCategory
    from cookies.seed import cookies_install
    from privacy_office.installing import install_when_migrated

    install_when_migrated(CookieCategory, cookies_install, using)


def link_visitor_on_login(sender, request, user, **kwargs) -> None:
    from cookies.services import visitor_link

    visitor_id = getattr(request, "visitor_id", None)
    # On a public or shared computer the browser's earlier choices are not this person's.
    if visitor_id and not request.POST.get("shared_computer"):
        visitor_link(visitor_id=visitor_id, user=user, now=clock.now())


def declarations_changed(**kwargs) -> None:
    from django.db import transaction

    from cookies.selectors import declarations_version_forget

    # Again after commit: a request between the two could cache the old version.
    declarations_version_forget()
    transaction.on_commit(declarations_version_forget)
