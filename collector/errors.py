"""The one error for a refused request: an HTTP status, a stable code and a clear message."""

from __future__ import annotations


class Refused(Exception):  # noqa: N818 - reads as "raise Refused(403, ...)"
    """A request the collector refuses; nothing was changed."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


class RegisterError(ValueError):
    """A command the register refuses (unknown site, duplicate code...): nothing changed."""
