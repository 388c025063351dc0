"""Benchmark: evaluating the maintenance rules over 20,000 assets into tickets.

Run as ``python -m tests.bench.bench_rules`` (``make bench``). This machine is inventoried once
with the real agent code; every asset gets those sections, varied per asset (volume usage,
pending updates and security updates, pending reboot, battery wear, last seen, warranty), and
the softwares section cut to its first ``--packages`` entries (the full ~800 per asset would
make a 20,000-asset register of gigabytes to load before the clock runs). The register is
written straight into a fresh database (SQLite file, then a throw-away PostgreSQL database).

The rule families are the ones in collector/domain/rules/catalogue.py FAMILIES; while that is
empty (the rule helpers have not merged theirs yet) the benchmark says so and uses the
fake-but-realistic families below, which read the same sections the real ones will.

Printed per database: the first evaluation (every ticket new), a repeat with 10% of the assets
changed (the steady state of a nightly ``asetik-collector evaluate``), seconds, assets/s and
the ticket counts. Target: ≤ 10 s for 20,000 assets.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update

from agent.inventory import collect_sections
from agent.sources.host import live_host
from collector.adapters.db.engine import open_engine, session_factory
from collector.adapters.db.migrate import upgrade
from collector.adapters.db.models import AssetRow, AssetSectionRow, SiteRow, TicketRow
from collector.domain.rules.catalogue import FAMILIES, RULE_SECTIONS, TREND_READERS
from collector.domain.rules.findings import Finding, Maintenance, Severity, Snapshot, Thresholds
from collector.services.rules_config import default_rules
from collector.services.ticket_evaluation import Counts
from collector.services.tickets import TicketService
from tests.bench.bench_collector import CLOCK_TICKS, POSTGRES_ADMIN, BenchError, create_postgres

SITES = ("PUSDATIN", "BBPOM-SBY", "BBPOM-MDN", "BPOM-AMBON")
KINDS = ("workstation", "laptop", "server")
NOW = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)


def volume_usage(snapshot: Snapshot, limits: Thresholds) -> Iterable[Finding]:
    status = snapshot.sections.get("status") or {}
    totals = {v["mount"]: v.get("total_bytes") for v in snapshot.sections.get("volumes") or ()}
    for volume in status.get("volumes") or ():
        total = totals.get(volume["mount"]) or 0
        if total:
            used = 100 * volume["used_bytes"] / total
            if used >= limits["warning_percent"]:
                severe = used >= limits["critical_percent"]
                yield Finding(
                    "volume.full",
                    volume["mount"],
                    Severity.CRITICAL if severe else Severity.WARNING,
                    f"volume {volume['mount']} terisi {used:.0f}%",
                    f"volume {volume['mount']} {used:.0f}% full",
                    {"used_percent": round(used, 1)},
                    Maintenance.FREE_DISK_SPACE,
                )


def pending_updates(snapshot: Snapshot, limits: Thresholds) -> Iterable[Finding]:
    updates = snapshot.sections.get("updates") or {}
    count, security = updates.get("pending_count") or 0, updates.get("security_count") or 0
    if count >= limits["pending_warning"] or security:
        yield Finding(
            "updates.pending",
            "",
            Severity.CRITICAL if security else Severity.WARNING,
            f"{count} pembaruan tertunda ({security} keamanan)",
            f"{count} pending updates ({security} security)",
            {"pending": count, "security": security},
            Maintenance.UPDATE_SOFTWARE,
        )
    if (snapshot.sections.get("operatingsystem") or {}).get("pending_reboot"):
        yield Finding(
            "os.pending_reboot",
            "",
            Severity.INFO,
            "perlu mulai ulang",
            "reboot pending",
            {},
            Maintenance.REBOOT,
        )


def battery_wear(snapshot: Snapshot, limits: Thresholds) -> Iterable[Finding]:
    for battery in snapshot.sections.get("batteries") or ():
        health = battery.get("health_percent")
        if health is not None and health <= limits["warning_percent"]:
            severe = health <= limits["critical_percent"]
            yield Finding(
                "battery.wear",
                battery.get("serial") or battery["name"],
                Severity.CRITICAL if severe else Severity.WARNING,
                f"kapasitas baterai {health:.0f}%",
                f"battery capacity {health:.0f}%",
                {"health_percent": health},
                Maintenance.REPLACE_BATTERY,
            )


def presence(snapshot: Snapshot, limits: Thresholds) -> Iterable[Finding]:
    days = (snapshot.now - snapshot.last_seen).days
    if days >= limits["not_seen_days"]:
        yield Finding(
            "presence.not_seen",
            "",
            Severity.WARNING,
            f"tidak terlihat {days} hari",
            f"not seen for {days} days",
            {"days": days},
            Maintenance.CHECK_AGENT,
        )
    warranty = snapshot.warranty_until
    if warranty is not None and (warranty - snapshot.now.date()).days <= limits["warranty_days"]:
        yield Finding(
            "presence.warranty",
            "",
            Severity.INFO,
            f"garansi berakhir {warranty}",
            f"warranty ends {warranty}",
            {"until": warranty},
            Maintenance.RENEW_WARRANTY,
        )


def volume_readings(sections: Mapping[str, Any]) -> Mapping[str, float]:
    status = sections.get("status") or {}
    return {f"volume_used_bytes:{v['mount']}": v["used_bytes"] for v in status.get("volumes") or ()}


FAKE_FAMILIES = (
    ("volumes", volume_usage),
    ("software", pending_updates),
    ("batteries", battery_wear),
    ("presence", presence),
)
FAKE_TABLES = {
    "volumes": {"warning_percent": 90.0, "critical_percent": 95.0},
    "software": {"pending_warning": 20},
    "batteries": {"warning_percent": 60.0, "critical_percent": 40.0},
    "presence": {"not_seen_days": 30, "warranty_days": 60},
}


def vary(base: Mapping[str, Any], index: int, rng: random.Random) -> dict[str, Any]:
    """The machine's sections as asset ``index`` would report them."""
    sections = {k: v for k, v in base.items() if k not in ("identity",)}
    volumes = [
        {**v, "total_bytes": v.get("total_bytes") or 100 << 30}
        for v in base.get("volumes") or [{"mount": "/", "total_bytes": 100 << 30}]
    ]
    sections["volumes"] = volumes
    sections["status"] = {
        "uptime_seconds": rng.randrange(3600, 90 * 86400),
        "volumes": [
            {
                "mount": v["mount"],
                "used_bytes": int(v["total_bytes"] * rng.betavariate(5, 3)),
                "free_bytes": 0,
            }
            for v in volumes
        ],
    }
    count = rng.choice((0, 0, 3, 12, 40, 133))
    sections["updates"] = {
        "manager": "apt",
        "checked_at": None,
        "pending_count": count,
        "security_count": rng.choice((0, 0, 0, min(count, 5))),
    }
    system = dict(base.get("operatingsystem") or {})
    system["pending_reboot"] = rng.random() < 0.2
    sections["operatingsystem"] = system
    if index % 3 == 1:  # laptops
        sections["batteries"] = [
            {
                "name": "BAT0",
                "serial": f"B{index}",
                "health_percent": round(rng.uniform(30, 100), 1),
            }
        ]
    else:
        sections.pop("batteries", None)
    return sections


