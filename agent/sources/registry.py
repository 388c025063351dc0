"""Reading the Windows registry: live through ``winreg``, or from a ``regedit`` export file.

Paths are written ``HKEY_LOCAL_MACHINE\\SOFTWARE\\...``; ``HKLM``/``HKU``/``HKCU`` are accepted.
Values come back as str (REG_SZ, REG_EXPAND_SZ), int (REG_DWORD, REG_QWORD), list[str]
(REG_MULTI_SZ) or bytes (REG_BINARY and anything else). Key and value names are matched
case-insensitively, as Windows does.
"""

from __future__ import annotations

import codecs
import re
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Protocol

RegValue = str | int | list[str] | bytes

_HIVE_ALIASES = {
    "HKLM": "HKEY_LOCAL_MACHINE",
    "HKU": "HKEY_USERS",
    "HKCU": "HKEY_CURRENT_USER",
    "HKCR": "HKEY_CLASSES_ROOT",
    "HKCC": "HKEY_CURRENT_CONFIG",
}


class RegistryReader(Protocol):
    def subkeys(self, path: str) -> list[str]:
        """Names of the direct subkeys of path; empty when the key does not exist."""
        ...

    def values(self, path: str) -> dict[str, RegValue]:
        """Values of the key at path by name ('' is the default value); empty when absent."""
        ...


def normalise_key(path: str) -> str:
    """Canonical, case-folded form of a key path, with the hive alias expanded."""
    parts = [p for p in path.strip().strip("\\").split("\\") if p]
    if parts:
        parts[0] = _HIVE_ALIASES.get(parts[0].upper(), parts[0].upper())
    return "\\".join(parts).casefold()


def key_exists(registry: RegistryReader, path: str) -> bool:
    """True when the key exists, even with no values (flag keys such as RebootPending)."""
    parent, _, leaf = path.strip().rstrip("\\").rpartition("\\")
    return leaf.casefold() in {name.casefold() for name in registry.subkeys(parent)}


def find_value(values: Mapping[str, RegValue], name: str) -> RegValue | None:
    """The value of that name, matched case-insensitively; None when absent."""
    if name in values:
        return values[name]
    folded = name.casefold()
    return next((v for k, v in values.items() if k.casefold() == folded), None)


def value_text(values: Mapping[str, RegValue], name: str) -> str | None:
    """A REG_SZ/REG_EXPAND_SZ value without blanks and NULs; None if absent, empty or not text."""
    value = find_value(values, name)
    if not isinstance(value, str):
        return None
    return value.replace("\x00", "").strip() or None


def value_int(values: Mapping[str, RegValue], name: str) -> int | None:
    """A REG_DWORD/REG_QWORD value, or a REG_SZ holding a decimal number; None otherwise."""
    value = find_value(values, name)
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip())
    return None


class RegExportReader:
    """A registry export (``regedit /e`` or ``reg export``, UTF-16 or UTF-8) read into memory."""

    def __init__(self, text: str) -> None:
        self._keys: dict[str, dict[str, RegValue]] = {}
        self._children: dict[str, dict[str, str]] = {}
        for key, name, value in parse_reg_export(text):
            if name is None:
                self._add_key(key)
            else:
                self._keys[normalise_key(key)][name] = value

    @classmethod
    def from_file(cls, path: Path) -> RegExportReader:
        """The export file at path, decoded as regedit writes it (UTF-16 with BOM, or ANSI)."""
        return cls(decode_reg_export(path.read_bytes()))

    def _add_key(self, key: str) -> None:
        parts = [p for p in key.strip("\\").split("\\") if p]
        for depth in range(1, len(parts) + 1):
            path = normalise_key("\\".join(parts[:depth]))
            self._keys.setdefault(path, {})
            if depth > 1:
                parent = normalise_key("\\".join(parts[: depth - 1]))
                self._children.setdefault(parent, {}).setdefault(path, parts[depth - 1])

    def subkeys(self, path: str) -> list[str]:
        return list(self._children.get(normalise_key(path), {}).values())

    def values(self, path: str) -> dict[str, RegValue]:
        return dict(self._keys.get(normalise_key(path), {}))


