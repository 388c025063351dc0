"""The ``disk_health`` section: each disk's SMART verdict and counters, read with smartctl.

smartctl (smartmontools 7.0+) is asked which devices it can open, then for each one's full
report as JSON. Parsing lives in :mod:`agent.probes.smart_parse`.
"""

from __future__ import annotations

import time
from typing import Any

from agent.probes.smart_parse import (
    decode_json,
    parse_scan,
    parse_smartctl,
    parse_smartctl_output,
)
from agent.sources.commands import NOT_FOUND
from agent.sources.host import Host

SCAN_ARGV = ("smartctl", "--json", "--scan-open")
MAX_DEVICES = 64
DEVICE_TIMEOUT_S = 20.0
# The whole section must finish well inside the inventory's per-run deadline.
BUDGET_S = 90.0


class SmartctlError(RuntimeError):
    """smartctl is installed but its device scan gave no JSON (too old, hung or broken)."""


def device_argv(device: str, device_type: str) -> tuple[str, ...]:
    """The smartctl command line that reads everything about one scanned device."""
    return ("smartctl", "--json", "-x", "-d", device_type, device)


def _skipped(device: str, device_type: str) -> dict[str, Any]:
    block = parse_smartctl({}, device=device, device_type=device_type)
    block["messages"] = ["not read: the smartctl time budget of this run was used up"]
    return block


def _read_device(host: Host, device: str, device_type: str, deadline: float) -> dict[str, Any]:
    if time.monotonic() >= deadline:
        return _skipped(device, device_type)
    result = host.commands.run(device_argv(device, device_type), timeout=DEVICE_TIMEOUT_S)
    return parse_smartctl_output(
        result.stdout,
        result.returncode,
        device=device,
        device_type=device_type,
        stderr=result.stderr,
    )


def collect_disk_health(host: Host, budget_s: float = BUDGET_S) -> list[dict[str, Any]] | None:
    """One ``disk_health`` block per disk smartctl can open (at most 64).

    Returns None when smartctl is not installed and [] when it finds no disk (virtual
    machines with virtio disks, for instance). A disk smartctl cannot read, or not within the
    time budget, still gets a block with status ``unknown`` and the reason in ``messages``.
    Raises :class:`SmartctlError` when the scan itself gives no JSON.
    """
    scan = host.commands.run(SCAN_ARGV, timeout=DEVICE_TIMEOUT_S)
    if scan.returncode == NOT_FOUND:
        return None
    doc = decode_json(scan.stdout)
    if doc is None:
        detail = (scan.stderr or scan.stdout).strip()[:200]
        raise SmartctlError(f"smartctl --scan-open gave no JSON (exit {scan.returncode}): {detail}")
    deadline = time.monotonic() + budget_s
    return [
        _read_device(host, device, device_type, deadline)
        for device, device_type in parse_scan(doc)[:MAX_DEVICES]
    ]
