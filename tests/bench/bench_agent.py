"""Benchmark: ``asetik-agent inventory`` against FusionInventory's ``fusioninventory-inventory``.

Run as ``python -m tests.bench.bench_agent`` (``make bench``) on Linux, best as root (both tools
see more hardware as root). The two commands run alternately, N rounds each after a warm-up; per
run the CPU time (user + system) and the peak resident set come from ``wait4``'s resource usage
of that one child (with the helpers it waited for: dmidecode, smartctl, dpkg-query...). Medians
are printed beside the targets, with the size of asetik's document (raw and gzipped) and of an
"unchanged re-send" built in-process from two consecutive collections.

It prints and asserts nothing; it exits non-zero only when asetik's own inventory fails.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from agent.document import build_observation, section_hashes
from agent.inventory import collect_sections
from agent.sources.host import live_host

FUSION = "fusioninventory-inventory"
TARGET_CPU_S = 0.25
TARGET_RSS_MIB = 35.0
TARGET_CPU_RATIO = 3.0
TARGET_RSS_RATIO = 2.0
TARGET_FULL_GZIP_B = 20_000
TARGET_RESEND_GZIP_B = 1_000
NOT_SECTIONS = ("schema_version", "source")
COLD = "asetik-nocache"


@dataclass(frozen=True)
class Run:
    """One finished run of a command: exit status, its resource usage and its stderr's tail."""

    returncode: int
    cpu_s: float
    peak_rss_mib: float
    wall_s: float
    stderr_tail: str


@dataclass(frozen=True)
class Contender:
    """A command under test, the file its stdout goes to and the file holding its document."""

    name: str
    argv: list[str]
    stdout: Path
    document: Path


@dataclass(frozen=True)
class Medians:
    """Median CPU seconds, peak RSS (MiB) and wall seconds over the measured rounds."""

    cpu_s: float
    peak_rss_mib: float
    wall_s: float


def measure(argv: Sequence[str], stdout: Path, timeout_s: float) -> Run:
    """Run ``argv`` to completion; returns its exit status and the rusage of that child alone.

    ``wait4`` reports the child's own usage (plus the grandchildren it reaped), so one run's
    peak RSS is not mixed with earlier runs' as ``RUSAGE_CHILDREN`` would be. A run still going
    after ``timeout_s`` is killed.
    """
    with stdout.open("wb") as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        killer = threading.Timer(timeout_s, process.kill)
        killer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
            process.returncode = os.waitstatus_to_exitcode(status)
        finally:
            killer.cancel()
        wall_s = time.monotonic() - started
        err.seek(0)
        tail = err.read()[-2000:].decode("utf-8", "replace")
    # ru_maxrss is in KiB on Linux.
    return Run(
        process.returncode, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, wall_s, tail
    )


def asetik_argv() -> list[str]:
    """The venv's ``asetik-agent`` console script, or the same CLI via ``-m`` when not installed."""
    script = Path(sys.executable).parent / "asetik-agent"
    if script.is_file():
        return [str(script)]
    print(f"note: no {script}; running the agent as {sys.executable} -m agent.cli")
    return [sys.executable, "-m", "agent.cli"]


def contenders(workdir: Path) -> list[Contender]:
    """asetik as the service runs it (pending updates re-used while packages and lists are
    unchanged), asetik with no cache (``apt-get -s`` every run), and FusionInventory when
    installed (with a note on installing it when not)."""
    document = workdir / "asetik.json"
    cold = workdir / "asetik-cold.json"
    cache = workdir / "cache"
    chosen = [
        Contender(
            "asetik",
            [*asetik_argv(), "inventory", "--cache-dir", str(cache), "--output", str(document)],
            workdir / "asetik.stdout",
            document,
        ),
        Contender(
            COLD,
            [*asetik_argv(), "inventory", "--output", str(cold)],
            workdir / "asetik-cold.stdout",
            cold,
        ),
    ]
    fusion = shutil.which(FUSION)
    if fusion is None:
        print(
            f"note: {FUSION} not found; only asetik is measured. To compare, install it "
            "(Debian): apt-get install --no-install-recommends fusioninventory-agent"
        )
    else:
        output = workdir / "fusion.xml"
        chosen.append(Contender("fusioninventory", [fusion], output, output))
    return chosen


def run_rounds(
    chosen: list[Contender], rounds: int, warmup: int, timeout_s: float
) -> dict[str, list[Run]]:
    """Alternate the contenders round by round; the warm-up rounds are run but not kept.

    Raises ``RuntimeError`` when asetik fails; a failing FusionInventory is dropped with a note.
    """
    runs: dict[str, list[Run]] = {contender.name: [] for contender in chosen}
    active = list(chosen)
    for index in range(warmup + rounds):
        for contender in list(active):
            run = measure(contender.argv, contender.stdout, timeout_s)
            if run.returncode != 0:
                _report_failure(contender, run)
                if contender.name.startswith("asetik"):
                    raise RuntimeError("asetik-agent inventory failed")
                active.remove(contender)
                runs[contender.name].clear()
            elif index >= warmup:
                runs[contender.name].append(run)
    return runs


def _report_failure(contender: Contender, run: Run) -> None:
    print(f"\n{contender.name} exited {run.returncode}: {' '.join(contender.argv)}")
    print("--- its stderr (end) ---")
    print(run.stderr_tail.rstrip() or "(empty)")
    print("---")


def medians(runs: list[Run]) -> Medians:
    """Medians of the kept runs."""
    return Medians(
        statistics.median(run.cpu_s for run in runs),
        statistics.median(run.peak_rss_mib for run in runs),
        statistics.median(run.wall_s for run in runs),
    )


