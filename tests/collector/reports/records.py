"""Hand-built maintenance records of one site and quarter, and a working-day count to go with
them (weekends and a given set of holidays off), for the KPI and report tests.

The quarter 2026-Q3 at the Surabaya office, judged on Wednesday 7 October 2026, with
17 and 18 August 2026 off (Independence Day and a cuti bersama, as the fake calendar says):

- plan 1 created Mon 22 Jun, approved Fri 3 Jul (9 HK); plan 2 created 1 Sep, never approved;
- item 1: printer cleaning (preventive, own staff), Rp 150.000 an occurrence: done on the day
  15 Jul (Rp 150.000), done Wed 19 Aug for Fri 14 Aug (1 HK late, Rp 175.000), 15 Sep open;
- item 2: disk replaced on a server (corrective, vendor), ticket 501 identified Mon 6 Jul
  09:00 WIB, added Tue 14 Jul (6 HK); done Wed 22 Jul 15:00 WIB for Mon 20 Jul (2 HK late,
  replaced, Rp 2.400.000); a second order 10 Sep cancelled; the same problem is identified
  again on 15 Sep (a recurrence);
- item 3: UPS battery (corrective, own staff), ticket 502 identified Mon 3 Aug 09:00 WIB,
  added Fri 21 Aug (12 HK with the two days off), Rp 1.200.000 estimated; done Mon 24 Aug
  16:00 WIB on schedule, fixed, Rp 1.000.000;
- ticket 503 identified Tue 1 Sep and never planned (21 HK waiting by 30 Sep).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from collector.domain.evaluation import EvaluationRecord, FollowUp
from collector.domain.kpis import WIB, KpiContext, WorkingDays
from collector.domain.maintenance_records import (
    AssetCount,
    AssetRef,
    Evidence,
    Executor,
    ExecutorKind,
    Identification,
    MaintenanceKind,
    MaintenanceRecords,
    Outcome,
    Plan,
    PlanItem,
    Signatory,
    Site,
    TicketRef,
    WorkOrder,
    WorkStatus,
)
from collector.domain.periods import Period, parse_period
from collector.domain.register import AssetKind, Kondisi

DAYS_OFF = frozenset({date(2026, 8, 17), date(2026, 8, 18)})
TODAY = date(2026, 10, 7)


def working_days(days_off: Iterable[date] = DAYS_OFF) -> WorkingDays:
    """Working days after ``start`` up to and including ``end`` (negative backwards):
    Monday to Friday, less ``days_off``. A plain count, day by day, for tests only."""
    off = frozenset(days_off)

    def between(start: date, end: date) -> int:
        if end < start:
            return -between(end, start)
        days = (start + timedelta(n) for n in range(1, (end - start).days + 1))
        return sum(1 for day in days if day.weekday() < 5 and day not in off)

    return between


def context(today: date = TODAY, days_off: Iterable[date] = DAYS_OFF) -> KpiContext:
    return KpiContext(working_days(days_off), today)


def wib(year: int, month: int, day: int, hour: int = 9) -> datetime:
    """A moment at ``hour`` o'clock Western Indonesian time, stored as UTC like the database."""
    return datetime(year, month, day, hour, tzinfo=WIB).astimezone(UTC)


PRINTER = AssetRef(11, AssetKind.PRINTER, "PRN-LT2-01", "3100203003", "000012")
SERVER = AssetRef(12, AssetKind.SERVER, "srv-lims", "3100102001", "000003")
UPS = AssetRef(13, AssetKind.UPS, "UPS-RUANG-SERVER", "3100299999", "000101")
STAFF = Executor(ExecutorKind.STAFF, "Budi Santoso")
VENDOR = Executor(ExecutorKind.VENDOR, "PT Data Prima Nusantara", "KTR-017/2026")


