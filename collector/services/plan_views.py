"""Plans and their items as the API shows them, read within the viewer's site scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from collector.adapters.db.models import AssetRow, PlanItemRow, PlanRow, SiteRow
from collector.domain.plans import PLAN_LABELS, PlanState
from collector.errors import Refused
from collector.services.users import Viewer


@dataclass(frozen=True)
class PlanView:
    id: int
    site: str
    period: str
    starts_on: date
    ends_on: date
    title: str
    state: str
    state_id: str
    state_en: str
    created_by: str
    created_at: datetime
    submitted_by: str | None
    submitted_at: datetime | None
    approved_by: str | None
    approved_at: datetime | None
    activated_by: str | None
    activated_at: datetime | None
    closed_by: str | None
    closed_at: datetime | None
    items: int
    estimated_cost: int


@dataclass(frozen=True)
class ItemView:
    id: int
    plan_id: int
    asset_id: int
    asset_name: str | None
    asset_kind: str
    ticket_id: int | None
    maintenance: str
    source: str
    description: str | None
    schedule: dict[str, Any]
    pic: str
    executor: str
    vendor: str | None
    contract_ref: str | None
    estimated_cost: int
    kode_barang: str | None
    nup: str | None


def scoped_plans(viewer: Viewer) -> Any:
    """Plans joined with their site, narrowed to the viewer's site."""
    query = select(PlanRow, SiteRow.code).join(SiteRow, SiteRow.id == PlanRow.site_id)
    if viewer.site_id is not None:
        query = query.where(PlanRow.site_id == viewer.site_id)
    return query


def plan_in_scope(session: Session, viewer: Viewer, plan_id: int, *, lock: bool = False
                  ) -> tuple[PlanRow, str]:  # fmt: skip
    """The plan and its site code; 404 when missing or another site's."""
    query = scoped_plans(viewer).where(PlanRow.id == plan_id)
    found = session.execute(query.with_for_update(of=PlanRow) if lock else query).first()
    if found is None:
        raise Refused(404, "not_found", f"rencana {plan_id} tidak ditemukan")
    return found[0], found[1]


def plan_view(session: Session, row: PlanRow, site: str) -> PlanView:
    """The plan with its item count and total estimated cost."""
    count, cost = session.execute(
        select(func.count(PlanItemRow.id), func.coalesce(func.sum(PlanItemRow.estimated_cost), 0))
        .where(PlanItemRow.plan_id == row.id)
    ).one()  # fmt: skip
    label_id, label_en = PLAN_LABELS[PlanState(row.state)]
    return PlanView(row.id, site, row.period, row.starts_on, row.ends_on, row.title, row.state,
                    label_id, label_en, row.created_by, row.created_at, row.submitted_by,
                    row.submitted_at, row.approved_by, row.approved_at, row.activated_by,
                    row.activated_at, row.closed_by, row.closed_at, int(count),
                    int(cost))  # fmt: skip


def item_views(session: Session, plan_id: int, ids: list[int] | None = None) -> list[ItemView]:
    """The plan's items (or those of ``ids``), oldest first."""
    query = (select(PlanItemRow, AssetRow.name, AssetRow.kind)
             .join(AssetRow, AssetRow.id == PlanItemRow.asset_id)
             .where(PlanItemRow.plan_id == plan_id).order_by(PlanItemRow.id))  # fmt: skip
    if ids is not None:
        query = query.where(PlanItemRow.id.in_(ids))
    return [item_view(row, name, kind) for row, name, kind in session.execute(query)]


def item_view(row: PlanItemRow, name: str | None, kind: str) -> ItemView:
    schedule = {"start": row.starts_on, "every": row.every, "unit": row.unit,
                "until": row.repeat_until, "on_non_working": row.on_non_working}  # fmt: skip
    return ItemView(row.id, row.plan_id, row.asset_id, name, kind, row.ticket_id,
                    row.maintenance, row.source, row.description, schedule, row.pic,
                    row.executor, row.vendor, row.contract_ref, row.estimated_cost,
                    row.kode_barang, row.nup)  # fmt: skip
