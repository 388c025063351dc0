"""The whole SOP cycle on a real ``asetik-collector serve``, on SQLite and PostgreSQL.

An agent's inventory (over HTTP, with its enrolled credential) shows its disk failing SMART →
the rules find it → a ticket → reviewed and approved → a plan for the current quarter with the
ticket's item (PIC, vendor, contract, weekly) and two daily preventive items → submitted,
approved, activated → recurring work orders made → the corrective one carried out with a
photo attached → the ticket is done → the next inventory shows a new, healthy disk → the ticket
is closed → the M&E record written through the CLI → both reports through the API and the
CLI: the PDFs opened (text, pages, the work table's header on every page) and the XLSX
re-read. Everything a person does goes through the API or the CLI; the clock is the real one.
"""

from __future__ import annotations

import copy
import io
import json
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.collector.documents import laptop, renewed, with_identity
from tests.collector.processes import SITE, CollectorProcess, Tokens, gzip_json, running_collector
from tests.collector.rules.disk_cases import block

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
WORK_HEADER = "No. Jadwal Selesai Jenis Kegiatan Aset"


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class Api:
    """The collector's API as the admin (or an agent) calls it."""

    collector: CollectorProcess
    token: str

    def call(self, method: str, path: str, body: Any = None, *, token: str | None = None,
             raw: bytes | None = None, content_type: str = "application/json",
             encoding: str | None = None) -> Answer:  # fmt: skip
        data = raw if raw is not None else None if body is None else json.dumps(body).encode()
        headers = {"Authorization": f"Bearer {token or self.token}"}
        if data is not None:
            headers["Content-Type"] = content_type
        if encoding is not None:
            headers["Content-Encoding"] = encoding
        request = urllib.request.Request(f"{self.collector.url}{path}", data=data,  # noqa: S310
                                         headers=headers, method=method)  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310 - loopback
                return Answer(answer.status, answer.read())
        except urllib.error.HTTPError as exc:
            return Answer(exc.code, exc.read())

    def ok(self, method: str, path: str, body: Any = None, **more: Any) -> Any:
        answer = self.call(method, path, body, **more)
        assert answer.status in {200, 201}, (
            f"{method} {path}: {answer.status} {answer.body[:500]!r}\n{self.collector.log_tail()}"
        )
        return answer.json()


def _quarter(today: date) -> tuple[str, date]:
    quarter = (today.month - 1) // 3 + 1
    return f"{today.year}-Q{quarter}", date(today.year, 3 * quarter - 2, 1)


def _with_disk(document: dict[str, Any], status: str, serial: str | None = None) -> dict[str, Any]:
    """The laptop with SMART data for its system disk (``serial``: the disk put in instead,
    an identity key too), collected now (the asset's last_seen follows it)."""
    changed = copy.deepcopy(document)
    if serial is not None:
        serials = [serial, *changed["identity"]["disk_serials"][1:]]
        changed = with_identity(changed, disk_serials=serials)
    system_disk = changed["storages"][0]
    changed["disk_health"] = [block(device=f"/dev/{system_disk['name']}", protocol="NVMe",
                                    serial=system_disk["serial"], status=status)]  # fmt: skip
    return renewed(changed, collected_at=datetime.now(UTC))


def _inventory(api: Api, credential: str, document: dict[str, Any]) -> None:
    answer = api.call("POST", "/api/v1/observations", token=credential,
                      raw=gzip_json(document), encoding="gzip")  # fmt: skip
    assert answer.status in {200, 201, 202}, answer.body


def _upload(api: Api, order_id: int) -> dict[str, Any]:
    boundary = uuid.uuid4().hex
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="foto-sesudah.png"\r\nContent-Type: image/png\r\n\r\n'
    ).encode()
    body += PNG + f"\r\n--{boundary}--\r\n".encode()  # fmt: skip
    found: dict[str, Any] = api.ok(
        "POST", f"/api/v1/plans/work-orders/{order_id}/attachments", raw=body,
        content_type=f"multipart/form-data; boundary={boundary}")  # fmt: skip
    return found


def _ticket(api: Api, ticket_id: int) -> dict[str, Any]:
    found: dict[str, Any] = api.ok("GET", f"/api/v1/tickets/{ticket_id}")["ticket"]
    return found


def _pages(pdf: bytes) -> list[str]:
    assert pdf.startswith(b"%PDF-")
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages]


