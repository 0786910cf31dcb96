"""The one rule of staff sign-in (policy G): a staff account's permissions hold only in a
session verified by a second factor, whatever the door (admin, pages, API).

django-otp's middleware gives every request's user ``is_verified()``; the API's token
authentication gives its users one that answers False (a token is one factor). A user
loaded outside a request (a task, a command, a service's argument) carries no such mark and
is not judged here: the rule is about who is at the door.
"""

from django.utils.translation import gettext_lazy as _

SECOND_FACTOR_NEEDED = _(
    "Staff permissions need a sign-in verified by a second factor: sign in to the admin "
    "with your one-time code."
)


def is_staff_account(user) -> bool:
    return bool(getattr(user, "is_staff", False) or getattr(user, "is_superuser", False))


def second_factor_missing(user) -> bool:
    """True for a staff account at a door whose sign-in was not verified by a second factor."""
    is_verified = getattr(user, "is_verified", None)
    return is_staff_account(user) and is_verified is not None and not is_verified()