def gzipped_size(data: bytes) -> int:
    """Size of ``data`` gzipped as the agent sends it (level 9, header without a timestamp)."""
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def unchanged_resend() -> tuple[bytes, list[str]]:
    """The document a second run sends when the collector acknowledged the first run's hashes.

    Returns its JSON bytes (as ``asetik-agent inventory`` writes them) and its section names.
    """
    first = collect_sections(live_host())
    second = collect_sections(live_host())
    document = build_observation(
        second, collected_at=datetime.now(UTC), acknowledged=section_hashes(first)
    )
    body = json.dumps(document, ensure_ascii=False).encode("utf-8")
    return body, [name for name in document if name not in NOT_SECTIONS]


def verdict(ok: bool) -> str:
    """How a figure compares with its target."""
    return "ok" if ok else "MISSED"


def print_resources(runs: dict[str, list[Run]], rounds: int, warmup: int) -> None:
    """The CPU / memory / wall table: medians side by side, ratios, targets."""
    mine = medians(runs["asetik"])
    theirs = medians(runs["fusioninventory"]) if runs.get("fusioninventory") else None
    print(f"\nmedians of {rounds} alternating rounds each, after {warmup} warm-up round(s)")
    print(f"{'':18}{'asetik':>10}{'fusioninv':>12}{'ratio':>8}   target")
    print(
        _resource_row(
            "CPU user+sys, s",
            mine.cpu_s,
            theirs.cpu_s if theirs else None,
            TARGET_CPU_S,
            TARGET_CPU_RATIO,
        )
    )
    print(
        _resource_row(
            "peak RSS, MiB",
            mine.peak_rss_mib,
            theirs.peak_rss_mib if theirs else None,
            TARGET_RSS_MIB,
            TARGET_RSS_RATIO,
        )
    )
    other_wall = f"{theirs.wall_s:12.3f}" if theirs else f"{'-':>12}"
    print(f"{'wall time, s':18}{mine.wall_s:10.3f}{other_wall}")
    cold = medians(runs[COLD])
    print(
        f"without the updates cache (apt-get -s every run): CPU {cold.cpu_s:.3f} s, "
        f"peak RSS {cold.peak_rss_mib:.1f} MiB, wall {cold.wall_s:.3f} s"
    )


def _resource_row(
    label: str, own: float, other: float | None, limit: float, least_ratio: float
) -> str:
    unit = label.rsplit(", ", 1)[-1]
    target = f"asetik <= {limit:g} {unit}: {verdict(own <= limit)}"
    if other is None:
        return f"{label:18}{own:10.3f}{'-':>12}{'-':>8}   {target}"
    ratio = other / own if own > 0 else float("inf")
    target += f"; >= {least_ratio:g}x less: {verdict(ratio >= least_ratio)}"
    return f"{label:18}{own:10.3f}{other:12.3f}{ratio:7.1f}x   {target}"


def print_documents(asetik_doc: Path, fusion_doc: Path | None) -> bool:
    """Document sizes and software counts; returns False when the in-process re-send failed."""
    full = asetik_doc.read_bytes()
    print(f"\n{'asetik document':24}{'raw B':>10}{'gzip B':>12}   target (gzipped)")
    full_gz = gzipped_size(full)
    print(
        f"{'full inventory':24}{len(full):10,}{full_gz:12,}   "
        f"<= {TARGET_FULL_GZIP_B:,}: {verdict(full_gz <= TARGET_FULL_GZIP_B)}"
    )
    resent_ok = _print_resend()
    software = json.loads(full).get("softwares") or []
    line = f"software packages: {len(software)}"
    if fusion_doc is not None:
        xml = fusion_doc.read_bytes()
        line += f" (fusioninventory: {xml.count(b'<SOFTWARES>')})"
        print(f"{'fusioninventory XML':24}{len(xml):10,}{gzipped_size(xml):12,}   (for comparison)")
    print(line)
    return resent_ok


def _print_resend() -> bool:
    try:
        body, sections = unchanged_resend()
    except Exception as exc:  # noqa: BLE001 - a benchmark reports the fault and goes on
        print(f"{'unchanged re-send':24}failed in-process: {type(exc).__name__}: {exc}")
        return False
    size = gzipped_size(body)
    print(
        f"{'unchanged re-send':24}{len(body):10,}{size:12,}   "
        f"<= {TARGET_RESEND_GZIP_B:,}: {verdict(size <= TARGET_RESEND_GZIP_B)}"
    )
    print(f"{'':24}sections re-sent: {', '.join(sections) or 'none'}")
    return True


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.bench_agent", description=__doc__)
    parser.add_argument("--rounds", type=int, default=5, help="measured runs per tool (5)")
    parser.add_argument("--warmup", type=int, default=1, help="unmeasured first rounds (1)")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per run (600)")
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.warmup < 0:
        parser.error("--rounds must be >= 1 and --warmup >= 0")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print it; returns 1 when asetik's inventory fails, else 0."""
    args = _arguments(argv)
    print(f"host {platform.node()}, {platform.platform()}, Python {platform.python_version()}")
    if os.geteuid() != 0:
        print("note: not root; both tools see less hardware (dmidecode, smartctl) than as root")
    with tempfile.TemporaryDirectory(prefix="asetik-bench-") as work:
        chosen = contenders(Path(work))
        try:
            runs = run_rounds(chosen, args.rounds, args.warmup, args.timeout)
        except RuntimeError as exc:
            print(f"benchmark stopped: {exc}")
            return 1
        print_resources(runs, args.rounds, args.warmup)
        fusion_doc = chosen[-1].document if runs.get("fusioninventory") else None
        resent_ok = print_documents(chosen[0].document, fusion_doc)
    return 0 if resent_ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
