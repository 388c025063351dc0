"""Live readings that only the running system can give (psutil), behind one small interface.

Recorded trees in tests pass a :class:`RecordedStats` instead; nothing patches psutil.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from typing import Protocol

import psutil


@dataclass(frozen=True)
class Partition:
    mount: str
    device: str
    filesystem: str
    total_bytes: int | None
    used_bytes: int | None
    free_bytes: int | None


@dataclass(frozen=True)
class InterfaceReading:
    name: str
    mac: str | None
    ipv4: tuple[str, ...]
    ipv6: tuple[str, ...]
    up: bool
    speed_mbps: int | None


@dataclass(frozen=True)
class UserSession:
    name: str
    terminal: str | None
    host: str | None
    started: float | None


@dataclass(frozen=True)
class BatteryCharge:
    percent: float | None
    plugged: bool | None


class LiveStats(Protocol):
    def boot_time(self) -> float | None: ...
    def cpu_counts(self) -> tuple[int | None, int | None]:
        """(physical cores, logical threads)."""
        ...

    def cpu_max_mhz(self) -> float | None: ...
    def memory_total_bytes(self) -> int | None: ...
    def partitions(self) -> list[Partition]: ...
    def interfaces(self) -> list[InterfaceReading]: ...
    def users(self) -> list[UserSession]: ...
    def battery(self) -> BatteryCharge | None: ...


_PSEUDO_FILESYSTEMS = frozenset(
    {"tmpfs", "devtmpfs", "squashfs", "overlay", "proc", "sysfs", "cgroup", "cgroup2", "autofs"}
)


def reported_mount(filesystem: str, mount: str) -> bool:
    """Whether a mount of a device-backed file system is a volume worth reporting: not a
    pseudo or read-only image file system (tmpfs, squashfs, overlay...) nor a snap."""
    return filesystem not in _PSEUDO_FILESYSTEMS and not mount.startswith("/snap/")


class PsutilStats:
    """This machine's live readings through psutil."""

    def boot_time(self) -> float | None:
        return psutil.boot_time()

    def cpu_counts(self) -> tuple[int | None, int | None]:
        return psutil.cpu_count(logical=False), psutil.cpu_count(logical=True)

    def cpu_max_mhz(self) -> float | None:
        try:
            freq = psutil.cpu_freq()
        except (OSError, NotImplementedError):
            return None
        if freq is None:
            return None
        return freq.max or freq.current or None

    def memory_total_bytes(self) -> int | None:
        return int(psutil.virtual_memory().total)

    def partitions(self) -> list[Partition]:
        found = []
        for part in psutil.disk_partitions(all=False):
            if not reported_mount(part.fstype, part.mountpoint):
                continue
            try:
                usage = psutil.disk_usage(part.mountpoint)
            except OSError:
                found.append(Partition(part.mountpoint, part.device, part.fstype, None, None, None))
                continue
            found.append(
                Partition(
                    part.mountpoint, part.device, part.fstype, usage.total, usage.used, usage.free
                )
            )
        return found

    def interfaces(self) -> list[InterfaceReading]:
        stats = psutil.net_if_stats()
        found = []
        for name, addrs in psutil.net_if_addrs().items():
            mac = next((a.address for a in addrs if a.family == psutil.AF_LINK), None)
            ipv4 = tuple(a.address for a in addrs if a.family == socket.AF_INET)
            ipv6 = tuple(a.address.split("%")[0] for a in addrs if a.family == socket.AF_INET6)
            stat = stats.get(name)
            speed = stat.speed if stat is not None and stat.speed > 0 else None
            found.append(InterfaceReading(name, mac, ipv4, ipv6, bool(stat and stat.isup), speed))
        return found

    def users(self) -> list[UserSession]:
        return [
            UserSession(u.name, u.terminal or None, u.host or None, u.started)
            for u in psutil.users()
        ]

    def battery(self) -> BatteryCharge | None:
        reading = getattr(psutil, "sensors_battery", lambda: None)()
        if reading is None:
            return None
        return BatteryCharge(float(reading.percent), reading.power_plugged)


@dataclass
class RecordedStats:
    """Fixed readings for tests and replays of recorded machines."""

    boot: float | None = None
    cores: tuple[int | None, int | None] = (None, None)
    max_mhz: float | None = None
    memory: int | None = None
    mounts: list[Partition] = field(default_factory=list)
    nics: list[InterfaceReading] = field(default_factory=list)
    sessions: list[UserSession] = field(default_factory=list)
    charge: BatteryCharge | None = None

    def boot_time(self) -> float | None:
        return self.boot

    def cpu_counts(self) -> tuple[int | None, int | None]:
        return self.cores

    def cpu_max_mhz(self) -> float | None:
        return self.max_mhz

    def memory_total_bytes(self) -> int | None:
        return self.memory

    def partitions(self) -> list[Partition]:
        return list(self.mounts)

    def interfaces(self) -> list[InterfaceReading]:
        return list(self.nics)

    def users(self) -> list[UserSession]:
        return list(self.sessions)

    def battery(self) -> BatteryCharge | None:
        return self.charge
