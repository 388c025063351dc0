"""What changed on an asset between the register's snapshot and a new observation.

The register keeps an append-only history of these changes; an operator reads it as "when was
this RAM module pulled, when did Firefox jump to 128". Only what an observation states is
compared: an omitted section is unchanged (agents omit sections whose hash the collector already
acknowledged) and a section seen for the first time is no change (the service records the
asset's discovery itself).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from agent.junk import clean_text
from collector.domain.installations import Installed, installations, normalised_entry
from collector.domain.software import collapse_spaces
from collector.domain.versions import (
    MAX_LENGTH,
    InvalidVersionError,
    Scheme,
    compare,
    scheme_for_source,
)


class ChangeKind(StrEnum):
    SOFTWARE_INSTALLED = "software_installed"
    SOFTWARE_REMOVED = "software_removed"
    SOFTWARE_UPGRADED = "software_upgraded"
    SOFTWARE_DOWNGRADED = "software_downgraded"
    MEMORY_CHANGED = "memory_changed"  # total installed memory
    MEMORY_MODULE_ADDED = "memory_module_added"
    MEMORY_MODULE_REMOVED = "memory_module_removed"
    DISK_ADDED = "disk_added"
    DISK_REMOVED = "disk_removed"
    NIC_ADDED = "nic_added"
    NIC_REMOVED = "nic_removed"
    OS_CHANGED = "os_changed"
    HARDWARE_CHANGED = "hardware_changed"
    BIOS_UPDATED = "bios_updated"
    CPU_CHANGED = "cpu_changed"
    HOSTNAME_CHANGED = "hostname_changed"
    SITE_CHANGED = "site_changed"
    VOLUME_ADDED = "volume_added"
    VOLUME_REMOVED = "volume_removed"
    # Recorded by the services, not by diff_sections:
    ASSET_DISCOVERED = "asset_discovered"  # first observation of the asset
    BMN_UPDATED = "bmn_updated"  # a BMN column set from the state-property sheet


@dataclass(frozen=True)
class Change:
    """One entry of an asset's history.

    ``subject`` names what changed: "name (arch)" for software, the slot for a memory module,
    the serial (else device name) for a disk, the MAC for a NIC, the mount point for a volume,
    the field for operating system, hardware and BIOS changes ("version", "serial"), and the
    section for the rest ("memory", "cpus", "hostname", "site"). ``before``/``after`` are the
    values on either side, None for the side where the thing did not exist; total memory is
    given in bytes.
    """

    kind: ChangeKind
    subject: str
    before: str | None
    after: str | None


_KIND_ORDER = {kind: index for index, kind in enumerate(ChangeKind)}


def diff_sections(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    """The changes from the snapshot ``old`` to the observation ``new``, sorted by kind (in
    ChangeKind's order), subject, before and after, so the same input gives the same history.

    Both map section names to section values as in the observation document ("softwares",
    "memories", "storages", "networks", "operatingsystem", "hardware", "bios", "cpus",
    "volumes", "identity"), plus "site": the site code the asset belongs to. A section missing
    (or None) on either side yields no change.
    """
    changes: list[Change] = []
    for section, differ in _DIFFERS.items():
        before, after = old.get(section), new.get(section)
        if before is not None and after is not None:
            changes += differ(before, after)
    return sorted(changes, key=_change_order)


def _change_order(change: Change) -> tuple[int, str, str, str]:
    return (_KIND_ORDER[change.kind], change.subject, change.before or "", change.after or "")


# --- versions ------------------------------------------------------------------------------


def compare_versions(a: str, b: str, scheme: Scheme = Scheme.DPKG) -> int:
    """-1, 0 or 1 as version ``a`` sorts before, with or after ``b`` in the order of the
    package's ecosystem (collector/domain/versions.py). History must order any two versions
    an agent reports, so an empty version counts as "0" and one the scheme refuses (an rpm
    release with "_" read as dpkg, free text from a registry) is compared in the dotted order,
    which reads any text."""
    a, b = a.strip() or "0", b.strip() or "0"
    try:
        return compare(a, b, scheme)
    except InvalidVersionError:
        return compare(a[:MAX_LENGTH], b[:MAX_LENGTH], Scheme.DOTTED)


# --- software ------------------------------------------------------------------------------


def _diff_softwares(
    old: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]]
) -> list[Change]:
    """Software by (normalised name, arch): one version on each side is an upgrade or a
    downgrade; several (kernels) are a set whose added and removed members are reported.

    A day's updates touch a few of ~800 packages, so only the products with an entry on one
    side alone are compared. Entries come from the per-process memo of normalised reports: an
    unchanged report is the very same object on both sides (an identity test, no hashing); an
    equal entry that is not the same object only costs its product a comparison."""
    before = _entries(old)
    after = _entries(new)
    kept_before = {id(entry) for _, entry in before}
    kept_after = {id(entry) for _, entry in after}
    # By casefolded name: another arch of a touched name is compared too, and found equal.
    touched = {entry.order[0] for _, entry in before if id(entry) not in kept_after}
    touched.update(entry.order[0] for _, entry in after if id(entry) not in kept_before)
    if not touched:
        return []
    versions_before = _versions_by_product([i for i, e in before if e.order[0] in touched])
    versions_after = _versions_by_product([i for i, e in after if e.order[0] in touched])
    subjects = {
        **{key: (s, scheme) for key, (s, _, scheme) in versions_before.items()},
        **{key: (s, scheme) for key, (s, _, scheme) in versions_after.items()},
    }
    changes: list[Change] = []
    for key, (subject, scheme) in subjects.items():
        old_versions = versions_before[key][1] if key in versions_before else set()
        new_versions = versions_after[key][1] if key in versions_after else set()
        changes += _diff_versions(subject, old_versions, new_versions, scheme)
    return changes


def _entries(items: Sequence[Any]) -> list[tuple[Mapping[str, Any], Installed]]:
    """The reported entries that name something, each with its normalised entry."""
    pairs = []
    for item in items:
        if type(item) is dict or isinstance(item, Mapping):  # the ABC check only off the JSON path
            entry = normalised_entry(item)
            if entry is not None:
                pairs.append((item, entry))
    return pairs


def _versions_by_product(
    items: Sequence[Mapping[str, Any]],
) -> dict[tuple[str, str], tuple[str, set[str | None], Scheme]]:
    """(casefolded name, arch) → (subject, installed versions, version order of its source)."""
    products: dict[tuple[str, str], tuple[str, set[str | None], Scheme]] = {}
    for item in installations(items):
        name, arch = item.name, item.order[1]
        subject = f"{name} ({arch})" if arch else name
        scheme = scheme_for_source(item.columns[3])
        products.setdefault(item.order[:2], (subject, set(), scheme))[1].add(item.columns[1])
    return products


def _diff_versions(
    subject: str, old: set[str | None], new: set[str | None], scheme: Scheme
) -> list[Change]:
    """An upgrade/downgrade between two single versions that differ in order; otherwise the
    versions that appeared (installed) and disappeared (removed). An unknown version sorts
    before every known one."""
    if old == new:  # the common case by far: nothing to compare
        return []
    if len(old) == 1 and len(new) == 1:
        (before,), (after,) = old, new
        order = compare_versions(before or "", after or "", scheme)
        if order == 0:
            return []
        kind = ChangeKind.SOFTWARE_UPGRADED if order < 0 else ChangeKind.SOFTWARE_DOWNGRADED
        return [Change(kind, subject, before, after)]
    installed = [Change(ChangeKind.SOFTWARE_INSTALLED, subject, None, v) for v in new - old]
    removed = [Change(ChangeKind.SOFTWARE_REMOVED, subject, v, None) for v in old - new]
    return installed + removed


# --- parts that come and go: memory modules, disks, NICs, volumes --------------------------


@dataclass(frozen=True)
class _Members:
    """How to recognise one part of a list section across observations."""

    key: Callable[[Mapping[str, Any]], Hashable | None]  # None: not tracked
    subject: Callable[[Mapping[str, Any]], str]
    describe: Callable[[Mapping[str, Any]], str]
    added: ChangeKind
    removed: ChangeKind


def _diff_members(
    old: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]], members: _Members
) -> list[Change]:
    """The parts present on one side only, matched by key; identical keys count (two modules
    with the same placeholder serial are two modules)."""
    old_by_key, new_by_key = _group(old, members.key), _group(new, members.key)
    changes: list[Change] = []
    for key in sorted(old_by_key.keys() | new_by_key.keys(), key=repr):
        olds, news = old_by_key.get(key, []), new_by_key.get(key, [])
        changes += [
            Change(members.added, members.subject(item), None, members.describe(item))
            for item in news[len(olds) :]
        ]
        changes += [
            Change(members.removed, members.subject(item), members.describe(item), None)
            for item in olds[len(news) :]
        ]
    return changes


def _group(
    items: Iterable[Mapping[str, Any]], key: Callable[[Mapping[str, Any]], Hashable | None]
) -> dict[Hashable, list[Mapping[str, Any]]]:
    groups: dict[Hashable, list[Mapping[str, Any]]] = {}
    for item in items:
        found = key(item) if isinstance(item, Mapping) else None
        if found is not None:
            groups.setdefault(found, []).append(item)
    return groups


def _text(item: Mapping[str, Any], field: str) -> str | None:
    """A field as trimmed text, None when absent or blank."""
    value = item.get(field)
    return None if value is None else collapse_spaces(str(value)) or None


def _serial(item: Mapping[str, Any]) -> str | None:
    """The part's serial, placeholders ("00000000", "Not Specified") dropped."""
    return clean_text(_text(item, "serial"))


def _size(item: Mapping[str, Any], field: str = "size_bytes") -> int | None:
    value = item.get(field)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _join(*parts: str | None) -> str:
    return " ".join(part for part in parts if part)


def format_bytes(size: int | None, *, binary: bool) -> str | None:
    """A size the way its kind is sold: memory in GiB/MiB (binary), disks in GB/TB (decimal);
    None when unknown."""
    if size is None:
        return None
    base, units = (1024, _BINARY) if binary else (1000, _DECIMAL)
    value, index = float(size), 0
    while value >= base and index < len(units) - 1:
        value, index = value / base, index + 1
    shown = f"{value:.0f}" if value >= 10 or value.is_integer() else f"{value:.1f}"
    return f"{shown} {units[index]}"


_BINARY = ("B", "KiB", "MiB", "GiB", "TiB", "PiB")
_DECIMAL = ("B", "KB", "MB", "GB", "TB", "PB")


def _module_key(item: Mapping[str, Any]) -> Hashable:
    serial = _serial(item)
    if serial is not None:
        return ("serial", serial.casefold())
    return ("slot", _text(item, "slot"), _size(item), _text(item, "part_number"))


def _describe_module(item: Mapping[str, Any]) -> str:
    serial = _serial(item)
    return _join(
        format_bytes(_size(item), binary=True),
        _text(item, "type"),
        _text(item, "manufacturer"),
        _text(item, "part_number"),
        f"S/N {serial}" if serial else None,
    )


def _disk_key(item: Mapping[str, Any]) -> Hashable | None:
    if item.get("removable") is True:
        return None  # a USB stick passing through is not a change of the asset
    serial = _serial(item)
    if serial is not None:
        return ("serial", serial.casefold())
    return ("name", _text(item, "name"), _text(item, "model"), _size(item))


def _describe_disk(item: Mapping[str, Any]) -> str:
    return _join(
        _text(item, "vendor"),
        _text(item, "model"),
        format_bytes(_size(item), binary=False),
        _text(item, "type"),
        f"({_text(item, 'name')})" if _text(item, "name") else None,
    )


_MAC = re.compile(r"[0-9a-f]{2}(:[0-9a-f]{2}){5}")


def _nic_key(item: Mapping[str, Any]) -> str | None:
    """The MAC of a physical NIC; virtual interfaces (bridges, veths) and locally administered
    (random) MACs come and go without any hardware change, so they are not tracked."""
    mac = (_text(item, "mac") or "").casefold()
    if not _MAC.fullmatch(mac) or item.get("virtual") is True or int(mac[:2], 16) & 0x02:
        return None
    return mac


def _describe_nic(item: Mapping[str, Any]) -> str:
    description = _text(item, "description")
    return _join(_text(item, "name"), f"({description})" if description else None)


def _volume_key(item: Mapping[str, Any]) -> str | None:
    mount = _text(item, "mount")
    return None if mount is None else mount.casefold()


def _describe_volume(item: Mapping[str, Any]) -> str:
    return _join(
        _text(item, "device"),
        _text(item, "filesystem"),
        format_bytes(_size(item, "total_bytes"), binary=False),
    )


_MEMORY_MODULES = _Members(
    key=_module_key,
    subject=lambda item: _text(item, "slot") or _serial(item) or "?",
    describe=_describe_module,
    added=ChangeKind.MEMORY_MODULE_ADDED,
    removed=ChangeKind.MEMORY_MODULE_REMOVED,
)
_DISKS = _Members(
    key=_disk_key,
    subject=lambda item: _serial(item) or _text(item, "name") or "?",
    describe=_describe_disk,
    added=ChangeKind.DISK_ADDED,
    removed=ChangeKind.DISK_REMOVED,
)
_NICS = _Members(
    key=_nic_key,
    subject=lambda item: (_text(item, "mac") or "").casefold(),
    describe=_describe_nic,
    added=ChangeKind.NIC_ADDED,
    removed=ChangeKind.NIC_REMOVED,
)
_VOLUMES = _Members(
    key=_volume_key,
    subject=lambda item: _text(item, "mount") or "",
    describe=_describe_volume,
    added=ChangeKind.VOLUME_ADDED,
    removed=ChangeKind.VOLUME_REMOVED,
)


def _diff_memories(
    old: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]]
) -> list[Change]:
    """Modules added/removed and the total when it moved. An empty list, or one without sizes,
    means the source could not read the modules (virtual machines), not that there are none."""
    if not old or not new:
        return []
    changes = _diff_members(old, new, _MEMORY_MODULES)
    total_before, total_after = _total_memory(old), _total_memory(new)
    if total_before and total_after and total_before != total_after:
        changes.append(
            Change(ChangeKind.MEMORY_CHANGED, "memory", str(total_before), str(total_after))
        )
    return changes


