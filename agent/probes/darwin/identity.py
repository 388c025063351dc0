"""The keys that reconcile a Mac with the register: host name, IOPlatformUUID and serial.

These come from fast sources (``scutil``, one ``ioreg`` entry), never from system_profiler, so
identity is known even when the slow sections time out. On a Mac the IOPlatformUUID is both the
machine id and the hardware (SMBIOS) UUID; it is reported, lower-cased, as both.
"""

from __future__ import annotations

from typing import Any

from agent.junk import clean_text, clean_uuid
from agent.probes.darwin.plist import plist_dicts
from agent.sources.host import Host

IOREG_PLATFORM_ARGV = ("ioreg", "-rd1", "-c", "IOPlatformExpertDevice", "-a")
LOCAL_HOST_NAME_ARGV = ("scutil", "--get", "LocalHostName")
COMPUTER_NAME_ARGV = ("scutil", "--get", "ComputerName")


def parse_platform_expert(data: bytes) -> dict[str, str | None]:
    """IOPlatformUUID (as ``uuid``) and IOPlatformSerialNumber (as ``serial``), cleaned."""
    for entry in plist_dicts(data):
        uuid = entry.get("IOPlatformUUID")
        if isinstance(uuid, str):
            serial = entry.get("IOPlatformSerialNumber")
            return {
                "uuid": clean_uuid(uuid),
                "serial": clean_text(serial) if isinstance(serial, str) else None,
            }
    return {"uuid": None, "serial": None}


def parse_scutil_name(text: str) -> str | None:
    """The name ``scutil --get NAME`` printed (its first line), or None when blank."""
    lines = text.strip().splitlines()
    return clean_text(lines[0]) if lines else None


def _scutil(host: Host, argv: tuple[str, ...]) -> str | None:
    result = host.commands.run(argv, timeout=10)
    return parse_scutil_name(result.stdout) if result.ok else None


def collect_identity(host: Host) -> dict[str, Any]:
    """hostname (LocalHostName, else ComputerName), machine_id, system_serial, system_uuid."""
    platform = host.commands.run(IOREG_PLATFORM_ARGV, timeout=15)
    expert = parse_platform_expert(platform.stdout.encode()) if platform.ok else {}
    uuid = expert.get("uuid")
    return {
        "hostname": _scutil(host, LOCAL_HOST_NAME_ARGV) or _scutil(host, COMPUTER_NAME_ARGV),
        "machine_id": uuid,
        "system_serial": expert.get("serial"),
        "system_uuid": uuid,
    }
