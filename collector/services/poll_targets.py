"""What the SNMP and SSH pollers poll, managed over the API: named credentials and per-site
targets.

Credentials are global (Pusdatin's admins manage them; the secrets are sealed on the way in
and never given back out); a site's targets may be set by an admin of that site or of all
sites. SSH targets also name their device type (a profile's, ``linux_agentless`` or
``autodetect``). ``plan`` turns the stored state into the same TargetPlan a targets file gives.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Collection, Mapping
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
from collector.adapters.ssh.credentials import SshCredential
from collector.adapters.ssh.targets import (
    SSH_PORT,
    SshTargets,
    check_device_type,
    parse_ssh_credential,
    shipped_device_types,
)
from collector.errors import Refused
from collector.services.users import Role, Viewer

PROTOCOL = "snmp"
SSH = "ssh"
PROTOCOLS = (PROTOCOL, SSH)
MAX_TARGETS_PER_SITE = 1024
_SSH_BODY_KEYS = frozenset({"username", "password", "key_file", "passphrase", "legacy_algorithms"})
_SSH_TARGET_KEYS = frozenset({"target", "device_type", "credentials"})
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


@dataclass(frozen=True)
class SshCredentialInfo:
    """An SSH credential as the API shows it: no password, no passphrase."""

    name: str
    kind: str  # password, key
    username: str
    key_file: str | None
    legacy_algorithms: bool
    updated_at: datetime


class PollTargetService:
    """Stores and reads the pollers' credentials and targets."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        box: Callable[[], SecretBox],
        clock: Callable[[], datetime],
        device_types: Callable[[], Collection[str]] = shipped_device_types,
    ):
        self._sessions = sessions
        self._box = box  # the key is read on first use: serving assets needs none
        self._clock = clock
        self._device_types = functools.cache(device_types)  # the profiles: on first SSH use

    def put_credential(self, viewer: Viewer, name: str, body: Mapping[str, Any]) -> CredentialInfo:
        """Create or replace an SNMP credential; Refused(400) naming what is wrong."""
        _require_central_admin(viewer)
        name = _checked_name(name)
        try:
            credential = parse_credential({**body, "name": name}, str, {})
        except TargetsError as exc:
            raise Refused(400, "bad_credential", str(exc)) from exc
        sealed = self._box().seal(json.dumps(_secrets(credential)))
        row = PollCredentialRow(name=name, protocol=PROTOCOL, sealed=sealed,
                                updated_at=self._clock(), **_public(credential))  # fmt: skip
        self._replace_credential(row)
        return _info(row)

    def put_ssh_credential(
        self, viewer: Viewer, name: str, body: Mapping[str, Any]
    ) -> SshCredentialInfo:
        """Create or replace an SSH credential (a password, or a key file on the poller with an
        optional passphrase); the secret sealed; Refused(400) naming what is wrong."""
        _require_central_admin(viewer)
        name = _checked_name(name)
        unknown = sorted(set(body) - _SSH_BODY_KEYS)
        if unknown:
            raise Refused(400, "bad_credential", f"kunci tidak dikenal: {', '.join(unknown)}")
        try:
            credential = parse_ssh_credential({**body, "name": name}, str, {},
                                              key_must_exist=False)  # fmt: skip
        except TargetsError as exc:
            raise Refused(400, "bad_credential", str(exc)) from exc
        secrets = {k: v for k in ("password", "passphrase") if (v := getattr(credential, k))}
        row = PollCredentialRow(
            name=name, protocol=SSH, sealed=self._box().seal(json.dumps(secrets)),
            updated_at=self._clock(), version="key" if credential.key_file else "password",
            user=credential.username, legacy_algorithms=credential.legacy_algorithms,
            key_file=str(credential.key_file) if credential.key_file else None,
        )  # fmt: skip
        self._replace_credential(row)
        return _ssh_info(row)

    def _replace_credential(self, row: PollCredentialRow) -> None:
        """Store ``row`` in place of the credential of that name (of the same protocol only:
        names are shared, an SNMP credential is never replaced by an SSH one)."""
        with self._sessions.begin() as session:
            query = select(PollCredentialRow).where(PollCredentialRow.name == row.name)
            old = session.scalar(query)
            if old is not None and old.protocol != row.protocol:
                raise Refused(
                    409, "name_taken", f"nama {row.name} sudah dipakai kredensial {old.protocol}"
                )
            if old is not None:
                session.delete(old)
                session.flush()
            session.add(row)

    def list_credentials(self, viewer: Viewer) -> list[CredentialInfo]:
        """The SNMP credentials, without secrets."""
        return [_info(row) for row in self._credential_rows(viewer, PROTOCOL)]

    def list_ssh_credentials(self, viewer: Viewer) -> list[SshCredentialInfo]:
        """The SSH credentials, without password or passphrase."""
        return [_ssh_info(row) for row in self._credential_rows(viewer, SSH)]

    def _credential_rows(self, viewer: Viewer, protocol: str) -> list[PollCredentialRow]:
        _require_admin(viewer)
        query = select(PollCredentialRow).where(PollCredentialRow.protocol == protocol)
        with self._sessions() as session:
            return list(session.scalars(query.order_by(PollCredentialRow.name)))

    def delete_credential(self, viewer: Viewer, name: str, protocol: str = PROTOCOL) -> None:
        """Remove a credential of ``protocol`` no target names; Refused(404) when there is none,
        Refused(409) while a target names it."""
        _require_central_admin(viewer)
        with self._sessions.begin() as session:
            row = session.scalar(
                select(PollCredentialRow).where(
                    PollCredentialRow.name == name, PollCredentialRow.protocol == protocol
                )
            )
            if row is None:
                raise Refused(404, "not_found", f"kredensial {name[:64]!r} tidak ada")
            users = [
                r.spec for r in session.scalars(select(PollTargetRow)) if name in r.credentials
            ]
            if users:
                raise Refused(
                    409,
                    "credential_in_use",
                    f"kredensial {name} masih dipakai: {', '.join(users[:5])}",
                )
            session.delete(row)

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
            _require_credentials(session, names, PROTOCOL)
            mine = (PollTargetRow.site_id == site_id, PollTargetRow.protocol == PROTOCOL)
            session.execute(delete(PollTargetRow).where(*mine))
            session.add_all(PollTargetRow(site_id=site_id, protocol=PROTOCOL, spec=spec,
                                          credentials=names, updated_at=now)
                            for spec in dict.fromkeys(specs))  # fmt: skip
        return self.list_targets(viewer, site)

    def put_site_ssh_targets(self, viewer: Viewer, site: str, targets: Any) -> list[dict[str, Any]]:
        """Replace a site's SSH targets: each ``{"target", "device_type", "credentials"}``, the
        target a host, HOST:PORT (22 when none) or bounded range, no device in two entries,
        a known device type and defined SSH credential names. All or nothing."""
        _require_admin(viewer)
        entries = self._ssh_entries(targets)
        now = self._clock()
        with self._sessions.begin() as session:
            site_id = _site_in_scope(session, viewer, site)
            _require_credentials(session, {n for e in entries for n in e[2]}, SSH)
            mine = (PollTargetRow.site_id == site_id, PollTargetRow.protocol == SSH)
            session.execute(delete(PollTargetRow).where(*mine))
            session.add_all(PollTargetRow(site_id=site_id, protocol=SSH, spec=spec,
                                          device_type=device_type, credentials=names,
                                          updated_at=now)
                            for spec, device_type, names in entries)  # fmt: skip
        return self.list_targets(viewer, site, SSH)

    def _ssh_entries(self, targets: Any) -> list[tuple[str, str, list[str]]]:
        if not isinstance(targets, list) or not targets or len(targets) > MAX_TARGETS_PER_SITE:
            raise Refused(400, "bad_body",
                          f"targets harus daftar 1..{MAX_TARGETS_PER_SITE} objek")  # fmt: skip
        entries: list[tuple[str, str, list[str]]] = []
        seen: set[tuple[str, int]] = set()
        for entry in targets:
            if not isinstance(entry, dict) or set(entry) != _SSH_TARGET_KEYS:
                raise Refused(400, "bad_body",
                              "setiap target: {target, device_type, credentials}")  # fmt: skip
            spec = _strings([entry["target"]], "target")[0]
            try:
                addresses = set(expand(spec, SSH_PORT))
                device_type = check_device_type(entry["device_type"], self._device_types(), spec)
            except TargetsError as exc:
                raise Refused(400, "bad_target", str(exc)) from exc
            if seen & addresses or any(spec == e[0] for e in entries):
                raise Refused(400, "duplicate_target", f"{spec}: perangkat sudah ada di entri lain")
            seen |= addresses
            entries.append((spec, device_type, _strings(entry["credentials"], "credentials")))
        return entries

    def list_targets(
        self, viewer: Viewer, site: str | None = None, protocol: str = PROTOCOL
    ) -> list[dict[str, Any]]:
        """Targets of one protocol within the viewer's scope, by site and spec."""
        _require_admin(viewer)
        query = _with_site_code().where(PollTargetRow.protocol == protocol)
        if viewer.site_id is not None:
            query = query.where(PollTargetRow.site_id == viewer.site_id)
        if site:
            query = query.where(SiteRow.code == site.strip().upper())
        with self._sessions() as session:
            rows = session.execute(query.order_by(SiteRow.code, PollTargetRow.spec)).all()
        return [
            {"site": code, "target": row.spec, "credentials": row.credentials,
             "updated_at": row.updated_at}
            | ({"device_type": row.device_type} if protocol == SSH else {})
            for row, code in rows
        ]  # fmt: skip

    def plan(
        self, timeout: float = 1.0, retries: int = 1, interval_minutes: float = 15.0
    ) -> TargetPlan:
        """The stored targets as a TargetPlan, secrets unsealed (for the poller only)."""
        with self._sessions() as session:
            credentials = {
                (row.protocol, row.name): self._credential(row)
                for row in session.scalars(select(PollCredentialRow))
            }
            rows = session.execute(
                _with_site_code().order_by(SiteRow.code, PollTargetRow.id)
            ).all()  # fmt: skip
        return TargetPlan(
            _snmp_sites([(r, c) for r, c in rows if r.protocol == PROTOCOL], credentials),
            timeout=timeout, retries=retries, interval_minutes=interval_minutes,
            ssh=_ssh_groups([(r, c) for r, c in rows if r.protocol == SSH], credentials),
        )  # fmt: skip

    def _credential(self, row: PollCredentialRow) -> Credential | SshCredential:
        secrets = json.loads(self._box().unseal(row.sealed))
        entry = {"name": row.name, **secrets}
        if row.protocol == SSH:
            entry.update(username=row.user, legacy_algorithms=row.legacy_algorithms)
            if row.key_file:
                entry["key_file"] = row.key_file
            return parse_ssh_credential(entry, str, {}, key_must_exist=False)
        if row.user is not None:
            entry.update(
                user=row.user, auth_protocol=row.auth_protocol, priv_protocol=row.priv_protocol
            )
        return parse_credential(entry, str, {})