def _total_memory(modules: Sequence[Mapping[str, Any]]) -> int:
    return sum(_size(module) or 0 for module in modules if isinstance(module, Mapping))


def _diff_storages(
    old: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]]
) -> list[Change]:
    """Fixed disks added or removed; an empty list is a failed read, not a diskless machine."""
    return _diff_members(old, new, _DISKS) if old and new else []


def _diff_networks(
    old: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]]
) -> list[Change]:
    return _diff_members(old, new, _NICS)


def _diff_volumes(
    old: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]]
) -> list[Change]:
    """Mount points added or removed; an empty list is a failed read (every host mounts /)."""
    return _diff_members(old, new, _VOLUMES) if old and new else []


# --- facts: operating system, hardware, BIOS, CPUs, hostname, site -------------------------


def _diff_fields(
    kind: ChangeKind, fields: tuple[str, ...]
) -> Callable[[Mapping[str, Any], Mapping[str, Any]], list[Change]]:
    """A differ reporting each listed field whose value changed (ignoring case and spacing:
    "PF3K2ABC" and "pf3k2abc " are one serial); the field name is the subject."""

    def diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
        if not isinstance(old, Mapping) or not isinstance(new, Mapping):
            return []
        changes = []
        for field in fields:
            before, after = _text(old, field), _text(new, field)
            if (before or "").casefold() != (after or "").casefold():
                changes.append(Change(kind, field, before, after))
        return changes

    return diff


