"""Shared pieces of the disk rule tests: the shipped thresholds and a disk block builder."""

from __future__ import annotations

from typing import Any

from collector.domain.rules.findings import Thresholds
from collector.entrypoints.explain_smart import default_thresholds


def thresholds(**overrides: Any) -> Thresholds:
    """The shipped ``[disk]`` table, with some values replaced."""
    return {**default_thresholds(), **overrides}


def ata_row(
    ident: int, raw_string: str, *, raw: int | None = None, **fields: Any
) -> dict[str, Any]:
    """One ATA attribute row in the schema's shape."""
    value = int(raw_string.split(maxsplit=1)[0]) if raw is None else raw
    row: dict[str, Any] = {
        "id": ident,
        "name": f"Attr_{ident}",
        "value": 100,
        "worst": 100,
        "threshold": 10,
        "raw": value,
        "raw_string": raw_string,
        "when_failed": "",
        "prefailure": False,
    }
    row.update(fields)
    return row


def block(**fields: Any) -> dict[str, Any]:
    """A healthy passed disk block (schema ``disk_health``) with the given fields replaced."""
    base: dict[str, Any] = {
        "device": "/dev/sda",
        "serial": "SER1",
        "protocol": "ATA",
        "status": "passed",
        "smart_available": True,
        "temperature_c": 30,
        "exit_status": 0,
        "exit_bits": [],
        "messages": [],
        "attributes": [],
        "nvme": None,
        "scsi": None,
    }
    base.update(fields)
    return base
