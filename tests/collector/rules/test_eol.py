"""The shipped end-of-life data file and ``asetik-collector eol refresh`` that builds it."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Callable, Iterator
from datetime import date
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from collector.domain.eol import (
    EolDataError,
    Match,
    dotted_prefix_cycle,
    load_eol,
    parse_eol_data,
    shipped_eol_path,
    windows_build_cycles,
    year_cycle,
)
from collector.entrypoints.cli import main
from collector.services.eol_refresh import PRODUCTS, EolSourceError, build_eol_file
from tests.peers import corpus_dir


def _shipped() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(shipped_eol_path().read_text(encoding="utf-8"))
    return loaded


def test_refresh_from_the_corpus_reproduces_the_shipped_file_byte_for_byte() -> None:
    shipped = _shipped()
    built = build_eol_file(
        str(corpus_dir("eol")),
        location=shipped["source"]["location"],
        refreshed=date.fromisoformat(shipped["source"]["refreshed"]),
    )
    assert built.encode("utf-8") == shipped_eol_path().read_bytes()


def test_the_file_records_where_and_when_its_data_came_from() -> None:
    source = load_eol().source
    assert source["location"] == "../shared/corpus/eol"
    assert date.fromisoformat(source["refreshed"])
    assert set(source["origins"]) == set(PRODUCTS)
    assert "endoflife-date/endoflife.date@a70eca3376" in source["origins"]["debian"]


def test_every_product_of_the_issue_is_shipped_with_its_cycles() -> None:
    data = load_eol()
    wanted = {"windows", "windows-server", "office", "ubuntu", "debian", "rhel", "centos",
              "macos", "chrome", "firefox", "oracle-jdk", "php", "postgresql", "mysql",
              "vmware-esxi", "cisco-ios-xe"}  # fmt: skip
    assert wanted <= set(data.products)
    debian12 = dotted_prefix_cycle(data.products["debian"], "12.5")
    assert debian12 is not None
    assert (debian12.cycle, debian12.label) == ("12", "12 (Bookworm)")
    assert debian12.released == date(2023, 6, 10)
    assert debian12.security_until == date(2026, 7, 11)
    assert debian12.extended_until == date(2028, 6, 30)
    assert debian12.active_until == date(2026, 7, 11)  # no separate active support in the data


def test_cycles_by_version_build_and_year() -> None:
    data = load_eol()
    assert dotted_prefix_cycle(data.products["macos"], "10.15.7").cycle == "10.15"  # type: ignore[union-attr]
    assert dotted_prefix_cycle(data.products["macos"], "14.5").cycle == "14"  # type: ignore[union-attr]
    assert dotted_prefix_cycle(data.products["cisco-ios-xe"], "17.6.4").cycle == "17.6"  # type: ignore[union-attr]
    assert dotted_prefix_cycle(data.products["ubuntu"], "22.04").cycle == "22.04"  # type: ignore[union-attr]
    assert dotted_prefix_cycle(data.products["debian"], "99") is None
    assert [c.cycle for c in windows_build_cycles(data.products["windows"], 19045)] == ["10-22h2"]
    assert {c.cycle for c in windows_build_cycles(data.products["windows-server"], 17763)} == {
        "2019", "1809-sac"}  # fmt: skip
    office = data.products["office"]
    assert office.match is Match.YEAR
    assert year_cycle(office, "Microsoft Office Professional Plus 2016").cycle == "2016"  # type: ignore[union-attr]
    assert year_cycle(office, "Microsoft Office LTSC Professional Plus 2024").cycle == "2024-ltsc"  # type: ignore[union-attr]
    assert year_cycle(office, "Microsoft 365 Apps for enterprise") is None


def test_a_malformed_data_file_is_refused() -> None:
    for text in ("", "[]", '{"format": 2, "products": {}}',
                 '{"format": 1, "products": {"x": {"title": "X", "match": "bogus", "cycles": []}}}',
                 '{"format": 1, "products": {"x": {"title": "X", "match": "dotted_prefix", '
                 '"cycles": [{"cycle": "1", "security_until": "soon"}]}}}'):  # fmt: skip
        with pytest.raises(EolDataError):
            parse_eol_data(text)


# --- the command ------------------------------------------------------------------------------


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """A writable copy of the corpus's endoflife.date data, to spoil in a test."""
    folder = tmp_path / "source"
    shutil.copytree(corpus_dir("eol") / "cycles-derived", folder)
    return folder


@pytest.fixture
def output(tmp_path: Path) -> Path:
    path = tmp_path / "eol.json"
    shutil.copyfile(shipped_eol_path(), path)
    return path


