"""Benchmark: generating work orders for a national preventive plan.

Run as ``python -m tests.bench.bench_plans``. A register of ``--assets`` assets (the fleet's
mix of workstations, laptops, servers, printers, switches and UPSes) over four sites is written
straight into a fresh database (SQLite file, then a throw-away PostgreSQL database); each site
gets an active 2026 plan with the shipped preventive templates for every asset, starting on the
first working Monday of the year. Printed per database: the first ``generate`` (every work order
due within the horizon new), repeats (nothing new: the steady state of the 6-hourly run; the
median of five) and a run a month later; seconds and work orders made.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

from collector.adapters.db.engine import open_engine, session_factory
from collector.adapters.db.migrate import upgrade
from collector.adapters.db.models import AssetRow, SiteRow
from collector.services.plans import PlanService
from collector.services.preventive_templates import load_templates
from collector.services.users import Role, Viewer
from collector.services.work_orders import WorkOrderService
from tests.bench.bench_collector import POSTGRES_ADMIN, BenchError, create_postgres

SITES = ("PUSDATIN", "BBPOM-SBY", "BBPOM-MDN", "BPOM-AMBON")
MIX = (("workstation", 60), ("laptop", 20), ("server", 5), ("printer", 10), ("switch", 3),
       ("ups", 2))  # fmt: skip
REPEATS = 5
PLANNER = Viewer(user_id=0, name="bench", role=Role.PLANNER, site_id=None)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 1, 5, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def _register(url: str, assets: int, clock: Clock) -> None:
    engine = open_engine(url)
    upgrade(engine)
    kinds = [kind for kind, share in MIX for _ in range(share)]
    with engine.begin() as connection:
        for code in SITES:
            connection.execute(insert(SiteRow).values(code=code, name=code, created_at=clock.now))
        site_ids = list(connection.scalars(select(SiteRow.id).order_by(SiteRow.id)))
        connection.execute(insert(AssetRow), [
            {"site_id": site_ids[n % len(site_ids)], "kind": kinds[n % len(kinds)],
             "status": "active", "name": f"asset-{n}", "needs_review": False,
             "first_seen": clock.now, "last_seen": clock.now, "last_source": "agent"}
            for n in range(assets)])  # fmt: skip
    engine.dispose()


def run(url: str, assets: int, horizon: int) -> None:
    clock = Clock()
    _register(url, assets, clock)
    engine = open_engine(url)
    sessions = session_factory(engine)
    work = WorkOrderService(sessions, clock)
    plans = PlanService(sessions, clock, load_templates(Path("/nonexistent")))
    started = time.perf_counter()
    items = 0
    for code in SITES:
        plan_id = plans.create(PLANNER, {"site": code, "period": "2026", "title": "Preventif"}).id
        items += len(plans.add_from_templates(PLANNER, plan_id, {
            "pic": "Tim TIK", "schedule": {"start": "2026-01-05"}}))  # fmt: skip
        for move in ("submit", "approve", "activate"):
            plans.move(PLANNER, plan_id, {"move": move})
    print(f"  {items} template items in 4 plans: {time.perf_counter() - started:.2f} s")
    _timed("first run", work, horizon)
    repeats = [_timed("repeat", work, horizon, quiet=True) for _ in range(REPEATS)]
    print(f"  generate (repeat, nothing new), median of {REPEATS}: "
          f"{statistics.median(repeats):.2f} s")  # fmt: skip
    clock.now += timedelta(days=31)
    _timed("a month later", work, horizon)
    engine.dispose()


def _timed(label: str, work: WorkOrderService, horizon: int, *, quiet: bool = False) -> float:
    started = time.perf_counter()
    made = work.generate(horizon)
    took = time.perf_counter() - started
    if not quiet:
        print(f"  generate ({label}, horizon {horizon} d): {made} new in {took:.2f} s")
    return took


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--assets", type=int, default=20000)
    parser.add_argument("--horizon", type=int, default=30)
    parser.add_argument("--postgres", default=POSTGRES_ADMIN)
    args = parser.parse_args(argv)
    with contextlib.ExitStack() as cleanup:
        folder = Path(cleanup.enter_context(tempfile.TemporaryDirectory()))
        print(f"SQLite, {args.assets} assets:")
        run(f"sqlite:///{folder / 'bench.db'}", args.assets, args.horizon)
        try:
            url = create_postgres(args.postgres, cleanup)
        except BenchError as exc:
            print(f"PostgreSQL skipped: {exc}", file=sys.stderr)
            return 0
        print(f"PostgreSQL, {args.assets} assets:")
        run(url, args.assets, args.horizon)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
