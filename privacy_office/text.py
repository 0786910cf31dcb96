"""Text from outside, made safe to store; the type of text that may be translated later."""

from django.utils.functional import Promise

# A plain string, or a translatable one (gettext_lazy) rendered in the reader's language.
StrOrPromise = str | Promise


def printable(text: object) -> str:
    """Return the text without control characters (PostgreSQL refuses NUL; none belongs in
    a stored name, code or note)."""
    return "".join(ch for ch in str(text) if ch.isprintable())
