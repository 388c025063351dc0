"""SNMP device profiles: data files that say what a device is and which parsers read it.

One TOML file per vendor/family in ``profiles/`` (read with ``tomllib``)::

    id = "cisco_ios"                   # <vendor>_<os or family>; unique; [a-z0-9_]+
    vendor = "Cisco"                   # optional (device.vendor)
    kind = "switch"                    # device.kind: printer, switch, router, firewall,
                                       # access_point, ups, server, workstation, other
    os = "IOS"                         # optional (device.os)
    match = ["1.3.6.1.4.1.9.1"]        # sysObjectID prefixes, dotted, compared sub-id by sub-id
    sysdescr = ["^Cisco IOS Software"] # optional regexes (re.search on sysDescr)
    parsers = ["cisco_version"]        # MibParser names run after the generic ones
    detect = ["1.3.6.1.2.1.43.5.1.1.1"]  # optional, for fallback profiles (see below)
    [fields]                           # optional: device field -> scalar instance OID,
    serial = "1.3.6.1.4.1.2636.3.1.3.0"  # its value decoded as display text

Unknown keys are an error (a typo would otherwise be silently ignored), and so is a parser
name the catalogue does not know. ``generic.toml`` (id "generic", no match, kind "other")
lists the parsers every device gets, in order; a profile's own parsers run after them, then
its fields are read, and later values win (so vendor parsers and fields correct what the
standard MIBs said).

Matching (``ProfileRegistry.match``): a profile is a candidate when one of its ``match``
prefixes is a prefix of the sysObjectID (a profile without ``match`` but with ``sysdescr``
is a candidate with prefix length 0) and, if it has ``sysdescr`` regexes, one of them
matches sysDescr. The longest prefix over all profiles wins; on equal length a profile whose
sysdescr matched beats one without; remaining ties go to the smaller id. This is how a
generic sysObjectID such as net-snmp's 1.3.6.1.4.1.8072.3.2.10 is told apart by sysDescr.
A device that matches nothing gets the generic profile: kind "other", what it told us kept.

Unknown-vendor printers and UPSes: a profile with ``detect`` and no ``match`` is a fallback,
tried only when nothing matched. The observation builder walks each fallback's ``detect``
subtrees (in id order) and takes the first fallback whose subtree answers: for printers
``printer_generic`` detects Printer-MIB's prtGeneralTable, one short walk that only devices
with an unrecognised sysObjectID pay for.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from collector.adapters.snmp.catalogue import parser_catalogue
from collector.adapters.snmp.parser import MibParser
from collector.adapters.snmp.values import Oid, OidError, parse_oid

PROFILES = Path(__file__).resolve().parent / "profiles"  # the profiles shipped with asetik
GENERIC_ID = "generic"

DEVICE_KINDS = frozenset(
    {"printer", "switch", "router", "firewall", "access_point", "ups", "server"}
    | {"workstation", "other"}
)
FIELD_NAMES = frozenset(
    {"vendor", "model", "serial", "firmware", "os", "hardware_revision", "description"}
    | {"location", "contact"}
)
_KEYS = frozenset(
    {"id", "vendor", "kind", "os", "match", "sysdescr", "parsers", "detect", "fields"}
)
_ID = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")


class ProfileError(ValueError):
    """A profile file cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Profile:
    """What one kind of device is and which parsers read it."""

    id: str
    kind: str
    parsers: tuple[str, ...]
    vendor: str | None = None
    os: str | None = None
    match: tuple[Oid, ...] = ()
    sysdescr: tuple[re.Pattern[str], ...] = ()
    detect: tuple[Oid, ...] = ()
    fields: tuple[tuple[str, Oid], ...] = ()
    path: Path | None = field(default=None, compare=False)

    def prefix_length(self, sys_object_id: Oid | None) -> int:
        """The length of the longest match prefix of sys_object_id, -1 when none matches."""
        if not self.match:
            return 0 if self.sysdescr else -1
        if sys_object_id is None:
            return -1
        lengths = [len(p) for p in self.match if sys_object_id[: len(p)] == p]
        return max(lengths, default=-1)

    def describes(self, sys_descr: str | None) -> bool:
        """True when the profile has no sysdescr regexes or one of them finds sys_descr."""
        if not self.sysdescr:
            return True
        return sys_descr is not None and any(p.search(sys_descr) for p in self.sysdescr)


class ProfileRegistry:
    """Every loaded profile plus the parser catalogue; built by ``load_profiles``."""

    def __init__(self, profiles: Iterable[Profile], catalogue: Mapping[str, MibParser]):
        ordered = sorted(profiles, key=lambda p: p.id)
        generic = [p for p in ordered if p.id == GENERIC_ID]
        if not generic:
            raise ProfileError(f"profil '{GENERIC_ID}' (generic.toml) tidak ada")
        self.generic = generic[0]
        self.profiles = tuple(ordered)
        self.fallbacks = tuple(p for p in ordered if p.detect and not p.match)
        self._catalogue = dict(catalogue)

    def match(self, sys_object_id: Oid | str | None, sys_descr: str | None) -> Profile:
        """The profile for a device (see the module docstring), generic when none matches."""
        oid = _as_oid(sys_object_id)
        best, best_key = self.generic, (-1, False)
        for profile in self.profiles:
            length = profile.prefix_length(oid)
            if length < 0 or profile is self.generic or not profile.describes(sys_descr):
                continue
            key = (length, bool(profile.sysdescr))
            if key > best_key:
                best, best_key = profile, key
        return best

    def parsers(self, profile: Profile) -> tuple[MibParser, ...]:
        """The generic parsers then the profile's own, each once, in that order."""
        names = dict.fromkeys((*self.generic.parsers, *profile.parsers))
        return tuple(self._catalogue[name] for name in names)


