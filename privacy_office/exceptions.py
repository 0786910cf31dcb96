"""Exceptions that the core's API exception handler answers for every app."""


class Conflict(Exception):
    """The thing asked for was already done, or moved on, by someone else (answered 409)."""


class Refused(ValueError):
    """Input that cannot be used, with a message that says why (answered 400 with it)."""
