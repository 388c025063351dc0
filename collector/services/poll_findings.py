"""What the pollers meet that ops must act on, kept in the register: first, a changed SSH host
key. The poll itself is refused by the poller; this records it so people see it.

One open finding per site, address, protocol and kind: a repeat moves ``last_seen`` (and
``seen``, should the key change yet again) and counts the occurrence, it never adds a row.
Accepting the new key after a legitimate device replacement resolves the finding and keeps
the accepted fingerprint, which the poller pins at its next contact when the device presents
exactly that key (collector/adapters/ssh/key_approvals.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, sessionmaker

from collector.adapters.db.models import PollFindingRow, SiteRow
from collector.errors import Refused
from collector.services.users import Role, Viewer

HOST_KEY_CHANGED = "host_key_changed"
SSH = "ssh"
STATES = ("open", "resolved", "all")
MAX_LISTED = 1000

Address = tuple[str, int]


@dataclass(frozen=True)
class Finding:
    """A finding as the API shows it."""

    id: int
    site: str
    address: str
    protocol: str
    kind: str
    pinned: str | None
    seen: str | None
    occurrences: int
    first_seen: datetime
    last_seen: datetime
    resolved_at: datetime | None
    resolved_by: str | None
    accepted: str | None


class PollFindingService:
    """Records, lists and resolves the pollers' findings."""

    def __init__(self, sessions: sessionmaker[Session], clock: Callable[[], datetime]) -> None:
        self._sessions = sessions
        self._clock = clock

    def record_host_key_change(self, site: str, address: Address, pinned: str, seen: str) -> int:
        """Open a host-key finding for the device, or update the open one; its id."""
        now = self._clock()
        with self._sessions.begin() as session:
            site_id = session.scalar(select(SiteRow.id).where(SiteRow.code == site))
            if site_id is None:
                raise Refused(404, "not_found", f"situs {site[:40]!r} tidak ditemukan")
            row = session.scalar(_open(site_id, address))
            if row is None:
                row = PollFindingRow(site_id=site_id, address=_where(address), protocol=SSH,
                                     kind=HOST_KEY_CHANGED, pinned=pinned, seen=seen,
                                     occurrences=1, first_seen=now, last_seen=now)  # fmt: skip
                session.add(row)
            else:
                row.pinned, row.seen, row.last_seen = pinned, seen, now
                row.occurrences += 1
            session.flush()
            return row.id

    def list_findings(
        self, viewer: Viewer, site: str | None = None, state: str = "open"
    ) -> list[Finding]:
        """Findings within the viewer's site scope, newest first; Refused(400) for a bad state."""
        if state not in STATES:
            raise Refused(400, "bad_parameter", "state harus open, resolved atau all")
        query = select(PollFindingRow, SiteRow.code).join(
            SiteRow, SiteRow.id == PollFindingRow.site_id
        )
        if viewer.site_id is not None:
            query = query.where(PollFindingRow.site_id == viewer.site_id)
        if site:
            query = query.where(SiteRow.code == site.strip().upper())
        if state != "all":
            resolved = PollFindingRow.resolved_at.is_not(None)
            query = query.where(resolved if state == "resolved" else ~resolved)
        query = query.order_by(PollFindingRow.last_seen.desc(), PollFindingRow.id.desc())
        with self._sessions() as session:
            rows = session.execute(query.limit(MAX_LISTED)).all()
        return [_finding(row, code) for row, code in rows]

    def accept_host_key(
        self, viewer: Viewer, finding_id: int, fingerprint: str | None = None
    ) -> Finding:
        """Accept the key an open host-key finding saw (``fingerprint``, when given, must be
        that key: it proves the caller looked at the one now presented); resolves it."""
        _require_admin(viewer)
        with self._sessions.begin() as session:
            found = session.execute(
                select(PollFindingRow, SiteRow.code)
                .join(SiteRow, SiteRow.id == PollFindingRow.site_id)
                .where(PollFindingRow.id == finding_id, PollFindingRow.kind == HOST_KEY_CHANGED)
            ).first()
            if found is None or (viewer.site_id not in (None, found[0].site_id)):
                raise Refused(404, "not_found", f"temuan {finding_id} tidak ditemukan")
            row, code = found
            self._accept(row, viewer.name, fingerprint)
            return _finding(row, code)

    def accept_host_key_at(
        self, viewer: Viewer, site: str, address: Address, fingerprint: str | None = None
    ) -> Finding:
        """As accept_host_key, for the open finding of a site and address."""
        with self._sessions() as session:
            site_id = session.scalar(select(SiteRow.id).where(SiteRow.code == site.upper()))
            row = None if site_id is None else session.scalar(_open(site_id, address))
        if row is None:
            raise Refused(
                404, "not_found",
                f"tidak ada temuan kunci host terbuka untuk {site.upper()} {_where(address)}",
            )  # fmt: skip
        return self.accept_host_key(viewer, row.id, fingerprint)

    def accepted_key(self, site: str, address: Address) -> str | None:
        """The key ops accepted for the device, from its latest host-key finding; None when
        that finding is still open or was not resolved by accepting a key."""
        query = (
            select(PollFindingRow.accepted)
            .join(SiteRow, SiteRow.id == PollFindingRow.site_id)
            .where(SiteRow.code == site, PollFindingRow.address == _where(address),
                   PollFindingRow.kind == HOST_KEY_CHANGED)
            .order_by(PollFindingRow.id.desc()).limit(1)
        )  # fmt: skip
        with self._sessions() as session:
            return session.scalar(query)

    def _accept(self, row: PollFindingRow, by: str, fingerprint: str | None) -> None:
        if row.resolved_at is not None:
            raise Refused(409, "already_resolved", f"temuan {row.id} sudah diselesaikan")
        if fingerprint is not None and fingerprint != row.seen:
            raise Refused(
                409, "fingerprint_mismatch",
                f"kunci yang terlihat sekarang {row.seen}, bukan {fingerprint[:80]}",
            )  # fmt: skip
        row.accepted, row.resolved_at, row.resolved_by = row.seen, self._clock(), by


def _open(site_id: int, address: Address) -> Select[PollFindingRow]:
    return select(PollFindingRow).where(
        PollFindingRow.site_id == site_id, PollFindingRow.address == _where(address),
        PollFindingRow.protocol == SSH, PollFindingRow.kind == HOST_KEY_CHANGED,
        PollFindingRow.resolved_at.is_(None),
    )  # fmt: skip


def _where(address: Address) -> str:
    host, port = address
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _finding(row: PollFindingRow, code: str) -> Finding:
    return Finding(row.id, code, row.address, row.protocol, row.kind, row.pinned, row.seen,
                   row.occurrences, row.first_seen, row.last_seen, row.resolved_at,
                   row.resolved_by, row.accepted)  # fmt: skip


def _require_admin(viewer: Viewer) -> None:
    if viewer.role is not Role.ADMIN:
        raise Refused(403, "forbidden", "menyetujui kunci host hanya untuk peran admin")
