"""The overview page's numbers per site: active assets, stale ones, open tickets by severity,
overdue work orders.

Its own few GROUP BY queries rather than fleet_summary's: those read every site for the
metrics, while the page filters by the viewer's site in SQL (a UPT user's request reads only
its site) and also needs site names, sites without assets, and work orders.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, case, func, select, true
from sqlalchemy.orm import Session

from collector.adapters.db.models import (
    AssetRow,
    PlanItemRow,
    PlanRow,
    SiteRow,
    TicketRow,
    WorkOrderRow,
)
from collector.domain.fleet import StaleAfter
from collector.domain.plans import WorkStatus
from collector.domain.register import AssetStatus
from collector.domain.rules.findings import Severity
from collector.domain.tickets import NOT_WORK
from collector.services.users import Viewer

SEVERITIES = tuple(s.value for s in reversed(Severity))  # critical, warning, info


@dataclass
class SiteOverview:
    """One site's row on the overview."""

    code: str
    name: str
    assets: int = 0
    stale: int = 0
    tickets: dict[str, int] = field(default_factory=dict)  # severity → open tickets
    overdue_orders: int = 0

    @property
    def open_tickets(self) -> int:
        return sum(self.tickets.values())


def read_overview(
    session: Session, viewer: Viewer, now: datetime, stale: StaleAfter
) -> list[SiteOverview]:
    """The sites the viewer may see (one for a UPT user, all for a site-less one), by code."""
    sites = select(SiteRow.id, SiteRow.code, SiteRow.name).order_by(SiteRow.code)
    if viewer.site_id is not None:
        sites = sites.where(SiteRow.id == viewer.site_id)
    found = {i: SiteOverview(code, name) for i, code, name in session.execute(sites)}
    scope = viewer.site_id
    for site_id, count in session.execute(_active_assets(scope)):
        found[site_id].assets = count
    for site_id, count in session.execute(_stale_assets(scope, now, stale)):
        found[site_id].stale = count
    for site_id, severity, count in session.execute(_open_tickets(scope)):
        found[site_id].tickets[severity] = count
    overdue = _overdue_orders(now).where(PlanRow.site_id.in_(list(found) or [-1]))
    for site_id, count in session.execute(overdue):
        found[site_id].overdue_orders = count
    return list(found.values())


def _in_scope(site_id: int | None) -> ColumnElement[bool]:
    """Assets of the viewer's site, or every asset for a site-less viewer."""
    return AssetRow.site_id == site_id if site_id is not None else true()


def _active_assets(site_id: int | None) -> Select[int, int]:
    return (
        select(AssetRow.site_id, func.count())
        .where(AssetRow.status == AssetStatus.ACTIVE.value, _in_scope(site_id))
        .group_by(AssetRow.site_id)
    )


def _stale_assets(site_id: int | None, now: datetime, stale: StaleAfter) -> Select[int, int]:
    limit = case(
        (AssetRow.kind.in_(sorted(stale.agent_kinds)), now - timedelta(days=stale.agent_days)),
        else_=now - timedelta(days=stale.device_days),
    )
    return _active_assets(site_id).where(AssetRow.last_seen < limit)


def _open_tickets(site_id: int | None) -> Select[int, str, int]:
    return (
        select(AssetRow.site_id, TicketRow.severity, func.count())
        .select_from(TicketRow)
        .join(AssetRow, AssetRow.id == TicketRow.asset_id)
        .where(TicketRow.status.not_in(sorted(s.value for s in NOT_WORK)), _in_scope(site_id))
        .group_by(AssetRow.site_id, TicketRow.severity)
    )


def _overdue_orders(now: datetime) -> Select[int, int]:
    return (
        select(PlanRow.site_id, func.count())
        .select_from(WorkOrderRow)
        .join(PlanItemRow, PlanItemRow.id == WorkOrderRow.item_id)
        .join(PlanRow, PlanRow.id == PlanItemRow.plan_id)
        .where(WorkOrderRow.status == WorkStatus.OPEN.value, WorkOrderRow.due_on < now.date())
        .group_by(PlanRow.site_id)
    )
