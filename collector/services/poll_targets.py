"""What the SNMP pollers poll, managed over the API: named credentials and per-site targets.

Credentials are global (Pusdatin's admins manage them; the secrets are sealed on the way in
and never given back out); a site's targets may be set by an admin of that site or of all
sites. ``plan`` turns the stored state into the same TargetPlan a targets file gives.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, select
from sqlalchemy.orm import Session, sessionmaker

from collector.adapters.db.models import PollCredentialRow, PollTargetRow, SiteRow
from collector.adapters.sealing import SecretBox
from collector.adapters.snmp.credentials import Community, Credential, V3User
from collector.adapters.snmp.targets import (
    SiteTargets,
    TargetPlan,
    TargetsError,
    expand,
    parse_credential,
)
from collector.errors import Refused
from collector.services.users import Role, Viewer

PROTOCOL = "snmp"
MAX_TARGETS_PER_SITE = 1024
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_.")


@dataclass(frozen=True)
class CredentialInfo:
    """A credential as the API shows it: everything but the secrets."""

    name: str
    version: str
    user: str | None
    auth_protocol: str | None
    priv_protocol: str | None
    updated_at: datetime


class PollTargetService:
    """Stores and reads the pollers' credentials and targets."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        box: Callable[[], SecretBox],
        clock: Callable[[], datetime],
    ):
        self._sessions = sessions
        self._box = box  # the key is read on first use: serving assets needs none
        self._clock = clock

    def put_credential(self, viewer: Viewer, name: str, body: Mapping[str, Any]) -> CredentialInfo:
        """Create or replace a credential; Refused(400) naming what is wrong."""
        _require_central_admin(viewer)
        name = _checked_name(name)
        try:
            credential = parse_credential({**body, "name": name}, str, {})
        except TargetsError as exc:
            raise Refused(400, "bad_credential", str(exc)) from exc
        sealed = self._box().seal(json.dumps(_secrets(credential)))
        row = PollCredentialRow(name=name, protocol=PROTOCOL, sealed=sealed,
                                updated_at=self._clock(), **_public(credential))  # fmt: skip
        with self._sessions.begin() as session:
            old = session.scalar(select(PollCredentialRow).where(PollCredentialRow.name == name))
            if old is not None:
                session.delete(old)
                session.flush()
            session.add(row)
        return _info(row)

    def list_credentials(self, viewer: Viewer) -> list[CredentialInfo]:
        _require_admin(viewer)
        with self._sessions() as session:
            rows = session.scalars(select(PollCredentialRow).order_by(PollCredentialRow.name))
            return [_info(row) for row in rows]

    def delete_credential(self, viewer: Viewer, name: str) -> None:
        """Remove a credential no target names; Refused(409) while one does."""
        _require_central_admin(viewer)
        with self._sessions.begin() as session:
            users = [
                r.spec for r in session.scalars(select(PollTargetRow)) if name in r.credentials
            ]
            if users:
                raise Refused(
                    409,
                    "credential_in_use",
                    f"kredensial {name} masih dipakai: {', '.join(users[:5])}",
                )
            gone = session.execute(delete(PollCredentialRow).where(PollCredentialRow.name == name))
        if not gone.rowcount:  # type: ignore[attr-defined]
            raise Refused(404, "not_found", f"kredensial {name!r} tidak ada")

    def put_site_targets(
        self, viewer: Viewer, site: str, targets: Any, credentials: Any
    ) -> list[dict[str, Any]]:
        """Replace a site's targets; each is checked (host, HOST:PORT or a bounded range) and the
        credential names must exist. All or nothing."""
        _require_admin(viewer)
        specs, names = _strings(targets, "targets"), _strings(credentials, "credentials")
        if len(specs) > MAX_TARGETS_PER_SITE:
            raise Refused(
                400, "too_many_targets", f"paling banyak {MAX_TARGETS_PER_SITE} target per situs"
            )
        for spec in specs:
            try:
                list(expand(spec))
            except TargetsError as exc:
                raise Refused(400, "bad_target", str(exc)) from exc
        now = self._clock()
        with self._sessions.begin() as session:
            site_id = _site_in_scope(session, viewer, site)
            known = set(session.scalars(select(PollCredentialRow.name)))
            unknown = [name for name in names if name not in known]
            if unknown:
                raise Refused(
                    400, "unknown_credential", f"kredensial tidak dikenal: {', '.join(unknown)}"
                )
            mine = (PollTargetRow.site_id == site_id, PollTargetRow.protocol == PROTOCOL)
            session.execute(delete(PollTargetRow).where(*mine))
            session.add_all(PollTargetRow(site_id=site_id, protocol=PROTOCOL, spec=spec,
                                          credentials=names, updated_at=now)
                            for spec in dict.fromkeys(specs))  # fmt: skip
        return self.list_targets(viewer, site)

    def list_targets(self, viewer: Viewer, site: str | None = None) -> list[dict[str, Any]]:
        """Targets within the viewer's scope, by site and spec."""
        _require_admin(viewer)
        query = _with_site_code()
        if viewer.site_id is not None:
            query = query.where(PollTargetRow.site_id == viewer.site_id)
        if site:
            query = query.where(SiteRow.code == site.strip().upper())
        with self._sessions() as session:
            rows = session.execute(query.order_by(SiteRow.code, PollTargetRow.spec)).all()
        return [{"site": code, "target": row.spec, "credentials": row.credentials,
                 "updated_at": row.updated_at} for row, code in rows]  # fmt: skip

    def plan(
        self, timeout: float = 1.0, retries: int = 1, interval_minutes: float = 15.0
    ) -> TargetPlan:
        """The stored targets as a TargetPlan, secrets unsealed (for the poller only)."""
        with self._sessions() as session:
            credentials = {
                row.name: self._credential(row)
                for row in session.scalars(select(PollCredentialRow))
            }
            rows = session.execute(
                _with_site_code().where(PollTargetRow.protocol == PROTOCOL)
                .order_by(SiteRow.code, PollTargetRow.id)
            ).all()  # fmt: skip
        sites: dict[str, tuple[list[tuple[str, int]], list[Credential]]] = {}
        for row, code in rows:
            addresses, order = sites.setdefault(code, ([], []))
            addresses.extend(a for a in expand(row.spec) if a not in addresses)
            order.extend(
                credentials[n]
                for n in row.credentials
                if n in credentials and credentials[n] not in order
            )
        return TargetPlan(
            tuple(SiteTargets(code, tuple(a), tuple(c)) for code, (a, c) in sites.items()),
            timeout=timeout, retries=retries, interval_minutes=interval_minutes,
        )  # fmt: skip

    def _credential(self, row: PollCredentialRow) -> Credential:
        secrets = json.loads(self._box().unseal(row.sealed))
        entry = {"name": row.name, **secrets}
        if row.user is not None:
            entry.update(
                user=row.user, auth_protocol=row.auth_protocol, priv_protocol=row.priv_protocol
            )
        return parse_credential(entry, str, {})


