"""The rules file: the shipped defaults (collector/domain/rules/defaults.toml) with the
operator's ``DATA_DIR/rules.toml`` laid over them.

The override may only change values that exist, to a value of the same type: a misspelt table
or key, or a number where a list was expected, would otherwise be silently ignored and a rule
would keep a threshold ops believe they changed. Such a file is refused as a whole with a
message naming the table and key, and the collector does not start on it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from collector.config import ConfigError

RULES_FILE = "rules.toml"
Rules = Mapping[str, Mapping[str, Any]]


class RulesFileError(ConfigError):
    """The operator's rules file cannot be used; the message names the file and the setting."""


def default_rules() -> dict[str, Any]:
    """The shipped rules file, parsed."""
    text = resources.files("collector.domain.rules").joinpath("defaults.toml").read_text("utf-8")
    return tomllib.loads(text)


def load_rules(data_dir: Path) -> Rules:
    """The defaults merged with ``data_dir/rules.toml`` when present (read-only result);
    RulesFileError when the override is unreadable or changes anything it may not."""
    merged = default_rules()
    path = data_dir / RULES_FILE
    if path.is_file():
        try:
            override = tomllib.loads(path.read_text("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise RulesFileError(f"berkas aturan {path} tidak terbaca: {exc}") from None
        merged = merge_override(merged, override, str(path))
    return _frozen(merged)


def merge_override(base: dict[str, Any], override: Mapping[str, Any], where: str) -> dict[str, Any]:
    """``base`` with every value of ``override`` laid over it, after checking each one."""
    merged = dict(base)
    for key, value in override.items():
        name = f"{where}: [{key}]" if where.endswith(".toml") else f"{where}.{key}"
        if key not in base:
            raise RulesFileError(f"{name} tidak dikenal (tabel/kunci aturan yang ada: "
                                 f"{', '.join(sorted(base)) or '-'})")  # fmt: skip
        expected = base[key]
        if isinstance(expected, dict):
            if not isinstance(value, dict):
                raise RulesFileError(f"{name} harus tabel, bukan {_kind(value)}")
            merged[key] = merge_override(expected, value, name)
        elif not _same_kind(expected, value):
            raise RulesFileError(f"{name} harus {_kind(expected)}, bukan {_kind(value)}")
        else:
            merged[key] = value
    return merged


def _same_kind(expected: Any, value: Any) -> bool:
    if isinstance(expected, bool) or isinstance(value, bool):
        return isinstance(expected, bool) and isinstance(value, bool)
    if isinstance(expected, float):
        return isinstance(value, int | float)  # 90 where 90.0 was written is the same number
    if isinstance(expected, list):
        return isinstance(value, list) and all(
            any(_same_kind(e, v) for e in expected) for v in value
        ) if expected else isinstance(value, list)  # fmt: skip
    return type(expected) is type(value)


def _kind(value: Any) -> str:
    names = {bool: "boolean", int: "bilangan bulat", float: "bilangan", str: "teks",
             list: "daftar", dict: "tabel"}  # fmt: skip
    return names.get(type(value), type(value).__name__)


def _frozen(table: Mapping[str, Any]) -> Rules:
    return MappingProxyType(
        {k: MappingProxyType(dict(v)) if isinstance(v, dict) else v for k, v in table.items()}
    )
