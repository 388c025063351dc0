"""Web UI logins and sessions, all state in the database (replicas stay stateless).

A session is a random token in a cookie; the database keeps only its SHA-256 (a leaked table
does not log anyone in) with the session's CSRF token and two limits: idle (``IDLE``, moved on
by use) and absolute (``ABSOLUTE`` from login). Passwords are checked against the user's argon2
hash; an unknown name is checked against a dummy hash so both failures cost the same time and
give the same answer.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from collector.adapters.db.models import SiteRow, UserRow, WebSessionRow
from collector.domain.credentials import new_secret, secret_hash
from collector.errors import Refused
from collector.services import login_limits
from collector.services.users import Role, Viewer

Clock = Callable[[], datetime]
IDLE = timedelta(hours=8)
ABSOLUTE = timedelta(days=7)
TOUCH_EVERY = timedelta(minutes=1)  # last-seen writes at most this often per session
SESSION_PREFIX = "asetik-web-"
_HASHER = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """A hash no password matches, made on first use (not at import)."""
    return _HASHER.hash(secrets.token_urlsafe(32))


@dataclass(frozen=True)
class WebUser:
    """The signed-in user of a request, with what the layout shows and the form token."""

    viewer: Viewer
    site_code: str | None
    csrf_token: str


class LoginRefused(Refused):
    """Wrong name or password (one message for both), or too many failures (429)."""

    def __init__(self, status: int, retry_after: int | None = None) -> None:
        super().__init__(status, "login_refused", "login refused")
        self.retry_after = retry_after


class WebSessionService:
    """Logs users in and out and finds the user behind a session cookie."""

    def __init__(self, sessions: sessionmaker[Session], clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock

    def login(self, name: str, password: str, address: str) -> str:
        """A new session token for a right name and password; LoginRefused(401) otherwise,
        LoginRefused(429, retry_after) while this name and address are rate limited."""
        now = self._clock()
        with self._sessions.begin() as session:
            wait = login_limits.blocked(session, name, address, now)
            if wait is not None:
                raise LoginRefused(429, wait.retry_after)
            user = session.scalar(select(UserRow).where(UserRow.name == name))
        if not _password_matches(user, password):
            self._count_failure(name, address, now)
            raise LoginRefused(401)
        assert user is not None  # noqa: S101 - _password_matches is False without a user
        token = new_secret(SESSION_PREFIX)
        with self._sessions.begin() as session:
            login_limits.clear_failures(session, name, address)
            login_limits.forget_old(session, now)
            session.execute(delete(WebSessionRow).where(WebSessionRow.expires_at <= now))
            session.add(WebSessionRow(token_hash=secret_hash(token), user_id=user.id,
                                      csrf_token=secrets.token_urlsafe(32), created_at=now,
                                      last_seen_at=now, expires_at=now + IDLE))  # fmt: skip
        return token

    def _count_failure(self, name: str, address: str, now: datetime) -> None:
        """One more failure; a first failure racing another replica's insert is retried."""
        for _ in range(2):
            try:
                with self._sessions.begin() as session:
                    login_limits.record_failure(session, name, address, now)
            except IntegrityError:
                continue
            return

    def user_of(self, token: str) -> WebUser | None:
        """The user of a live session (its idle limit moved on); None when the token is
        unknown, expired or the user disabled (an expired session is deleted)."""
        now = self._clock()
        with self._sessions.begin() as session:
            found = session.execute(
                select(WebSessionRow, UserRow, SiteRow.code)
                .join(UserRow, UserRow.id == WebSessionRow.user_id)
                .outerjoin(SiteRow, SiteRow.id == UserRow.site_id)
                .where(WebSessionRow.token_hash == secret_hash(token))
            ).first()
            if found is None:
                return None
            row, user, site_code = found
            if row.expires_at <= now or user.disabled_at is not None:
                session.delete(row)
                return None
            if now - row.last_seen_at >= TOUCH_EVERY:
                row.last_seen_at = now
                row.expires_at = min(now + IDLE, row.created_at + ABSOLUTE)
            viewer = Viewer(user.id, user.name, Role(user.role), user.site_id)
            return WebUser(viewer, site_code, row.csrf_token)

    def logout(self, token: str) -> None:
        """End the session: the token no longer finds anyone."""
        with self._sessions.begin() as session:
            session.execute(
                delete(WebSessionRow).where(WebSessionRow.token_hash == secret_hash(token))
            )


def _password_matches(user: UserRow | None, password: str) -> bool:
    """Verify against the user's hash, or the dummy one (same cost) when there is none."""
    usable = user is not None and user.disabled_at is None and user.password_hash is not None
    stored = user.password_hash if user is not None and user.password_hash else _dummy_hash()
    try:
        _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False
    return usable
