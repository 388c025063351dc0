"""The register's CSV/XLSX export and BMN import over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import csv
import io
from dataclasses import dataclass
from datetime import timedelta

from aiohttp.test_utils import TestClient, TestServer
from openpyxl import load_workbook

from collector.bootstrap import Services
from collector.entrypoints.http import build_app
from collector.services.register_io import XLSX_MEDIA_TYPE
from tests.collector.documents import laptop

EXPORT = "/api/v1/assets/export"
IMPORT = "/api/v1/assets/import"


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes


def _call(
    services: Services, method: str, path: str, token: str, *, body: bytes = b"", media: str = ""
) -> Reply:
    headers = {"Authorization": f"Bearer {token}"}
    if media:
        headers["Content-Type"] = media

    async def exchange() -> Reply:
        async with (
            TestClient(TestServer(build_app(services))) as client,
            client.request(method, path, data=body, headers=headers) as response,
        ):
            return Reply(response.status, dict(response.headers), await response.read())

    return asyncio.run(exchange())


def _register(services: Services) -> tuple[int, str, str]:
    """One discovered laptop; tokens for a planner and for a viewer."""
    services.enrolment.create_site("BBPOM-SBY", "Balai Besar POM di Surabaya")
    token = services.enrolment.create_token("BBPOM-SBY", timedelta(days=1))
    credential, _ = services.enrolment.enrol(token, "agent", None)
    asset = services.ingest.ingest(laptop(1), services.enrolment.authenticate(credential), 1)
    services.users.create("perencana", "planner", None, None)
    services.users.create("pemantau", "viewer", None, None)
    return (
        asset.asset_id,
        services.users.issue_token("perencana"),
        services.users.issue_token("pemantau"),
    )


def test_export_csv_and_xlsx_keep_bmn_text(services: Services) -> None:
    asset_id, planner, _ = _register(services)
    sheet = f"id_aset;kode_barang;nup;kondisi\r\n{asset_id};3100102002;000012;Baik\r\n"
    done = _call(services, "POST", IMPORT, planner, body=sheet.encode(), media="text/csv")
    assert done.status == 200, done.body
    csv_reply = _call(services, "GET", f"{EXPORT}?format=csv&delimiter=semicolon", planner)
    assert csv_reply.status == 200
    assert csv_reply.headers["Content-Disposition"].startswith('attachment; filename="aset-')
    rows = list(csv.DictReader(io.StringIO(csv_reply.body.decode("utf-8-sig")), delimiter=";"))
    assert [(r["id_aset"], r["kode_barang"], r["nup"], r["kondisi"]) for r in rows] == [
        (str(asset_id), "3100102002", "000012", "Baik")
    ]
    xlsx_reply = _call(services, "GET", f"{EXPORT}?format=xlsx", planner)
    assert xlsx_reply.headers["Content-Type"] == XLSX_MEDIA_TYPE
    book = load_workbook(io.BytesIO(xlsx_reply.body))
    sheet_rows = list(book["Aset"].iter_rows(values_only=True))
    header = list(sheet_rows[0])
    assert sheet_rows[1][header.index("nup")] == "000012"


def test_import_refusals_change_nothing(services: Services) -> None:
    asset_id, planner, viewer = _register(services)
    sheet = f"id_aset,nup\n{asset_id},000012\n".encode()
    forbidden = _call(services, "POST", IMPORT, viewer, body=sheet, media="text/csv")
    assert forbidden.status == 403
    wrong_type = _call(services, "POST", IMPORT, planner, body=sheet, media="application/json")
    assert wrong_type.status == 415
    bad_row = f"id_aset,kondisi\n{asset_id},Hilang\n".encode()
    rejected = _call(services, "POST", IMPORT, planner, body=bad_row, media="text/csv")
    assert rejected.status == 422
    assert b"bmn_rows_invalid" in rejected.body
    dry = _call(services, "POST", f"{IMPORT}?dry_run=1", planner, body=sheet, media="text/csv")
    assert dry.status == 200
    export = _call(services, "GET", EXPORT, planner)
    assert b"000012" not in export.body
    bad_delimiter = _call(services, "GET", f"{EXPORT}?delimiter=pipe", planner)
    assert bad_delimiter.status == 400


def test_overlong_search_text_is_refused(services: Services) -> None:
    _, planner, _ = _register(services)
    answer = _call(services, "GET", "/api/v1/assets?q=" + "x" * 300, planner)
    assert answer.status == 400
    assert b"bad_filter" in answer.body
