"""SSH device profiles: what a device is, how netmiko talks to it, what to ask and how to read it.

One TOML file per platform in ``profiles/``::

    id = "cisco_ios"               # <vendor>_<os>; unique; [a-z0-9_]+
    device_type = "cisco_ios"      # netmiko ConnectHandler device_type; unique
    template_platform = "cisco_ios"  # ntc-templates platform (default: device_type)
    vendor = "Cisco"               # device.vendor
    kind = "switch"                # device.kind (printer, switch, router, firewall, ...)
    os = "IOS"                     # optional, device.os
    connect_timeout = 15.0         # seconds to connect and log in (default 15)
    command_timeout = 30.0         # seconds per command (default 30)

    [[commands]]                   # run in this order; later facts win on merge
    command = "show version"
    parser = "fields"              # a name of catalogue.py
    template = "show version"      # ntc-templates command (default: command)
    [commands.fields]              # for the "fields" parser: document field -> column
    model = "hardware"

Unknown keys, unknown parsers and bad values are errors naming the file and the key.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from collector.adapters.ssh.fields import FIELD_KEYS
from collector.adapters.ssh.parser import CliParser

PROFILES = Path(__file__).resolve().parent / "profiles"
DEVICE_KINDS = frozenset(
    {"printer", "switch", "router", "firewall", "access_point", "ups", "server", "workstation"}
    | {"other"}
)
_KEYS = frozenset(
    {"id", "device_type", "template_platform", "vendor", "kind", "os", "connect_timeout"}
    | {"command_timeout", "commands"}
)
_COMMAND_KEYS = frozenset({"command", "parser", "template", "fields"})
_ID = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")


class SshProfileError(ValueError):
    """A profile file cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class CommandSpec:
    """One command of a profile and how its output is read."""

    command: str
    parser: str
    template: str
    fields: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class SshProfile:
    """One platform: netmiko's device_type, facts, timeouts and commands."""

    id: str
    device_type: str
    template_platform: str
    kind: str
    commands: tuple[CommandSpec, ...]
    vendor: str | None = None
    os: str | None = None
    connect_timeout: float = 15.0
    command_timeout: float = 30.0
    path: Path | None = field(default=None, compare=False)


class SshProfileRegistry:
    """The loaded profiles and the parser catalogue they were checked against."""

    def __init__(self, profiles: Iterable[SshProfile], catalogue: Mapping[str, CliParser]):
        self.profiles = tuple(sorted(profiles, key=lambda p: p.id))
        self.catalogue = dict(catalogue)

    def for_device_type(self, name: str) -> SshProfile:
        """The profile of a netmiko device_type (or a profile id); SshProfileError listing the
        known ones otherwise."""
        for profile in self.profiles:
            if name in (profile.device_type, profile.id):
                return profile
        known = ", ".join(p.device_type for p in self.profiles)
        raise SshProfileError(f"device_type tidak dikenal: {name!r} (yang dikenal: {known})")


def load_ssh_profiles(directory: Path, catalogue: Mapping[str, CliParser]) -> SshProfileRegistry:
    """Every ``*.toml`` profile of a directory, checked; the first problem raises
    SshProfileError (file and key named), so a typo never silently drops a command."""
    found: dict[str, SshProfile] = {}
    types: set[str] = set()
    for path in sorted(directory.glob("*.toml")):
        profile = read_ssh_profile(path, catalogue)
        if profile.id in found or profile.device_type in types:
            raise SshProfileError(f"{path.name}: id atau device_type sudah dipakai profil lain")
        found[profile.id] = profile
        types.add(profile.device_type)
    return SshProfileRegistry(found.values(), catalogue)


def read_ssh_profile(path: Path, catalogue: Mapping[str, CliParser]) -> SshProfile:
    """One profile file, checked."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SshProfileError(f"{path.name}: tidak terbaca: {exc}") from exc
    return parse_ssh_profile(data, path.name, catalogue, path)


def parse_ssh_profile(
    data: Mapping[str, Any],
    where: str,
    catalogue: Mapping[str, CliParser],
    path: Path | None = None,
) -> SshProfile:
    """A profile from parsed TOML data (keys in the module docstring)."""
    _no_unknown(data, _KEYS, where)
    device_type = _text(data, "device_type", where)
    kind = data.get("kind")
    if kind not in DEVICE_KINDS:
        raise SshProfileError(f"{where}: 'kind' harus salah satu dari {sorted(DEVICE_KINDS)}")
    ident = data.get("id")
    if not isinstance(ident, str) or not _ID.match(ident):
        raise SshProfileError(f"{where}: 'id' wajib, huruf kecil/angka/garis bawah")
    return SshProfile(
        id=ident,
        device_type=device_type,
        template_platform=_text(data, "template_platform", where, device_type),
        kind=str(kind),
        commands=_commands(data.get("commands"), where, catalogue),
        vendor=_optional(data, "vendor", where),
        os=_optional(data, "os", where),
        connect_timeout=_seconds(data, "connect_timeout", 15.0, where),
        command_timeout=_seconds(data, "command_timeout", 30.0, where),
        path=path,
    )


def _commands(
    value: Any, where: str, catalogue: Mapping[str, CliParser]
) -> tuple[CommandSpec, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(v, dict) for v in value):
        raise SshProfileError(f"{where}: [[commands]] wajib, minimal satu perintah")
    specs = []
    for number, entry in enumerate(value, 1):
        place = f"{where}: perintah ke-{number}"
        _no_unknown(entry, _COMMAND_KEYS, place)
        command = _text(entry, "command", place)
        parser = _text(entry, "parser", place)
        if parser not in catalogue:
            raise SshProfileError(f"{place}: parser tidak dikenal: {parser!r}")
        fields = _field_map(entry.get("fields", {}), place)
        specs.append(CommandSpec(command, parser, _text(entry, "template", place, command), fields))
    return tuple(specs)


def _field_map(value: Any, where: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise SshProfileError(f"{where}: [fields] harus tabel kolom -> nama kolom (teks)")
    unknown = sorted(set(value) - FIELD_KEYS)
    if unknown:
        raise SshProfileError(f"{where}: [fields] kolom tidak dikenal: {', '.join(unknown)}")
    return tuple(value.items())


def _no_unknown(data: Mapping[str, Any], allowed: frozenset[str], where: str) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise SshProfileError(f"{where}: kunci tidak dikenal: {', '.join(unknown)}")


def _text(data: Mapping[str, Any], key: str, where: str, default: str | None = None) -> str:
    value = data.get(key, default)
    if not isinstance(value, str) or not value.strip():
        raise SshProfileError(f"{where}: '{key}' wajib berupa teks tidak kosong")
    return value.strip()


def _optional(data: Mapping[str, Any], key: str, where: str) -> str | None:
    return _text(data, key, where) if key in data else None


def _seconds(data: Mapping[str, Any], key: str, default: float, where: str) -> float:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 1 <= value <= 600:
        raise SshProfileError(f"{where}: '{key}' harus angka detik antara 1 dan 600")
    return float(value)