def decode_reg_export(data: bytes) -> str:
    """Text of an export file: UTF-16 (regedit 5.00), UTF-8, or ANSI (REGEDIT4)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", "replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


_KEY_LINE = re.compile(r"^\[(?P<key>.+)\]$")
_VALUE_LINE = re.compile(r'^(?:"(?P<name>(?:[^"\\]|\\.)*)"|(?P<default>@))\s*=\s*(?P<data>.*)$')
_HEX_KIND = re.compile(r"^hex(?:\((?P<kind>[0-9a-fA-F]+)\))?:(?P<bytes>[0-9a-fA-F,\s]*)$")


def _logical_lines(text: str) -> Iterator[str]:
    """Lines with the export's backslash continuations (after hex data) joined."""
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if pending:
            line = pending + line
        if line.endswith(",\\"):
            pending = line[:-1]
            continue
        pending = ""
        yield line
    if pending:
        yield pending


def parse_reg_export(text: str) -> Iterator[tuple[str, str | None, RegValue]]:
    """(key, None, "") for each key header, then (key, value name, value) for its values.

    Deletion entries (``[-KEY]``, ``"name"=-``) and lines that are not understood are skipped,
    so a damaged export yields what can still be read.
    """
    key: str | None = None
    unicode_hex = not text.lstrip("\ufeff").startswith("REGEDIT4")
    for line in _logical_lines(text):
        header = _KEY_LINE.match(line)
        if header:
            key = None if header["key"].startswith("-") else header["key"]
            if key is not None:
                yield key, None, ""
            continue
        value = _VALUE_LINE.match(line)
        if key is None or value is None:
            continue
        decoded = _decode_data(value["data"], unicode_hex)
        if decoded is not None:
            yield key, "" if value["default"] else _unescape(value["name"]), decoded


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _decode_data(data: str, unicode_hex: bool) -> RegValue | None:
    if len(data) >= 2 and data.startswith('"') and data.endswith('"'):
        return _unescape(data[1:-1])
    if data.startswith("dword:"):
        digits = data[6:].strip()
        return int(digits, 16) if re.fullmatch(r"[0-9a-fA-F]{1,8}", digits) else None
    found = _HEX_KIND.match(data)
    if found is None:
        return None
    raw = bytes(int(b, 16) for b in re.split(r"[,\s]+", found["bytes"]) if b and len(b) <= 2)
    return _decode_hex(int(found["kind"] or "3", 16), raw, unicode_hex)


def _decode_hex(kind: int, raw: bytes, unicode_hex: bool) -> RegValue:
    """A hex(N) value by registry type N: 1 SZ, 2 EXPAND_SZ, 4 DWORD, 7 MULTI_SZ, 11 QWORD."""
    if kind in (1, 2, 7):
        text = raw.decode("utf-16-le" if unicode_hex else "cp1252", "replace")
        strings = text.split("\x00")
        return strings[0] if kind != 7 else [s for s in strings if s]
    if kind in (4, 11):
        return int.from_bytes(raw[: 4 if kind == 4 else 8], "little")
    return raw


class WinRegistryReader:
    """The live registry of this Windows machine, read through ``winreg`` (64-bit view).

    Off Windows it reads as an empty registry, so the type checker sees one class everywhere.
    """

    def subkeys(self, path: str) -> list[str]:
        if sys.platform != "win32":
            return []
        import winreg  # noqa: PLC0415 - Windows only

        hive_name, _, sub = normalise_key(path).partition("\\")
        hive = getattr(winreg, hive_name.upper(), None)
        if not isinstance(hive, int):
            return []
        try:
            with winreg.OpenKey(hive, sub, 0, winreg.KEY_READ | winreg.KEY_WOW64_64KEY) as key:
                count = winreg.QueryInfoKey(key)[0]
                return [winreg.EnumKey(key, i) for i in range(count)]
        except OSError:
            return []

    def values(self, path: str) -> dict[str, RegValue]:
        if sys.platform != "win32":
            return {}
        import winreg  # noqa: PLC0415 - Windows only

        hive_name, _, sub = normalise_key(path).partition("\\")
        hive = getattr(winreg, hive_name.upper(), None)
        if not isinstance(hive, int):
            return {}
        found: dict[str, RegValue] = {}
        try:
            with winreg.OpenKey(hive, sub, 0, winreg.KEY_READ | winreg.KEY_WOW64_64KEY) as key:
                for i in range(winreg.QueryInfoKey(key)[1]):
                    name, data, _kind = winreg.EnumValue(key, i)
                    if isinstance(data, str | int | bytes | list):
                        found[name] = data
        except OSError:
            return found
        return found