def quarter_records(*, evaluated: bool = True) -> MaintenanceRecords:
    """The Surabaya office's 2026-Q3 as the module docstring tells it."""
    items = (
        PlanItem(1, 1, PRINTER, MaintenanceKind.PREVENTIVE, "Pembersihan printer", "Budi Santoso",
                 STAFF, wib(2026, 6, 22), Decimal(150_000)),
        PlanItem(2, 1, SERVER, MaintenanceKind.CORRECTIVE, "Penggantian disk", "Siti Rahma",
                 VENDOR, wib(2026, 7, 14), Decimal(2_500_000),
                 TicketRef(501, "disk.smart_failing", wib(2026, 7, 6))),
        PlanItem(3, 1, UPS, MaintenanceKind.CORRECTIVE, "Penggantian baterai UPS",
                 "Budi Santoso", STAFF, wib(2026, 8, 21), Decimal(1_200_000),
                 TicketRef(502, "power.battery_age", wib(2026, 8, 3))),
    )  # fmt: skip
    photo = Evidence("foto-printer.jpg", "image/jpeg", 482_113)
    orders = (
        WorkOrder(1, 1, date(2026, 7, 15), WorkStatus.DONE, wib(2026, 7, 15, 10), Outcome.FIXED,
                  Decimal(150_000), Kondisi.BAIK, "Bersih", (photo,)),
        WorkOrder(2, 1, date(2026, 8, 14), WorkStatus.DONE, wib(2026, 8, 19, 11), Outcome.FIXED,
                  Decimal(175_000), Kondisi.BAIK),
        WorkOrder(3, 1, date(2026, 9, 15), WorkStatus.SCHEDULED),
        WorkOrder(4, 2, date(2026, 7, 20), WorkStatus.DONE, wib(2026, 7, 22, 15),
                  Outcome.REPLACED, Decimal(2_400_000), Kondisi.BAIK, "Disk 2 diganti",
                  (Evidence("berita-acara-vendor.pdf", "application/pdf", 120_004),)),
        WorkOrder(5, 3, date(2026, 8, 24), WorkStatus.DONE, wib(2026, 8, 24, 16), Outcome.FIXED,
                  Decimal(1_000_000), Kondisi.RUSAK_RINGAN),
        WorkOrder(6, 2, date(2026, 9, 10), WorkStatus.CANCELLED),
    )  # fmt: skip
    identifications = (
        Identification(501, SERVER.id, "disk.smart_failing", wib(2026, 7, 6)),
        Identification(502, UPS.id, "power.battery_age", wib(2026, 8, 3)),
        Identification(503, 14, "software.eol", wib(2026, 9, 1)),
        Identification(501, SERVER.id, "disk.smart_failing", wib(2026, 9, 15)),
        Identification(502, UPS.id, "power.battery_age", wib(2026, 10, 2)),  # after the period
    )
    return MaintenanceRecords(
        site=Site(7, "BBPOM-SBY", "Balai Besar POM di Surabaya", "Surabaya"),
        period=parse_period("2026-Q3"),
        plans=(
            Plan(
                1,
                "Rencana pemeliharaan TIK triwulan III",
                wib(2026, 6, 22),
                wib(2026, 7, 3),
                "Dr. Rina Wulandari",
            ),
            Plan(2, "Rencana tambahan", wib(2026, 9, 1)),
        ),
        items=items,
        orders=orders,
        identifications=identifications,
        assets=(
            AssetCount(AssetKind.PRINTER, Kondisi.BAIK, 10),
            AssetCount(AssetKind.PRINTER, Kondisi.RUSAK_RINGAN, 2),
            AssetCount(AssetKind.SERVER, Kondisi.BAIK, 3),
            AssetCount(AssetKind.SERVER, None, 1),
            AssetCount(AssetKind.UPS, Kondisi.RUSAK_BERAT, 1),
        ),
        head=Signatory(
            "Kepala Balai Besar POM di Surabaya",
            "Dr. Rina Wulandari, S.Si., Apt.",
            "197805122003122001",
        ),
        executor=Signatory("Pelaksana", "Budi Santoso", "199001012015031002"),
        evaluation=EVALUATION if evaluated else None,
    )


EVALUATION = EvaluationRecord(
    site_code="BBPOM-SBY",
    period_code="2026-Q3",
    evaluator="Ahmad Fauzi, S.Kom.",
    evaluator_nip="198503172010121003",
    evaluator_title="Pranata Komputer Ahli Muda",
    evaluated_on=date(2026, 10, 6),
    conclusions="Pemeliharaan berjalan sesuai rencana; satu masalah disk muncul kembali.",
    follow_ups=(
        FollowUp("Periksa ulang disk srv-lims bersama vendor", "Siti Rahma", date(2026, 10, 20)),
        FollowUp("Percepat persetujuan rencana tambahan"),
    ),
)


def long_records(orders: int) -> MaintenanceRecords:
    """The quarter with ``orders`` more preventive orders (one printer each), for long tables."""
    base = quarter_records()
    assets = [AssetRef(1000 + n, AssetKind.PRINTER, f"PRN-{n:04d}", "3100203003", f"{n:06d}")
              for n in range(orders)]  # fmt: skip
    extra_items = tuple(
        PlanItem(1000 + n, 1, asset, MaintenanceKind.PREVENTIVE, "Pembersihan printer",
                 "Budi Santoso", STAFF, wib(2026, 6, 22), Decimal(150_000))
        for n, asset in enumerate(assets)
    )  # fmt: skip
    extra_orders = tuple(
        WorkOrder(1000 + n, 1000 + n, date(2026, 7, 1) + timedelta(n % 60), WorkStatus.DONE,
                  wib(2026, 7, 1) + timedelta(n % 60), Outcome.FIXED, Decimal(150_000 + n),
                  Kondisi.BAIK)
        for n in range(orders)
    )  # fmt: skip
    return MaintenanceRecords(
        site=base.site, period=base.period, plans=base.plans,
        items=base.items + extra_items, orders=base.orders + extra_orders,
        identifications=base.identifications, assets=base.assets, head=base.head,
        executor=base.executor, evaluation=base.evaluation,
    )  # fmt: skip


class FakeReportSource:
    """A :class:`collector.services.reports.ReportSource` over hand-built records: a known site
    gets its records for their own period and nothing (but the site) for any other."""

    def __init__(self, *records: MaintenanceRecords) -> None:
        self._sites = {found.site.code: found for found in records}
        self.asked: list[tuple[str, str]] = []

    def maintenance_records(self, site_code: str, period: Period) -> MaintenanceRecords | None:
        self.asked.append((site_code, period.code))
        found = self._sites.get(site_code)
        if found is None or found.period == period:
            return found
        return MaintenanceRecords(site=found.site, period=period)
