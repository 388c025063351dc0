"""End-of-life facts the project ships: product release cycles and their support dates.

The data file (``rules/eol.json``) is written by ``asetik-collector eol refresh`` from
endoflife.date data, never by hand. Each product names how an installed version finds its
cycle (``match``); each cycle carries its dates: ``active_until`` (end of active support,
bug fixes), ``security_until`` (the end of life: no security fixes after it) and
``extended_until`` (paid or community extended support: ESU, ELS, Debian LTS). A date field is
an ISO date, ``true`` when support ended on a date the source does not give, or null when no
end is announced.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from collector.domain.versions import InvalidVersionError, windows_build

FORMAT = 1
Ends = date | bool | None  # a date, True (ended, date unknown) or None (no end announced)


class Match(StrEnum):
    """How an installed version finds its cycle."""

    DOTTED_PREFIX = "dotted_prefix"  # the longest cycle equal to or a dotted prefix of it
    WINDOWS_BUILD = "windows_build"  # the build number of the cycle's latest version
    YEAR = "year"  # a year in the product name ("Office 2016")


@dataclass(frozen=True)
class Cycle:
    cycle: str
    label: str
    released: date | None
    active_until: Ends
    security_until: Ends
    extended_until: Ends
    latest: str | None
    lts: bool


@dataclass(frozen=True, eq=False)  # one object per product of a load: hashed by identity
class Product:
    name: str  # endoflife.date's id ("debian")
    title: str
    match: Match
    cycles: tuple[Cycle, ...]  # newest first, as the source lists them


@dataclass(frozen=True)
class EolData:
    source: Mapping[str, Any]  # where and when the data came from
    products: Mapping[str, Product]


class EolDataError(ValueError):
    """The data file is not one this version of asetik wrote."""


def _ends(value: object, where: str) -> Ends:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise EolDataError(f"{where}: not a date, true or null: {value!r}")


def _cycle(raw: Mapping[str, Any], where: str) -> Cycle:
    released = _ends(raw.get("released"), where)
    return Cycle(
        cycle=str(raw["cycle"]),
        label=str(raw.get("label") or raw["cycle"]),
        released=released if isinstance(released, date) else None,
        active_until=_ends(raw.get("active_until"), where),
        security_until=_ends(raw.get("security_until"), where),
        extended_until=_ends(raw.get("extended_until"), where),
        latest=raw.get("latest"),
        lts=bool(raw.get("lts")),
    )


def parse_eol_data(text: str) -> EolData:
    """The data file's content; raises EolDataError when it is malformed."""
    try:
        raw = json.loads(text)
        if raw.get("format") != FORMAT:
            raise EolDataError(f"unknown EOL data format {raw.get('format')!r}")
        products = {
            name: Product(
                name=name,
                title=str(item["title"]),
                match=Match(item["match"]),
                cycles=tuple(
                    _cycle(cycle, f"{name} {cycle.get('cycle')}") for cycle in item["cycles"]
                ),
            )
            for name, item in raw["products"].items()
        }
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        if isinstance(exc, EolDataError):
            raise
        raise EolDataError(f"malformed EOL data: {exc}") from exc
    return EolData(source=raw.get("source", {}), products=products)


SHIPPED = "eol.json"


def shipped_eol_path() -> Path:
    """Where the shipped data file lies (beside the rules file)."""
    return Path(str(resources.files("collector.domain.rules").joinpath(SHIPPED)))


def load_eol(path: Path | None = None) -> EolData:
    """The EOL data from ``path``, by default the file shipped with asetik."""
    return parse_eol_data((path or shipped_eol_path()).read_text(encoding="utf-8"))


# --- finding the cycle of an installed version ------------------------------------------------


def dotted_prefix_cycle(product: Product, version: str) -> Cycle | None:
    """The cycle whose id is the version or its longest dotted prefix ("12" for "12.5",
    "10.15" for "10.15.7", "17.6" for "17.6.4"); None when no cycle fits."""
    parts = version.strip().split(".")
    by_id = _cycles_by_id(product)
    for length in range(len(parts), 0, -1):
        found = by_id.get(".".join(parts[:length]))
        if found is not None:
            return found
    return None


@cache
def _cycles_by_id(product: Product) -> dict[str, Cycle]:
    return {cycle.cycle: cycle for cycle in product.cycles}


def windows_build_cycles(product: Product, build: int) -> list[Cycle]:
    """The cycles whose latest version has this build number (10.0.19045 for 19045)."""
    return list(_cycles_by_build(product).get(build, ()))


@cache
def _cycles_by_build(product: Product) -> dict[int, tuple[Cycle, ...]]:
    index: dict[int, tuple[Cycle, ...]] = {}
    for cycle in product.cycles:
        try:
            build = windows_build(cycle.latest)[2] if cycle.latest else None
        except InvalidVersionError:
            continue
        if build is not None:
            index[build] = (*index.get(build, ()), cycle)
    return index


def year_cycle(product: Product, text: str) -> Cycle | None:
    """The cycle named by a year in a product name ("Microsoft Office Standard 2016"), the
    LTSC variant when the name says LTSC."""
    wanted_lts = "ltsc" in text.casefold()
    for cycle in product.cycles:
        year = cycle.cycle.split("-", 1)[0]
        if len(year) == 4 and year.isdigit() and year in text:
            suffix = cycle.cycle[4:]
            if (suffix == "" and not wanted_lts) or (suffix == "-ltsc" and wanted_lts):
                return cycle
    return None


def older_than_all(
    product: Product, version: str, compare: Callable[[str, str], int]
) -> Cycle | None:
    """The oldest cycle when ``version`` is older than every cycle of the product and that
    cycle has itself reached its end of life (then so has the version); else None."""
    numeric = [c for c in product.cycles if all(p.isdigit() for p in c.cycle.split("."))]
    if not numeric:
        return None
    oldest = min(numeric, key=lambda c: tuple(int(p) for p in c.cycle.split(".")))
    try:
        older = compare(version, oldest.cycle) < 0
    except InvalidVersionError:
        return None
    return oldest if older and oldest.security_until not in (None, False) else None


def cycles_sorted(cycles: Sequence[Cycle]) -> list[Cycle]:
    """Cycles newest release first (for messages naming the newest supported one)."""
    return sorted(cycles, key=lambda c: c.released or date.min, reverse=True)
