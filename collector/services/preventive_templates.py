"""Preventive maintenance templates per asset kind: the shipped collector/domain/
preventive.toml with the operator's ``DATA_DIR/preventive.toml`` laid over it, checked the way
the rules file is (collector/services/rules_config.py) and then template by template."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from collector.config import ConfigError
from collector.domain.plans import MAINTENANCE_KINDS
from collector.domain.recurrence import MAX_EVERY, NonWorkingDay, Unit
from collector.domain.register import AssetKind
from collector.services.rules_config import RulesFileError, merge_override

TEMPLATES_FILE = "preventive.toml"
_KEYS = frozenset({"maintenance", "every", "unit", "on_non_working", "estimated_cost",
                   "description"})  # fmt: skip


class TemplateFileError(ConfigError):
    """The templates file cannot be used; the message names the kind and the setting."""


@dataclass(frozen=True)
class Template:
    """One recurring preventive job for every asset of a kind."""

    maintenance: str
    every: int
    unit: Unit
    on_non_working: NonWorkingDay
    estimated_cost: int
    description: str


Templates = Mapping[str, Sequence[Template]]  # asset kind → its templates


def default_templates() -> dict[str, Any]:
    """The shipped file, parsed."""
    text = resources.files("collector.domain").joinpath(TEMPLATES_FILE).read_text("utf-8")
    return tomllib.loads(text)


def load_templates(data_dir: Path) -> Templates:
    """The templates by asset kind; TemplateFileError for an override or template that
    cannot be used."""
    merged = default_templates()
    path = data_dir / TEMPLATES_FILE
    if path.is_file():
        try:
            override = tomllib.loads(path.read_text("utf-8"))
            merged = merge_override(merged, override, str(path))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, RulesFileError) as exc:
            raise TemplateFileError(f"berkas templat {path} tidak dapat dipakai: {exc}") from None
    return {kind: tuple(_template(kind, n, entry) for n, entry in enumerate(entries, 1))
            for kind, entries in merged["templates"].items()}  # fmt: skip


def _template(kind: str, number: int, entry: Mapping[str, Any]) -> Template:
    where = f"templat {kind} #{number}"
    if kind not in {k.value for k in AssetKind}:
        raise TemplateFileError(f"{where}: jenis aset tidak dikenal")
    unknown = set(entry) - _KEYS
    if unknown:
        raise TemplateFileError(f"{where}: kunci tidak dikenal: {', '.join(sorted(unknown))}")
    every, cost = entry.get("every"), entry.get("estimated_cost", 0)
    if entry.get("maintenance") not in MAINTENANCE_KINDS:
        raise TemplateFileError(f"{where}: maintenance {entry.get('maintenance')!r} tidak dikenal")
    if type(every) is not int or not 0 < every <= MAX_EVERY:
        raise TemplateFileError(f"{where}: every harus bilangan bulat 1..{MAX_EVERY}")
    if type(cost) is not int or cost < 0:
        raise TemplateFileError(f"{where}: estimated_cost harus rupiah bulat >= 0")
    try:
        unit = Unit(str(entry.get("unit")))
        policy = NonWorkingDay(entry.get("on_non_working", NonWorkingDay.NEXT.value))
    except ValueError as exc:
        raise TemplateFileError(f"{where}: {exc}") from None
    return Template(entry["maintenance"], every, unit, policy, cost,
                    str(entry.get("description", "")))  # fmt: skip
