"""Work orders (SOP step 3): made ahead of time from the items of active plans, listed with
their deadline in working days.

``generate`` walks every item's schedule up to a horizon (and the plan's end), moves or skips
occurrences that fall on non-working days as the item says, and inserts the work orders with
INSERT ... ON CONFLICT DO NOTHING on (item_id, occurs_on): the unique constraint, not this
code, is what keeps a second run, or two runs at the same moment in several processes, from
making an occurrence twice. It is safe to call as often as wanted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Select, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from collector.adapters.db.models import AssetRow, PlanItemRow, PlanRow, SiteRow, WorkOrderRow
from collector.domain.plans import GENERATING, WorkStatus
from collector.domain.recurrence import NonWorkingDay, Schedule, Unit, due_date
from collector.domain.workdays import Language, WorkCalendar, deadline_text
from collector.errors import Refused
from collector.services.plans import require_planner
from collector.services.users import Viewer
from collector.services.workday_calendar import calendar_in

Clock = Callable[[], datetime]
DEFAULT_HORIZON_DAYS = 30
MAX_HORIZON_DAYS = 366
MAX_LISTED = 1000


@dataclass(frozen=True)
class WorkOrderView:
    id: int
    plan_id: int
    item_id: int
    site: str
    asset_id: int
    asset_name: str | None
    ticket_id: int | None
    maintenance: str
    occurs_on: date
    due_on: date
    status: str
    pic: str
    executor: str
    vendor: str | None
    working_days_left: int | None  # open work orders only; negative when overdue
    deadline_id: str | None  # "3 HK lagi", "2 HK terlambat"
    deadline_en: str | None


class WorkOrderService:
    """Generates and lists work orders."""

    def __init__(self, sessions: sessionmaker[Session], clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock

    def generate(self, horizon_days: int = DEFAULT_HORIZON_DAYS, plan_id: int | None = None) -> int:
        """Make the work orders due up to ``horizon_days`` from today for every active plan
        (or one); how many were new."""
        if not 0 <= horizon_days <= MAX_HORIZON_DAYS:
            raise Refused(422, "invalid_field", f"horizon_days harus 0..{MAX_HORIZON_DAYS}")
        today = self._clock().date()
        last = today + timedelta(days=horizon_days)
        query = (
            select(PlanItemRow, PlanRow.ends_on)
            .join(PlanRow, PlanRow.id == PlanItemRow.plan_id)
            .where(PlanRow.state.in_([s.value for s in GENERATING]), PlanItemRow.starts_on <= last)
        )
        if plan_id is not None:
            query = query.where(PlanRow.id == plan_id)
        with self._sessions.begin() as session:
            items = list(session.execute(query))
            if not items:
                return 0
            first = min(item.starts_on for item, _ in items)
            workdays = calendar_in(session, range(first.year - 1, last.year + 2))
            done = _latest(session, plan_id)
            rows = [
                row
                for item, ends_on in items
                for row in _orders(item, min(last, ends_on), workdays, after=done.get(item.id))
            ]
            return _insert_new(session.connection(), rows, self._clock())

    def list_orders(self, viewer: Viewer, wanted: dict[str, Any]) -> list[WorkOrderView]:
        """Work orders the viewer may see, by due date; filters: plan (id), site, status,
        due_before (a date)."""
        query = _filtered(_scoped(viewer), wanted).order_by(WorkOrderRow.due_on, WorkOrderRow.id)
        today = self._clock().date()
        with self._sessions() as session:
            found = list(session.execute(query.limit(MAX_LISTED)))
            if not found:
                return []
            dues = [row[0].due_on for row in found]
            workdays = calendar_in(
                session, range(min(*dues, today).year - 1, max(*dues, today).year + 2)
            )
        return [_view(*row, today=today, workdays=workdays) for row in found]

    def detail(self, viewer: Viewer, work_order_id: int) -> WorkOrderView:
        """One work order; 404 when missing or another site's."""
        today = self._clock().date()
        with self._sessions() as session:
            found = session.execute(_scoped(viewer).where(WorkOrderRow.id == work_order_id)).first()
            if found is None:
                raise Refused(404, "not_found", f"perintah kerja {work_order_id} tidak ditemukan")
            due = found[0].due_on
            workdays = calendar_in(
                session, range(min(due, today).year - 1, max(due, today).year + 2)
            )
        return _view(*found, today=today, workdays=workdays)

    def generate_as(self, viewer: Viewer, horizon_days: int) -> int:
        """``generate`` at a planner's request."""
        require_planner(viewer)
        return self.generate(horizon_days)


