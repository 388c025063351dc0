"""Linux memory modules from ``dmidecode -t 17`` (needs root; absent on most VMs)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from agent.junk import clean_text
from agent.sources.commands import NOT_FOUND
from agent.sources.host import Host

_UNITS = {"kb": 1 << 10, "mb": 1 << 20, "gb": 1 << 30, "tb": 1 << 40}


def _memory_devices(text: str) -> Iterator[dict[str, str]]:
    for block in re.split(r"\n(?=Handle 0x)", text):
        if "\nMemory Device" not in block:
            continue
        fields: dict[str, str] = {}
        for line in block.splitlines():
            key, sep, value = line.strip().partition(":")
            if sep:
                fields[key] = value.strip()
        yield fields


def parse_size(text: str) -> int | None:
    """'8 GB' / '4096 MB' as bytes; None for 'No Module Installed' and the like."""
    match = re.fullmatch(r"(\d+)\s*([kKMGT]B)", text.strip())
    return int(match[1]) * _UNITS[match[2].lower()] if match else None


def parse_dmidecode_memory(text: str) -> list[dict[str, Any]]:
    """One entry per populated memory slot."""
    modules = []
    for fields in _memory_devices(text):
        size = parse_size(fields.get("Size", ""))
        if size is None:
            continue
        speed = re.match(r"(\d+)", fields.get("Configured Memory Speed") or fields.get("Speed", ""))
        modules.append(
            {
                "slot": clean_text(fields.get("Locator")),
                "size_bytes": size,
                "type": clean_text(fields.get("Type")),
                "speed_mts": int(speed[1]) if speed else None,
                "manufacturer": clean_text(fields.get("Manufacturer")),
                "serial": clean_text(fields.get("Serial Number")),
                "part_number": clean_text(fields.get("Part Number")),
            }
        )
    return modules


def collect_memories(host: Host) -> list[dict[str, Any]] | None:
    """Installed modules, or None when dmidecode is missing or cannot read the table."""
    result = host.commands.run(["dmidecode", "-t", "17"], timeout=15)
    if result.returncode == NOT_FOUND or not result.ok:
        return None
    return parse_dmidecode_memory(result.stdout)
