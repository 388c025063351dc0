"""One timed SSH poll run in a process of its own, for the SSH benchmark.

Run as a script with the code to measure first on PYTHONPATH (this tree, or a baseline tree
the benchmark exported from git), so the same harness measures both. It reads one JSON job
on standard input and prints one JSON result line. It uses only the poller's entry points
that every version has (build_ssh_poller, SshSite, SshTarget, SshCredential), nothing of tests.

- ``{"mode": "gear", "device_type", "host", "ports", "username", "password", "workers",
  "data_dir"}``: one poll_site over all the ports; wall and CPU seconds of the poll, outcomes.
- ``{"mode": "linux", "host", "port", "username", "key_file", "rounds", "data_dir"}``:
  ``rounds`` agentless Linux inventories one after the other; seconds and CPU of each.

The data directory keeps pins, remembered credentials and caches between the runs of a
version, as a collector's does between polls.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import collector
from collector.adapters.ssh.credentials import SshCredential
from collector.bootstrap import build_ssh_poller
from collector.config import CollectorConfig
from collector.services.ssh_polling import SshPoller, SshSite, SshTarget

LINUX = "linux_agentless"


def _poller(data_dir: str, workers: int) -> SshPoller:
    config = CollectorConfig("sqlite://", "127.0.0.1", 0, Path(data_dir))
    return build_ssh_poller(config, lambda: datetime.now(UTC), concurrency=workers)


def gear(job: dict[str, Any]) -> dict[str, Any]:
    """Poll every port once with ``workers`` sessions at once."""
    targets = tuple(SshTarget((job["host"], port), job["device_type"]) for port in job["ports"])
    login = SshCredential("bench", job["username"], password=job["password"])
    site = SshSite("BENCH", targets, (login,))
    poller = _poller(job["data_dir"], job["workers"])

    async def deliver(document: dict[str, Any]) -> int:
        return 0

    cpu, started = time.process_time(), time.perf_counter()
    outcomes = asyncio.run(poller.poll_site(site, deliver))
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    failures = [o.message for o in outcomes if o.result != "ok"]
    results = Counter(outcome.result for outcome in outcomes)
    return {"wall": wall, "cpu": cpu, "results": results, "failure": failures[:1]}


def linux(job: dict[str, Any]) -> dict[str, Any]:
    """``rounds`` inventories of one host, one after the other."""
    target = SshTarget((job["host"], job["port"]), LINUX)
    login = SshCredential("bench", job["username"], key_file=Path(job["key_file"]))
    site = SshSite("BENCH", (target,), (login,))
    poller = _poller(job["data_dir"], 1)
    documents: list[dict[str, Any]] = []

    async def keep(document: dict[str, Any]) -> int:
        documents.append(document)
        return 0

    times, cpus, results = [], [], []
    for _ in range(job["rounds"]):
        documents.clear()
        cpu, started = time.process_time(), time.perf_counter()
        (outcome,) = asyncio.run(poller.poll_site(site, keep))
        times.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
        results.append(outcome.result if outcome.result == "ok" else str(outcome.message))
    last = documents[0] if documents else {}
    sections = sorted(k for k in last if k not in ("schema_version", "source", "identity"))
    packages = len(last.get("softwares", []))
    return {"times": times, "cpu": cpus, "results": results, "packages": packages,
            "sections": sections, "errors": last.get("source", {}).get("errors", [])}  # fmt: skip


def main() -> int:
    job = json.loads(sys.stdin.read())
    result = gear(job) if job["mode"] == "gear" else linux(job)
    result["code"] = str(Path(collector.__file__).parent.parent)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
