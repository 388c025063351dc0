"""What the package probes return: typed records of the ``software`` and ``updates`` sections.

Also the few value rules every package parser shares (length limits of the schema, dates in UTC),
so that dpkg, rpm, apt and dnf output all land in the same shape.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal, NotRequired, TypedDict

# The schema's limits: a `short` string, and the item counts of `softwares` and `updates.pending`.
MAX_SHORT = 256
MAX_SOFTWARE = 50_000
MAX_PENDING = 20_000


class Software(TypedDict):
    """One installed package (`$defs/software`)."""

    name: str
    version: str | None
    arch: str | None
    publisher: str | None
    install_date: str | None
    source: Literal["dpkg", "rpm"]


class PendingUpdate(TypedDict):
    """One installed package that has a newer candidate (`$defs/pending_update`)."""

    name: str
    installed_version: str | None
    available_version: str | None
    arch: str | None
    origin: str | None
    security: NotRequired[bool]
    severity: NotRequired[str | None]
    kb: NotRequired[list[str]]


class Updates(TypedDict):
    """The `updates` section (`$defs/updates`)."""

    manager: Literal["apt", "dnf", "yum"]
    checked_at: str | None
    pending_count: int
    security_count: int | None
    pending: list[PendingUpdate]


def short_text(value: str | None) -> str | None:
    """The value stripped, or None when empty or longer than the schema allows.

    A package field longer than 256 characters is not a real name or version: it is dropped
    rather than cut, so that a truncated value never passes for a real one.
    """
    if value is None:
        return None
    text = value.strip()
    if not text or len(text) > MAX_SHORT:
        return None
    return text


def utc_date(seconds: float) -> str | None:
    """The UTC calendar date (YYYY-MM-DD) of a Unix time, None when it is out of range."""
    try:
        return datetime.fromtimestamp(seconds, UTC).date().isoformat()
    except (OverflowError, OSError, ValueError):
        return None


def utc_timestamp(seconds: float) -> str | None:
    """The ISO 8601 UTC timestamp of a Unix time, None when it is out of range."""
    try:
        return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds")
    except (OverflowError, OSError, ValueError):
        return None


def summarise_updates(
    manager: Literal["apt", "dnf", "yum"],
    pending: list[PendingUpdate],
    checked_at: str | None,
    *,
    security_known: bool = True,
) -> Updates:
    """The `updates` section for a pending list: counts added, the list capped at the schema's
    maximum (the count still tells the true number). ``security_known`` False gives a null
    security count, for when advisory data could not be read."""
    security = sum(1 for item in pending if item.get("security")) if security_known else None
    return {
        "manager": manager,
        "checked_at": checked_at,
        "pending_count": len(pending),
        "security_count": security,
        "pending": pending[:MAX_PENDING],
    }