def _open_ticket(api: Api, tokens: Tokens) -> tuple[str, dict[str, Any], int]:
    """Inventory with the system disk failing SMART; the ticket it opens."""
    credential = api.collector.enrol(tokens.enrol, "lpt-tu-01")
    first = _with_disk(laptop(1), "failed")
    _inventory(api, credential, first)
    found = api.ok("GET", "/api/v1/tickets?rule=disk.smart_failed")["items"]
    assert [t["status"] for t in found] == ["new"], found
    return credential, first, found[0]["id"]


def _plan(api: Api, ticket_id: int, period: str, start: date) -> tuple[int, int]:
    """The approved ticket planned with a vendor, two daily preventive items beside it; the
    plan submitted, approved and activated. Returns (plan id, asset id)."""
    for action in ("review", "approve"):
        act = {"ids": [ticket_id], "action": action, "comment": "disk perlu diganti"}
        api.ok("POST", "/api/v1/tickets/actions", act)
    title = f"Rencana pemeliharaan {period}"
    plan = api.ok("POST", "/api/v1/plans", {"site": SITE, "period": period, "title": title})
    plan_id = plan["id"]
    weekly = {"start": start.isoformat(), "every": 1, "unit": "weeks"}
    [item] = api.ok("POST", f"/api/v1/plans/{plan_id}/items/from-tickets", {
        "ticket_ids": [ticket_id], "pic": "Siti Rahmawati", "executor": "vendor",
        "vendor": "PT Sinar Data", "contract_ref": "SPK-017/2026", "estimated_cost": 350000,
        "schedule": weekly})["items"]  # fmt: skip
    assert (item["ticket_id"], item["vendor"]) == (ticket_id, "PT Sinar Data")
    for maintenance in ("inspect", "clean_workstation"):
        api.ok("POST", f"/api/v1/plans/{plan_id}/items", {
            "asset_ids": [item["asset_id"]], "maintenance": maintenance, "pic": "Budi",
            "executor": "own", "estimated_cost": 0, "schedule": {
                "start": start.isoformat(), "every": 1, "unit": "days",
                "on_non_working": "skip"}})  # fmt: skip
    for move in ("submit", "approve", "activate"):
        moved = api.ok("POST", f"/api/v1/plans/{plan_id}/transitions", {"move": move})
    assert moved["state"] == "active" and moved["approved_by"] == "admin-e2e"
    return plan_id, item["asset_id"]


def _carry_out(api: Api, plan_id: int, ticket_id: int, today: date) -> int:
    """The corrective work order due first carried out, with a photo; returns its id."""
    orders = api.ok("GET", f"/api/v1/plans/work-orders?plan={plan_id}")["items"]
    corrective = [o for o in orders if o["ticket_id"] == ticket_id]
    assert len(corrective) >= 2 and len({o["occurs_on"] for o in corrective}) == len(corrective)
    again = api.ok("POST", "/api/v1/plans/work-orders/generate", {"horizon_days": 30})
    assert again == {"created": 0, "horizon_days": 30}  # activation made them: never twice
    order_id: int = corrective[0]["id"]
    attached = _upload(api, order_id)
    assert attached["media_type"] == "image/png" and attached["size_bytes"] == len(PNG)
    api.ok("POST", f"/api/v1/plans/work-orders/{order_id}/execution", {
        "done_on": today.isoformat(), "summary": "SSD diganti, sistem dipulihkan dari cadangan",
        "outcome": "replaced", "cost": 300000, "kondisi_after": "Baik"})  # fmt: skip
    return order_id


def _reports_through_the_api(api: Api, period: str) -> None:
    query = f"site={SITE}&period={period}"
    pdf = api.call("GET", f"/api/v1/reports/maintenance?{query}&format=pdf")
    assert pdf.status == 200, pdf.body[:300]
    pages = _pages(pdf.body)
    assert len(pages) >= 2, "the plan should fill at least two pages"
    text = " ".join(pages)
    for expected in ("LAPORAN PEMELIHARAAN TIK", "PT Sinar Data", "SPK-017/2026",
                     "Siti Rahmawati", "foto-sesudah.png", "Diganti"):  # fmt: skip
        assert expected in text.replace("- ", "-"), expected  # narrow cells break at hyphens
    work_pages = [page for page in pages if "clean_workstation" in page]
    assert len(work_pages) >= 2 and all(WORK_HEADER in page for page in work_pages)
    xlsx = api.call("GET", f"/api/v1/reports/maintenance?{query}&format=xlsx")
    book = load_workbook(io.BytesIO(xlsx.body))
    rows = list(book["Pekerjaan"].iter_rows(values_only=True))
    shown = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    done = [row for row in shown if row["Hasil"] == "Diganti"]
    assert len(done) == 1 and done[0]["Biaya (Rp)"] == 300000
    assert done[0]["Bukti"] == "foto-sesudah.png" and done[0]["Kondisi"] == "Baik"
    assert len(shown) > 40
    evaluation = api.call("GET", f"/api/v1/reports/evaluation?{query}&format=xlsx&language=en")
    kpis = load_workbook(io.BytesIO(evaluation.body))["Indicators"]
    found = {row[0]: row[1:] for row in kpis.iter_rows(min_row=2, values_only=True)}
    assert found["Monitoring and evaluation: within the standard"][:2] == (1, "of 1")
    assert found["Identification → plan: within the standard"][:2] == (1, "of 1")