def load_profiles(
    directory: Path = PROFILES, catalogue: Mapping[str, MibParser] | None = None
) -> ProfileRegistry:
    """Every ``*.toml`` profile of a directory, checked against the parser catalogue (default:
    every parser of the MIB modules, see catalogue.py).

    ProfileError names the file and key of the first problem: bad TOML, unknown or missing
    keys, a bad OID or regex, a duplicate id, a parser the catalogue does not have.
    """
    if catalogue is None:
        catalogue = parser_catalogue()
    profiles: dict[str, Profile] = {}
    for path in sorted(directory.glob("*.toml")):
        profile = read_profile(path, catalogue)
        if profile.id in profiles:
            raise ProfileError(f"{path.name}: id '{profile.id}' sudah dipakai profil lain")
        profiles[profile.id] = profile
    return ProfileRegistry(profiles.values(), catalogue)


def read_profile(path: Path, catalogue: Mapping[str, MibParser]) -> Profile:
    """One profile file, checked; ProfileError names the file and the key at fault."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ProfileError(f"{path.name}: tidak terbaca: {exc}") from exc
    return parse_profile(data, path, catalogue)


def parse_profile(
    data: Mapping[str, Any], path: Path, catalogue: Mapping[str, MibParser]
) -> Profile:
    """A profile from parsed TOML data (see the module docstring for the keys)."""
    where = path.name
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise ProfileError(f"{where}: kunci tidak dikenal: {', '.join(unknown)}")
    profile = Profile(
        id=_identifier(data, where),
        kind=_kind(data, where),
        parsers=_parser_names(data, where, catalogue),
        vendor=_optional_text(data, "vendor", where),
        os=_optional_text(data, "os", where),
        match=_oids(data, "match", where),
        sysdescr=_patterns(data, where),
        detect=_oids(data, "detect", where),
        fields=_fields(data, where),
        path=path,
    )
    if profile.id != GENERIC_ID and not (profile.match or profile.sysdescr or profile.detect):
        raise ProfileError(f"{where}: perlu 'match', 'sysdescr' atau 'detect'")
    return profile


def _identifier(data: Mapping[str, Any], where: str) -> str:
    value = data.get("id")
    if not isinstance(value, str) or not _ID.match(value):
        raise ProfileError(f"{where}: 'id' wajib, huruf kecil/angka/garis bawah (mis. cisco_ios)")
    return value


def _kind(data: Mapping[str, Any], where: str) -> str:
    value = data.get("kind")
    if value not in DEVICE_KINDS:
        raise ProfileError(
            f"{where}: 'kind' harus salah satu dari {', '.join(sorted(DEVICE_KINDS))}"
        )
    return str(value)


def _optional_text(data: Mapping[str, Any], key: str, where: str) -> str | None:
    value = data.get(key)
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise ProfileError(f"{where}: '{key}' harus teks tidak kosong")
    return value


def _strings(data: Mapping[str, Any], key: str, where: str) -> list[str]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ProfileError(f"{where}: '{key}' harus daftar teks")
    return value


def _oids(data: Mapping[str, Any], key: str, where: str) -> tuple[Oid, ...]:
    try:
        return tuple(parse_oid(text) for text in _strings(data, key, where))
    except OidError as exc:
        raise ProfileError(f"{where}: '{key}': {exc}") from exc


def _patterns(data: Mapping[str, Any], where: str) -> tuple[re.Pattern[str], ...]:
    try:
        return tuple(re.compile(text) for text in _strings(data, "sysdescr", where))
    except re.error as exc:
        raise ProfileError(f"{where}: 'sysdescr': regex tidak sah: {exc}") from exc


def _parser_names(
    data: Mapping[str, Any], where: str, catalogue: Mapping[str, MibParser]
) -> tuple[str, ...]:
    names = _strings(data, "parsers", where)
    unknown = [name for name in names if name not in catalogue]
    if unknown:
        raise ProfileError(f"{where}: 'parsers': parser tidak dikenal: {', '.join(unknown)}")
    return tuple(names)


def _fields(data: Mapping[str, Any], where: str) -> tuple[tuple[str, Oid], ...]:
    table = data.get("fields", {})
    if not isinstance(table, dict):
        raise ProfileError(f"{where}: [fields] harus berupa tabel")
    fields: list[tuple[str, Oid]] = []
    for name, text in table.items():
        if name not in FIELD_NAMES:
            raise ProfileError(f"{where}: [fields] '{name}' bukan kolom perangkat yang dikenal")
        try:
            fields.append((name, parse_oid(str(text))))
        except OidError as exc:
            raise ProfileError(f"{where}: [fields] '{name}': {exc}") from exc
    return tuple(fields)


def _as_oid(value: Oid | str | None) -> Oid | None:
    if value is None or isinstance(value, tuple):
        return value
    try:
        return parse_oid(value)
    except OidError:
        return None
