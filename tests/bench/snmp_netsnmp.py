"""SNMP benchmark, net-snmp side: how fast net-snmp's ``snmpbulkwalk`` reads the recorded devices
that snmpsim serves on 127.0.0.1 (the reference our pysnmp poller is compared with).

Run as ``python -m tests.bench.snmp_netsnmp [--copies N] [--parallel N] [--max-repetitions N]``.
snmpsim serves every ``../shared/corpus/snmp/*.snmprec`` (``--copies N``: N times over, each copy
under its own community ``<stem>--NNNN``, symlinks only). Per group of tables, every community x
base is walked by one ``snmpbulkwalk -v2c -Cr<max-repetitions> -On -Oq`` subprocess, at most
``--parallel`` at once; printed: walks, values, wall seconds, values/s, devices/min, failed walks
and the simulator's CPU seconds (snmpsim is one Python process: when its CPU seconds come close
to the wall seconds, the simulator, not the client, sets the pace).

The simulator is stopped by pid and its folders removed, also on failure.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from tests.peers import REPO
from tests.snmp_peers import READY_TIMEOUT_S, SnmpSim, replicate_corpus, start_snmpsim

BASES: dict[str, tuple[str, ...]] = {
    "system": ("1.3.6.1.2.1.1",),
    "ifTable+ifXTable": ("1.3.6.1.2.1.2.2", "1.3.6.1.2.1.31.1.1"),
    "entPhysicalTable": ("1.3.6.1.2.1.47.1.1.1",),
    "printer tables": ("1.3.6.1.2.1.43.11", "1.3.6.1.2.1.43.10.2", "1.3.6.1.2.1.25.3.5"),
}
GROUPS = {**BASES, "all of them": tuple(base for bases in BASES.values() for base in bases)}
VALUE_LINE = re.compile(r"\.[0-9]+(?:\.[0-9]+)+ ")
NOT_VALUES = ("No more variables left in this MIB View", "No Such Instance", "No Such Object")
WALK_TIMEOUT_S = 5
WALK_RETRIES = 1
INDEX_S_PER_COPY = 15.0  # snmpsim indexes each copy of the corpus on start (~3 s here)
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Walk:
    """One snmpbulkwalk: values it printed, and its error (None when it exited 0)."""

    values: int
    error: str | None


@dataclass(frozen=True)
class WalkRate:
    """Walks of ``devices`` communities over some bases: totals and rates."""

    devices: int
    walks: int
    values: int
    seconds: float
    failed: int
    first_error: str | None

    @property
    def values_per_second(self) -> float:
        """Values received per wall second."""
        return self.values / self.seconds if self.seconds else 0.0

    @property
    def devices_per_minute(self) -> float:
        """Devices fully walked (every base) per wall minute."""
        return 60.0 * self.devices / self.seconds if self.seconds else 0.0


def count_values(stdout: str) -> int:
    """Values in ``-On -Oq`` output: lines starting with a numeric OID, less the exceptions
    (endOfMibView, noSuch...). A string with newlines goes on over more lines: those rarely
    start with a dotted OID and a space."""
    return sum(
        1
        for line in stdout.splitlines()
        if VALUE_LINE.match(line) and not any(text in line for text in NOT_VALUES)
    )


def bulkwalk(command: Sequence[str], community: str, base: str) -> Walk:
    """Run one ``snmpbulkwalk`` (``command`` holds the tool and the fixed options)."""
    done = subprocess.run(
        [*command, "-c", community, base],
        capture_output=True,
        text=True,
        check=False,
        env=dict(os.environ, MIBS=""),
    )
    error = None
    if done.returncode != 0:
        error = f"{community} {base}: {done.stderr.strip().splitlines()[:1]}"
    return Walk(count_values(done.stdout), error)


def netsnmp_walk_rate(
    host: str,
    port: int,
    communities: Sequence[str],
    bases: Sequence[str],
    *,
    max_repetitions: int = 25,
    parallel: int = 8,
    snmpbulkwalk: str = "snmpbulkwalk",
) -> WalkRate:
    """Walk every base of every community with net-snmp, ``parallel`` subprocesses at a time;
    the totals and the wall time of the whole lot."""
    # An empty subtree costs snmpbulkwalk one more request: a GET of the base itself (noSuch...).
    command = [snmpbulkwalk, "-v2c", f"-Cr{max_repetitions}", "-On", "-Oq"]
    command += ["-t", str(WALK_TIMEOUT_S), "-r", str(WALK_RETRIES), f"{host}:{port}"]
    jobs = [(community, base) for community in communities for base in bases]
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        walks = list(pool.map(lambda job: bulkwalk(command, *job), jobs))
    seconds = time.perf_counter() - started
    errors = [walk.error for walk in walks if walk.error]
    return WalkRate(
        devices=len(communities),
        walks=len(walks),
        values=sum(walk.values for walk in walks),
        seconds=seconds,
        failed=len(errors),
        first_error=errors[0] if errors else None,
    )


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of one process so far (``/proc/PID/stat``)."""
    text = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    fields = text.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def print_header(simulator: SnmpSim, ready_s: float, args: argparse.Namespace) -> None:
    """What was measured, and the column titles of ``print_row``."""
    print(
        f"snmpsim on {simulator.host}:{simulator.port} (pid {simulator.pid}): "
        f"{len(simulator.communities)} devices, ready in {ready_s:.1f} s"
    )
    print(f"snmpbulkwalk -Cr{args.max_repetitions}, {args.parallel} in parallel\n")
    print(
        f"{'tables':<18} {'walks':>6} {'values':>9} {'wall s':>8} {'values/s':>10} "
        f"{'devices/min':>11} {'failed':>6} {'sim CPU':>8}"
    )


