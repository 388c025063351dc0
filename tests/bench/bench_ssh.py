"""Benchmark: the SSH poller against replayed network devices and a real sshd, optionally
side by side with an earlier version of the code.

Run as ``python -m tests.bench.bench_ssh`` (``make bench``). With ``--baseline REF`` (a git
ref, e.g. ``main``) that version is exported from git and measured by the same harness in
the same run, alternating with this tree, so both see the same machine load. Two parts:

1. **Network gear.** Per platform (``--platforms``, default every recorded one), ``--devices``
   replaying devices (default 200; tests/ssh_device.py serving ../shared/corpus/cli on
   loopback, in a process of their own) are polled by the real SSH poller with ``--workers``
   sessions at once (default 20): host key pinned on first contact and enforced after,
   netmiko session in a worker thread, the profile's commands, ntc-templates parsing, the
   document built; nothing stored. Each version polls the fleet ``--repeats`` times (default
   3; each version keeps its data directory, so the first poll pins the keys and the later ones
   check them) in a process of its own. Printed per platform and version: medians of
   devices/min, the poller's CPU ms per device and the replaying devices' CPU ms per device
   (measured apart: the devices share the 2 cores but not the poller's figures).
2. **Agentless Linux.** Debian's sshd on loopback with key-only login; this machine inventoried
   through it ``--rounds`` times one after the other (default 5), twice per version. Printed:
   the first inventory of a fresh data directory (nothing cached) and the median of the others,
   seconds and poller CPU, with the package count and the sections.

Targets (issue 5): at least 1,000 devices/min for Cisco-IOS-like gear, at most 0.5 s per
agentless Linux inventory. The load average is printed, since other work shares the machine.
Everything started is stopped by pid, also on failure.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import psutil

from tests.peer_processes import stop_process
from tests.peers import REPO
from tests.sshd_peer import start_sshd

PLATFORMS = (
    "cisco_ios", "cisco_nxos", "cisco_asa", "arista_eos", "juniper_junos",
    "hp_procurve", "huawei_vrp", "mikrotik_routeros", "fortinet", "paloalto_panos",
)  # fmt: skip
WORKER = Path(__file__).resolve().parent / "ssh_poll_run.py"
RUN_TIMEOUT_S = 1800
CURRENT = "this tree"
PACKAGES = ("collector", "agent", "schemas")


@dataclass(frozen=True)
class Version:
    """Code to measure: a name and the folder that holds its packages."""

    name: str
    tree: Path


def export_tree(ref: str, folder: Path) -> Path:
    """The packages a poll runs (collector, agent, schemas) as git ``ref`` of this repository
    has them, written under ``folder``."""
    archive = folder / "baseline.tar"
    with archive.open("wb") as handle:
        command = ["git", "-C", str(REPO), "archive", ref, "--", *PACKAGES]
        subprocess.run(command, stdout=handle, check=True)
    tree = folder / "baseline"
    with tarfile.open(archive) as tar:
        tar.extractall(tree, filter="data")
    return tree


def run_worker(version: Version, job: dict[str, Any]) -> dict[str, Any]:
    """One worker process of ``version``; its JSON result (RuntimeError when it failed)."""
    environ = {**os.environ, "PYTHONPATH": str(version.tree)}
    done = subprocess.run(
        [sys.executable, str(WORKER)], input=json.dumps(job), capture_output=True, text=True,
        env=environ, timeout=RUN_TIMEOUT_S, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"{version.name}: worker failed:\n{done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    if Path(result["code"]).resolve() != version.tree.resolve():
        raise RuntimeError(f"{version.name}: measured {result['code']}, not {version.tree}")
    return result


def load() -> str:
    """The 1-minute load average, as printed beside the figures."""
    return f"{os.getloadavg()[0]:.2f}"


def cpu_seconds(process: psutil.Process) -> float:
    """User and system CPU seconds a process has used so far (its threads included)."""
    times = process.cpu_times()
    return float(times.user + times.system)


@contextmanager
def replay_fleet(
    corpus: Path, platform: str, devices: int
) -> Iterator[tuple[dict[str, Any], psutil.Process]]:
    """A fleet process (tests/bench/ssh_fleet.py): what it announced and the process itself."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.bench.ssh_fleet", platform, str(devices), "--corpus",
         str(corpus)], cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
    )  # fmt: skip
    try:
        stdout: IO[bytes] | None = process.stdout
        line = stdout.readline() if stdout is not None else b""
        if not line:
            raise RuntimeError(f"{platform}: the replaying devices did not start")
        yield json.loads(line), psutil.Process(process.pid)
    finally:
        if process.stdin is not None:
            process.stdin.close()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            stop_process(process)


