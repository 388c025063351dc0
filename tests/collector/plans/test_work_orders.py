"""Work-order generation on both databases: occurrences up to the horizon and the plan's end,
non-working days moved or skipped, nothing twice when run again or by two threads at once
(the unique constraint), and the CLI command."""

from __future__ import annotations

import io
import threading
from contextlib import redirect_stdout
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from collector.adapters.db.models import WorkOrderRow
from collector.bootstrap import Services, build_services
from collector.config import load_config
from collector.entrypoints.cli import main as collector_cli
from collector.errors import Refused
from collector.services.users import Role, Viewer
from tests.collector.conftest import FixedClock
from tests.collector.plans.setup import PLANNER, approved_fleet

UPT = Viewer(user_id=0, name="andi", role=Role.VIEWER, site_id=10**9)


def active_plan(services: Services, items: list[dict[str, Any]], period: str = "2026") -> int:
    """An active plan of BBPOM-SBY with the items (asset_ids, maintenance, schedule...)."""
    plan_id = services.plans.create(PLANNER, {"site": "BBPOM-SBY", "period": period,
                                              "title": "Rencana"}).id  # fmt: skip
    for item in items:
        services.plans.add_items(PLANNER, plan_id, {"pic": "Siti", **item})
    for move in ("submit", "approve", "activate"):
        services.plans.move(PLANNER, plan_id, {"move": move})
    return plan_id


def orders(services: Services) -> list[tuple[int, date, date]]:
    with services.sessions() as session:
        rows = session.execute(
            select(WorkOrderRow.item_id, WorkOrderRow.occurs_on, WorkOrderRow.due_on).order_by(
                WorkOrderRow.occurs_on
            )
        )
        return [(a, b, c) for a, b, c in rows]


def test_recurring_items_make_their_work_orders_ahead_once(
    services: Services, clock: FixedClock
) -> None:
    fleet = approved_fleet(services)
    clock.now = datetime(2026, 3, 1, 1, tzinfo=UTC)
    weekly = {"asset_ids": [fleet.ups], "maintenance": "test_ups_battery",
              "schedule": {"start": "2026-03-05", "every": 1, "unit": "weeks"}}  # fmt: skip
    active_plan(services, [weekly])  # activation generates the first 30 days
    made = orders(services)
    # Thursdays 5, 12, 26 March; 19 March (Nyepi) moves to the next working day, 25 March
    assert [(o, d) for _, o, d in made] == [
        (date(2026, 3, 5), date(2026, 3, 5)), (date(2026, 3, 12), date(2026, 3, 12)),
        (date(2026, 3, 19), date(2026, 3, 25)), (date(2026, 3, 26), date(2026, 3, 26))]  # fmt: skip
    assert services.work_orders.generate() == 0
    assert orders(services) == made
    clock.now += timedelta(days=14)
    assert services.work_orders.generate() == 2  # 2 and 9 April
    assert services.work_orders.generate() == 0
    assert len(orders(services)) == 6


def test_skip_and_previous_and_the_plan_end(services: Services, clock: FixedClock) -> None:
    fleet = approved_fleet(services)
    clock.now = datetime(2026, 3, 1, 1, tzinfo=UTC)
    daily = {"asset_ids": [fleet.ups], "maintenance": "inspect",
             "schedule": {"start": "2026-03-16", "every": 1, "unit": "days",
                          "on_non_working": "skip"}}  # fmt: skip
    back = {"asset_ids": [fleet.printer], "maintenance": "clean_printer",
            "schedule": {"start": "2026-03-21", "on_non_working": "previous"}}  # fmt: skip
    active_plan(services, [daily, back], period="2026-03")
    services.work_orders.generate(horizon_days=60)
    made = orders(services)
    skipped = [o for _, o, _ in made if o.day != 21]
    assert skipped[:3] == [date(2026, 3, 16), date(2026, 3, 17), date(2026, 3, 25)]
    assert max(skipped) == date(2026, 3, 31)  # the plan ends with March
    assert (date(2026, 3, 21), date(2026, 3, 17)) in [(o, d) for _, o, d in made]


def test_draft_plans_make_no_work_orders(services: Services, clock: FixedClock) -> None:
    fleet = approved_fleet(services)
    plan_id = services.plans.create(PLANNER, {"site": "BBPOM-SBY", "period": "2026-Q4",
                                              "title": "x"}).id  # fmt: skip
    services.plans.add_items(PLANNER, plan_id, {"pic": "Siti", "asset_ids": [fleet.ups],
                                                "maintenance": "inspect",
                                                "schedule": {"start": "2026-11-30"}})  # fmt: skip
    assert services.work_orders.generate() == 0
    with pytest.raises(Refused):
        services.work_orders.generate(horizon_days=-1)