_diff_operatingsystem = _diff_fields(ChangeKind.OS_CHANGED, ("name", "version", "build"))
_diff_hardware = _diff_fields(ChangeKind.HARDWARE_CHANGED, ("vendor", "model", "serial", "uuid"))
_diff_bios = _diff_fields(ChangeKind.BIOS_UPDATED, ("version",))
_diff_identity = _diff_fields(ChangeKind.HOSTNAME_CHANGED, ("hostname",))


def _diff_cpus(old: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]]) -> list[Change]:
    """One change when the processors differ in model, cores or threads (clock speed is left
    out: it is a reading, not a part). An empty list is a failed read."""
    before, after = _describe_cpus(old), _describe_cpus(new)
    if not old or not new or before.casefold() == after.casefold():
        return []
    return [Change(ChangeKind.CPU_CHANGED, "cpus", before, after)]


def _describe_cpus(cpus: Sequence[Mapping[str, Any]]) -> str:
    """The processors as "2 x Intel Xeon Gold 6230 (20C/40T)", one entry per distinct model."""
    counts = Counter(_describe_cpu(cpu) for cpu in cpus if isinstance(cpu, Mapping))
    return "; ".join(
        text if count == 1 else f"{count} x {text}" for text, count in sorted(counts.items())
    )


def _describe_cpu(cpu: Mapping[str, Any]) -> str:
    cores, threads = _size(cpu, "cores"), _size(cpu, "threads")
    shape = f"({cores or '?'}C/{threads or '?'}T)" if cores or threads else None
    return _join(_text(cpu, "model") or "?", shape)