def build_register(db_url: str, base: Mapping[str, Any], count: int, packages: int) -> None:
    """A fresh schema with ``count`` assets over four sites, written in bulk."""
    engine = open_engine(db_url)
    upgrade(engine)
    rng = random.Random(20261128)  # noqa: S311 - repeatable variety, not secrecy
    softwares = list(base.get("softwares") or [])[:packages]
    with engine.begin() as connection:
        connection.execute(
            insert(SiteRow), [{"code": c, "name": c, "created_at": NOW} for c in SITES]
        )
        site_ids = list(connection.scalars(select(SiteRow.id).order_by(SiteRow.id)))
        for start in range(0, count, 1000):
            assets, sections = [], []
            for index in range(start, min(start + 1000, count)):
                seen = NOW - timedelta(
                    days=rng.choice((0, 0, 0, 1, 3, 45)), hours=rng.randrange(24)
                )
                warranty = date(2026, 12, 1) + timedelta(days=rng.randrange(-400, 900))
                assets.append(
                    {
                        "id": index + 1,
                        "site_id": site_ids[index % len(site_ids)],
                        "kind": KINDS[index % 3],
                        "status": "active",
                        "name": f"pc-{index:05d}",
                        "first_seen": seen,
                        "last_seen": seen,
                        "last_source": "agent",
                        "needs_review": False,
                        "warranty_until": warranty,
                    }
                )
                for name, content in {**vary(base, index, rng), "softwares": softwares}.items():
                    sections.append(
                        {
                            "asset_id": index + 1,
                            "name": name,
                            "hash": None,
                            "content": content,
                            "source": "agent",
                            "updated_at": seen,
                        }
                    )
            connection.execute(insert(AssetRow), assets)
            connection.execute(insert(AssetSectionRow), sections)
    engine.dispose()


def change_some(db_url: str, count: int, share: float) -> int:
    """Move the volume usage of a share of the assets (the next day's check-ins)."""
    engine = open_engine(db_url)
    rng = random.Random(7)  # noqa: S311 - repeatable, not secret
    chosen = rng.sample(range(1, count + 1), int(count * share))
    with engine.begin() as connection:
        for asset_id in chosen:
            status = connection.scalar(
                select(AssetSectionRow.content).where(
                    AssetSectionRow.asset_id == asset_id, AssetSectionRow.name == "status"
                )
            )
            for volume in (status or {}).get("volumes") or ():
                volume["used_bytes"] = int(volume["used_bytes"] * rng.uniform(0.8, 1.2))
            connection.execute(
                update(AssetSectionRow)
                .where(AssetSectionRow.asset_id == asset_id, AssetSectionRow.name == "status")
                .values(content=status)
            )
    engine.dispose()
    return len(chosen)


