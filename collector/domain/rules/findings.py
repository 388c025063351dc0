"""What a rule says about an asset: a finding with its severity, sentences and evidence."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"


class Maintenance(StrEnum):
    """The kind of maintenance a finding recommends (the SOP's "jenis pemeliharaan")."""

    REPLACE_DISK = "replace_disk"
    CHECK_DISK_CABLE = "check_disk_cable"
    COOL_DISK = "cool_disk"
    UPDATE_SOFTWARE = "update_software"
    REBOOT = "reboot"
    UPGRADE_OS = "upgrade_os"
    REPLACE_SOFTWARE = "replace_software"  # a product past its end of support
    FREE_DISK_SPACE = "free_disk_space"
    REPLACE_SUPPLY = "replace_supply"
    SERVICE_PRINTER = "service_printer"
    REPLACE_BATTERY = "replace_battery"
    CHECK_POWER = "check_power"
    CHECK_AGENT = "check_agent"
    RENEW_WARRANTY = "renew_warranty"
    INVESTIGATE_IDENTITY = "investigate_identity"
    VERIFY_HOST_KEY = "verify_host_key"


@dataclass(frozen=True)
class Finding:
    """One maintenance need. ``rule`` names the check ("disk.reallocated"); ``subject`` the part
    of the asset it concerns (a disk's serial or device, a volume's mount, a supply, a product;
    "" for the asset as a whole): one open ticket per (asset, rule, subject). ``evidence`` holds
    the values that triggered it (JSON-able) so a person can check the verdict."""

    rule: str
    subject: str
    severity: Severity
    message_id: str  # Bahasa Indonesia
    message_en: str
    evidence: Mapping[str, Any]
    maintenance: Maintenance


@dataclass(frozen=True)
class Snapshot:
    """What the rules see of one asset, read by the ticket service.

    ``sections``: the current content of each observation section by name (disk_health,
    volumes, status, updates, softwares, operatingsystem, batteries, supplies, printer, power,
    device, ...). ``trends``: earlier readings for rules that look at a trend, by
    ``"metric:subject"`` (e.g. ``"volume_used_bytes:/var"``, ``"ata_5_raw:SERIAL"``), oldest
    first, each (when, value). ``conflicts``: the asset's open identity conflicts (reason,
    detail). ``host_key_changes``: open SSH host-key findings for the asset (address, pinned,
    seen). ``now`` is the evaluation time (rules never read a clock).
    """

    asset_id: int
    kind: str
    site: str
    now: datetime
    last_seen: datetime
    sections: Mapping[str, Any]
    warranty_until: date | None = None
    trends: Mapping[str, Sequence[tuple[datetime, float]]] = field(default_factory=dict)
    conflicts: Sequence[Mapping[str, Any]] = ()
    host_key_changes: Sequence[Mapping[str, Any]] = ()


Thresholds = Mapping[str, Any]  # one family's table of the rules file
RuleFamily = Callable[[Snapshot, Thresholds], Iterable[Finding]]