def _with_site_code() -> Select[PollTargetRow, str]:
    return select(PollTargetRow, SiteRow.code).join(SiteRow, SiteRow.id == PollTargetRow.site_id)


def _public(credential: Credential) -> dict[str, Any]:
    if isinstance(credential, Community):
        return {"version": "v2c", "user": None, "auth_protocol": None, "priv_protocol": None}
    return {"version": "v3", "user": credential.user,
            "auth_protocol": credential.auth_protocol.value,
            "priv_protocol": credential.priv_protocol.value}  # fmt: skip


def _secrets(credential: Credential) -> dict[str, str]:
    if isinstance(credential, V3User):
        return {"auth_key": credential.auth_key, "priv_key": credential.priv_key}
    return {"community": credential.community}


def _info(row: PollCredentialRow) -> CredentialInfo:
    return CredentialInfo(row.name, row.version, row.user, row.auth_protocol, row.priv_protocol,
                          row.updated_at)  # fmt: skip


def _checked_name(name: str) -> str:
    name = name.strip().lower()
    if not name or len(name) > 64 or not set(name) <= _NAME_CHARS:
        raise Refused(400, "bad_name", "nama kredensial: huruf kecil, angka, - _ . (maks. 64)")
    return name


def _strings(value: Any, field: str) -> list[str]:
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(v, str) and v.strip() for v in value)
    ):
        raise Refused(400, "bad_body", f"{field} harus daftar teks yang tidak kosong")
    return [v.strip() for v in value]


def _require_admin(viewer: Viewer) -> None:
    if viewer.role is not Role.ADMIN:
        raise Refused(403, "forbidden", "target dan kredensial poller hanya untuk peran admin")


def _require_central_admin(viewer: Viewer) -> None:
    _require_admin(viewer)
    if viewer.site_id is not None:
        raise Refused(403, "forbidden", "kredensial poller hanya diatur admin pusat (Pusdatin)")


def _site_in_scope(session: Session, viewer: Viewer, code: str) -> int:
    site_id = session.scalar(select(SiteRow.id).where(SiteRow.code == code.strip().upper()))
    if site_id is None or (viewer.site_id is not None and viewer.site_id != site_id):
        raise Refused(404, "not_found", f"situs {code[:40]!r} tidak ditemukan")
    return site_id