def test_the_database_refuses_a_second_work_order_for_an_occurrence(
    services: Services, clock: FixedClock
) -> None:
    fleet = approved_fleet(services)
    active_plan(services, [{"asset_ids": [fleet.ups], "maintenance": "inspect",
                            "schedule": {"start": "2026-11-30"}}])  # fmt: skip
    [(item, occurs, due)] = orders(services)
    with pytest.raises(IntegrityError), services.sessions.begin() as session:
        session.execute(
            insert(WorkOrderRow).values(
                item_id=item, occurs_on=occurs, due_on=due, status="open", created_at=clock.now
            )
        )


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)  # SQLite has one writer
def test_two_generators_at_once_make_each_work_order_once(
    services: Services, clock: FixedClock, db_url: str, tmp_path: Path
) -> None:
    fleet = approved_fleet(services)
    clock.now = datetime(2026, 1, 1, 1, tzinfo=UTC)
    items = [{"asset_ids": [a], "maintenance": "inspect",
              "schedule": {"start": "2026-01-01", "every": 1, "unit": "days"}}
             for a in (fleet.ups, fleet.printer, fleet.pc)]  # fmt: skip
    plan_id = services.plans.create(PLANNER, {"site": "BBPOM-SBY", "period": "2026",
                                              "title": "x"}).id  # fmt: skip
    for item in items:
        services.plans.add_items(PLANNER, plan_id, {"pic": "Siti", **item})
    for move in ("submit", "approve"):
        services.plans.move(PLANNER, plan_id, {"move": move})
    services.plans.on_activate = None
    services.plans.move(PLANNER, plan_id, {"move": "activate"})
    others = [build_services(load_config({}, db=db_url, data_dir=tmp_path / f"d{n}"), clock)
              for n in range(2)]  # fmt: skip
    barrier, made = threading.Barrier(2), [0, 0]

    def run(n: int) -> None:
        barrier.wait()
        made[n] = others[n].work_orders.generate(horizon_days=200)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for built in others:
        built.close()
    total = len(orders(services))
    assert total == 3 * 201  # 1 January + 200 days, three items
    assert sum(made) == total
    assert len(set(orders(services))) == total


def test_plan_generate_cli(services: Services, clock: FixedClock, tmp_path: Path) -> None:
    fleet = approved_fleet(services)
    clock.now = datetime.now(UTC)
    start = clock.now.date() + timedelta(days=1)
    services.plans.on_activate = None
    active_plan(services, [{"asset_ids": [fleet.ups], "maintenance": "inspect",
                            "schedule": {"start": start.isoformat(), "every": 1,
                                         "unit": "days"}}], period=str(start.year))  # fmt: skip
    url = services.engine.url.render_as_string(hide_password=False)
    out = io.StringIO()
    with redirect_stdout(out):
        assert collector_cli(["--db", url, "--data-dir", str(tmp_path), "plan", "generate",
                              "--horizon", "3"]) == 0  # fmt: skip
        assert collector_cli(["--db", url, "--data-dir", str(tmp_path), "plan", "generate",
                              "--horizon", "3"]) == 0  # fmt: skip
    first, second = out.getvalue().splitlines()
    expected = min(3, (date(start.year, 12, 31) - start).days + 1)
    assert first.startswith(f"perintah kerja baru: {expected}")
    assert second.startswith("perintah kerja baru: 0")


def test_listing_shows_deadlines_in_working_days_within_the_site(
    services: Services, clock: FixedClock
) -> None:
    fleet = approved_fleet(services)
    clock.now = datetime(2026, 3, 13, 1, tzinfo=UTC)  # a Friday
    plan_id = active_plan(services, [{"asset_ids": [fleet.ups], "maintenance": "inspect",
                                      "schedule": {"start": "2026-03-06", "every": 1,
                                                   "unit": "weeks"}}])  # fmt: skip
    listed = services.work_orders.list_orders(PLANNER, {"plan": str(plan_id), "status": "open"})
    shown = [(w.due_on, w.working_days_left, w.deadline_id, w.deadline_en) for w in listed]
    assert shown[:4] == [
        (date(2026, 3, 6), -5, "5 HK terlambat", "5 WD overdue"),
        (date(2026, 3, 13), 0, "hari ini", "due today"),
        (date(2026, 3, 25), 3, "3 HK lagi", "3 WD left"),  # 20 March (cuti bersama) moved
        (date(2026, 3, 27), 5, "5 HK lagi", "5 WD left"),
    ]  # fmt: skip
    assert services.work_orders.list_orders(UPT, {}) == []
    for wanted in ({"status": "late"}, {"plan": "x"}, {"due_before": "2026-02-30"}):
        with pytest.raises(Refused) as bad:
            services.work_orders.list_orders(PLANNER, wanted)
        assert bad.value.status == 400