def _evaluation_through_the_cli(collector: CollectorProcess, period: str, today: date,
                                folder: Path) -> None:  # fmt: skip
    conclusions = folder / "kesimpulan.txt"
    conclusions.write_text("Disk rusak diganti vendor dalam tenggat.\n", encoding="utf-8")
    follow_ups = folder / "tindak-lanjut.json"
    action = {"action": "Pantau SMART semua laptop tiap bulan", "pic": "Budi",
              "due": today.isoformat()}  # fmt: skip
    follow_ups.write_text(json.dumps([action]), encoding="utf-8")
    collector.cli("evaluation", "record", "--site", SITE, "--period", period,
                  "--evaluator", "Ahmad Fauzi, S.Kom.", "--nip", "198503172010121003",
                  "--title", "Pranata Komputer Ahli Muda", "--date", today.isoformat(),
                  "--conclusions-file", str(conclusions), "--follow-ups-file", str(follow_ups),
                  "--by", "kepala-tu")  # fmt: skip
    status, _, err = collector.cli_status("evaluation", "record", "--site", SITE, "--period",
                                          period, "--evaluator", "X", "--nip", "123",
                                          "--date", today.isoformat(), "--conclusions-file",
                                          str(conclusions))  # fmt: skip
    assert status == 2 and "NIP" in err


def _evaluation_report_through_the_cli(collector: CollectorProcess, period: str,
                                       folder: Path) -> None:  # fmt: skip
    output = folder / "monev.pdf"
    collector.cli("report", "evaluation", "--site", SITE, "--period", period, "--format", "pdf",
                  "--output", str(output))  # fmt: skip
    text = " ".join(_pages(output.read_bytes()))
    for expected in ("Ahmad Fauzi, S.Kom.", "NIP 198503172010121003",
                     "Disk rusak diganti vendor dalam tenggat.",
                     "Pantau SMART semua laptop tiap bulan", "Tingkat penyelesaian"):  # fmt: skip
        assert expected in text.replace("- ", "-"), expected
    maintenance = folder / "laporan.pdf"
    collector.cli("report", "maintenance", "--site", SITE, "--period", period,
                  "--output", str(maintenance))  # fmt: skip
    assert len(PdfReader(maintenance).pages) >= 2


@pytest.mark.slow
def test_the_whole_sop_cycle_on_a_real_collector(db_url: str, tmp_path: Path) -> None:
    today = datetime.now(UTC).date()
    period, start = _quarter(today)
    with running_collector(db_url, tmp_path) as (collector, tokens):
        api = Api(collector, tokens.api)
        credential, first, ticket_id = _open_ticket(api, tokens)
        plan_id, _ = _plan(api, ticket_id, period, start)
        assert _ticket(api, ticket_id)["status"] == "scheduled"
        _carry_out(api, plan_id, ticket_id, today)
        assert _ticket(api, ticket_id)["status"] == "done"
        time.sleep(1.1)  # collected_at has whole seconds: the next inventory is after the work
        _inventory(api, credential, _with_disk(first, "passed", serial="S4EVNX0R000099"))
        assert _ticket(api, ticket_id)["status"] == "closed"
        _evaluation_through_the_cli(collector, period, today, tmp_path)
        stored = api.ok("GET", f"/api/v1/plans/evaluations?site={SITE}&period={period}")
        assert stored["evaluator"] == "Ahmad Fauzi, S.Kom." and len(stored["follow_ups"]) == 1
        refused = api.call("PUT", f"/api/v1/plans/evaluations?site={SITE}&period={period}",
                           {"evaluator": "X", "evaluated_on": "2000-01-01",
                            "conclusions": "-"})  # fmt: skip
        assert refused.status == 422
        _reports_through_the_api(api, period)
        _evaluation_report_through_the_cli(collector, period, tmp_path)