@dataclass(frozen=True)
class Evaluation:
    """One timed evaluation: wall seconds, CPU seconds of this process and its worker
    processes, CPU seconds the whole machine was busy (the database server included: a quiet
    machine is assumed), what it did, the tickets open afterwards."""

    seconds: float
    cpu: float
    machine_cpu: float
    counts: Counts
    open_tickets: int


def own_cpu() -> float:
    """CPU seconds of this process and of its children that have ended (the workers)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def machine_busy() -> float:
    """CPU seconds the machine has been busy since boot, all cores (/proc/stat)."""
    with Path("/proc/stat").open(encoding="ascii") as stat:
        fields = [int(value) for value in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / CLOCK_TICKS


def evaluate_all(db_url: str, now: datetime, workers: int) -> Evaluation:
    engine = open_engine(db_url)
    families = FAMILIES or FAKE_FAMILIES
    rules = default_rules() if FAMILIES else {**default_rules(), **FAKE_TABLES}
    service = TicketService(
        session_factory(engine), lambda: now, rules, families, TREND_READERS or (volume_readings,),
        sections=RULE_SECTIONS if FAMILIES else None,
    )  # fmt: skip
    started, cpu, busy = time.perf_counter(), own_cpu(), machine_busy()
    counts = service.evaluate_scope(workers=workers)
    elapsed = time.perf_counter() - started
    cpu, busy = own_cpu() - cpu, machine_busy() - busy
    with engine.connect() as connection:
        open_tickets = len(
            connection.execute(select(TicketRow.id).where(TicketRow.status == "new")).all()
        )
    engine.dispose()
    return Evaluation(elapsed, cpu, busy, counts, open_tickets)


def run(db_url: str, base: Mapping[str, Any], args: argparse.Namespace, workers: int) -> None:
    started = time.perf_counter()
    build_register(db_url, base, args.assets, args.packages)
    print(f"  register of {args.assets} assets written in {time.perf_counter() - started:.1f} s;"
          f" {workers} worker process{'es' if workers > 1 else ''}")  # fmt: skip
    for label, now in (
        ("first evaluation", NOW),
        ("repeat, 10% changed", NOW + timedelta(hours=7)),
    ):
        if label.startswith("repeat"):
            change_some(db_url, args.assets, 0.10)
        done = evaluate_all(db_url, now, workers)
        counts = done.counts
        rate = counts.evaluated / done.seconds if done.seconds else 0.0
        verdict = "within" if done.seconds <= 10 else "OVER"
        print(
            f"  {label:<22} {done.seconds:6.2f} s  {rate:7.0f} assets/s  ({verdict} the 10 s "
            f"target)  new {counts.new}, updated {counts.updated}, auto-resolved "
            f"{counts.auto_resolved}, reopened {counts.reopened}; open tickets "
            f"{done.open_tickets}\n  {'':<22} CPU: collector and workers {done.cpu:.2f} s, "
            f"machine busy {done.machine_cpu:.2f} s"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, default=20_000)
    parser.add_argument("--packages", type=int, default=100, help="softwares entries per asset")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--postgres", default=POSTGRES_ADMIN)
    parser.add_argument(
        "--workers", default=f"1,{min(os.cpu_count() or 1, 4)}",
        help="worker process counts to compare, each on a fresh register (1,<CPUs up to 4>)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    counts = sorted({int(n) for n in args.workers.split(",")})
    with tempfile.TemporaryDirectory(prefix="asetik-rules-bench-") as folder:
        base = collect_sections(live_host(cache_dir=Path(folder) / "agent-cache")).sections
        print(
            f"rules benchmark: {args.assets} assets from this machine's inventory "
            f"({len(base)} sections, softwares cut to {args.packages})"
        )
        if not FAMILIES:
            print(
                "  no rule families merged yet: fake-but-realistic families (volumes, updates "
                "and reboot, battery wear, presence and warranty) and a volume trend reader"
            )
        status = 0
        for kind in args.databases.split(","):
            print(f"\n{'SQLite' if kind == 'sqlite' else 'PostgreSQL'}")
            for workers in counts:
                with contextlib.ExitStack() as cleanup:
                    try:
                        url = (
                            f"sqlite:///{folder}/rules-{workers}.db"
                            if kind == "sqlite"
                            else create_postgres(args.postgres, cleanup)
                        )
                        run(url, base, args, workers)
                    except BenchError as exc:
                        print(f"  benchmark stopped: {exc}")
                        status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
