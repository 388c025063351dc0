"""Operators of the collector: roles, site scope, API tokens (hashed, shown once)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from collector.adapters.db.models import ApiTokenRow, SiteRow, UserRow
from collector.domain.credentials import new_secret, secret_hash
from collector.errors import Refused, RegisterError

Clock = Callable[[], datetime]
API_TOKEN_PREFIX = "asetik-api-"  # noqa: S105 - a prefix, not a secret
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")


class Role(StrEnum):
    VIEWER = "viewer"
    OPERATOR = "operator"
    PLANNER = "planner"
    ADMIN = "admin"


@dataclass(frozen=True)
class Viewer:
    """An authenticated API user; ``site_id`` None means every site (Pusdatin)."""

    user_id: int
    name: str
    role: Role
    site_id: int | None


# Whoever runs asetik-collector on the collector's host already holds the database: the
# commands act with every right and every site.
CLI_ADMIN = Viewer(user_id=0, name="cli", role=Role.ADMIN, site_id=None)


class UserService:
    """Creates users and their API tokens, and checks tokens on every API call."""

    def __init__(self, sessions: sessionmaker[Session], clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock

    def create(self, name: str, role: str, site: str | None, password: str | None) -> int:
        """Add a user; the password (for the web UI) is stored as an argon2 hash."""
        if not _NAME.match(name):
            raise RegisterError(f"nama pengguna tidak sah: {name!r} (huruf kecil, angka, . _ -)")
        try:
            chosen = Role(role)
        except ValueError:
            raise RegisterError(f"peran tidak dikenal: {role!r}") from None
        if password is not None and len(password) < 12:
            raise RegisterError("kata sandi minimal 12 karakter")
        with self._sessions.begin() as session:
            if session.scalar(select(UserRow.id).where(UserRow.name == name)) is not None:
                raise RegisterError(f"pengguna {name} sudah ada")
            site_id = None
            if site:
                site_id = session.scalar(select(SiteRow.id).where(SiteRow.code == site.upper()))
                if site_id is None:
                    raise RegisterError(f"situs {site!r} tidak dikenal")
            hashed = PasswordHasher().hash(password) if password else None
            row = UserRow(name=name, role=chosen.value, site_id=site_id,
                          password_hash=hashed, created_at=self._clock())  # fmt: skip
            session.add(row)
            session.flush()
            return row.id

    def issue_token(self, name: str) -> str:
        """A new API token for the user, returned once."""
        token = new_secret(API_TOKEN_PREFIX)
        with self._sessions.begin() as session:
            user_id = session.scalar(
                select(UserRow.id).where(UserRow.name == name, UserRow.disabled_at.is_(None))
            )
            if user_id is None:
                raise RegisterError(f"pengguna {name!r} tidak dikenal")
            session.add(ApiTokenRow(user_id=user_id, secret_hash=secret_hash(token),
                                    created_at=self._clock()))  # fmt: skip
        return token

    def authenticate(self, token: str) -> Viewer:
        """The user a token belongs to; Refused(401) when unknown, revoked or disabled."""
        with self._sessions() as session:
            found = session.execute(
                select(UserRow, ApiTokenRow.revoked_at)
                .join(ApiTokenRow, ApiTokenRow.user_id == UserRow.id)
                .where(ApiTokenRow.secret_hash == secret_hash(token))
            ).first()
        if found is None or found[1] is not None or found[0].disabled_at is not None:
            raise Refused(401, "invalid_token", "token API tidak dikenal atau dicabut")
        user = found[0]
        return Viewer(user.id, user.name, Role(user.role), user.site_id)
