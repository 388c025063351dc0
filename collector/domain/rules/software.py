"""Rule family ``software``: pending updates, pending reboot, and software past its end of support.

Reads the ``updates``, ``operatingsystem``, ``softwares`` and ``device`` sections of a snapshot
and the shipped end-of-life data (collector/domain/eol.py). Thresholds: the ``[software]``
table of the rules file. The age of pending security updates is not in the observation
document; it is read from the trend ``"updates_security_count:"`` when the ticket service
gives it (the time since the count last became non-zero), and is unknown otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from collector.domain.eol import (
    Cycle,
    Ends,
    EolData,
    Match,
    Product,
    dotted_prefix_cycle,
    load_eol,
    older_than_all,
    windows_build_cycles,
    year_cycle,
)
from collector.domain.human_dates import english_date, tanggal
from collector.domain.rules.findings import (
    Finding,
    Maintenance,
    Severity,
    Snapshot,
    Thresholds,
)
from collector.domain.versions import InvalidVersionError, Scheme, compare, windows_build

SECURITY_TREND = "updates_security_count:"


def software(snapshot: Snapshot, thresholds: Thresholds) -> list[Finding]:
    """The family as listed in the catalogue, over the EOL data shipped with asetik."""
    return _shipped_family()(snapshot, thresholds)


@cache
def _shipped_family() -> Callable[[Snapshot, Thresholds], list[Finding]]:
    return software_rules(load_eol())


def software_rules(eol: EolData) -> Callable[[Snapshot, Thresholds], list[Finding]]:
    """The family over the EOL data given (tests and a refreshed file pass their own)."""

    def evaluate(snapshot: Snapshot, thresholds: Thresholds) -> list[Finding]:
        sections = snapshot.sections
        today = snapshot.now.date()
        findings = [*_update_findings(snapshot, thresholds), *_reboot_findings(sections)]
        installed = installed_os(sections, eol)
        if installed is not None:
            findings += _eol_findings(installed, today, thresholds)
        for product in installed_products(sections.get("softwares"), eol, thresholds):
            findings += _eol_findings(product, today, thresholds)
        return findings

    return evaluate


# --- pending updates and reboot ---------------------------------------------------------------


def _count(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def security_pending_days(trend: Sequence[tuple[datetime, float]], now: datetime) -> int | None:
    """Days since the security count last became non-zero (readings oldest first); None
    when there is no reading or the latest is zero."""
    since: datetime | None = None
    for when, value in trend:
        since = (since or when) if value > 0 else None
    return None if since is None else max(0, (now - since).days)


def _update_findings(snapshot: Snapshot, thresholds: Thresholds) -> Iterable[Finding]:
    updates = snapshot.sections.get("updates")
    if not isinstance(updates, Mapping):
        return
    pending, security = _count(updates.get("pending_count")), _count(updates.get("security_count"))
    evidence = {
        "pending_count": pending,
        "security_count": security,
        "manager": updates.get("manager"),
        "checked_at": updates.get("checked_at"),
    }
    if security:
        days = security_pending_days(snapshot.trends.get(SECURITY_TREND, ()), snapshot.now)
        yield _security_finding(security, days, evidence | {"pending_days": days}, thresholds)
    if pending is not None and pending >= int(thresholds["pending_warning_count"]):
        yield Finding(
            "software.pending_updates", "", Severity.WARNING,
            f"{pending} pembaruan perangkat lunak menunggu dipasang",
            f"{pending} software updates are pending",
            evidence, Maintenance.UPDATE_SOFTWARE,
        )  # fmt: skip


def _security_finding(
    count: int, days: int | None, evidence: Mapping[str, Any], thresholds: Thresholds
) -> Finding:
    """Older than the critical age: critical; than the warning age, or of unknown age:
    warning; younger: info."""
    if days is not None and days > int(thresholds["security_critical_days"]):
        severity = Severity.CRITICAL
    elif days is None or days > int(thresholds["security_warning_days"]):
        severity = Severity.WARNING
    else:
        severity = Severity.INFO
    age_id = f" sejak {days} hari" if days is not None else ""
    age_en = f" for {days} days" if days is not None else ""
    return Finding(
        "software.security_updates", "", severity,
        f"{count} pembaruan keamanan menunggu dipasang{age_id}",
        f"{count} security updates pending{age_en}",
        dict(evidence), Maintenance.UPDATE_SOFTWARE,
    )  # fmt: skip


def _reboot_findings(sections: Mapping[str, Any]) -> Iterable[Finding]:
    system = sections.get("operatingsystem")
    if not isinstance(system, Mapping) or system.get("pending_reboot") is not True:
        return
    reasons = [str(reason) for reason in system.get("pending_reboot_reasons") or []]
    shown = "; ".join(reasons) or "-"
    yield Finding(
        "software.reboot_pending", "os", Severity.WARNING,
        f"Perlu dinyalakan ulang agar pembaruan berlaku ({shown})",
        f"A reboot is pending to apply updates ({shown})",
        {"reasons": reasons, "last_boot": system.get("last_boot")}, Maintenance.REBOOT,
    )  # fmt: skip


# --- what is installed, and its cycle ---------------------------------------------------------


@dataclass(frozen=True)
class Installed:
    """An installed OS, firmware or product with the cycle of the EOL data it belongs to."""

    subject: str  # "os", "firmware" or the product id
    product: Product
    version: str
    cycle: Cycle
    older_than_known: bool = False  # older than every cycle of the data (then past EOL)

    @property
    def rule(self) -> str:
        return {"os": "software.os_eol", "firmware": "software.firmware_eol"}.get(
            self.subject, "software.product_eol"
        )


_LINUX_IDS = {"debian": "debian", "ubuntu": "ubuntu", "rhel": "rhel", "centos": "centos",
              "macos": "macos", "vmware-esxi": "vmware-esxi", "esxi": "vmware-esxi"}  # fmt: skip
_NETWORK_OS = {"ios-xe": "cisco-ios-xe", "iosxe": "cisco-ios-xe", "cisco_iosxe": "cisco-ios-xe",
               "ios xe": "cisco-ios-xe", "esxi": "vmware-esxi"}  # fmt: skip
_WINDOWS_EDITIONS = (  # EditionID → cycle suffixes in order of preference
    (re.compile(r"^iotenterprises", re.I), ("-iot-lts", "-e-lts", "")),
    (re.compile(r"^enterprises", re.I), ("-e-lts", "")),
    (re.compile(r"^(enterprise|education)", re.I), ("-e", "")),
)


def _text(section: Mapping[str, Any], key: str) -> str:
    value = section.get(key)
    return value.strip() if isinstance(value, str) else ""


def installed_os(sections: Mapping[str, Any], eol: EolData) -> Installed | None:
    """The operating system (agent, SSH) or, for network gear and SNMP-polled hosts, the
    firmware of the device section, with its cycle; None when the data has no cycle for it."""
    system = sections.get("operatingsystem")
    if isinstance(system, Mapping) and (found := _os_cycle(system, eol)) is not None:
        return found
    device = sections.get("device")
    return _device_cycle(device, eol) if isinstance(device, Mapping) else None


def _os_cycle(system: Mapping[str, Any], eol: EolData) -> Installed | None:
    os_id, name = _text(system, "id").casefold(), _text(system, "name")
    if _text(system, "family") == "windows" or os_id == "windows":
        build = _windows_build_number(_text(system, "build"), _text(system, "kernel"))
        server = "server" in name.casefold()
        return _windows(eol, server, build, name, _text(system, "edition"))
    if _text(system, "family") == "darwin":
        os_id = "macos"
    product_id = _LINUX_IDS.get(os_id) or _NETWORK_OS.get(os_id)
    if os_id == "centos" and "stream" in name.casefold():
        product_id = "centos-stream"
    version = _text(system, "build") or _text(system, "version")
    if not version.startswith(_text(system, "version")):
        version = _text(system, "version")
    subject = "firmware" if _text(system, "family") == "network" else "os"
    return _by_version(eol, product_id, version, subject)


def _device_cycle(device: Mapping[str, Any], eol: EolData) -> Installed | None:
    platform, firmware = _text(device, "os").casefold(), _text(device, "firmware")
    if platform == "windows":
        try:
            build = windows_build(firmware)[2]
        except InvalidVersionError:
            return None
        server = _text(device, "kind") == "server" or "server" in _text(device, "profile")
        return _windows(eol, server, build, "", "")
    return _by_version(eol, _NETWORK_OS.get(platform), firmware, "firmware")


def _windows_build_number(build: str, kernel: str) -> int | None:
    head = build.split(".", 1)[0]
    if head.isdigit():
        return int(head)
    try:
        return windows_build(kernel)[2] if kernel else None
    except InvalidVersionError:
        return None


def _windows(
    eol: EolData, server: bool, build: int | None, name: str, edition: str
) -> Installed | None:
    product = eol.products.get("windows-server" if server else "windows")
    if product is None or build is None:
        return None
    candidates = windows_build_cycles(product, build)
    if not candidates:
        return None
    chosen = _pick_windows_cycle(candidates, server, name, edition)
    return Installed("os", product, str(build), chosen)


def _pick_windows_cycle(candidates: list[Cycle], server: bool, name: str, edition: str) -> Cycle:
    """One build, several cycles: Windows Server by the year in its name, else the LTSC
    one; Windows by edition (Enterprise/Education "-e", LTSC "-e-lts", IoT "-iot-lts"), else
    the Home/Pro one ("-w" or no suffix)."""
    if server:
        named = [c for c in candidates if c.cycle.split("-")[0] in name]
        return (named or [c for c in candidates if c.lts] or candidates)[0]
    suffixes: tuple[str, ...] = ("-w", "")
    for pattern, preferred in _WINDOWS_EDITIONS:
        if pattern.match(edition):
            suffixes = preferred
            break
    for suffix in suffixes:
        for cycle in candidates:
            if cycle.cycle.endswith(suffix) and (suffix or "-" not in cycle.cycle[3:]):
                return cycle
    plain = [c for c in candidates if not c.cycle.endswith(("-e", "-e-lts", "-iot-lts", "-iot"))]
    return (plain or candidates)[0]


def _normalised(version: str) -> str:
    """Leading zeros of numeric parts dropped ("17.06.04" is IOS XE 17.6.4)."""
    parts = version.split(".")
    return ".".join(str(int(p)) if p.isdigit() else p for p in parts)


def _by_version(
    eol: EolData, product_id: str | None, version: str, subject: str
) -> Installed | None:
    product = eol.products.get(product_id or "")
    if product is None or product.match is not Match.DOTTED_PREFIX:
        return None
    if subject == "firmware":
        version = _normalised(version)  # IOS XE prints "17.06.04"; Ubuntu's "22.04" stays
    if not version.split(".", 1)[0].isdigit():
        return None  # "Everest", "abc": not a version of the product
    cycle = dotted_prefix_cycle(product, version)
    if cycle is not None:
        return Installed(subject, product, version, cycle)
    oldest = older_than_all(product, version, lambda a, b: compare(a, b, Scheme.DOTTED))
    return None if oldest is None else Installed(subject, product, version, oldest, True)


# Products of the softwares section checked against the data: name pattern → product id.
_PRODUCT_NAMES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^google chrome\b", re.I), "chrome"),
    (re.compile(r"^mozilla firefox\b", re.I), "firefox"),
    (re.compile(r"^(java\b.*\bupdate\b|java\(tm\) se|java se development kit|jdk\b)", re.I),
     "oracle-jdk"),
    (re.compile(r"^eclipse temurin\b", re.I), "eclipse-temurin"),
    (re.compile(r"^php\b", re.I), "php"),
    (re.compile(r"^postgresql\b", re.I), "postgresql"),
    (re.compile(r"^mysql server\b", re.I), "mysql"),
    (re.compile(r"^microsoft office\b", re.I), "office"),
    (re.compile(r"^libreoffice\b", re.I), "libreoffice"),
    (re.compile(r"^notepad\+\+", re.I), "notepad-plus-plus"),
)  # fmt: skip
# A cheap first filter: hosts list hundreds of programs, almost none of them key products.
_PREFIXES = (
    *("google chrome", "mozilla firefox", "java", "jdk", "eclipse temurin", "php"),
    *("postgresql", "mysql server", "microsoft office", "libreoffice", "notepad++"),
)
_DISTRO_SOURCES = frozenset({"dpkg", "rpm"})


def _product_of(name: str) -> str | None:
    return next((product for pattern, product in _PRODUCT_NAMES if pattern.match(name)), None)


def installed_products(softwares: object, eol: EolData, thresholds: Thresholds) -> list[Installed]:
    """Key products of the softwares section with their cycles; of several installs of one
    product, the one whose support ends first. Packages of a distribution (dpkg, rpm) are
    left out unless ``distro_packages`` is set: the distribution backports fixes into them
    until its own end of life."""
    if not isinstance(softwares, list):
        return []
    skipped = frozenset() if thresholds.get("distro_packages") else _DISTRO_SOURCES
    found: dict[str, Installed] = {}
    for item in softwares:
        name = item.get("name") if isinstance(item, dict) else None
        if not isinstance(name, str) or not name.lower().startswith(_PREFIXES):
            continue  # the common case by far: not a key product
        product_id = _product_of(name)
        if product_id is None or item.get("source") in skipped:
            continue
        installed = _product_cycle(eol, product_id, item)
        if installed is None:
            continue
        known = found.get(installed.subject)
        if known is None or _end(installed.cycle.security_until) < _end(known.cycle.security_until):
            found[installed.subject] = installed
    return list(found.values())


def _product_cycle(eol: EolData, product_id: str, item: Mapping[str, Any]) -> Installed | None:
    product = eol.products.get(product_id)
    raw = item.get("version")
    version = raw.strip() if isinstance(raw, str) else ""
    if product is None:
        return None
    if product.match is Match.YEAR:
        cycle = year_cycle(product, item["name"])
        return None if cycle is None else Installed(product_id, product, version or "", cycle)
    if product_id == "oracle-jdk" and version.startswith("1."):
        version = version[2:]  # "1.8.0_401" is Java 8
    return _by_version(eol, product_id, version.replace("_", "."), product_id)


def _end(value: Ends) -> date:
    """An end as a sortable date: True (ended, unknown date) first, None (no end) last."""
    if value is True:
        return date.min
    return value if isinstance(value, date) else date.max


# --- end of support -------------------------------------------------------------------------


def support_state(cycle: Cycle, today: date, thresholds: Thresholds) -> tuple[str, Severity] | None:
    """Where the cycle stands on ``today``: "eol" (critical), "extended" (past its end of life,
    in extended support: the table's ``extended_support_severity``), "eol_soon" (within
    ``eol_warning_days``: warning), "security_only" (past active support: info); None while
    fully supported."""
    if _end(cycle.security_until) <= today:
        if _end(cycle.extended_until) > today and cycle.extended_until is not None:
            return "extended", Severity(thresholds["extended_support_severity"])
        return "eol", Severity.CRITICAL
    if (_end(cycle.security_until) - today).days <= int(thresholds["eol_warning_days"]):
        return "eol_soon", Severity.WARNING
    if _end(cycle.active_until) <= today:
        return "security_only", Severity.INFO
    return None


def _day(value: Ends, english: bool) -> str:
    if isinstance(value, date):
        return english_date(value) if english else tanggal(value)
    return "an unknown date" if english else "tanggal yang tidak diketahui"


def _iso(value: Ends) -> str | bool | None:
    return value.isoformat() if isinstance(value, date) else value


_KIND = {"os": ("Sistem operasi", "Operating system"), "firmware": ("Firmware", "Firmware")}
_MAINTENANCE = {"os": Maintenance.UPGRADE_OS, "firmware": Maintenance.UPGRADE_OS}


def _eol_findings(installed: Installed, today: date, thresholds: Thresholds) -> list[Finding]:
    state = support_state(installed.cycle, today, thresholds)
    if state is None:
        return []
    cycle, product = installed.cycle, installed.product
    kind_id, kind_en = _KIND.get(installed.subject, ("Perangkat lunak", "Software"))
    what = f"{product.title} {cycle.label}" if not installed.older_than_known else (
        f"{product.title} {installed.version}")  # fmt: skip
    text_id, text_en = _sentences(state[0], cycle, today)
    evidence = {
        "product": product.name, "version": installed.version, "cycle": cycle.cycle,
        "older_than_known_cycles": installed.older_than_known, "state": state[0],
        "released": _iso(cycle.released), "active_until": _iso(cycle.active_until),
        "security_until": _iso(cycle.security_until),
        "extended_until": _iso(cycle.extended_until),
    }  # fmt: skip
    return [
        Finding(
            installed.rule, installed.subject, state[1],
            f"{kind_id} {what} {text_id}", f"{kind_en} {what} {text_en}", evidence,
            _MAINTENANCE.get(installed.subject, Maintenance.REPLACE_SOFTWARE),
        )
    ]  # fmt: skip


def _sentences(state: str, cycle: Cycle, today: date) -> tuple[str, str]:
    end_id, end_en = _day(cycle.security_until, False), _day(cycle.security_until, True)
    if state == "eol":
        return (
            f"telah melewati akhir dukungan ({end_id}); perlu ditingkatkan ke versi yang didukung",
            f"reached its end of life on {end_en}; upgrade to a supported release",
        )
    if state == "extended":
        ext_id, ext_en = _day(cycle.extended_until, False), _day(cycle.extended_until, True)
        return (f"telah melewati akhir dukungan reguler ({end_id}); hanya dukungan diperpanjang "
                f"hingga {ext_id}", f"is past its regular end of life ({end_en}); extended "
                f"support only, until {ext_en}")  # fmt: skip
    if state == "eol_soon":
        days = (_end(cycle.security_until) - today).days
        return (f"akan berakhir dukungannya pada {end_id} ({days} hari lagi)",
                f"reaches its end of life on {end_en} (in {days} days)")  # fmt: skip
    active_id, active_en = _day(cycle.active_until, False), _day(cycle.active_until, True)
    return (f"hanya menerima pembaruan keamanan sejak {active_id}, hingga {end_id}",
            f"receives security fixes only since {active_en}, until {end_en}")  # fmt: skip
