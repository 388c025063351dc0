"""Login rate limiting, kept in the database so every collector replica counts the same
failures: after ``MAX_FAILURES`` failed logins of one user name from one client address within
``WINDOW`` further attempts are refused until the window (counted from the first failure) has
passed; a successful login clears the count."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from collector.adapters.db.models import LoginAttemptRow

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)


@dataclass(frozen=True)
class Blocked:
    """Logins are refused for ``retry_after`` more seconds."""

    retry_after: int


def blocked(session: Session, name: str, address: str, now: datetime) -> Blocked | None:
    """Whether this name and address may try now; the wait when they may not."""
    row = session.get(LoginAttemptRow, (name[:64], address[:64]))
    if row is None or row.failures < MAX_FAILURES or row.window_start + WINDOW <= now:
        return None
    return Blocked(max(1, int((row.window_start + WINDOW - now).total_seconds() + 0.999)))


def record_failure(session: Session, name: str, address: str, now: datetime) -> None:
    """Count one failed login; a window that has passed starts again at this failure."""
    key = (name[:64], address[:64])
    row = session.get(LoginAttemptRow, key, with_for_update=True)
    if row is None:
        session.add(LoginAttemptRow(user_name=key[0], address=key[1], failures=1,
                                    window_start=now))  # fmt: skip
    elif row.window_start + WINDOW <= now:
        row.failures, row.window_start = 1, now
    else:
        row.failures += 1


def clear_failures(session: Session, name: str, address: str) -> None:
    """Forget the failures after a successful login."""
    session.execute(
        delete(LoginAttemptRow).where(
            LoginAttemptRow.user_name == name[:64], LoginAttemptRow.address == address[:64]
        )
    )


def forget_old(session: Session, now: datetime) -> None:
    """Drop counts whose window has passed (they block nothing; the table stays small)."""
    session.execute(delete(LoginAttemptRow).where(LoginAttemptRow.window_start <= now - WINDOW))