def _diff_site(old: object, new: object) -> list[Change]:
    before, after = collapse_spaces(str(old)), collapse_spaces(str(new))
    return [] if before == after else [Change(ChangeKind.SITE_CHANGED, "site", before, after)]


_DIFFERS: dict[str, Callable[[Any, Any], list[Change]]] = {
    "softwares": _diff_softwares,
    "memories": _diff_memories,
    "storages": _diff_storages,
    "networks": _diff_networks,
    "operatingsystem": _diff_operatingsystem,
    "hardware": _diff_hardware,
    "bios": _diff_bios,
    "cpus": _diff_cpus,
    "identity": _diff_identity,
    "site": _diff_site,
    "volumes": _diff_volumes,
}


# --- reading the history -------------------------------------------------------------------


def summarise(changes: Iterable[Change]) -> dict[str, int]:
    """How many changes of each kind (kinds that occur only, in ChangeKind's order): the
    one-line summary of an observation's effect, for logs and metrics."""
    counts = Counter(change.kind for change in changes)
    return {kind.value: counts[kind] for kind in ChangeKind if counts[kind]}


_TEMPLATES: dict[ChangeKind, tuple[str, str]] = {
    ChangeKind.SOFTWARE_INSTALLED: (
        "Perangkat lunak {subject} versi {after} dipasang",
        "Software {subject} version {after} installed",
    ),
    ChangeKind.SOFTWARE_REMOVED: (
        "Perangkat lunak {subject} versi {before} dihapus",
        "Software {subject} version {before} removed",
    ),
    ChangeKind.SOFTWARE_UPGRADED: (
        "Perangkat lunak {subject} diperbarui dari {before} ke {after}",
        "Software {subject} upgraded from {before} to {after}",
    ),
    ChangeKind.SOFTWARE_DOWNGRADED: (
        "Perangkat lunak {subject} diturunkan dari {before} ke {after}",
        "Software {subject} downgraded from {before} to {after}",
    ),
    ChangeKind.MEMORY_CHANGED: (
        "Total memori berubah dari {before} ke {after}",
        "Total memory changed from {before} to {after}",
    ),
    ChangeKind.MEMORY_MODULE_ADDED: (
        "Modul memori {subject} dipasang: {after}",
        "Memory module {subject} added: {after}",
    ),
    ChangeKind.MEMORY_MODULE_REMOVED: (
        "Modul memori {subject} dilepas: {before}",
        "Memory module {subject} removed: {before}",
    ),
    ChangeKind.DISK_ADDED: ("Disk {subject} dipasang: {after}", "Disk {subject} added: {after}"),
    ChangeKind.DISK_REMOVED: (
        "Disk {subject} dilepas: {before}",
        "Disk {subject} removed: {before}",
    ),
    ChangeKind.NIC_ADDED: (
        "Kartu jaringan {subject} ditambahkan: {after}",
        "Network adapter {subject} added: {after}",
    ),
    ChangeKind.NIC_REMOVED: (
        "Kartu jaringan {subject} dilepas: {before}",
        "Network adapter {subject} removed: {before}",
    ),
    ChangeKind.OS_CHANGED: (
        "Sistem operasi: {subject} berubah dari {before} ke {after}",
        "Operating system {subject} changed from {before} to {after}",
    ),
    ChangeKind.HARDWARE_CHANGED: (
        "Perangkat keras: {subject} berubah dari {before} ke {after}",
        "Hardware {subject} changed from {before} to {after}",
    ),
    ChangeKind.BIOS_UPDATED: (
        "BIOS diperbarui dari {before} ke {after}",
        "BIOS updated from {before} to {after}",
    ),
    ChangeKind.CPU_CHANGED: (
        "Prosesor berubah dari {before} ke {after}",
        "Processor changed from {before} to {after}",
    ),
    ChangeKind.HOSTNAME_CHANGED: (
        "Nama host berubah dari {before} ke {after}",
        "Hostname changed from {before} to {after}",
    ),
    ChangeKind.ASSET_DISCOVERED: (
        "Aset ditemukan pertama kali ({subject})",
        "Asset first discovered ({subject})",
    ),
    ChangeKind.BMN_UPDATED: (
        "Data BMN {subject} diubah dari {before} ke {after}",
        "BMN field {subject} changed from {before} to {after}",
    ),
    ChangeKind.SITE_CHANGED: (
        "Lokasi berubah dari {before} ke {after}",
        "Site changed from {before} to {after}",
    ),
    ChangeKind.VOLUME_ADDED: (
        "Volume {subject} ditambahkan: {after}",
        "Volume {subject} added: {after}",
    ),
    ChangeKind.VOLUME_REMOVED: (
        "Volume {subject} dihapus: {before}",
        "Volume {subject} removed: {before}",
    ),
}
_LANGUAGES = ("id", "en")
_UNKNOWN = ("tidak diketahui", "unknown")
_FIELD_KINDS = frozenset({ChangeKind.OS_CHANGED, ChangeKind.HARDWARE_CHANGED})
_FIELD_LABELS: tuple[dict[str, str], dict[str, str]] = (
    {"name": "nama", "version": "versi", "serial": "nomor seri", "uuid": "UUID"},
    {"serial": "serial number", "uuid": "UUID"},
)


def describe(change: Change, language: str = "id") -> str:
    """One sentence for the asset's history page, in Indonesian ("id", the default) or
    English ("en"); raises ValueError for any other language."""
    if language not in _LANGUAGES:
        raise ValueError(f"no descriptions in language {language!r}; use 'id' or 'en'")
    index = _LANGUAGES.index(language)
    subject = change.subject
    if change.kind in _FIELD_KINDS:
        subject = _FIELD_LABELS[index].get(subject, subject)
    before, after = change.before, change.after
    if change.kind is ChangeKind.MEMORY_CHANGED:
        before, after = _shown_bytes(before), _shown_bytes(after)
    return _TEMPLATES[change.kind][index].format(
        subject=subject, before=before or _UNKNOWN[index], after=after or _UNKNOWN[index]
    )


def _shown_bytes(value: str | None) -> str | None:
    """A byte count as GiB for reading; other text as it is."""
    if value is None or not (value.isascii() and value.isdigit() and len(value) < 40):
        return value
    return format_bytes(int(value), binary=True)