def gear_runs(
    args: argparse.Namespace, versions: Sequence[Version], platform: str, folder: Path
) -> dict[str, list[dict[str, Any]]]:
    """Every version's runs over one platform's fleet, alternating the order each repeat."""
    runs: dict[str, list[dict[str, Any]]] = {v.name: [] for v in versions}
    with replay_fleet(args.corpus, platform, args.devices) as (fleet, devices):
        job = {"mode": "gear", "host": "127.0.0.1", "workers": args.workers, **fleet}
        for repeat in range(args.repeats):
            for version in versions if repeat % 2 == 0 else list(reversed(versions)):
                data_dir = folder / version.name.replace(" ", "-") / platform
                data_dir.mkdir(parents=True, exist_ok=True)
                before = cpu_seconds(devices)
                result = run_worker(version, {**job, "data_dir": str(data_dir)})
                result["device_cpu"] = cpu_seconds(devices) - before
                runs[version.name].append(result)
    return runs


def print_gear(platform: str, devices: int, runs: dict[str, list[dict[str, Any]]]) -> None:
    """One line per version: medians, and the ratio to the first version."""
    first_rate: float | None = None
    for name, results in runs.items():
        rate = statistics.median(devices / r["wall"] * 60 for r in results)
        poller = statistics.median(r["cpu"] / devices * 1000 for r in results)
        device = statistics.median(r["device_cpu"] / devices * 1000 for r in results)
        failed = max(sum(n for k, n in r["results"].items() if k != "ok") for r in results)
        ratio = f"x{rate / first_rate:.2f}" if first_rate else ""
        first_rate = first_rate or rate
        print(f"{platform:<18} {name:<10} {rate:>12.0f} {ratio:>6} {poller:>11.1f} "
              f"{device:>11.1f} {failed:>7}")  # fmt: skip
        for result in results:
            if result["failure"]:
                print(f"{'':<18} {name:<10} failure: {result['failure'][0]}")
                break


def network_gear(args: argparse.Namespace, versions: Sequence[Version], folder: Path) -> None:
    print(f"1. network gear: {args.devices} replayed devices per platform, {args.workers} "
          f"workers, {args.repeats} polls per version, medians; load average {load()}")  # fmt: skip
    print(f"{'platform':<18} {'version':<10} {'devices/min':>12} {'ratio':>6} "
          f"{'poller CPU':>11} {'device CPU':>11} {'failed':>7}")  # fmt: skip
    print(f"{'':<18} {'':<10} {'':>12} {'':>6} {'ms/device':>11} {'ms/device':>11}")
    for platform in args.platforms:
        runs = gear_runs(args, versions, platform, folder)
        print_gear(platform, args.devices, runs)
    print(f"   load average after: {load()}")