def test_command_rewrites_the_file(source: Path, output: Path, capsys: Any) -> None:
    output.write_text("old", encoding="utf-8")
    status = main(["eol", "refresh", "--from", str(source), "--output", str(output),
                   "--date", "2026-11-28"])  # fmt: skip
    assert status == 0
    written = json.loads(output.read_text(encoding="utf-8"))
    assert written["products"] == _shipped()["products"]
    assert written["source"]["location"] == str(source)
    assert written["source"]["refreshed"] == "2026-11-28"
    cycles = sum(len(p["cycles"]) for p in written["products"].values())
    assert f"{cycles} cycles" in capsys.readouterr().out


SPOILERS: dict[str, Callable[[str], str]] = {
    "not JSON": lambda text: text[: len(text) // 2],
    "no releases": lambda text: '{"title": "Debian", "releases": []}',
    "a bad date": lambda text: text.replace('"eol": "2026-07-11"', '"eol": "11 Juli 2026"'),
    "a release without cycle": lambda text: text.replace('"releaseCycle": "12"', '"x": "12"'),
    "not an object": lambda text: "[1, 2]",
}


@pytest.mark.parametrize("spoil", sorted(SPOILERS))
def test_malformed_source_gives_a_clear_error_and_changes_nothing(
    spoil: str, source: Path, output: Path, capsys: Any
) -> None:
    before = output.read_bytes()
    target = source / "debian.json"
    target.write_text(SPOILERS[spoil](target.read_text(encoding="utf-8")), encoding="utf-8")
    status = main(["eol", "refresh", "--from", str(source), "--output", str(output)])
    assert status == 2
    error = capsys.readouterr().err
    assert "debian" in error and "file unchanged" in error, error
    assert output.read_bytes() == before
    assert [p.name for p in output.parent.iterdir() if p.name.startswith(".eol")] == []


def test_missing_product_or_folder_is_refused(source: Path, output: Path, capsys: Any) -> None:
    before = output.read_bytes()
    (source / "php.json").unlink()
    assert main(["eol", "refresh", "--from", str(source), "--output", str(output)]) == 2
    assert "no data for php" in capsys.readouterr().err
    assert main(["eol", "refresh", "--from", str(source / "nope"), "--output", str(output)]) == 2
    assert "not a directory" in capsys.readouterr().err
    assert main(["eol", "refresh", "--from", str(source), "--output", str(output),
                 "--date", "28/11/2026"]) == 2  # fmt: skip
    assert output.read_bytes() == before


# --- endoflife.date API v1, served on loopback ------------------------------------------------


def _v1(front_matter: dict[str, Any]) -> dict[str, Any]:
    """The API v1 answer for a product, written from its front matter as endoflife.date's
    own API does (``xFrom`` dates, ``isX`` flags, ``latest`` as an object)."""

    def ends(value: Any, name: str) -> dict[str, Any]:
        ended = value is True or (isinstance(value, str) and value <= "2026-08-22")
        return {f"is{name.capitalize()}": ended,
                f"{name}From": value if isinstance(value, str) else None}  # fmt: skip

    releases = []
    for release in front_matter["releases"]:
        codename = release.get("codename")
        plain = f"{release['releaseCycle']} ({codename})" if codename else release["releaseCycle"]
        label = release.get("releaseLabel") or plain
        label = label.replace("__RELEASE_CYCLE__", release["releaseCycle"])
        label = label.replace("__CODENAME__", codename or "")
        item = {
            "name": release["releaseCycle"],
            "codename": codename,
            "label": label,
            "releaseDate": release.get("releaseDate"),
            "isLts": release.get("lts") not in (None, False),
            **ends(release.get("eol"), "eol"),
            **ends(release.get("eoes"), "eoes"),
            "latest": {"name": release["latest"]} if release.get("latest") else None,
        }
        if "eoas" in release:
            item |= ends(release["eoas"], "eoas")
        releases.append(item)
    return {
        "schema_version": "1.2.0",
        "generated_at": "2026-08-22T00:00:00+00:00",
        "result": {"name": "x", "label": front_matter["title"], "releases": releases},
    }


@pytest.fixture
def api(tmp_path: Path) -> Iterator[str]:
    """endoflife.date's API v1 for every shipped product, served from 127.0.0.1."""
    served = tmp_path / "api" / "v1" / "products"
    served.mkdir(parents=True)
    for product in PRODUCTS:
        front = json.loads((corpus_dir("eol") / "cycles-derived" / f"{product}.json").read_text())
        (served / product).write_text(json.dumps(_v1(front)), encoding="utf-8")
    handler = partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api/v1/products"
    finally:
        server.shutdown()
        server.server_close()


def test_refresh_from_the_api_v1_gives_the_same_cycles(api: str) -> None:
    from_api = json.loads(build_eol_file(api, refreshed=date(2026, 11, 28)))
    assert from_api["products"] == _shipped()["products"]
    assert from_api["source"]["location"] == api
    assert from_api["source"]["origins"]["debian"].startswith(f"{api}/debian 2026-08-22")


def test_an_unreachable_api_is_refused(api: str) -> None:
    with pytest.raises(EolSourceError, match="404"):
        build_eol_file(api + "/missing", refreshed=date(2026, 11, 28))
