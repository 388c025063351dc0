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

from sqlalchemy import Connection, select

from collector.adapters.db.id_lists import among
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
    assets = connection.execute(
        select(AssetRow.id, AssetRow.kind, SiteRow.code, AssetRow.site_id, AssetRow.last_seen,
               AssetRow.warranty_until)
        .join(SiteRow, SiteRow.id == AssetRow.site_id)
        .where(among(AssetRow.id, ids))
    ).all()  # fmt: skip
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
    query = select(AssetSectionRow.asset_id, AssetSectionRow.name, AssetSectionRow.content)
    if wanted is not None:
        query = query.where(AssetSectionRow.name.in_(sorted(wanted)))
        sent = {i: {n: v for n, v in given.items() if n in wanted} for i, given in sent.items()}
    read = [i for i in ids if i not in sent]
    if read:
        for asset_id, name, content in connection.execute(
            query.where(among(AssetSectionRow.asset_id, read))
        ):
            found[asset_id][name] = content
    for asset_id, given in sent.items():
        rest = query.where(
            AssetSectionRow.asset_id == asset_id, AssetSectionRow.name.not_in(list(given))
        )
        for _, name, content in connection.execute(rest):
            found[asset_id][name] = content
        found[asset_id].update(given)
    return found


def read_trends(connection: Connection, asset_ids: Iterable[int]) -> dict[int, Trends]:
    """The kept readings by asset and "metric:subject", oldest first."""
    found: dict[int, Trends] = defaultdict(lambda: defaultdict(list))
    rows = connection.execute(
        select(AssetTrendRow.asset_id, AssetTrendRow.metric, AssetTrendRow.at, AssetTrendRow.value)
        .where(among(AssetTrendRow.asset_id, asset_ids))
        .order_by(AssetTrendRow.asset_id, AssetTrendRow.metric, AssetTrendRow.at)
    )
    for asset_id, metric, at, value in rows:
        found[asset_id][metric].append((at, value))
    return {k: dict(v) for k, v in found.items()}


def _conflicts(connection: Connection, ids: list[int]) -> dict[int, list[Mapping[str, Any]]]:
    found: dict[int, list[Mapping[str, Any]]] = defaultdict(list)
    rows = connection.execute(
        select(ConflictRow).where(
            among(ConflictRow.asset_id, ids), ConflictRow.resolved_at.is_(None)
        )
    )
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
    open_findings = connection.execute(
        select(PollFindingRow).where(
            PollFindingRow.kind == HOST_KEY_CHANGED, PollFindingRow.resolved_at.is_(None)
        )
    ).all()  # fmt: skip
    if not open_findings:
        return {}
    owners: dict[tuple[int, str], set[int]] = defaultdict(set)
    rows = connection.execute(
        select(InterfaceRow.asset_id, InterfaceRow.addresses).where(
            among(InterfaceRow.asset_id, ids)
        )
    )
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
