"""Reading the register for the API: filtered, paginated, sorted lists and one asset's detail."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from collector.adapters.db.models import (
    AssetRow,
    AssetSectionRow,
    ChangeRow,
    ConflictRow,
    SiteRow,
)
from collector.domain.register import (
    Asset,
    AssetDetail,
    AssetKind,
    AssetStatus,
    HistoryEntry,
    Kondisi,
)
from collector.errors import Refused
from collector.services.users import Viewer

SORTABLE = {
    "id": AssetRow.id,
    "name": AssetRow.name,
    "kind": AssetRow.kind,
    "last_seen": AssetRow.last_seen,
    "first_seen": AssetRow.first_seen,
    "site": SiteRow.code,
}
_TEXT_SORTS = frozenset({"name", "kind", "site"})
MAX_PER_PAGE = 500


@dataclass(frozen=True)
class AssetFilter:
    """What the asset list is narrowed to; every field optional."""

    site: str | None = None
    kind: str | None = None
    status: str | None = None
    text: str | None = None


@dataclass(frozen=True)
class Page:
    number: int = 1
    size: int = 50
    sort: str = "id"
    descending: bool = False


def _asset(row: AssetRow, site_code: str) -> Asset:
    return Asset(
        id=row.id, site_code=site_code, kind=AssetKind(row.kind), status=AssetStatus(row.status),
        name=row.name, vendor=row.vendor, model=row.model, serial=row.serial,
        os_name=row.os_name, os_version=row.os_version, first_seen=row.first_seen,
        last_seen=row.last_seen, last_source=row.last_source,
        needs_review=row.needs_review, kode_barang=row.kode_barang, nup=row.nup,
        kondisi=Kondisi(row.kondisi) if row.kondisi else None, purchase_date=row.purchase_date,
        warranty_until=row.warranty_until, owner=row.owner, pic=row.pic,
    )  # fmt: skip


class RegisterQueries:
    """The register as the API and reports read it, always within the caller's site scope."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def list_assets(
        self, viewer: Viewer, wanted: AssetFilter, page: Page
    ) -> tuple[list[Asset], int]:
        """One page of assets and the total matching the filter."""
        _check_filter(wanted, page)
        query = _filtered(select(AssetRow, SiteRow.code), viewer, wanted)
        column: Any = SORTABLE[page.sort]
        if page.sort in _TEXT_SORTS:  # the same order on SQLite and PostgreSQL
            column = func.lower(column)
        order = (column.desc() if page.descending else column.asc()).nulls_last()
        with self._sessions() as session:
            total = session.scalar(_filtered(select(func.count(AssetRow.id)), viewer, wanted))
            rows = session.execute(
                query.order_by(order, AssetRow.id)
                .limit(page.size)
                .offset((page.number - 1) * page.size)
            ).all()
        return [_asset(row, code) for row, code in rows], int(total or 0)

    def asset_detail(self, viewer: Viewer, asset_id: int, history: int = 200) -> AssetDetail:
        """An asset with its sections, newest history first and open conflicts; 404 when it
        does not exist or lies outside the caller's site scope."""
        with self._sessions() as session:
            found = session.execute(
                _filtered(select(AssetRow, SiteRow.code), viewer, AssetFilter()).where(
                    AssetRow.id == asset_id
                )
            ).first()
            if found is None:
                raise Refused(404, "not_found", f"aset {asset_id} tidak ditemukan")
            rows = session.execute(
                select(AssetSectionRow.name, AssetSectionRow.content).where(
                    AssetSectionRow.asset_id == asset_id
                )
            )
            sections: dict[str, Any] = dict(rows.all())
            changes = session.scalars(
                select(ChangeRow)
                .where(ChangeRow.asset_id == asset_id)
                .order_by(ChangeRow.at.desc(), ChangeRow.id.desc())
                .limit(history)
            ).all()
            conflicts = session.scalars(
                select(ConflictRow).where(
                    ConflictRow.asset_id == asset_id, ConflictRow.resolved_at.is_(None)
                )
            ).all()
        return AssetDetail(
            _asset(found[0], found[1]),
            sections,
            [HistoryEntry(c.at, c.source, c.kind, c.subject, c.before, c.after)
             for c in changes],
            [{"reason": c.reason, "other_asset_ids": c.other_asset_ids, "detail": c.detail}
             for c in conflicts],
        )  # fmt: skip


def _check_filter(wanted: AssetFilter, page: Page) -> None:
    if len(wanted.text or "") > 256 or len(wanted.site or "") > 32:
        raise Refused(400, "bad_filter", "teks pencarian maks. 256 karakter, kode situs maks. 32")
    if wanted.kind is not None and wanted.kind not in {k.value for k in AssetKind}:
        raise Refused(400, "bad_filter", f"jenis aset tidak dikenal: {wanted.kind!r}")
    if wanted.status is not None and wanted.status not in {s.value for s in AssetStatus}:
        raise Refused(400, "bad_filter", f"status tidak dikenal: {wanted.status!r}")
    if page.sort not in SORTABLE:
        raise Refused(400, "bad_sort", f"urutan tidak dikenal: {page.sort!r}")
    if page.number < 1 or not 1 <= page.size <= MAX_PER_PAGE:
        raise Refused(400, "bad_page", f"page >= 1 dan per_page 1..{MAX_PER_PAGE}")


def _filtered(query: Any, viewer: Viewer, wanted: AssetFilter) -> Any:
    """The query narrowed to the viewer's site scope and the filter (a Select of any shape)."""
    query = query.join(SiteRow, SiteRow.id == AssetRow.site_id)
    if viewer.site_id is not None:
        query = query.where(AssetRow.site_id == viewer.site_id)
    if wanted.site:
        query = query.where(SiteRow.code == wanted.site.upper())
    if wanted.kind:
        query = query.where(AssetRow.kind == wanted.kind)
    if wanted.status:
        query = query.where(AssetRow.status == wanted.status)
    if wanted.text:
        text = wanted.text.lower()
        query = query.where(
            or_(
                *(
                    func.lower(column).contains(text, autoescape=True)
                    for column in (AssetRow.name, AssetRow.serial, AssetRow.model,
                                   AssetRow.kode_barang)
                )
            )
        )  # fmt: skip
    return query
