"""What the rules see of a batch of assets, read from the register in a few queries.

A Snapshot holds an asset's current sections, its register fields (kind, site, last seen,
warranty), its open identity conflicts, the open SSH host-key findings for its addresses and
the trend readings kept for it. Reading a batch at once (not asset by asset) is what lets a
bulk evaluation of a whole register finish in seconds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import BindParameter, Connection, bindparam, select

from collector.adapters.db.models import (
    AssetRow,
    AssetSectionRow,
    AssetTrendRow,
    ConflictRow,
    InterfaceRow,
    PollFindingRow,
    SiteRow,
)
from collector.domain.rules.findings import Snapshot
from collector.services.poll_findings import HOST_KEY_CHANGED

Trends = dict[str, list[tuple[datetime, float]]]


def read_snapshots(
    connection: Connection,
    asset_ids: Sequence[int],
    now: datetime,
    sent: Mapping[int, Mapping[str, Any]] | None = None,
    *,
    trends: bool = True,
    wanted: Collection[str] | None = None,
) -> list[Snapshot]:
    """Snapshots of the given assets that exist, in the order given. ``sent``: sections an
    ingest has just stored, by asset, used as they are instead of read back (a full inventory's
    software list is most of the bytes). ``trends`` False: no trend readers, none to read.
    ``wanted``: the only sections read (None: all of them); decoding the sections is most of
    the time an evaluation of the whole register takes."""
    if not asset_ids:
        return []
    ids = list(asset_ids)
    assets = connection.execute(_ASSETS, {"ids": ids}).all()
    sections = _sections(connection, ids, sent or {}, wanted)
    conflicts = _conflicts(connection, ids)
    keys = _host_key_changes(connection, ids, {a.id: a.site_id for a in assets})
    kept = read_trends(connection, ids) if trends else {}
    by_id = {
        a.id: Snapshot(asset_id=a.id, kind=a.kind, site=a.code, now=now, last_seen=a.last_seen,
                       sections=sections.get(a.id, {}), warranty_until=a.warranty_until,
                       trends=kept.get(a.id, {}), conflicts=conflicts.get(a.id, ()),
                       host_key_changes=keys.get(a.id, ()))
        for a in assets
    }  # fmt: skip
    return [by_id[i] for i in ids if i in by_id]


def _sections(
    connection: Connection,
    ids: list[int],
    sent: Mapping[int, Mapping[str, Any]],
    wanted: Collection[str] | None,
) -> dict[int, dict[str, Any]]:
    found: dict[int, dict[str, Any]] = defaultdict(dict)
    if wanted is not None:
        sent = {i: {n: v for n, v in given.items() if n in wanted} for i, given in sent.items()}
    read = [i for i in ids if i not in sent]
    if read:
        query, names = (_SECTIONS, {}) if wanted is None else (_WANTED, {"wanted": sorted(wanted)})
        for asset_id, name, content in connection.execute(query, {"ids": read, **names}):
            found[asset_id][name] = content
    for asset_id, given in sent.items():
        if wanted is None:
            stored, these = _OTHER_SECTIONS, list(given)
        else:  # only the wanted ones not sent: none after a full inventory, no query then
            stored, these = _THESE_SECTIONS, sorted(set(wanted) - set(given))
        if these or wanted is None:
            for name, content in connection.execute(stored, {"asset": asset_id, "names": these}):
                found[asset_id][name] = content
        found[asset_id].update(given)
    return found


def read_trends(connection: Connection, asset_ids: Iterable[int]) -> dict[int, Trends]:
    """The kept readings by asset and "metric:subject", oldest first."""
    found: dict[int, Trends] = defaultdict(lambda: defaultdict(list))
    rows = connection.execute(_TRENDS, {"ids": list(asset_ids)})
    for asset_id, metric, at, value in rows:
        found[asset_id][metric].append((at, value))
    return {k: dict(v) for k, v in found.items()}


def _conflicts(connection: Connection, ids: list[int]) -> dict[int, list[Mapping[str, Any]]]:
    found: dict[int, list[Mapping[str, Any]]] = defaultdict(list)
    rows = connection.execute(_CONFLICTS, {"ids": ids})
    for row in rows:
        found[row.asset_id].append(
            {"id": row.id, "reason": row.reason, "detail": row.detail,
             "other_asset_ids": row.other_asset_ids, "created_at": row.created_at}
        )  # fmt: skip
    return found


def _host_key_changes(
    connection: Connection, ids: list[int], sites: Mapping[int, int]
) -> dict[int, list[Mapping[str, Any]]]:
    """Open host-key findings whose address (host part) is one of the asset's addresses in
    the same site."""
    open_findings = connection.execute(_HOST_KEY_FINDINGS).all()
    if not open_findings:
        return {}
    owners: dict[tuple[int, str], set[int]] = defaultdict(set)
    rows = connection.execute(_ADDRESSES, {"ids": ids})
    for asset_id, addresses in rows:
        for address in addresses or ():
            if isinstance(address, str):
                owners[(sites[asset_id], address.split("/")[0].lower())].add(asset_id)
    found: dict[int, list[Mapping[str, Any]]] = defaultdict(list)
    for row in open_findings:
        for asset_id in owners.get((row.site_id, _host(row.address)), ()):
            found[asset_id].append(
                {"id": row.id, "address": row.address, "pinned": row.pinned, "seen": row.seen,
                 "first_seen": row.first_seen, "last_seen": row.last_seen}
            )  # fmt: skip
    return found


def _host(address: str) -> str:
    """The host part of "host:port" or "[v6]:port"."""
    host = address.rpartition(":")[0] if address.count(":") == 1 or "]" in address else address
    return host.strip("[]").lower()


# Statements built once, on the tables (Core): per evaluation after an ingest these few reads
# were most of the Python time, spent building and compiling ORM statements.
_ASSET = AssetRow.__table__.c
_SECTION = AssetSectionRow.__table__.c
_TREND = AssetTrendRow.__table__.c
_CONFLICT = ConflictRow.__table__.c
_FINDING = PollFindingRow.__table__.c
_INTERFACE = InterfaceRow.__table__.c
# The ids written into the statement as integer literals (see adapters/db/id_lists.py).
_IDS: BindParameter[Any] = bindparam("ids", expanding=True, literal_execute=True)
_ASSETS = (
    select(_ASSET.id, _ASSET.kind, SiteRow.__table__.c.code, _ASSET.site_id, _ASSET.last_seen,
           _ASSET.warranty_until)
    .join(SiteRow.__table__, SiteRow.__table__.c.id == _ASSET.site_id)
    .where(_ASSET.id.in_(_IDS))
)  # fmt: skip
_SECTIONS = select(_SECTION.asset_id, _SECTION.name, _SECTION.content).where(
    _SECTION.asset_id.in_(_IDS)
)
_WANTED = _SECTIONS.where(_SECTION.name.in_(bindparam("wanted", expanding=True)))
_OTHER_SECTIONS = select(_SECTION.name, _SECTION.content).where(
    _SECTION.asset_id == bindparam("asset"),
    _SECTION.name.not_in(bindparam("names", expanding=True)),
)
_THESE_SECTIONS = select(_SECTION.name, _SECTION.content).where(
    _SECTION.asset_id == bindparam("asset"),
    _SECTION.name.in_(bindparam("names", expanding=True)),
)
_TRENDS = (
    select(_TREND.asset_id, _TREND.metric, _TREND.at, _TREND.value)
    .where(_TREND.asset_id.in_(_IDS))
    .order_by(_TREND.asset_id, _TREND.metric, _TREND.at)
)
_CONFLICTS = select(
    _CONFLICT.id, _CONFLICT.asset_id, _CONFLICT.reason, _CONFLICT.detail,
    _CONFLICT.other_asset_ids, _CONFLICT.created_at,
).where(_CONFLICT.asset_id.in_(_IDS), _CONFLICT.resolved_at.is_(None))  # fmt: skip
_HOST_KEY_FINDINGS = select(
    _FINDING.id, _FINDING.site_id, _FINDING.address, _FINDING.pinned, _FINDING.seen,
    _FINDING.first_seen, _FINDING.last_seen,
).where(_FINDING.kind == HOST_KEY_CHANGED, _FINDING.resolved_at.is_(None))  # fmt: skip
_ADDRESSES = select(_INTERFACE.asset_id, _INTERFACE.addresses).where(_INTERFACE.asset_id.in_(_IDS))
