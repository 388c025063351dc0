"""KPIs of SOP 4 against figures worked out by hand (see records.py for the quarter)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from collector.domain.kpis import (
    Backlog,
    Completion,
    ConditionRow,
    CostLine,
    OnTime,
    OverdueOrder,
    RecurrenceCase,
    RepairTime,
    SopStep,
    StepTime,
    compute_kpis,
    cost_by_site_and_kind,
    on_time,
)
from collector.domain.maintenance_records import (
    MaintenanceKind,
    MaintenanceRecords,
    Site,
    WorkOrder,
    WorkStatus,
)
from collector.domain.periods import parse_period
from collector.domain.register import AssetKind
from tests.collector.reports.records import (
    PRINTER,
    SERVER,
    context,
    quarter_records,
    wib,
    working_days,
)


def test_the_fake_calendar_counts_after_start_up_to_end() -> None:
    between = working_days()
    assert between(date(2026, 8, 14), date(2026, 8, 19)) == 1  # Fri → Wed over two days off
    assert between(date(2026, 8, 19), date(2026, 8, 14)) == -1
    assert between(date(2026, 8, 14), date(2026, 8, 14)) == 0
    assert working_days(())(date(2026, 8, 14), date(2026, 8, 19)) == 3


def test_quarter_kpis_match_the_hand_count() -> None:
    kpis = compute_kpis(quarter_records(), context())
    assert kpis.completion == Completion(planned=5, done=4, cancelled=1)
    assert kpis.completion.rate == 0.8
    # Orders 1 and 5 on the day; 2 one HK late (17-18 Aug off), 4 two HK late.
    assert kpis.on_time == OnTime(done=4, on_time=2, late=2, mean_late_hk=1.5, worst_late_hk=2)
    assert kpis.on_time.rate == 0.5
    assert kpis.backlog == Backlog(
        open=1,
        overdue=(OverdueOrder(3, PRINTER, "Pembersihan printer", date(2026, 9, 15), 11),),
    )
    # Identified Mon 6 Jul 09:00 → repaired Wed 22 Jul 15:00 WIB: 12 HK, 390 hours;
    # Mon 3 Aug 09:00 → Mon 24 Aug 16:00 WIB: 13 HK (two days off), 511 hours.
    assert kpis.repair_time == RepairTime(repairs=2, mean_hk=12.5, mean_hours=450.5)
    assert kpis.recurrence.repairs == 2
    assert kpis.recurrence.cases == (
        RecurrenceCase(SERVER, "disk.smart_failing", date(2026, 7, 22), date(2026, 9, 15)),
    )
    assert kpis.recurrence.rate == 0.5


def test_sop_step_times_against_their_standards() -> None:
    steps = {step.step: step for step in compute_kpis(quarter_records(), context()).steps}
    # Items 2 and 3: 6 HK and 12 HK from identification; ticket 503 waited 21 HK unplanned.
    assert steps[SopStep.IDENTIFICATION_TO_PLAN] == StepTime(
        SopStep.IDENTIFICATION_TO_PLAN, 10, measured=2, within=1, mean_hk=9.0, worst_hk=12,
        pending_over=1,
    )  # fmt: skip
    # Plan 1 approved in 9 HK; plan 2 unapproved since 1 Sep, past 10 HK on 7 Oct.
    assert steps[SopStep.PLAN] == StepTime(SopStep.PLAN, 10, 1, 1, 9.0, 9, 1)
    # Period ends Wed 30 Sep; the evaluation is dated Tue 6 Oct: 4 HK.
    assert steps[SopStep.EVALUATION] == StepTime(SopStep.EVALUATION, 5, 1, 1, 4.0, 4, 0)


def test_days_off_move_the_step_times() -> None:
    without = compute_kpis(quarter_records(), context(days_off=()))
    steps = {step.step: step for step in without.steps}
    assert steps[SopStep.IDENTIFICATION_TO_PLAN].worst_hk == 14  # 12 with 17-18 Aug off
    assert without.on_time.worst_late_hk == 3 and without.on_time.mean_late_hk == 2.5  # 1 → 3
    assert without.repair_time.mean_hk == 13.5


def test_evaluation_missing_is_pending_only_once_past_five_hk() -> None:
    records = quarter_records(evaluated=False)
    on_fifth = {s.step: s for s in compute_kpis(records, context(today=date(2026, 10, 7))).steps}
    on_sixth = {s.step: s for s in compute_kpis(records, context(today=date(2026, 10, 8))).steps}
    assert on_fifth[SopStep.EVALUATION] == StepTime(SopStep.EVALUATION, 5, 0, 0, None, None, 0)
    assert on_sixth[SopStep.EVALUATION].pending_over == 1
    assert on_sixth[SopStep.EVALUATION].rate is None


def test_cost_by_site_and_kind() -> None:
    surabaya = quarter_records()
    other = MaintenanceRecords(
        site=Site(8, "BPOM-AMB", "Balai POM di Ambon"), period=surabaya.period,
        items=surabaya.items[:1],
        orders=(WorkOrder(90, 1, date(2026, 7, 2), WorkStatus.DONE, wib(2026, 7, 2),
                          cost=Decimal("99000.50")),),
    )  # fmt: skip
    assert cost_by_site_and_kind([surabaya, other]) == (
        CostLine("BBPOM-SBY", MaintenanceKind.CORRECTIVE, 2, Decimal(3_700_000),
                 Decimal(3_400_000)),
        CostLine("BBPOM-SBY", MaintenanceKind.PREVENTIVE, 3, Decimal(450_000), Decimal(325_000)),
        CostLine("BPOM-AMB", MaintenanceKind.PREVENTIVE, 1, Decimal(150_000),
                 Decimal("99000.50")),
    )  # fmt: skip


def test_assets_by_condition_in_register_order() -> None:
    rows = compute_kpis(quarter_records(), context()).conditions
    assert rows == (
        ConditionRow(AssetKind.SERVER, (3, 0, 0, 1)),
        ConditionRow(AssetKind.PRINTER, (10, 2, 0, 0)),
        ConditionRow(AssetKind.UPS, (0, 0, 1, 0)),
    )
    assert [row.total for row in rows] == [4, 12, 1]


def test_nothing_planned_gives_no_rates_rather_than_zero() -> None:
    empty = MaintenanceRecords(Site(1, "PUSDATIN", "Pusat Data dan Informasi"),
                               parse_period("2026-07"))  # fmt: skip
    kpis = compute_kpis(empty, context(today=date(2026, 7, 15)))
    assert kpis.completion == Completion(0, 0, 0) and kpis.completion.rate is None
    assert kpis.on_time.rate is None and kpis.on_time.worst_late_hk is None
    assert kpis.backlog == Backlog(0, ())
    assert kpis.repair_time == RepairTime(0, None, None)
    assert kpis.recurrence.rate is None
    assert kpis.costs == () and kpis.conditions == ()
    assert [s.measured for s in kpis.steps] == [0, 0, 0]
    assert [s.pending_over for s in kpis.steps] == [0, 0, 0]  # the month still runs


def test_everything_late() -> None:
    orders = [
        WorkOrder(n, 1, date(2026, 7, 1), WorkStatus.DONE, wib(2026, 7, 1 + n)) for n in (1, 2, 5)
    ]
    result = on_time(orders, context())
    assert result == OnTime(3, 0, 3, 2.0, 3)  # Wed 1 Jul → Thu 2, Fri 3, Mon 6: 1, 2, 3 HK
    assert result.rate == 0.0


@pytest.mark.parametrize("today", [date(2026, 9, 1), date(2026, 9, 30)])
def test_backlog_of_a_running_period_is_judged_today(today: date) -> None:
    kpis = compute_kpis(quarter_records(), context(today=today))
    scheduled_later = today < date(2026, 9, 15)
    assert [o.order_id for o in kpis.backlog.overdue] == ([] if scheduled_later else [3])
    assert kpis.backlog.open == 1
