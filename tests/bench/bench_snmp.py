"""Benchmark: the SNMP poller against snmpsim serving the recorded corpus, beside net-snmp.

Run as ``python -m tests.bench.bench_snmp`` (``make bench``). Two parts, in one run:

1. **Walk rate, side by side.** snmpsim serves every ``../shared/corpus/snmp`` recording once;
   per group of tables (system, ifTable+ifXTable, entPhysicalTable, printer tables, all of them)
   every device x base is walked by net-snmp's ``snmpbulkwalk`` (``--parallel`` processes) and
   by our pysnmp reader (the same number of walks at once in one asyncio loop, one engine), with
   the same max-repetitions. Printed: values, wall seconds, values/s for both, our/net-snmp
   ratio, our process's CPU seconds and the simulator's (one Python process: when its CPU
   seconds approach the wall seconds, the simulator sets the pace for both clients).
2. **A fleet.** ``--devices`` targets (default 2,000), ``--dead`` of them (default 20%) at
   loopback addresses where nothing listens; the live ones cycle over the recordings, served
   by ``--simulators`` snmpsim processes. ``--pollers`` processes each poll their share with
   the real poller (SnmpPoller: credential probe, profile, walks, parsers, document; nothing
   stored: ingest has its own benchmark) at ``--concurrency`` devices at once, with the
   default per-device budget (1 s per request, 1 retry). Printed: wall seconds, devices/min,
   values/s, ok/dead/failed counts, CPU seconds and peak RSS per poller process.

Targets (issue 4): our values/s within 2x of net-snmp's on the same served set; 2,000 devices in
at most 5 minutes from one host with 20% dead. Simulators are stopped by pid, also on failure.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import resource
import shutil
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pysnmp.hlapi.v3arch.asyncio import SnmpEngine

from collector.adapters.snmp.client import Budget, PysnmpReader
from collector.adapters.snmp.credentials import Community, Credential
from collector.adapters.snmp.observe import observe_device
from collector.adapters.snmp.profile import load_profiles
from collector.adapters.snmp.reader import SnmpReader
from collector.adapters.snmp.targets import SiteTargets
from collector.adapters.snmp.values import Oid, Value, parse_oid
from collector.services.polling import CredentialMemory, SnmpPoller
from tests.bench.snmp_netsnmp import GROUPS, cpu_seconds, netsnmp_walk_rate
from tests.peers import REPO
from tests.snmp_peers import SnmpSim, start_snmpsim

Target = tuple[str, int, str]  # host, port, community


class CountingReader:
    """Our SnmpReader Protocol around the real reader, counting the values it returns."""

    def __init__(self, inner: SnmpReader, counts: Counter[str]):
        self._inner = inner
        self._counts = counts

    async def get(self, oids: Sequence[Oid]) -> dict[Oid, Value]:
        found = await self._inner.get(oids)
        self._counts["values"] += len(found)
        return found

    async def walk(self, base: Oid) -> list[tuple[Oid, Value]]:
        rows = await self._inner.walk(base)
        self._counts["values"] += len(rows)
        return rows


# -- part 1: walk rate ---------------------------------------------------------------------


async def _our_walks(
    sim: SnmpSim, bases: Sequence[str], parallel: int, repetitions: int
) -> tuple[int, int]:
    engine = SnmpEngine()
    budget = Budget(timeout=5.0, retries=1, max_repetitions=repetitions)
    slots = asyncio.Semaphore(parallel)
    failed = 0

    async def walk(community: str, base: str) -> int:
        nonlocal failed
        async with slots:
            reader = await PysnmpReader.open(
                engine, (sim.host, sim.port), Community(community), budget
            )
            try:
                return len(await reader.walk(parse_oid(base)))
            except Exception:  # noqa: BLE001 - counted and reported, the run goes on
                failed += 1
                return 0

    jobs = [walk(community, base) for community in sim.communities for base in bases]
    return sum(await asyncio.gather(*jobs)), failed


def walk_rates(sim: SnmpSim, args: argparse.Namespace, walker: str) -> None:
    print(f"\n1. walk rate: {len(sim.communities)} devices, -Cr{args.max_repetitions}, "
          f"{args.parallel} walks at once")  # fmt: skip
    print(f"{'tables':<18} {'values':>8} {'net-snmp s':>10} {'v/s':>7} {'asetik s':>9} "
          f"{'v/s':>7} {'ratio':>6} {'our CPU':>8} {'sim CPU':>8}")  # fmt: skip
    for name, bases in GROUPS.items():
        reference = netsnmp_walk_rate(sim.host, sim.port, sim.communities, bases,
                                      max_repetitions=args.max_repetitions,
                                      parallel=args.parallel, snmpbulkwalk=walker)  # fmt: skip
        sim_before, cpu_before, started = (
            cpu_seconds(sim.pid),
            time.process_time(),
            time.perf_counter(),
        )
        values, failed = asyncio.run(_our_walks(sim, bases, args.parallel, args.max_repetitions))
        seconds = time.perf_counter() - started
        ours, theirs = values / seconds, reference.values_per_second
        print(f"{name:<18} {values:>8} {reference.seconds:>10.2f} {theirs:>7.0f} "
              f"{seconds:>9.2f} {ours:>7.0f} {ours / theirs:>6.2f} "
              f"{time.process_time() - cpu_before:>8.2f} {cpu_seconds(sim.pid) - sim_before:>8.2f}"
              + (f"  (net-snmp values {reference.values}, failed {reference.failed}/{failed})"
                 if reference.values != values or failed or reference.failed else ""))  # fmt: skip


# -- part 2: a fleet -----------------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    targets: list[Target]
    concurrency: int


def poll_share(share: Share) -> dict[str, Any]:
    """One poller process: poll its targets, return counts, CPU seconds and peak RSS."""
    counts: Counter[str] = Counter()
    started = time.perf_counter()
    outcomes = asyncio.run(_poll(share, counts))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "results": Counter(outcome.result for outcome in outcomes),
        "values": counts["values"],
        "seconds": time.perf_counter() - started,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss_mib": usage.ru_maxrss / 1024,
    }


async def _poll(share: Share, counts: Counter[str]) -> list[Any]:
    engine = SnmpEngine()
    profiles = load_profiles()
    budget = Budget()

    async def open_reader(address: tuple[str, int], credential: Credential) -> SnmpReader:
        return CountingReader(await PysnmpReader.open(engine, address, credential, budget), counts)

    async def observe(reader: SnmpReader, **where: Any) -> dict[str, Any]:
        return await observe_device(reader, profiles, **where)

    async def deliver(document: dict[str, Any]) -> int:
        return 0

    poller = SnmpPoller(open_reader, observe, CredentialMemory(None), lambda: datetime.now(UTC),
                        concurrency=share.concurrency)  # fmt: skip
    sites = [SiteTargets(f"S{i}", ((host, port),), (Community(community),))
             for i, (host, port, community) in enumerate(share.targets)]  # fmt: skip
    done = await asyncio.gather(*(poller.poll_site(site, deliver) for site in sites))
    return [outcome for outcomes in done for outcome in outcomes]


def fleet_targets(sims: Sequence[SnmpSim], devices: int, dead: float) -> list[Target]:
    """Live targets cycling over recordings and simulators, and dead ones spread among them."""
    dead_every = round(1 / dead) if dead > 0 else 0
    targets: list[Target] = []
    live = 0
    for index in range(devices):
        if dead_every and index % dead_every == dead_every - 1:
            targets.append((f"127.0.{index // 250 % 250 + 1}.{index % 250 + 1}", 161, "mati"))
            continue
        sim = sims[live % len(sims)]
        targets.append(
            (sim.host, sim.port, sim.communities[live // len(sims) % len(sim.communities)])
        )
        live += 1
    return targets


def fleet(sims: Sequence[SnmpSim], args: argparse.Namespace) -> None:
    targets = fleet_targets(sims, args.devices, args.dead)
    shares = [Share(targets[i :: args.pollers], args.concurrency) for i in range(args.pollers)]
    dead = sum(target[2] == "mati" for target in targets)
    print(f"\n2. fleet: {len(targets)} devices ({dead} dead), "
          f"{len(sims)} simulators, {args.pollers} pollers x {args.concurrency}")  # fmt: skip
    sim_before = [cpu_seconds(sim.pid) for sim in sims]
    started = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(args.pollers) as pool:
        reports = pool.map(poll_share, shares)
    seconds = time.perf_counter() - started
    results: Counter[str] = sum((r["results"] for r in reports), Counter())
    values = sum(r["values"] for r in reports)
    print(f"wall {seconds:.1f} s, {len(targets) / seconds * 60:.0f} devices/min, "
          f"{values / seconds:.0f} values/s ({values} values); "
          + ", ".join(f"{k} {v}" for k, v in sorted(results.items())))  # fmt: skip
    for number, report in enumerate(reports, 1):
        print(f"  poller {number}: {report['seconds']:.1f} s, CPU {report['cpu']:.1f} s, "
              f"peak RSS {report['rss_mib']:.0f} MiB")  # fmt: skip
    for sim, before in zip(sims, sim_before, strict=True):
        print(f"  snmpsim pid {sim.pid}: CPU {cpu_seconds(sim.pid) - before:.1f} s")


def arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    corpus = Path(os.environ.get("ASETIK_CORPUS", REPO.parent / "shared" / "corpus")) / "snmp"
    parser.add_argument("--corpus", type=Path, default=corpus, help="recorded devices")
    parser.add_argument("--parallel", type=int, default=8, help="walks at once in part 1 (8)")
    parser.add_argument("--max-repetitions", type=int, default=25)
    parser.add_argument("--devices", type=int, default=2000, help="fleet size (2000)")
    parser.add_argument("--dead", type=float, default=0.2, help="share of dead targets (0.2)")
    parser.add_argument("--simulators", type=int, default=2, help="snmpsim processes (2)")
    parser.add_argument("--pollers", type=int, default=2, help="poller processes (2)")
    parser.add_argument("--concurrency", type=int, default=64, help="devices at once per poller")
    parser.add_argument("--skip-walks", action="store_true", help="only the fleet part")
    args = parser.parse_args(argv)
    if not 0 <= args.dead < 1 or min(args.devices, args.simulators, args.pollers) < 1:
        parser.error("--dead must be in [0, 1); --devices, --simulators, --pollers at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = arguments(argv)
    walker = shutil.which("snmpbulkwalk")
    if walker is None or not args.corpus.is_dir():
        print(
            "needs snmpbulkwalk (apt-get install snmp) and the corpus (--corpus)", file=sys.stderr
        )
        return 2
    sims: list[SnmpSim] = []
    try:
        sims.extend(start_snmpsim([args.corpus]) for _ in range(args.simulators))
        print(f"{platform_line()}; snmpsim serving {len(sims[0].communities)} recordings")
        if not args.skip_walks:
            walk_rates(sims[0], args, walker)
        fleet(sims, args)
    finally:
        for sim in sims:
            sim.stop()
    return 0


def platform_line() -> str:
    return f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs"


if __name__ == "__main__":
    sys.exit(main())
