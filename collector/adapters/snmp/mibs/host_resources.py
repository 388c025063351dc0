"""HOST-RESOURCES-MIB (RFC 2790): storage → volumes and usage, installed software → softwares."""

from __future__ import annotations

import re
from typing import Any

from collector.adapters.snmp.cells import MAX_COUNT, integer, object_id
from collector.adapters.snmp.octets import SHORT, TEXT, display_text, iso_date
from collector.adapters.snmp.parser import Fragment, MibParser
from collector.adapters.snmp.values import Value
from collector.adapters.snmp.view import MibView

STORAGE_ENTRY = (1, 3, 6, 1, 2, 1, 25, 2, 3, 1)
STORAGE_COLUMNS = {"type": 2, "descr": 3, "units": 4, "size": 5, "used": 6}
STORAGE_TYPES = (1, 3, 6, 1, 2, 1, 25, 2, 1)
# hrStorageTypes that are file systems (fixedDisk, removableDisk, floppyDisk, compactDisc,
# ramDisk, flashMemory, networkDisk); ram, virtualMemory and other are memory, not volumes.
VOLUME_TYPES = frozenset({4, 5, 6, 7, 8, 9, 10})
SOFTWARE_ENTRY = (1, 3, 6, 1, 2, 1, 25, 6, 3, 1)
SOFTWARE_COLUMNS = {"name": 2, "date": 5}
# Windows: "C:\ Label:System  Serial Number 9c6c3a49"
_WINDOWS_DRIVE = re.compile(r"^([A-Za-z]:\\)(?:\s+Label:(.*?))?(?:\s+Serial Number\s+\S+)?$")


def parse_storage(view: MibView) -> Fragment:
    """``volumes`` (mount, label, total bytes) and ``status.volumes`` (used and free bytes) for
    the file-system rows of hrStorageTable; absent when the table has none."""
    volumes: list[dict[str, Any]] = []
    usage: list[dict[str, Any]] = []
    for _, row in sorted(view.table(STORAGE_ENTRY, STORAGE_COLUMNS).items()):
        kind = object_id(row.get("type"))
        if kind is None or kind[:-1] != STORAGE_TYPES or kind[-1] not in VOLUME_TYPES:
            continue
        mount, label = _mount_and_label(display_text(row.get("descr"), TEXT))
        if mount is None:
            continue
        units = integer(row.get("units"))
        size, used = _bytes(row.get("size"), units), _bytes(row.get("used"), units)
        free = size - used if size is not None and used is not None and size >= used else None
        volumes.append({"mount": mount, "label": label, "total_bytes": size})
        usage.append({"mount": mount, "used_bytes": used, "free_bytes": free})
    if not volumes:
        return {}
    return {"volumes": volumes, "status": {"volumes": usage}}


def _mount_and_label(descr: str | None) -> tuple[str | None, str | None]:
    if descr is None:
        return None, None
    drive = _WINDOWS_DRIVE.match(descr)
    if drive is None:
        return descr, None
    label = (drive.group(2) or "").strip()[:SHORT] or None
    return drive.group(1), label


def _bytes(blocks: Value, units: int | None) -> int | None:
    """Blocks x allocation unit; an Integer32 that wrapped negative on a big disk is read as
    unsigned. None for garbage or sizes beyond the schema's range."""
    count = integer(blocks)
    if count is None or units is None or units <= 0 or count < -(2**31):
        return None
    total = (count + 2**32 if count < 0 else count) * units
    return total if total <= MAX_COUNT else None


def parse_software(view: MibView) -> Fragment:
    """``softwares`` from hrSWInstalledTable: name and install date, source "snmp"; absent when
    the table is empty. Versions stay inside the name (agents do not report them apart)."""
    softwares = []
    for _, row in sorted(view.table(SOFTWARE_ENTRY, SOFTWARE_COLUMNS).items()):
        name = display_text(row.get("name"))
        if name is not None:
            softwares.append(
                {"name": name, "install_date": iso_date(row.get("date")), "source": "snmp"}
            )
    return {"softwares": softwares} if softwares else {}


PARSERS = (
    MibParser(
        "hr_storage", tuple((*STORAGE_ENTRY, n) for n in STORAGE_COLUMNS.values()), parse_storage
    ),
    MibParser(
        "hr_software",
        tuple((*SOFTWARE_ENTRY, n) for n in SOFTWARE_COLUMNS.values()),
        parse_software,
    ),
)
