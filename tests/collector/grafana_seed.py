"""A small register for the Grafana views and dashboards: two sites (BBPOM-SBY holds a row of
every kind, so a per-site panel for it shows something), stale and fresh assets, failing and
healthy disks, tickets (a printer low on toner, pending security updates and end-of-life
firmware among them, and closed ones that must not show), a plan whose work orders are
overdue, due later, done on time and late, and a draft plan whose approval is overdue (the
/metrics needs, plan and SOP gauges all have a series for BBPOM-SBY).

Rows are written straight into the tables (the views read whatever is there, however it came),
dated from the wall clock: the views compare with the database's own ``now()``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from collector.adapters.db.engine import session_factory
from collector.adapters.db.models import (
    AssetRow,
    DiskRow,
    PlanItemRow,
    PlanRow,
    SiteRow,
    TicketRow,
    WorkExecutionRow,
    WorkOrderRow,
)

SBY, MDN = "BBPOM-SBY", "BBPOM-MDN"


@dataclass(frozen=True)
class Seeded:
    """The ids the tests look for in the views."""

    fresh_pc: int
    stale_pc: int
    stale_printer: int
    failed_disk: int
    ticketed_disk: int
    toner_ticket: int
    open_tickets: frozenset[int]
    overdue_order: int


def seed_grafana_register(engine: Engine, now: datetime | None = None) -> Seeded:
    """Write the register described above; returns the ids of the rows that matter."""
    moment = now or datetime.now(UTC)
    with session_factory(engine).begin() as session:
        sby, mdn = (_site(session, code, moment) for code in (SBY, MDN))
        fresh = _asset(session, sby, "pc-segar", "workstation", moment)
        stale = _asset(session, sby, "pc-lama", "workstation", moment - timedelta(days=10))
        printer = _asset(session, sby, "prn-lt2", "printer", moment - timedelta(days=3))
        _asset(session, mdn, "sw-inti", "switch", moment)
        failed = _disk(session, fresh, "sda", "FAILED-1", ("failed", 41.0))
        ticketed = _disk(session, fresh, "sdb", "WORN-2", ("passed", 38.0))
        _disk(session, fresh, "sdc", "GOOD-3", ("passed", 35.0))
        opened = [
            _ticket(session, fresh, ("disk.reallocated", "WORN-2"), ("critical", "new"), moment,
                    age_days=2),
            _ticket(session, fresh, ("volume.full", "/"), ("warning", "reviewed"), moment,
                    age_days=5),
            _ticket(session, printer, ("printer.supply_low", "Black Toner"), ("warning", "new"),
                    moment, age_days=1, evidence={"level_percent": 4.0}),
            _ticket(session, stale, ("presence.not_seen", ""), ("warning", "new"), moment,
                    age_days=3),
            _ticket(session, printer, ("printer.service_due", "halaman 100.000"),
                    ("warning", "in_progress"), moment, age_days=8),
            _ticket(session, fresh, ("software.security_updates", ""), ("warning", "new"),
                    moment, age_days=4),
            _ticket(session, printer, ("software.firmware_eol", ""), ("warning", "reviewed"),
                    moment, age_days=6),
        ]  # fmt: skip
        _ticket(session, printer, ("printer.supply_low", "Cyan Toner"), ("warning", "closed"),
                moment, age_days=20, evidence={"level_percent": 2.0})  # fmt: skip
        _ticket(session, fresh, ("disk.smart_failed", "GOOD-3"), ("critical", "auto_resolved"),
                moment, age_days=9)  # fmt: skip
        overdue = _work_orders(session, sby, fresh, moment)
        _late_draft(session, sby, moment)
    return Seeded(fresh, stale, printer, failed, ticketed, opened[2], frozenset(opened), overdue)


def _site(session: Session, code: str, now: datetime) -> int:
    row = SiteRow(code=code, name=f"Balai {code}", created_at=now)
    session.add(row)
    session.flush()
    return row.id


def _asset(session: Session, site: int, name: str, kind: str, seen: datetime) -> int:
    row = AssetRow(site_id=site, kind=kind, status="active", name=name, first_seen=seen,
                   last_seen=seen, last_source="agent" if kind == "workstation" else "snmp",
                   needs_review=False)  # fmt: skip
    session.add(row)
    session.flush()
    return row.id


def _disk(session: Session, asset: int, name: str, serial: str, health_c: tuple[str, float]) -> int:
    health, celsius = health_c
    row = DiskRow(asset_id=asset, name=name, serial=serial, health=health, temperature_c=celsius)
    session.add(row)
    session.flush()
    return row.id


def _ticket(
    session: Session,
    asset: int,
    key: tuple[str, str],
    state: tuple[str, str],
    now: datetime,
    *,
    age_days: int,
    evidence: dict[str, Any] | None = None,
) -> int:
    (rule, subject), (severity, status) = key, state
    first = now - timedelta(days=age_days, hours=1)
    row = TicketRow(asset_id=asset, rule=rule, subject=subject, severity=severity,
                    maintenance="replace_disk", message_id=f"{rule} {subject}",
                    message_en=f"{rule} {subject}", evidence=evidence or {}, status=status,
                    first_seen=first, last_seen=now, updated_at=now, reopened=0)  # fmt: skip
    session.add(row)
    session.flush()
    return row.id


def _late_draft(session: Session, site: int, now: datetime) -> None:
    """Next year's plan, still a draft a month after it was made: its approval (10 working
    days) is overdue, an SOP deadline at risk."""
    year = now.year + 1
    session.add(PlanRow(site_id=site, period=str(year), starts_on=date(year, 1, 1),
                        ends_on=date(year, 12, 31), title="Rencana tahun depan", state="draft",
                        created_by="seed", created_at=now - timedelta(days=30),
                        updated_at=now))  # fmt: skip


def _work_orders(session: Session, site: int, asset: int, now: datetime) -> int:
    """An active plan with one item and four work orders; returns the overdue one's id."""
    today = now.date()
    plan = PlanRow(site_id=site, period=str(today.year), starts_on=date(today.year, 1, 1),
                   ends_on=date(today.year, 12, 31), title="Rencana pemeliharaan", state="active",
                   created_by="seed", created_at=now, updated_at=now)  # fmt: skip
    session.add(plan)
    session.flush()
    item = PlanItemRow(plan_id=plan.id, asset_id=asset, maintenance="clean_workstation",
                       source="template", starts_on=today - timedelta(days=60), every=1,
                       unit="weeks", on_non_working="next", pic="Budi", executor="own",
                       estimated_cost=0, created_by="seed", created_at=now)  # fmt: skip
    session.add(item)
    session.flush()
    orders = {}
    for label, due in (("overdue", -3), ("later", 5), ("on_time", -20), ("late", -30)):
        order = WorkOrderRow(item_id=item.id, occurs_on=today + timedelta(days=due),
                             due_on=today + timedelta(days=due),
                             status="open" if label in ("overdue", "later") else "done",
                             created_at=now)  # fmt: skip
        session.add(order)
        session.flush()
        orders[label] = order
    for label, late_by in (("on_time", -1), ("late", 4)):
        order = orders[label]
        session.add(WorkExecutionRow(work_order_id=order.id,
                                     done_on=order.due_on + timedelta(days=late_by),
                                     summary="dibersihkan", outcome="fixed", cost=0,
                                     kondisi_after="Baik", recorded_by="seed",
                                     recorded_at=now))  # fmt: skip
    return orders["overdue"].id
