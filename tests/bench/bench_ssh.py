"""Benchmark: the SSH poller against replayed network devices and a real sshd.

Run as ``python -m tests.bench.bench_ssh`` (``make bench``). Two parts:

1. **Network gear.** Per platform (``--platforms``, default every recorded one), ``--devices``
   replaying devices (default 200; tests/ssh_device.py serving ../shared/corpus/cli on loopback)
   are polled once by the real SSH poller (host key pinned on first contact, netmiko session
   in a worker thread, the profile's commands, ntc-templates parsing, the document built;
   nothing stored) with ``--workers`` sessions at once (default 20). Printed per platform:
   wall seconds, devices/min, ok/failed counts and the poller's CPU seconds.
2. **Agentless Linux.** Debian's sshd on loopback with key-only login; this machine inventoried
   through it ``--rounds`` times (default 5) one after the other. Printed: median and best
   seconds per inventory and the package count.

Targets (issue 5): at least 1,000 devices/min for Cisco-IOS-like gear, at most 0.5 s per
agentless Linux inventory. Everything started is stopped, also on failure.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from collector.adapters.ssh.credentials import SshCredential
from collector.bootstrap import build_ssh_poller
from collector.config import CollectorConfig
from collector.services.ssh_polling import AGENTLESS_LINUX, SshPoller, SshSite, SshTarget
from tests.peers import REPO
from tests.ssh_device import start_many
from tests.sshd_peer import start_sshd

PLATFORMS = (
    "cisco_ios", "cisco_nxos", "cisco_asa", "arista_eos", "juniper_junos",
    "hp_procurve", "huawei_vrp", "mikrotik_routeros", "fortinet", "paloalto_panos",
)  # fmt: skip


def _poller(folder: Path, workers: int) -> SshPoller:
    config = CollectorConfig("sqlite://", "127.0.0.1", 0, folder)
    return build_ssh_poller(config, lambda: datetime.now(UTC), concurrency=workers, remember=False)


async def _poll(poller: SshPoller, site: SshSite) -> Counter[str]:
    async def deliver(document: dict[str, Any]) -> int:
        return 0

    return Counter(outcome.result for outcome in await poller.poll_site(site, deliver))


def network_gear(corpus: Path, args: argparse.Namespace, folder: Path) -> None:
    print(f"1. network gear: {args.devices} replayed devices per platform, {args.workers} workers")
    print(
        f"{'platform':<18} {'wall s':>7} {'devices/min':>12} {'ok':>5} {'failed':>7} {'CPU s':>7}"
    )
    for platform in args.platforms:
        fleet = start_many(corpus, args.devices, platform)
        try:
            first = fleet.devices[0]
            targets = tuple(SshTarget((d.host, d.port), d.device_type) for d in fleet.devices)
            login = SshCredential("bench", first.username, password=first.password)
            site = SshSite("BENCH", targets, (login,))
            cpu, started = time.process_time(), time.perf_counter()
            results = asyncio.run(_poll(_poller(folder / platform, args.workers), site))
            seconds = time.perf_counter() - started
        finally:
            fleet.stop()
        failed = sum(count for result, count in results.items() if result != "ok")
        print(f"{platform:<18} {seconds:>7.1f} {len(targets) / seconds * 60:>12.0f} "
              f"{results['ok']:>5} {failed:>7} {time.process_time() - cpu:>7.1f}")  # fmt: skip


def agentless_linux(args: argparse.Namespace, folder: Path) -> None:
    sshd, keygen = shutil.which("sshd", path="/usr/sbin:/sbin"), shutil.which("ssh-keygen")
    if sshd is None or keygen is None:
        print("2. agentless Linux: skipped (apt-get install openssh-server)")
        return
    peer = start_sshd(sshd, keygen)
    try:
        login = SshCredential("bench", peer.user, key_file=peer.client_key_path)
        site = SshSite("BENCH", (SshTarget((peer.host, peer.port), AGENTLESS_LINUX),), (login,))
        poller = _poller(folder / "linux", 1)
        times, packages = [], 0
        documents: list[dict[str, Any]] = []

        async def keep(document: dict[str, Any]) -> int:
            documents.append(document)
            return 0

        for _ in range(args.rounds):
            documents.clear()
            started = time.perf_counter()
            (outcome,) = asyncio.run(poller.poll_site(site, keep))
            times.append(time.perf_counter() - started)
            packages = len(documents[0].get("softwares", [])) if documents else 0
            if outcome.result != "ok":
                print(f"  round failed: {outcome.message}")
    finally:
        peer.stop()
    print(f"\n2. agentless Linux over sshd on loopback: {args.rounds} inventories, median "
          f"{statistics.median(times):.2f} s, best {min(times):.2f} s, {packages} packages "
          "(target <= 0.5 s)")  # fmt: skip


def arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    corpus = Path(os.environ.get("ASETIK_CORPUS", REPO.parent / "shared" / "corpus")) / "cli"
    parser.add_argument("--corpus", type=Path, default=corpus, help="recorded CLI outputs")
    parser.add_argument("--platforms", default=",".join(PLATFORMS))
    parser.add_argument("--devices", type=int, default=200, help="devices per platform (200)")
    parser.add_argument("--workers", type=int, default=20, help="sessions at once (20)")
    parser.add_argument("--rounds", type=int, default=5, help="agentless Linux inventories (5)")
    args = parser.parse_args(argv)
    args.platforms = [p for p in args.platforms.split(",") if p]
    unknown = sorted(set(args.platforms) - set(PLATFORMS))
    if unknown or min(args.devices, args.workers, args.rounds) < 1:
        parser.error(f"unknown platforms {unknown}; --devices/--workers/--rounds at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = arguments(argv)
    if not args.corpus.is_dir():
        print(f"corpus not found at {args.corpus}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="asetik-bench-ssh-") as folder:
        network_gear(args.corpus, args, Path(folder))
        agentless_linux(args, Path(folder))
    return 0


if __name__ == "__main__":
    sys.exit(main())
