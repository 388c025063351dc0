"""Reports asked for through the API and the command line, over a fake ReportSource (the
database-backed one is tested in test_report_records.py), on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from openpyxl import load_workbook
from pypdf import PdfReader

from collector.bootstrap import Services, build_services
from collector.config import load_config
from collector.entrypoints.cli import _parser, main
from collector.entrypoints.http import build_app
from collector.entrypoints.reports import write_report
from collector.errors import Refused
from collector.services.reports import ReportRequest, ReportService
from collector.services.users import Role, Viewer
from tests.collector.conftest import FixedClock
from tests.collector.reports.records import FakeReportSource, quarter_records, working_days

REPORTS = "/api/v1/reports"


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class World:
    services: Services
    source: FakeReportSource
    admin: str  # an API token seeing every site
    surabaya: str  # a viewer limited to Surabaya
    ambon: str  # a viewer limited to Ambon


@pytest.fixture
def world(db_url: str, tmp_path: Path, clock: FixedClock) -> Iterator[World]:
    config = load_config({}, db=db_url, data_dir=tmp_path / "data")
    with_source = build_services(config, clock)  # the sites first, for their ids
    surabaya = with_source.enrolment.create_site("BBPOM-SBY", "Balai Besar POM di Surabaya")
    with_source.enrolment.create_site("BPOM-AMB", "Balai POM di Ambon")
    with_source.close()
    records = quarter_records()
    source = FakeReportSource(replace(records, site=replace(records.site, id=surabaya)))
    services = build_services(config, clock, report_source=source, working_days=working_days())
    services.users.create("admin", "admin", None, None)
    services.users.create("sby", "viewer", "BBPOM-SBY", None)
    services.users.create("amb", "viewer", "BPOM-AMB", None)
    tokens = [services.users.issue_token(name) for name in ("admin", "sby", "amb")]
    yield World(services, source, *tokens)
    services.close()


def _get(services: Services, path: str, token: str | None) -> Reply:
    headers = {"Authorization": f"Bearer {token}"} if token else {}

    async def exchange() -> Reply:
        async with (
            TestClient(TestServer(build_app(services))) as client,
            client.get(path, headers=headers) as response,
        ):
            return Reply(response.status, dict(response.headers), await response.read())

    return asyncio.run(exchange())


def test_csv_and_xlsx_within_the_site_scope(world: World) -> None:
    reply = _get(world.services, f"{REPORTS}/maintenance?site=bbpom-sby&period=2026-Q3&format=csv",
                 world.surabaya)  # fmt: skip
    assert reply.status == 200, reply.body
    assert reply.headers["Content-Type"].startswith("text/csv")
    assert reply.headers["Content-Disposition"] == (
        'attachment; filename="laporan-pemeliharaan-tik-BBPOM-SBY-2026-Q3.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(reply.body.decode("utf-8-sig"))))
    assert [row["NUP"] for row in rows] == ["000012", "000003", "000012", "000101", "000003",
                                            "000012"]  # fmt: skip
    reply = _get(world.services, f"{REPORTS}/evaluation?site=BBPOM-SBY&period=2026-Q3"
                 "&format=xlsx&language=en", world.admin)  # fmt: skip
    assert reply.status == 200, reply.body
    book = load_workbook(io.BytesIO(reply.body))
    assert book.sheetnames[0] == "Indicators"
    assert world.source.asked == [("BBPOM-SBY", "2026-Q3"), ("BBPOM-SBY", "2026-Q3")]


def test_pdf_over_http(world: World) -> None:
    reply = _get(world.services, f"{REPORTS}/evaluation?site=BBPOM-SBY&period=2026-Q3",
                 world.admin)  # fmt: skip
    assert reply.status == 200 and reply.headers["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(reply.body)).pages)
    assert "HASIL MONITORING DAN EVALUASI PEMELIHARAAN TIK" in text


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ("maintenance?site=BBPOM-SBY&period=2026-Q5", 400, "bad_parameter"),
        ("maintenance?site=BBPOM-SBY", 400, "bad_parameter"),
        ("maintenance?site=BBPOM-SBY&period=2026-Q3&format=docx", 400, "bad_format"),
        ("maintenance?site=BBPOM-SBY&period=2026-Q3&language=fr", 400, "bad_parameter"),
        ("maintenance?site=../../etc&period=2026-Q3", 400, "bad_parameter"),
        ("maintenance?period=2026-Q3", 400, "bad_parameter"),
        ("budget?site=BBPOM-SBY&period=2026-Q3", 404, "not_found"),
        ("maintenance?site=BPOM-XXX&period=2026-Q3", 404, "not_found"),
    ],
)
def test_bad_requests_are_refused_before_reading(
    world: World, query: str, status: int, code: str
) -> None:
    reply = _get(world.services, f"{REPORTS}/{query}", world.admin)
    assert reply.status == status, reply.body
    assert reply.headers["Content-Type"].startswith("application/json")
    assert b'"code":"' + code.encode() + b'"' in reply.body
    assert world.source.asked == ([("BPOM-XXX", "2026-Q3")] if "XXX" in query else [])


def test_another_sites_viewer_and_strangers_are_refused(world: World) -> None:
    path = f"{REPORTS}/maintenance?site=BBPOM-SBY&period=2026-Q3&format=csv"
    assert _get(world.services, path, world.ambon).status == 404
    assert _get(world.services, path, None).status == 401
    assert _get(world.services, path, "not-a-token").status == 401


def test_without_a_source_reports_are_unavailable(clock: FixedClock) -> None:
    reports = ReportService(None, None, clock)
    viewer = Viewer(user_id=0, name="admin", role=Role.ADMIN, site_id=None)
    with pytest.raises(Refused) as refused:
        reports.render(viewer, ReportRequest("maintenance", "BBPOM-SBY", "2026-Q3"))
    assert (refused.value.status, refused.value.code) == (503, "reports_unavailable")
    with pytest.raises(Refused) as bad:
        reports.render(viewer, ReportRequest("maintenance", "BBPOM-SBY", "kemarin"))
    assert bad.value.status == 400  # bad input is still bad input


def test_cli_writes_the_report(world: World, tmp_path: Path) -> None:
    output = tmp_path / "laporan.xlsx"
    argv = ["report", "maintenance", "--site", "BBPOM-SBY", "--period", "2026-Q3",
            "--format", "xlsx", "--output", str(output)]  # fmt: skip
    args = _parser().parse_args(argv)
    write_report(world.services, args)
    book = load_workbook(output)
    assert book.sheetnames == ["Ringkasan", "Rencana", "Pekerjaan"]


def test_cli_refuses_with_status_2(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    common = ["--db", db_url, "--data-dir", str(tmp_path / "data"), "report", "evaluation",
              "--site", "BBPOM-SBY"]  # fmt: skip
    assert main([*common, "--period", "2026-Q9", "--output", str(tmp_path / "x.pdf")]) == 2
    assert "Q1..Q4" in capsys.readouterr().err
    assert main([*common, "--period", "2026-Q3", "--output", str(tmp_path / "x.pdf")]) == 2
    assert "situs 'BBPOM-SBY' tidak ditemukan" in capsys.readouterr().err  # no such site yet
    assert not (tmp_path / "x.pdf").exists()
