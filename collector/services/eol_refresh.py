"""``asetik-collector eol refresh``: rebuild the shipped EOL data file from endoflife.date data.

The source is a directory (the recorded corpus ``../shared/corpus/eol`` by default, or any folder
of ``<product>.json`` files) or a base URL of endoflife.date's API v1 (``<URL>/<product>``).
Two shapes are read per product: the API v1 answer (``{"result": {"releases": [{"name",
"eolFrom", "eoasFrom", "eoesFrom", ...}]}}``) and the product front matter as JSON (``{"releases":
[{"releaseCycle", "eol", "eoas", "eoes", ...}]}``, what the corpus's ``cycles-derived/`` holds).
Every product is read and checked before anything is written; a bad source changes nothing.
"""

from __future__ import annotations

import json
import os
import tempfile
import urllib.request
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from collector.domain.eol import FORMAT, Match

# The products asetik ships, with how an installed version finds its cycle.
PRODUCTS: dict[str, Match] = {
    "windows": Match.WINDOWS_BUILD,
    "windows-server": Match.WINDOWS_BUILD,
    "office": Match.YEAR,
    "ubuntu": Match.DOTTED_PREFIX,
    "debian": Match.DOTTED_PREFIX,
    "rhel": Match.DOTTED_PREFIX,
    "centos": Match.DOTTED_PREFIX,
    "centos-stream": Match.DOTTED_PREFIX,
    "macos": Match.DOTTED_PREFIX,
    "chrome": Match.DOTTED_PREFIX,
    "firefox": Match.DOTTED_PREFIX,
    "oracle-jdk": Match.DOTTED_PREFIX,
    "eclipse-temurin": Match.DOTTED_PREFIX,
    "php": Match.DOTTED_PREFIX,
    "postgresql": Match.DOTTED_PREFIX,
    "mysql": Match.DOTTED_PREFIX,
    "mssqlserver": Match.DOTTED_PREFIX,
    "msexchange": Match.YEAR,
    "libreoffice": Match.DOTTED_PREFIX,
    "notepad-plus-plus": Match.DOTTED_PREFIX,
    "vmware-esxi": Match.DOTTED_PREFIX,
    "cisco-ios-xe": Match.DOTTED_PREFIX,
}
MAX_SOURCE_BYTES = 4 * 1024 * 1024  # one product's JSON; the largest real one is ~50 KB
URL_TIMEOUT = 30.0


class EolSourceError(ValueError):
    """The source cannot be read or is not endoflife.date data; nothing was written."""


def _read_directory(folder: Path, product: str) -> tuple[bytes, str]:
    for candidate in (folder / "cycles-derived" / f"{product}.json", folder / f"{product}.json"):
        if candidate.is_file():
            if candidate.stat().st_size > MAX_SOURCE_BYTES:
                raise EolSourceError(f"{candidate}: larger than {MAX_SOURCE_BYTES} bytes")
            return candidate.read_bytes(), candidate.name
    raise EolSourceError(f"{folder}: no data for {product} ({product}.json)")


def _read_url(base: str, product: str) -> tuple[bytes, str]:
    url = f"{base.rstrip('/')}/{product}"
    try:
        with urllib.request.urlopen(url, timeout=URL_TIMEOUT) as response:  # noqa: S310 (http(s) only, checked)
            body: bytes = response.read(MAX_SOURCE_BYTES + 1)
    except OSError as exc:
        raise EolSourceError(f"{url}: {exc}") from exc
    if len(body) > MAX_SOURCE_BYTES:
        raise EolSourceError(f"{url}: larger than {MAX_SOURCE_BYTES} bytes")
    return body, url


