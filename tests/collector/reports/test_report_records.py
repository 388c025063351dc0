"""The reports read from the real tables on SQLite and PostgreSQL: plans, items, work orders,
execution records and evidence, identifications, assets by condition and the M&E record, with
working days from the holiday calendar and its overrides."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from collector.bootstrap import Services
from collector.domain.kpis import WIB
from collector.domain.maintenance_records import (
    ExecutorKind,
    MaintenanceKind,
    Outcome,
    WorkStatus,
)
from collector.domain.periods import parse_period
from collector.domain.register import AssetKind, Kondisi
from collector.errors import Refused
from collector.services.report_records import DatabaseReportSource
from collector.services.reports import ReportRequest
from collector.services.users import Role, Viewer
from collector.services.workday_calendar import calendar_working_days
from tests.collector.conftest import FixedClock
from tests.collector.plans.setup import OPERATOR, PLANNER
from tests.collector.plans.test_execution import REPORT, _inventoried_and_planned
from tests.collector.test_api_assets import call

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
ADMIN = Viewer(user_id=0, name="admin", role=Role.ADMIN, site_id=None)
EVALUATION: dict[str, Any] = {
    "evaluator": "Dra. Sri Wahyuni", "evaluator_nip": "198503172010121003",
    "evaluator_title": "Kepala Bagian Umum", "evaluated_on": "2026-10-06",
    "conclusions": "Pemeliharaan triwulan III berjalan sesuai rencana.",
    "follow_ups": [{"action": "Ganti UPS ruang server", "pic": "Rina", "due": "2026-11-30"}],
}  # fmt: skip


def _attach(services: Services, order_id: int) -> None:
    upload = services.attachments.begin()
    upload.write(PNG)
    upload.finish()
    services.attachments.save(OPERATOR, order_id, upload, "foto%20sesudah.png")


def test_a_site_and_period_read_from_the_plans_tables(
    services: Services, clock: FixedClock
) -> None:
    services, _, order_id, ticket_id = _inventoried_and_planned(services)
    clock.now += timedelta(hours=2)
    services.executions.record(OPERATOR, order_id, {**REPORT, "cost": 250000})
    _attach(services, order_id)
    source = DatabaseReportSource(services.sessions)
    records = source.maintenance_records("BBPOM-SBY", parse_period("2026-Q4"))
    assert records is not None
    assert (records.site.code, records.site.name) == ("BBPOM-SBY", "Balai Besar POM di Surabaya")
    [plan] = records.plans
    assert (plan.title, plan.approved_by) == ("Rencana Q4", "budi")
    [item] = records.items
    assert item.kind is MaintenanceKind.CORRECTIVE and item.pic == "Siti"
    assert item.executor.kind is ExecutorKind.VENDOR
    assert (item.executor.name, item.executor.contract) == ("PT Sinar", "SPK-1/2026")
    assert item.ticket is not None and item.ticket.id == ticket_id
    assert item.ticket.rule == "os.pending_reboot" and item.asset.kind is AssetKind.LAPTOP
    [order] = records.orders
    assert (order.status, order.outcome, order.cost) == (WorkStatus.DONE, Outcome.FIXED,
                                                         Decimal(250000))  # fmt: skip
    assert order.condition_after is Kondisi.BAIK and order.scheduled == date(2026, 11, 27)
    assert [(e.name, e.media_type, e.size) for e in order.evidence] == [
        ("foto sesudah.png", "image/png", len(PNG))]  # fmt: skip
    assert [(f.ticket_id, f.rule) for f in records.identifications] == [
        (ticket_id, "os.pending_reboot")]  # fmt: skip
    assert [(a.kind, a.condition, a.count) for a in records.assets] == [
        (AssetKind.LAPTOP, Kondisi.BAIK, 1)]  # fmt: skip
    assert records.evaluation is None
    assert source.maintenance_records("BPOM-XXX", parse_period("2026-Q4")) is None
    assert source.maintenance_records("BBPOM-SBY", parse_period("2026-Q3")).orders == ()  # type: ignore[union-attr]


def test_reports_are_served_from_the_database_by_default(
    services: Services, clock: FixedClock
) -> None:
    services, _, order_id, _ = _inventoried_and_planned(services)
    services.executions.record(OPERATOR, order_id, REPORT)
    wanted = ReportRequest("maintenance", "bbpom-sby", "2026-Q4", "csv")
    body = services.reports.render(ADMIN, wanted).body.decode("utf-8-sig")
    header, *rows = csv.reader(io.StringIO(body))
    assert header[0] == "No." and len(rows) == 1
    shown = dict(zip(header, rows[0], strict=True))
    assert (shown["PIC"], shown["Pelaksana"]) == ("Siti", "PT Sinar (pihak ketiga, SPK-1/2026)")
    assert (shown["Status"], shown["Hasil"], shown["Kondisi"]) == (
        "Selesai", "Berhasil diperbaiki", "Baik")  # fmt: skip


def test_the_me_record_is_checked_stored_and_read_back(
    services: Services, clock: FixedClock
) -> None:
    services.enrolment.create_site("BBPOM-SBY", "Balai Besar POM di Surabaya")
    services.enrolment.create_site("BPOM-AMB", "Balai POM di Ambon")
    ambon = Viewer(user_id=0, name="amb", role=Role.PLANNER, site_id=2)
    refusals = [
        (OPERATOR, "BBPOM-SBY", "2026-Q3", EVALUATION, 403),
        (ambon, "BBPOM-SBY", "2026-Q3", EVALUATION, 404),
        (PLANNER, "BBPOM-SBY", "kuartal 3", EVALUATION, 400),
        (PLANNER, "BBPOM-SBY", "2026-Q3", {**EVALUATION, "evaluator_nip": "12ab"}, 422),
        (PLANNER, "BBPOM-SBY", "2026-Q3", {**EVALUATION, "evaluated_on": "2026-12-01"}, 422),
        (PLANNER, "BBPOM-SBY", "2026-Q3", {**EVALUATION, "evaluated_on": "2026-06-30"}, 422),
        (PLANNER, "BBPOM-SBY", "2026-Q3", {**EVALUATION, "extra": 1}, 422),
        (PLANNER, "BBPOM-SBY", "2026-Q3", {**EVALUATION, "conclusions": " "}, 422),
        (PLANNER, "BBPOM-SBY", "2026-Q3", {**EVALUATION, "follow_ups": [{"pic": "x"}]}, 422),
        (PLANNER, "BBPOM-SBY", "2026-Q3", {**EVALUATION, "follow_ups": "x"}, 422),
    ]
    for viewer, site, period, body, status in refusals:
        with pytest.raises(Refused) as refused:
            services.evaluations.record(viewer, site, period, body)
        assert refused.value.status == status, (body, refused.value.message)
    with pytest.raises(Refused) as missing:
        services.evaluations.get(PLANNER, "BBPOM-SBY", "2026-Q3")
    assert missing.value.status == 404  # nothing was written by the refusals
    services.evaluations.record(PLANNER, "bbpom-sby", "2026-Q3", EVALUATION)
    services.evaluations.record(PLANNER, "BBPOM-SBY", "2026-Q3",
                                {**EVALUATION, "conclusions": "Diperbaiki."})  # fmt: skip
    stored = services.evaluations.get(PLANNER, "BBPOM-SBY", "2026-Q3")
    assert (stored.conclusions, stored.evaluated_on) == ("Diperbaiki.", date(2026, 10, 6))
    assert [(f.action, f.due) for f in stored.follow_ups] == [
        ("Ganti UPS ruang server", date(2026, 11, 30))]  # fmt: skip
    records = DatabaseReportSource(services.sessions).maintenance_records(
        "BBPOM-SBY", parse_period("2026-Q3"))  # fmt: skip
    assert records is not None and records.evaluation == stored


def test_working_days_come_from_the_calendar_and_its_overrides(
    services: Services, clock: FixedClock
) -> None:
    between = calendar_working_days(services.calendar, clock)
    # Nyepi, Idul Fitri and cuti bersama: 10 HK after Friday 13 March 2026 is 6 April.
    assert between(date(2026, 3, 13), date(2026, 4, 6)) == 10
    services.calendar.override(date(2026, 3, 16), False, "banjir", "admin")
    assert between(date(2026, 3, 13), date(2026, 4, 6)) == 10  # the calendar read is kept...
    clock.now += timedelta(minutes=2)
    assert between(date(2026, 3, 13), date(2026, 4, 6)) == 9  # ...for a minute


def test_work_recorded_days_later_counts_on_the_day_it_was_done(
    services: Services, clock: FixedClock
) -> None:
    services, _, order_id, _ = _inventoried_and_planned(services)
    clock.now += timedelta(days=3)  # recorded on Monday 30 November for Friday's work
    services.executions.record(OPERATOR, order_id, REPORT)
    records = DatabaseReportSource(services.sessions).maintenance_records(
        "BBPOM-SBY", parse_period("2026-Q4"))  # fmt: skip
    assert records is not None
    [order] = records.orders
    assert order.done_at == datetime(2026, 11, 27, 12, tzinfo=WIB)


def test_the_me_record_over_http(services: Services) -> None:
    services.enrolment.create_site("BBPOM-SBY", "Balai Besar POM di Surabaya")
    services.enrolment.create_site("BPOM-AMB", "Balai POM di Ambon")
    for name, role, site in (("budi", "planner", None), ("tamu", "viewer", None),
                             ("amb", "planner", "BPOM-AMB")):  # fmt: skip
        services.users.create(name, role, site, None)
    budi, tamu, amb = (services.users.issue_token(n) for n in ("budi", "tamu", "amb"))
    path = "/api/v1/plans/evaluations?site=BBPOM-SBY&period=2026-Q3"
    body = json.dumps(EVALUATION).encode()
    assert call(services, "PUT", path, None, body).status == 401
    assert call(services, "PUT", path, tamu, body).status == 403
    assert call(services, "PUT", path, amb, body).status == 404
    assert call(services, "PUT", path, budi, b"[1]").status in {400, 422}
    assert call(services, "GET", path, budi).status == 404  # nothing written so far
    stored = call(services, "PUT", path, budi, body)
    assert stored.status == 200, stored.text
    shown = call(services, "GET", path, tamu)
    assert shown.status == 200 and shown.json()["evaluator"] == "Dra. Sri Wahyuni"
    assert shown.json()["follow_ups"][0]["due"] == "2026-11-30"
    assert call(services, "GET", path, amb).status == 404
