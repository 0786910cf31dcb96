"""Exceptions that the core's API exception handler answers for every app."""


class Conflict(Exception):
    """The thing asked for was already done, or moved on, by someone else (answered 409)."""