def _latest(session: Session, plan_id: int | None) -> dict[int, date]:
    """The latest occurrence that has a work order, by item of the active plans: an earlier
    run considered every occurrence up to it, so only later ones are sent again (the unique
    constraint stays what keeps concurrent runs from doubling)."""
    query = (
        select(WorkOrderRow.item_id, func.max(WorkOrderRow.occurs_on))
        .join(PlanItemRow, PlanItemRow.id == WorkOrderRow.item_id)
        .join(PlanRow, PlanRow.id == PlanItemRow.plan_id)
        .where(PlanRow.state.in_([s.value for s in GENERATING]))
        .group_by(WorkOrderRow.item_id)
    )
    if plan_id is not None:
        query = query.where(PlanRow.id == plan_id)
    return {row[0]: row[1] for row in session.execute(query)}


def _orders(
    item: PlanItemRow, last: date, workdays: WorkCalendar, *, after: date | None
) -> list[dict[str, Any]]:
    schedule = Schedule(
        item.starts_on, item.every, Unit(item.unit) if item.unit else None, item.repeat_until
    )
    policy = NonWorkingDay(item.on_non_working)
    rows = []
    for occurs_on in schedule.occurrences(last):
        if after is not None and occurs_on <= after:
            continue
        due = due_date(occurs_on, policy, workdays)
        if due is not None:
            rows.append({"item_id": item.id, "occurs_on": occurs_on, "due_on": due})
    return rows


def _insert_new(connection: Connection, rows: list[dict[str, Any]], now: datetime) -> int:
    """Insert the rows that are not there yet; how many were."""
    if not rows:
        return 0
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(WorkOrderRow)
        .on_conflict_do_nothing(index_elements=["item_id", "occurs_on"])
        .returning(WorkOrderRow.id)
    )
    values = [{**row, "status": WorkStatus.OPEN.value, "created_at": now} for row in rows]
    return len(connection.execute(statement, values).all())


def _scoped(viewer: Viewer) -> Any:
    query = (
        select(WorkOrderRow, PlanItemRow, PlanRow.id, SiteRow.code, AssetRow.name)
        .join(PlanItemRow, PlanItemRow.id == WorkOrderRow.item_id)
        .join(PlanRow, PlanRow.id == PlanItemRow.plan_id)
        .join(SiteRow, SiteRow.id == PlanRow.site_id)
        .join(AssetRow, AssetRow.id == PlanItemRow.asset_id)
    )
    if viewer.site_id is not None:
        query = query.where(PlanRow.site_id == viewer.site_id)
    return query


def _filtered(query: Select[Any], wanted: dict[str, Any]) -> Select[Any]:
    plan, site, status, before = (wanted.get(k) for k in ("plan", "site", "status", "due_before"))
    if plan is not None:
        if not str(plan).isdecimal() or len(str(plan)) > 18:
            raise Refused(400, "bad_filter", "plan harus id rencana (bilangan bulat)")
        query = query.where(PlanRow.id == int(plan))
    if site:
        query = query.where(SiteRow.code == str(site).upper()[:32])
    if status is not None:
        if status not in {s.value for s in WorkStatus}:
            raise Refused(400, "bad_filter", "status harus open atau done")
        query = query.where(WorkOrderRow.status == status)
    if before is not None:
        try:
            query = query.where(WorkOrderRow.due_on <= date.fromisoformat(str(before)))
        except ValueError:
            raise Refused(400, "bad_filter", "due_before harus YYYY-MM-DD") from None
    return query


def _view(
    order: WorkOrderRow,
    item: PlanItemRow,
    plan_id: int,
    site: str,
    name: str | None,
    *,
    today: date,
    workdays: WorkCalendar,
) -> WorkOrderView:
    left = text_id = text_en = None
    if order.status == WorkStatus.OPEN.value:
        left = workdays.working_days_between(today, order.due_on)
        text_id, text_en = deadline_text(left), deadline_text(left, Language.EN)
    return WorkOrderView(
        order.id,
        plan_id,
        item.id,
        site,
        item.asset_id,
        name,
        item.ticket_id,
        item.maintenance,
        order.occurs_on,
        order.due_on,
        order.status,
        item.pic,
        item.executor,
        item.vendor,
        left,
        text_id,
        text_en,
    )