Stored = Mapping[tuple[str, str], Credential | SshCredential]


def _snmp_sites(
    rows: list[tuple[PollTargetRow, str]], credentials: Stored
) -> tuple[SiteTargets, ...]:
    sites: dict[str, tuple[list[tuple[str, int]], list[Credential]]] = {}
    for row, code in rows:
        addresses, order = sites.setdefault(code, ([], []))
        addresses.extend(a for a in expand(row.spec) if a not in addresses)
        for name in row.credentials:
            found = credentials.get((PROTOCOL, name))
            if isinstance(found, Community | V3User) and found not in order:
                order.append(found)
    return tuple(SiteTargets(code, tuple(a), tuple(c)) for code, (a, c) in sites.items())


def _ssh_groups(
    rows: list[tuple[PollTargetRow, str]], credentials: Stored
) -> tuple[SshTargets, ...]:
    groups = []
    for row, code in rows:
        chosen = tuple(
            found for name in row.credentials
            if isinstance(found := credentials.get((SSH, name)), SshCredential)
        )  # fmt: skip
        addresses = tuple(expand(row.spec, SSH_PORT))
        groups.append(SshTargets(code, addresses, row.device_type or "", chosen))
    return tuple(groups)


def _require_credentials(session: Session, names: Collection[str], protocol: str) -> None:
    query = select(PollCredentialRow.name).where(PollCredentialRow.protocol == protocol)
    known = set(session.scalars(query))
    unknown = sorted(name for name in names if name not in known)
    if unknown:
        raise Refused(400, "unknown_credential", f"kredensial tidak dikenal: {', '.join(unknown)}")


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


def _ssh_info(row: PollCredentialRow) -> SshCredentialInfo:
    return SshCredentialInfo(row.name, row.version, row.user or "", row.key_file,
                             row.legacy_algorithms, row.updated_at)  # fmt: skip


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