def print_row(name: str, rate: WalkRate, simulator_cpu_s: float) -> None:
    """One result line of the table ``main`` prints."""
    print(
        f"{name:<18} {rate.walks:>6} {rate.values:>9} {rate.seconds:>8.2f} "
        f"{rate.values_per_second:>10.0f} {rate.devices_per_minute:>11.0f} {rate.failed:>6} "
        f"{simulator_cpu_s:>8.2f}"
    )
    if rate.first_error:
        print(f"  first failure: {rate.first_error}")


def data_dirs(corpus: Path, copies: int, workdir: Path) -> list[Path]:
    """What snmpsim serves: the corpus folder itself, or ``copies`` symlinked copies of it."""
    if copies == 1:
        return [corpus]
    return [replicate_corpus(sorted(corpus.glob("*.snmprec")), copies, workdir)]


def run(args: argparse.Namespace, walker: str) -> int:
    """Serve the corpus, walk each group of bases, print the table; 1 when a walk failed."""
    with tempfile.TemporaryDirectory(prefix="asetik-bench-snmp-") as workdir:
        folders = data_dirs(args.corpus, args.copies, Path(workdir))
        started = time.perf_counter()
        ready = READY_TIMEOUT_S + INDEX_S_PER_COPY * args.copies
        simulator = start_snmpsim(folders, ready_timeout=ready)
        try:
            ready_s = time.perf_counter() - started
            print_header(simulator, ready_s, args)
            failed = 0
            for name, bases in GROUPS.items():
                before = cpu_seconds(simulator.pid)
                rate = netsnmp_walk_rate(
                    simulator.host,
                    simulator.port,
                    simulator.communities,
                    bases,
                    max_repetitions=args.max_repetitions,
                    parallel=args.parallel,
                    snmpbulkwalk=walker,
                )
                print_row(name, rate, cpu_seconds(simulator.pid) - before)
                failed += rate.failed
        finally:
            simulator.stop()
    return 1 if failed else 0


def arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    corpus = Path(os.environ.get("ASETIK_CORPUS", REPO.parent / "shared" / "corpus")) / "snmp"
    parser.add_argument("--corpus", type=Path, default=corpus, help="recorded devices")
    parser.add_argument("--copies", type=int, default=1, help="serve the corpus N times over")
    parser.add_argument("--parallel", type=int, default=8, help="snmpbulkwalk processes at once")
    parser.add_argument("--max-repetitions", type=int, default=25)
    args = parser.parse_args(argv)
    if args.copies < 1 or args.parallel < 1 or args.max_repetitions < 1:
        parser.error("--copies, --parallel and --max-repetitions must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: 0 when every walk succeeded, 1 when one failed, 2 when a tool is missing."""
    args = arguments(argv)
    walker = shutil.which("snmpbulkwalk")
    if walker is None:
        print("snmpbulkwalk not found: apt-get install snmp", file=sys.stderr)
        return 2
    if not args.corpus.is_dir():
        print(f"corpus not found at {args.corpus} (use --corpus)", file=sys.stderr)
        return 2
    return run(args, walker)


if __name__ == "__main__":
    sys.exit(main())