def _date(value: object, where: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise EolSourceError(f"{where}: not a date: {value!r}")


def _ends(value: object, where: str) -> str | bool | None:
    """A front-matter end field: a date, true (ended, no date) or false (no end)."""
    if isinstance(value, bool):
        return True if value else None
    return _date(value, where)


def _ends_v1(release: Mapping[str, Any], field: str, where: str) -> str | bool | None:
    found = _date(release.get(f"{field}From"), f"{where} {field}From")
    if found is not None:
        return found
    return True if release.get(f"is{field.capitalize()}") is True else None


def _text(value: object, where: str, *, required: bool = False) -> str | None:
    if value is None and not required:
        return None
    if isinstance(value, str | int | float) and not isinstance(value, bool) and str(value):
        return str(value)[:256]
    raise EolSourceError(f"{where}: not a text value: {value!r}")


def _front_matter_cycle(release: Mapping[str, Any], where: str) -> dict[str, Any]:
    cycle = _text(release.get("releaseCycle"), f"{where} releaseCycle", required=True)
    where = f"{where} {cycle}"
    codename = _text(release.get("codename"), f"{where} codename")
    label = _text(release.get("releaseLabel"), f"{where} releaseLabel")
    if label:
        label = label.replace("__RELEASE_CYCLE__", cycle or "").replace(
            "__CODENAME__", codename or ""
        )
    security = _ends(release.get("eol"), f"{where} eol")
    active = _ends(release.get("eoas"), f"{where} eoas") if "eoas" in release else security
    return {
        "cycle": cycle,
        "label": label or (f"{cycle} ({codename})" if codename else cycle),
        "released": _date(release.get("releaseDate"), f"{where} releaseDate"),
        "active_until": active,
        "security_until": security,
        "extended_until": _ends(release.get("eoes"), f"{where} eoes"),
        "latest": _text(release.get("latest"), f"{where} latest"),
        "lts": release.get("lts") not in (None, False),
    }


def _v1_cycle(release: Mapping[str, Any], where: str) -> dict[str, Any]:
    cycle = _text(release.get("name"), f"{where} name", required=True)
    where = f"{where} {cycle}"
    latest = release.get("latest")
    security = _ends_v1(release, "eol", where)
    has_active = "eoasFrom" in release or "isEoas" in release
    return {
        "cycle": cycle,
        "label": _text(release.get("label"), f"{where} label") or cycle,
        "released": _date(release.get("releaseDate"), f"{where} releaseDate"),
        "active_until": _ends_v1(release, "eoas", where) if has_active else security,
        "security_until": security,
        "extended_until": _ends_v1(release, "eoes", where),
        "latest": _text(latest.get("name"), f"{where} latest")
        if isinstance(latest, Mapping)
        else None,
        "lts": release.get("isLts") is True,
    }


def normalise_product(product: str, body: bytes, origin: str) -> tuple[dict[str, Any], str]:
    """One product's entry of the data file and where it came from, from either source shape.
    Raises EolSourceError naming the product (and cycle) for anything malformed."""
    try:
        raw = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise EolSourceError(f"{product} ({origin}): not JSON: {exc}") from exc
    if not isinstance(raw, dict):
        raise EolSourceError(f"{product} ({origin}): not a JSON object")
    v1 = isinstance(raw.get("result"), dict)
    body_object: Mapping[str, Any] = raw["result"] if v1 else raw
    releases = body_object.get("releases")
    if not isinstance(releases, list) or not releases:
        raise EolSourceError(f"{product} ({origin}): no releases list")
    if not all(isinstance(release, dict) for release in releases):
        raise EolSourceError(f"{product} ({origin}): a release is not an object")
    read = _v1_cycle if v1 else _front_matter_cycle
    cycles = [read(release, product) for release in releases]
    title = body_object.get("label" if v1 else "title") or product
    provenance = raw.get("_derived_from") or raw.get("generated_at") or ""
    entry = {"title": str(title), "match": PRODUCTS[product].value, "cycles": cycles}
    return entry, f"{origin} {provenance}".strip() if provenance else origin


def build_eol_file(source: str, *, location: str | None = None, refreshed: date) -> str:
    """The text of the data file built from ``source`` (a directory path or an http(s) URL).
    ``location`` is what the file records as the source (default: ``source`` as given) and
    ``refreshed`` the date it records. Raises EolSourceError when any product fails."""
    is_url = source.startswith(("http://", "https://"))
    if not is_url and not Path(source).is_dir():
        raise EolSourceError(f"{source}: not a directory nor an http(s) URL")
    products: dict[str, Any] = {}
    origins: dict[str, str] = {}
    for product in PRODUCTS:
        body, origin = (
            _read_url(source, product) if is_url else _read_directory(Path(source), product)
        )
        products[product], origins[product] = normalise_product(product, body, origin)
    document = {
        "format": FORMAT,
        "source": {
            "location": location or source,
            "refreshed": refreshed.isoformat(),
            "data": "endoflife.date (MIT licence, endoflife.date contributors)",
            "origins": origins,
        },
        "products": products,
    }
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` in one step: a reader sees the old or the new file."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def refresh_eol(source: str, output: Path, *, refreshed: date, location: str | None = None) -> int:
    """Rebuild ``output`` from ``source``; returns the number of cycles written. The file is
    left as it was when the source fails."""
    text = build_eol_file(source, location=location, refreshed=refreshed)
    write_atomically(output, text)
    return sum(len(item["cycles"]) for item in json.loads(text)["products"].values())
