"""What is notified about critical tickets, and how a delivery attempt is judged.

Pure decisions for the notification dispatcher: the channels and delivery states, checks of a
site's settings (webhook URL, e-mail addresses, language), whether a ticket *became* critical
after a channel was switched on (opened or reopened critical, or escalated to critical), how an
HTTP answer is judged (delivered, retry later, failed for good) and when the next try is due.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email


class Channel(StrEnum):
    WEBHOOK = "webhook"
    EMAIL = "email"


class DeliveryState(StrEnum):
    PENDING = "pending"  # a webhook not yet accepted, or a ticket waiting for its site's digest
    DELIVERED = "delivered"
    FAILED = "failed"  # given up: the receiver refused it, or every attempt failed
    SKIPPED = "skipped"  # critical already before the channel was switched on: never sent


class Outcome(StrEnum):
    DELIVERED = "delivered"
    RETRY = "retry"
    FAILED = "failed"


class Language(StrEnum):
    ID = "id"
    EN = "en"


class SettingsError(ValueError):
    """A notification setting that cannot be used; the message names it (nothing changed)."""


MAX_URL = 2000
MAX_RECIPIENTS = 20
_FINISHED = frozenset({"closed", "auto_resolved"})


def checked_webhook_url(url: str) -> str:
    """The URL when it is an absolute http(s) URL with a host and no credentials in it."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        port = parts.port  # raises on a port that is not a number in range
    except ValueError:
        raise SettingsError(f"URL webhook tidak sah: {text[:80]!r}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or len(text) > MAX_URL:
        raise SettingsError(f"URL webhook harus http:// atau https:// dengan host: {text[:80]!r}")
    if parts.username or parts.password:
        raise SettingsError("URL webhook tidak boleh memuat nama pengguna atau kata sandi")
    del port
    return text


def checked_recipients(addresses: Iterable[str]) -> tuple[str, ...]:
    """The addresses, normalised (domain lower-cased), each checked for syntax; no look-ups."""
    found: list[str] = []
    for address in (a.strip() for a in addresses):
        if not address:
            continue
        try:
            valid = validate_email(address, check_deliverability=False)
        except EmailNotValidError as exc:
            raise SettingsError(f"alamat e-mail tidak sah: {address[:80]!r} ({exc})") from None
        if valid.normalized not in found:
            found.append(valid.normalized)
    if not found:
        raise SettingsError("daftar e-mail kosong")
    if len(found) > MAX_RECIPIENTS:
        raise SettingsError(f"paling banyak {MAX_RECIPIENTS} alamat e-mail per situs")
    return tuple(found)


def checked_language(text: str) -> Language:
    try:
        return Language(text.strip().lower())
    except ValueError:
        raise SettingsError(f"bahasa harus id atau en, bukan {text[:20]!r}") from None


@dataclass(frozen=True)
class TicketEventView:
    """What the notification check needs of a ticket event."""

    at: datetime
    from_status: str | None
    to_status: str
    changes: Any


def became_critical(events: Sequence[TicketEventView], since: datetime) -> bool:
    """Whether a ticket that is critical now became so at or after ``since``: it was opened or
    reopened then (it is critical, so it was opened critical or escalated afterwards, which is
    a later event), or an event moved its severity to critical. False for a ticket critical
    before the channel was switched on whose evidence merely changed since."""
    for event in events:
        if event.at < since:
            continue
        if event.from_status is None or event.from_status in _FINISHED:
            return True
        severity = event.changes.get("severity") if isinstance(event.changes, dict) else None
        if isinstance(severity, list) and severity[-1:] == ["critical"]:
            return True
    return False


def judge_answer(status: int | None) -> Outcome:
    """A webhook answer judged: 2xx delivered; 408, 429, 5xx and no answer at all (timeout,
    refused connection: ``None``) retried; any other status refused for good."""
    if status is None or status in (408, 429) or status >= 500:
        return Outcome.RETRY
    if 200 <= status < 300:
        return Outcome.DELIVERED
    return Outcome.FAILED


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff: ``first`` after the first failure, doubling, at most ``longest``;
    given up after ``attempts`` tries."""

    attempts: int = 8
    first: timedelta = timedelta(seconds=30)
    longest: timedelta = timedelta(hours=1)

    def next_try(self, attempts_made: int, now: datetime) -> datetime | None:
        """When to try again after ``attempts_made`` failed tries; None when it is given up."""
        if attempts_made >= self.attempts:
            return None
        delay = self.first * (1 << max(attempts_made - 1, 0))
        return now + min(delay, self.longest)