def linux_runs(
    args: argparse.Namespace, versions: Sequence[Version], folder: Path
) -> dict[str, list[dict[str, Any]]]:
    """Each version inventories this machine over a loopback sshd, twice ``--rounds`` times."""
    sshd, keygen = shutil.which("sshd", path="/usr/sbin:/sbin"), shutil.which("ssh-keygen")
    if sshd is None or keygen is None:
        raise RuntimeError("skipped (apt-get install openssh-server)")
    peer = start_sshd(sshd, keygen)
    runs: dict[str, list[dict[str, Any]]] = {v.name: [] for v in versions}
    try:
        job = {"mode": "linux", "host": peer.host, "port": peer.port, "username": peer.user,
               "key_file": str(peer.client_key_path), "rounds": args.rounds}  # fmt: skip
        for repeat in range(2):
            for version in versions if repeat % 2 == 0 else list(reversed(versions)):
                data_dir = folder / version.name.replace(" ", "-") / "linux"
                data_dir.mkdir(parents=True, exist_ok=True)
                runs[version.name].append(run_worker(version, {**job, "data_dir": str(data_dir)}))
    finally:
        peer.stop()
    return runs


def agentless_linux(args: argparse.Namespace, versions: Sequence[Version], folder: Path) -> None:
    print(f"\n2. agentless Linux over sshd on loopback: {args.rounds} inventories one after the "
          f"other, twice per version; load average {load()}")  # fmt: skip
    try:
        runs = linux_runs(args, versions, folder)
    except RuntimeError as exc:
        print(f"   {exc}")
        return
    print(f"{'version':<10} {'first s':>8} {'later s':>8} {'best s':>7} {'CPU s':>6} "
          f"{'packages':>9}  sections")  # fmt: skip
    for name, results in runs.items():
        times = [t for r in results for t in r["times"]]
        later = [t for r in results for t in r["times"]][1:]
        cpu = statistics.median(c for r in results for c in r["cpu"][1:] or r["cpu"])
        last = results[-1]
        print(f"{name:<10} {times[0]:>8.2f} {statistics.median(later or times):>8.2f} "
              f"{min(times):>7.2f} {cpu:>6.2f} {last['packages']:>9}  "
              f"{','.join(last['sections'])}")  # fmt: skip
        failed = [r for result in results for r in result["results"] if r != "ok"]
        for note in failed[:1] + [e["section"] + ": " + e["message"] for e in last["errors"]]:
            print(f"{'':<10} {note}")
    print(f"   target <= 0.5 s per inventory; load average after: {load()}")


def arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    corpus = Path(os.environ.get("ASETIK_CORPUS", REPO.parent / "shared" / "corpus")) / "cli"
    parser.add_argument("--corpus", type=Path, default=corpus, help="recorded CLI outputs")
    parser.add_argument("--platforms", default=",".join(PLATFORMS))
    parser.add_argument("--devices", type=int, default=200, help="devices per platform (200)")
    parser.add_argument("--workers", type=int, default=20, help="sessions at once (20)")
    parser.add_argument("--repeats", type=int, default=3, help="polls of a fleet per version (3)")
    parser.add_argument("--rounds", type=int, default=5, help="agentless Linux inventories (5)")
    parser.add_argument("--baseline", metavar="REF", help="also measure this git ref (e.g. main)")
    parser.add_argument("--skip-linux", action="store_true", help="network gear only")
    parser.add_argument("--skip-gear", action="store_true", help="agentless Linux only")
    args = parser.parse_args(argv)
    args.platforms = [p for p in args.platforms.split(",") if p]
    unknown = sorted(set(args.platforms) - set(PLATFORMS))
    if unknown or min(args.devices, args.workers, args.rounds, args.repeats) < 1:
        parser.error(f"unknown platforms {unknown}; --devices/--workers/--rounds/--repeats >= 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = arguments(argv)
    if not args.corpus.is_dir():
        print(f"corpus not found at {args.corpus}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="asetik-bench-ssh-") as temporary:
        folder = Path(temporary)
        versions = [Version(CURRENT, REPO)]
        if args.baseline:
            versions.insert(0, Version(args.baseline[:10], export_tree(args.baseline, folder)))
        if not args.skip_gear:
            network_gear(args, versions, folder)
        if not args.skip_linux:
            agentless_linux(args, versions, folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
