"""Text from outside, made safe to store."""


def printable(text: object) -> str:
    """Return the text without control characters (PostgreSQL refuses NUL; none belongs in
    a stored name, code or note)."""
    return "".join(ch for ch in str(text) if ch.isprintable())
