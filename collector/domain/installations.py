"""The installations table's rows from an observation's software section.

A first inventory carries ~800 packages and a fleet of 20,000 machines reports mostly the same
ones, so each reported entry (its raw fields) is normalised once per process and kept with
everything ingest needs from it: the catalogue key, the order and duplicate keys, and its
columns already in PostgreSQL's COPY text form.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from operator import attrgetter
from typing import Any, NamedTuple

from collector.domain.software import normalise_software, software_order

MEMO_LIMIT = 200_000  # distinct raw entries kept per process (~100 MB at the limit)


class Installed(NamedTuple):
    """One normalised installation: its catalogue key and product, and the installation
    columns after software_id and seq (display_name, version, arch, source, install_date)."""

    key: str
    name: str
    publisher: str | None
    columns: tuple[str, str | None, str | None, str, date | None]
    text_columns: tuple[str | None, ...]  # the same with the date as ISO text (SQLite's form)
    copy_text: str  # the columns as COPY text, tab-separated
    order: tuple[str, str, str, str]
    unique: tuple[str, str, str]


# A row of the installations table, asset_id aside: (software_id, seq, item). A plain tuple:
# ingest makes ~800 of them per inventory.
Numbered = tuple[int, int, Installed]


def row_values(row: Numbered, text_dates: bool = False) -> tuple[Any, ...]:
    """(software_id, seq, *columns): the row as compared with what the table holds (with the
    date as ISO text where the driver returns it so)."""
    return (row[0], row[1], *(row[2].text_columns if text_dates else row[2].columns))


_memo: dict[tuple[Any, ...], Installed | None] = {}


def installations(softwares: Iterable[Mapping[str, Any]]) -> list[Installed]:
    """The software section as installations: entries without a name dropped, one per name
    (case-insensitive), version and arch (the first reported wins), in catalogue order: the same
    as ``normalise_softwares``, at a dictionary look-up per entry once the fleet is seen."""
    seen: set[tuple[str, str, str]] = set()
    kept: list[Installed] = []
    for item in softwares:
        entry = normalised_entry(item)
        if entry is not None and entry.unique not in seen:
            seen.add(entry.unique)
            kept.append(entry)
    kept.sort(key=attrgetter("order"))
    return kept


def numbered(items: Sequence[Installed], ids: Mapping[str, int]) -> list[Numbered]:
    """Rows with their catalogue ids; seq counts the versions of one product on the asset."""
    counts: dict[int, int] = {}
    rows = []
    for item in items:
        software_id = ids[item.key]
        seq = counts.get(software_id, 0)
        counts[software_id] = seq + 1
        rows.append((software_id, seq, item))
    return rows


def copy_payload(asset_id: int, rows: Iterable[Numbered]) -> str:
    """The rows as the text COPY reads: asset_id, software_id, seq, then the columns."""
    return "".join(f"{asset_id}\t{sid}\t{seq}\t{item.copy_text}\n" for sid, seq, item in rows)


def normalised_entry(item: Mapping[str, Any]) -> Installed | None:
    """One reported entry normalised (None: it has no name), from the per-process memo: the
    same report gives the same object every time it is memoised."""
    get = item.get
    raw = (get("name"), get("source"), get("arch"), get("publisher"), get("version"),
           get("install_date"))  # fmt: skip
    try:
        return _memo[raw]
    except KeyError:
        pass
    except TypeError:  # a value that is no text (the schema rules it out): no memo
        return _normalised(item)
    if len(_memo) >= MEMO_LIMIT:
        _memo.clear()
    entry = _memo[raw] = _normalised(item)
    return entry


def _normalised(reported: Mapping[str, Any]) -> Installed | None:
    item = normalise_software(reported)
    if not item.name:
        return None
    columns = (
        item.display_name[:256],
        item.version,
        item.arch[:64] if item.arch else None,
        item.source,
        _iso_date(item.install_date),
    )
    return Installed(
        key=f"{item.name.casefold()}\x1f{(item.publisher or '').casefold()}",
        name=item.name,
        publisher=item.publisher,
        columns=columns,
        text_columns=(*columns[:4], columns[4].isoformat() if columns[4] else None),
        copy_text="\t".join(_copy_text(value) for value in columns),
        order=software_order(item),
        unique=(item.name.casefold(), item.version or "", item.arch or ""),
    )


def _copy_text(value: str | date | None) -> str:
    """One value in COPY's text format: \\N for NULL, backslash and separators escaped."""
    if value is None:
        return "\\N"
    text = value.isoformat() if isinstance(value, date) else value
    return text.translate(_COPY_ESCAPES)


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


@functools.lru_cache(maxsize=4096)
def _iso_date(text: str | None) -> date | None:
    """An ISO date (or the date part of a timestamp), None when absent or malformed."""
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None
