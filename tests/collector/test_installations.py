"""The installations table: rows from the software section, written whole for a new asset and
as a difference for a known one, on both databases."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from collector.adapters.db.models import InstallationRow, SoftwareRow
from collector.bootstrap import Services
from collector.domain import installations as module
from collector.domain.installations import copy_payload, installations, numbered
from collector.domain.software import normalise_softwares
from schemas import EXAMPLES_DIR
from tests.collector.documents import laptop, renewed

WINDOWS = json.loads((EXAMPLES_DIR / "agent-windows-desktop.json").read_text(encoding="utf-8"))
LINUX = json.loads((EXAMPLES_DIR / "agent-linux-laptop.json").read_text(encoding="utf-8"))
AWKWARD = [
    {"name": "tab\there", "version": "1.0", "source": "dpkg"},
    {"name": "C:\\Tools\\thing\nv2", "version": "2", "source": "registry", "arch": "x64"},
    {"name": "dated", "version": "2", "source": "rpm", "install_date": "2024-02-29"},
    {"name": "   ", "version": "1", "source": "dpkg"},  # no name: no installation
    {"name": "linux-image", "version": "6.1.0-27", "source": "dpkg"},
    {"name": "linux-image", "version": "6.1.0-28", "source": "dpkg"},
    {"name": "LINUX-IMAGE", "version": "6.1.0-28", "source": "dpkg"},  # the same again
]


@pytest.mark.parametrize("softwares", [WINDOWS["softwares"], LINUX["softwares"], AWKWARD])
def test_installations_are_the_normalised_software_in_catalogue_order(
    softwares: list[dict[str, Any]],
) -> None:
    expected = normalise_softwares(softwares)
    got = installations(softwares)
    assert [(i.name, i.publisher, i.columns[:4]) for i in got] == [
        (e.name, e.publisher, (e.display_name, e.version, e.arch, e.source)) for e in expected
    ]
    assert installations(softwares) == got  # the memoised answer is the same


def test_blank_names_and_repeats_are_dropped_and_versions_numbered() -> None:
    got = installations(AWKWARD)
    assert [i.name for i in got] == ["C:\\Tools\\thing v2", "dated", "linux-image", "linux-image",
                                     "tab here"]  # fmt: skip
    ids = {item.key: n for n, item in enumerate(got, start=10)}
    kernel = ids[next(i.key for i in got if i.name == "linux-image")]
    rows = [(sid, seq, item.columns[1]) for sid, seq, item in numbered(got, ids)]
    assert [row for row in rows if row[0] == kernel] == [
        (kernel, 0, "6.1.0-27"), (kernel, 1, "6.1.0-28")
    ]  # fmt: skip
    assert sorted(seq for _, seq, _ in rows) == [0, 0, 0, 0, 1]


def test_copy_text_escapes_separators_and_writes_null_and_dates() -> None:
    got = installations(AWKWARD)
    ids = {item.key: n for n, item in enumerate(got, start=10)}
    lines = copy_payload(3, numbered(got, ids)).splitlines()
    assert len(lines) == len(got)
    assert all(line.count("\t") == 7 for line in lines)
    by_name = {line.split("\t")[3]: line for line in lines}
    assert by_name["C:\\\\Tools\\\\thing\\nv2"].endswith("\t2\tx64\tregistry\t\\N")
    assert by_name["tab\\there"].endswith("\t1.0\t\\N\tdpkg\t\\N")
    assert by_name["dated"].endswith("\t2\t\\N\trpm\t2024-02-29")


def test_the_memo_is_emptied_at_its_limit_and_answers_stay_right(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(module, "MEMO_LIMIT", 3)
    monkeypatch.setattr(module, "_memo", {})
    got = installations(LINUX["softwares"])
    assert len(module._memo) <= 3
    assert [i.name for i in got] == [e.name for e in normalise_softwares(LINUX["softwares"])]


def _held(services: Services, asset_id: int) -> list[tuple[Any, ...]]:
    with services.engine.connect() as connection:
        rows = connection.execute(
            select(
                SoftwareRow.name,
                InstallationRow.seq,
                InstallationRow.display_name,
                InstallationRow.version,
                InstallationRow.arch,
                InstallationRow.source,
                InstallationRow.install_date,
            )
            .join(SoftwareRow, SoftwareRow.id == InstallationRow.software_id)
            .where(InstallationRow.asset_id == asset_id)
            .order_by(SoftwareRow.name, InstallationRow.seq)
        ).all()
    return [tuple(row) for row in rows]


def _with_softwares(document: dict[str, Any], softwares: list[dict[str, Any]]) -> dict[str, Any]:
    return renewed({**document, "softwares": softwares})


def test_a_changed_software_list_leaves_the_table_as_a_fresh_write_would(
    services: Services,
) -> None:
    services.enrolment.create_site("BPOM-JKT", "Balai Besar POM di Jakarta")
    token = services.enrolment.create_token("BPOM-JKT", timedelta(days=1))
    callers = [services.enrolment.authenticate(services.enrolment.enrol(token, "agent", n)[0])
               for n in ("a", "b")]  # fmt: skip
    first = laptop(1)
    before = [*first["softwares"], *AWKWARD]
    asset = services.ingest.ingest(_with_softwares(first, before), callers[0], 9000).asset_id
    assert len(_held(services, asset)) == len(installations(before))
    after = [
        {**item, "version": "9.9.9"} if n == 0 else item
        for n, item in enumerate(before[1:])  # one removed, the next upgraded
    ]
    after += [{"name": "linux-image", "version": "6.1.0-29", "source": "dpkg"},
              {"name": "newly-added", "version": "1", "source": "dpkg"}]  # fmt: skip
    after = [item for item in after if item.get("version") != "6.1.0-27"]
    changed = services.ingest.ingest(_with_softwares(first, after), callers[0], 9000)
    assert changed.asset_id == asset and not changed.created
    fresh = services.ingest.ingest(_with_softwares(laptop(2), after), callers[1], 9000)
    assert fresh.created
    assert _held(services, asset) == _held(services, fresh.asset_id)
    kernels = [row for row in _held(services, asset) if row[0] == "linux-image"]
    assert [(seq, version) for _, seq, _, version, *_ in kernels] == [
        (0, "6.1.0-28"), (1, "6.1.0-29")
    ]  # fmt: skip
    awkward = {row[2]: row for row in _held(services, asset)}
    assert awkward["C:\\Tools\\thing\nv2"][3:5] == ("2", "x64")
    assert awkward["tab\there"][3] == "1.0"
    assert awkward["dated"][6] == date(2024, 2, 29)
