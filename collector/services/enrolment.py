"""Sites, enrolment tokens and the credentials agents and pollers exchange them for."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session, sessionmaker

from collector.adapters.db.models import CredentialRow, EnrolmentTokenRow, SiteRow
from collector.domain.credentials import CREDENTIAL_PREFIX, TOKEN_PREFIX, new_secret, secret_hash
from collector.errors import Refused, RegisterError

Clock = Callable[[], datetime]
_CACHE_LIMIT = 100_000
_SITE_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,31}$")


@dataclass(frozen=True)
class Caller:
    """An authenticated agent or poller."""

    credential_id: int
    site_id: int
    site_code: str
    kind: str
    asset_id: int | None


class EnrolmentService:
    """Creates sites and tokens, enrols agents, and checks their credentials."""

    def __init__(
        self, sessions: sessionmaker[Session], clock: Clock, cache_seconds: float = 30.0
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._cache_seconds = cache_seconds
        # secret hash → (valid until, caller): every agent check-in authenticates, and most of
        # an unchanged check-in's cost would otherwise be this look-up. A revocation made in
        # this process clears it at once; one made by another process waits cache_seconds.
        self._callers: dict[str, tuple[float, Caller]] = {}

    def create_site(self, code: str, name: str, parent: str | None = None) -> int:
        """Add a site; its code is upper-case letters, digits, '-' or '_' (BBPOM-SBY)."""
        code = code.strip().upper()
        if not _SITE_CODE.match(code):
            raise RegisterError(f"kode situs tidak sah: {code!r} (huruf, angka, - atau _)")
        if not name.strip():
            raise RegisterError("nama situs tidak boleh kosong")
        with self._sessions.begin() as session:
            if session.scalar(select(SiteRow.id).where(SiteRow.code == code)) is not None:
                raise RegisterError(f"situs {code} sudah ada")
            parent_id = self._site_id(session, parent) if parent else None
            site = SiteRow(code=code, name=name.strip()[:200], parent_id=parent_id,
                           created_at=self._clock())  # fmt: skip
            session.add(site)
            session.flush()
            return site.id

    def create_token(self, site: str, ttl: timedelta, max_uses: int | None = None) -> str:
        """A new enrolment token for a site, valid for ``ttl``; returned once, stored hashed."""
        if ttl <= timedelta(0) or ttl > timedelta(days=365):
            raise RegisterError("masa berlaku token harus antara 1 detik dan 365 hari")
        if max_uses is not None and max_uses < 1:
            raise RegisterError("max_uses harus >= 1")
        token = new_secret(TOKEN_PREFIX)
        now = self._clock()
        with self._sessions.begin() as session:
            session.add(
                EnrolmentTokenRow(
                    site_id=self._site_id(session, site), token_hash=secret_hash(token),
                    created_at=now, expires_at=now + ttl, max_uses=max_uses, used_count=0,
                )
            )  # fmt: skip
        return token

    def enrol(self, token: str, kind: str, label: str | None) -> tuple[str, int]:
        """Exchange a valid enrolment token for a new credential: (credential, its id)."""
        now = self._clock()
        with self._sessions.begin() as session:
            row = session.scalar(
                select(EnrolmentTokenRow)
                .where(EnrolmentTokenRow.token_hash == secret_hash(token))
                .with_for_update()
            )
            row = _check_token(row, now)
            row.used_count += 1
            credential = new_secret(CREDENTIAL_PREFIX)
            stored = CredentialRow(
                site_id=row.site_id, token_id=row.id, secret_hash=secret_hash(credential),
                kind=kind, label=(label or "")[:256] or None, created_at=now,
            )  # fmt: skip
            session.add(stored)
            session.flush()
            return credential, stored.id

    def internal_poller(self, site: str, label: str = "internal:snmp") -> Caller:
        """The caller the collector's own poller ingests as for a site: a poller credential
        whose secret is never shown to anyone (only its hash exists), made on first use."""
        with self._sessions.begin() as session:
            site_id = self._site_id(session, site)
            row = session.scalar(
                select(CredentialRow).where(
                    CredentialRow.site_id == site_id,
                    CredentialRow.kind == "poller",
                    CredentialRow.label == label,
                    CredentialRow.token_id.is_(None),
                    CredentialRow.revoked_at.is_(None),
                )
            )
            if row is None:
                row = CredentialRow(
                    site_id=site_id, secret_hash=secret_hash(new_secret(CREDENTIAL_PREFIX)),
                    kind="poller", label=label, created_at=self._clock(),
                )  # fmt: skip
                session.add(row)
                session.flush()
            return Caller(row.id, site_id, site.strip().upper(), "poller", None)

    def remembered(self, credential: str) -> Caller | None:
        """The caller when this process looked the credential up a moment ago (no database
        access: the HTTP layer asks on its event loop first), else None."""
        cached = self._callers.get(secret_hash(credential))
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        return None

    def authenticate(self, credential: str) -> Caller:
        """The caller a credential belongs to; Refused(401) when unknown or revoked."""
        remembered = self.remembered(credential)
        if remembered is not None:
            return remembered
        digest = secret_hash(credential)
        caller = self._look_up(digest)
        if len(self._callers) > _CACHE_LIMIT:
            self._callers.clear()
        self._callers[digest] = (time.monotonic() + self._cache_seconds, caller)
        return caller

    def _look_up(self, digest: str) -> Caller:
        # The columns, not the ORM entity: an agent checking in hourly always misses the
        # cache, so this runs once per check-in. Ended by COMMIT, not the pool's ROLLBACK:
        # psycopg drops the connection's prepared statements on a ROLLBACK, and the ingest
        # that follows on the same pooled connection would plan every statement again.
        with self._sessions.begin() as session:
            found = session.connection().execute(_CALLER, {"digest": digest}).first()
        if found is None or found.revoked_at is not None:
            raise Refused(401, "invalid_credential", "kredensial tidak dikenal atau dicabut")
        return Caller(found.id, found.site_id, found.code, found.kind, found.asset_id)

    def revoke(self, credential_id: int) -> bool:
        """Revoke a credential; False when there is no such live credential."""
        with self._sessions.begin() as session:
            result = session.execute(
                update(CredentialRow)
                .where(CredentialRow.id == credential_id, CredentialRow.revoked_at.is_(None))
                .values(revoked_at=self._clock())
            )
        self._callers.clear()  # after the commit, so no look-up can re-cache the old state
        return bool(result.rowcount)  # type: ignore[attr-defined]

    @staticmethod
    def _site_id(session: Session, code: str) -> int:
        found = session.scalar(select(SiteRow.id).where(SiteRow.code == code.strip().upper()))
        if found is None:
            raise RegisterError(f"situs {code!r} tidak dikenal")
        return found


_CREDENTIALS = CredentialRow.__table__.c
_CALLER = (
    select(_CREDENTIALS.id, _CREDENTIALS.site_id, SiteRow.__table__.c.code, _CREDENTIALS.kind,
           _CREDENTIALS.asset_id, _CREDENTIALS.revoked_at)
    .join_from(CredentialRow.__table__, SiteRow.__table__,
               SiteRow.__table__.c.id == _CREDENTIALS.site_id)
    .where(_CREDENTIALS.secret_hash == bindparam("digest"))
)  # fmt: skip


def _check_token(row: EnrolmentTokenRow | None, now: datetime) -> EnrolmentTokenRow:
    """The token row when it may enrol one more agent; Refused(401) saying why not."""
    if row is None or row.revoked_at is not None:
        raise Refused(401, "invalid_token", "token pendaftaran tidak dikenal atau dicabut")
    if row.expires_at <= now:
        raise Refused(401, "expired_token", "token pendaftaran sudah kedaluwarsa")
    if row.max_uses is not None and row.used_count >= row.max_uses:
        raise Refused(401, "token_used_up", "token pendaftaran sudah habis dipakai")
    return row
