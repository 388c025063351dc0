"""``system_profiler -json``: run once per inventory and shared by every probe that needs it.

system_profiler takes seconds to tens of seconds, and seven sections (operating system,
hardware, firmware, processors, memory, disks, battery) read from it. The agent runs probes
concurrently in threads, so :class:`ProfileCache` lets the first probe of a host run the command
while the others wait for its answer. ``SPMemoryDataType`` is asked for as well: it is cheap and
gives the memory modules of Intel Macs and the unified memory of Apple silicon.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from agent.sources.commands import NOT_FOUND, TIMED_OUT
from agent.sources.host import Host

DATA_TYPES = (
    "SPHardwareDataType",
    "SPSoftwareDataType",
    "SPMemoryDataType",
    "SPStorageDataType",
    "SPNVMeDataType",
    "SPSerialATADataType",
    "SPPowerDataType",
)
PROFILE_ARGV = ("system_profiler", "-json", *DATA_TYPES)
PROFILE_TIMEOUT = 60.0  # these data types answer in seconds; the run deadline is 120 s

Profile = dict[str, list[dict[str, Any]]]

_SIZE = re.compile(r"^\s*([0-9]+(?:[.,][0-9]+)?)\s*([KMGT]?B)\s*$", re.IGNORECASE)
_BINARY_UNITS = {"B": 1, "KB": 1 << 10, "MB": 1 << 20, "GB": 1 << 30, "TB": 1 << 40}


def parse_system_profile(text: str) -> Profile:
    """Each data type of a ``system_profiler -json`` answer as a list of items ({} if garbage)."""
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {
        name: [item for item in items if isinstance(item, dict)]
        for name, items in data.items()
        if isinstance(items, list)
    }


def first_item(profile: Profile | None, data_type: str) -> dict[str, Any]:
    """The first item of a data type (hardware and software overviews have exactly one)."""
    items = (profile or {}).get(data_type) or []
    return items[0] if items else {}


def text_value(item: dict[str, Any], key: str) -> str | None:
    """A string field with blanks stripped, or None when absent, empty or not a string."""
    value = item.get(key)
    if not isinstance(value, str):
        return None
    return value.strip() or None


def parse_binary_size(text: str | None) -> int | None:
    """Bytes in a memory size as system_profiler prints it ("16 GB" is 16 GiB), or None."""
    match = _SIZE.match(text or "")
    if match is None:
        return None
    number = float(match.group(1).replace(",", "."))
    return int(number * _BINARY_UNITS[match.group(2).upper()])


def collect_system_profile(host: Host) -> Profile | None:
    """The parsed ``system_profiler`` answer; None when the tool is missing.

    Garbage or empty output gives an empty profile (every section then reads as absent); a
    timeout raises, so the caller records it against each section instead of hiding it.
    """
    result = host.commands.run(PROFILE_ARGV, timeout=PROFILE_TIMEOUT)
    if result.returncode == NOT_FOUND:
        return None
    if result.returncode == TIMED_OUT:
        raise TimeoutError(f"system_profiler did not answer within {PROFILE_TIMEOUT:g} s")
    return parse_system_profile(result.stdout)


@dataclass
class _Slot:
    host: Host
    stamp: float
    lock: threading.Lock = field(default_factory=threading.Lock)
    loaded: bool = False
    value: Profile | None = None
    error: Exception | None = None


class ProfileCache:
    """One ``system_profiler`` run per host, shared by the probes of one inventory.

    Hosts are told apart by identity (a Host holds unhashable readers). An answer older than
    ``max_age`` seconds is dropped, so an agent that keeps one probe table for its whole life still
    re-reads the machine on its next run; one inventory run takes far less than that.
    """

    def __init__(self, max_age: float = 300.0, clock: Callable[[], float] = time.monotonic):
        self._max_age = max_age
        self._clock = clock
        self._lock = threading.Lock()
        self._slots: dict[int, _Slot] = {}

    def get(self, host: Host) -> Profile | None:
        """The host's profile, running system_profiler only if no fresh answer is held."""
        slot = self._slot(host)
        with slot.lock:
            if not slot.loaded:
                slot.loaded = True
                slot.stamp = self._clock()
                try:
                    slot.value = collect_system_profile(host)
                except Exception as exc:
                    slot.error = exc
                    raise
            if slot.error is not None:
                raise slot.error
            return slot.value

    def _slot(self, host: Host) -> _Slot:
        now = self._clock()
        with self._lock:
            stale = [
                key for key, s in self._slots.items() if s.loaded and now - s.stamp > self._max_age
            ]
            for key in stale:
                del self._slots[key]
            slot = self._slots.get(id(host))
            if slot is None or slot.host is not host:
                slot = _Slot(host, now)
                self._slots[id(host)] = slot
            return slot


def read_profile(host: Host, profiles: ProfileCache | None) -> Profile | None:
    """The host's profile through the shared cache, or by running system_profiler directly."""
    return profiles.get(host) if profiles is not None else collect_system_profile(host)
