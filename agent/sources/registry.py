"""Reading the Windows registry: live through ``winreg``, or from a ``regedit`` export file.

Paths are written ``HKEY_LOCAL_MACHINE\\SOFTWARE\\...``; ``HKLM``/``HKU``/``HKCU`` are accepted.
Values come back as str (REG_SZ, REG_EXPAND_SZ), int (REG_DWORD, REG_QWORD), list[str]
(REG_MULTI_SZ) or bytes (REG_BINARY and anything else).
"""

from __future__ import annotations

import codecs
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

RegValue = str | int | list[str] | bytes

_HIVE_ALIASES = {
    "HKLM": "HKEY_LOCAL_MACHINE",
    "HKU": "HKEY_USERS",
    "HKCU": "HKEY_CURRENT_USER",
    "HKCR": "HKEY_CLASSES_ROOT",
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


class RegExportReader:
    """A registry export (``regedit /e`` or ``reg export``, UTF-16 or UTF-8) read into memory."""

    def __init__(self, text: str) -> None:
        self._keys: dict[str, dict[str, RegValue]] = {}
        self._children: dict[str, dict[str, str]] = {}
        for key, name, value in _parse_export(text):
            self._add_key(key)
            if name is not None:
                self._keys[normalise_key(key)][name] = value

    @classmethod
    def from_file(cls, path: Path) -> RegExportReader:
        data = path.read_bytes()
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return cls(data.decode("utf-16"))
        return cls(data.decode("utf-8-sig"))

    def _add_key(self, key: str) -> None:
        parts = [p for p in key.strip("\\").split("\\") if p]
        for depth in range(1, len(parts) + 1):
            path = normalise_key("\\".join(parts[:depth]))
            self._keys.setdefault(path, {})
            if depth > 1:
                parent = normalise_key("\\".join(parts[: depth - 1]))
                self._children.setdefault(parent, {})[path] = parts[depth - 1]

    def subkeys(self, path: str) -> list[str]:
        return list(self._children.get(normalise_key(path), {}).values())

    def values(self, path: str) -> dict[str, RegValue]:
        return dict(self._keys.get(normalise_key(path), {}))


_KEY_LINE = re.compile(r"^\[(?P<key>[^\]]+)\]$")
_VALUE_LINE = re.compile(r'^(?:"(?P<name>(?:[^"\\]|\\.)*)"|(?P<default>@))=(?P<data>.*)$')


def _logical_lines(text: str) -> Iterator[str]:
    """Lines with the export's backslash continuations joined."""
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if pending:
            line = pending + line
        if line.endswith("\\") and not line.startswith("["):
            pending = line[:-1]
            continue
        pending = ""
        yield line


def _parse_export(text: str) -> Iterator[tuple[str, str | None, RegValue]]:
    key: str | None = None
    for line in _logical_lines(text):
        header = _KEY_LINE.match(line)
        if header:
            key = header["key"]
            yield key, None, ""
            continue
        value = _VALUE_LINE.match(line)
        if key is None or value is None:
            continue
        name = "" if value["default"] else _unescape(value["name"])
        yield key, name, _decode_data(value["data"])


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _decode_data(data: str) -> RegValue:
    if data.startswith('"') and data.endswith('"'):
        return _unescape(data[1:-1])
    if data.startswith("dword:"):
        return int(data[6:], 16)
    kind, _, hexbytes = data.partition(":")
    raw = bytes(int(b, 16) for b in hexbytes.replace(" ", "").split(",") if b)
    if kind == "hex(b)":
        return int.from_bytes(raw[:8], "little")
    if kind in ("hex(2)", "hex(7)"):
        strings = raw.decode("utf-16-le", "replace").split("\x00")
        return strings[0] if kind == "hex(2)" else [s for s in strings if s]
    return raw


class WinRegistryReader:  # pragma: no cover - runs on Windows only
    """The live registry of this Windows machine, read through ``winreg`` (64-bit view)."""

    def subkeys(self, path: str) -> list[str]:
        handle = self._open(path)
        if handle is None:
            return []
        import winreg  # noqa: PLC0415 - Windows only

        with handle:
            count = winreg.QueryInfoKey(handle)[0]
            return [winreg.EnumKey(handle, i) for i in range(count)]

    def values(self, path: str) -> dict[str, RegValue]:
        handle = self._open(path)
        if handle is None:
            return {}
        import winreg  # noqa: PLC0415 - Windows only

        with handle:
            count = winreg.QueryInfoKey(handle)[1]
            found: dict[str, RegValue] = {}
            for i in range(count):
                name, data, _kind = winreg.EnumValue(handle, i)
                if isinstance(data, str | int | bytes) or isinstance(data, list):
                    found[name] = data
            return found

    def _open(self, path: str) -> winreg.HKEYType | None:
        import winreg  # noqa: PLC0415 - Windows only

        hive_name, _, sub = normalise_key(path).partition("\\")
        hive = getattr(winreg, hive_name.upper())
        try:
            return winreg.OpenKey(hive, sub, 0, winreg.KEY_READ | winreg.KEY_WOW64_64KEY)
        except OSError:
            return None


if sys.platform == "win32":  # pragma: no cover
    import winreg
