"""The reports' tables as typed cells, shared by every format: the PDF prints them formatted
for a reader, the XLSX keeps dates as dates, numbers as numbers and codes as text, the CSV
writes them plainly. Column titles and labels come from the message catalogue."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from collector.adapters.reports.wording import Wording
from collector.domain.evaluation import EvaluationRecord
from collector.domain.kpis import CONDITIONS, KpiSummary, StepTime
from collector.domain.maintenance_records import Executor, MaintenanceRecords, WorkStatus


class Cell(StrEnum):
    TEXT = "text"
    CODE = "code"  # an identifier (kode barang, NUP): text whatever it looks like
    DATE = "date"
    NUMBER = "number"  # whole numbers shown whole, others with one decimal
    MONEY = "money"  # whole rupiah
    LIST = "list"  # several short texts (evidence files)


CellValue = str | int | float | Decimal | date | tuple[str, ...] | None
DayOf = Callable[[datetime], date]  # an aware moment's local date


@dataclass(frozen=True)
class Column:
    key: str  # "column.<name>" in the catalogue
    kind: Cell = Cell.TEXT


@dataclass(frozen=True)
class Table:
    """Rows under titled columns; ``key`` names its sheet ("sheet.<name>")."""

    key: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[CellValue, ...], ...]


def _columns(*spec: str | tuple[str, Cell]) -> tuple[Column, ...]:
    return tuple(
        Column(f"column.{s}") if isinstance(s, str) else Column(f"column.{s[0]}", s[1])
        for s in spec
    )


def _numbered(rows: Iterable[tuple[CellValue, ...]]) -> tuple[tuple[CellValue, ...], ...]:
    return tuple((number, *row) for number, row in enumerate(rows, start=1))


def plans_table(records: MaintenanceRecords, day: DayOf) -> Table:
    """The plans the period's work belongs to, with their approval (local dates)."""
    columns = _columns(("number", Cell.NUMBER), "plan", ("created", Cell.DATE),
                       ("approved", Cell.DATE), "approved_by")  # fmt: skip
    rows = _numbered(
        (plan.title, day(plan.created_at),
         day(plan.approved_at) if plan.approved_at else None, plan.approved_by)
        for plan in sorted(records.plans, key=lambda p: (p.created_at, p.id))
    )  # fmt: skip
    return Table("sheet.plans", columns, rows)


def summary_table(kpis: KpiSummary, words: Wording) -> Table:
    """Plan against execution in a few figures."""
    done, timely = kpis.completion, kpis.on_time
    estimated = sum((line.estimated for line in kpis.costs), Decimal(0))
    spent = sum((line.spent for line in kpis.costs), Decimal(0))
    figures: tuple[tuple[str, CellValue], ...] = (
        ("planned", done.planned), ("done", done.done), ("cancelled", done.cancelled),
        ("on_time", timely.on_time), ("late", timely.late), ("open", kpis.backlog.open),
        ("estimated", estimated), ("spent", spent),
    )  # fmt: skip
    rows = tuple((words(f"summary.{key}"), value) for key, value in figures)
    return Table("sheet.summary", _columns("figure", ("value", Cell.NUMBER)), rows)


def _executor(executor: Executor, words: Wording) -> str:
    detail = ", ".join(filter(None, [words.label(executor.kind, "executor_kind"),
                                     executor.contract]))  # fmt: skip
    return f"{executor.name} ({detail})"


def work_table(records: MaintenanceRecords, words: Wording, day: DayOf) -> Table:
    """Every work order of the period with its execution record and evidence."""
    columns = _columns(
        ("number", Cell.NUMBER), ("scheduled", Cell.DATE), ("done", Cell.DATE), "kind",
        "activity", "asset", ("kode_barang", Cell.CODE), ("nup", Cell.CODE), "pic", "executor",
        "status", "outcome", "condition", ("cost", Cell.MONEY), ("evidence", Cell.LIST),
    )  # fmt: skip
    orders = sorted(records.orders, key=lambda o: (o.scheduled, o.id))
    rows = []
    for order in orders:
        item = records.item_of(order)
        asset = item.asset
        rows.append((
            order.scheduled, day(order.done_at) if order.done_at else None,
            words.label(item.kind, "maintenance_kind"), item.activity,
            asset.name or f"#{asset.id}", asset.kode_barang, asset.nup, item.pic,
            _executor(item.executor, words), words.label(order.status, "work_status"),
            words.label(order.outcome, "outcome") if order.outcome else None,
            words.label(order.condition_after, "condition") if order.condition_after else None,
            order.cost if order.status is WorkStatus.DONE else None,
            tuple(evidence.name for evidence in order.evidence),
        ))  # fmt: skip
    return Table("sheet.work", columns, _numbered(rows))


def _percent(rate: float | None) -> float | None:
    return None if rate is None else round(rate * 100, 1)


def _step_rows(step: StepTime, words: Wording) -> list[tuple[CellValue, ...]]:
    name = words(f"step.{step.step.value}")
    standard = words("kpi.standard_hk", days=step.standard_hk)
    hk, times = words("unit.hk"), words("unit.steps")
    return [
        (
            words("kpi.step_within", step=name),
            step.within,
            words("unit.of_measured", count=step.measured),
            standard,
        ),
        (words("kpi.step_rate", step=name), _percent(step.rate), words("unit.percent"), standard),
        (words("kpi.step_mean", step=name), step.mean_hk, hk, standard),
        (words("kpi.step_worst", step=name), step.worst_hk, hk, standard),
        (words("kpi.step_pending", step=name), step.pending_over, times, standard),
    ]


def kpi_table(kpis: KpiSummary, words: Wording) -> Table:
    """Every KPI as one row: what it is, its value, its unit and the standard it answers to."""
    orders, pct, hk = words("unit.orders"), words("unit.percent"), words("unit.hk")
    c, t, r = kpis.completion, kpis.on_time, kpis.recurrence
    rows: list[tuple[CellValue, ...]] = [
        (words("kpi.planned"), c.planned, orders, None),
        (words("kpi.done"), c.done, orders, None),
        (words("kpi.cancelled"), c.cancelled, orders, None),
        (words("kpi.completion"), _percent(c.rate), pct, None),
        (words("kpi.on_time"), t.on_time, orders, None),
        (words("kpi.on_time_rate"), _percent(t.rate), pct, None),
        (words("kpi.mean_late"), t.mean_late_hk, hk, None),
        (words("kpi.worst_late"), t.worst_late_hk, hk, None),
    ]
    for step in kpis.steps:
        rows += _step_rows(step, words)
    rows += [
        (words("kpi.backlog"), kpis.backlog.open, orders, None),
        (words("kpi.overdue"), len(kpis.backlog.overdue), orders, None),
        (words("kpi.repairs"), kpis.repair_time.repairs, words("unit.repairs"), None),
        (words("kpi.mttr_hk"), kpis.repair_time.mean_hk, hk, None),
        (words("kpi.mttr_hours"), kpis.repair_time.mean_hours, words("unit.hours"), None),
        (words("kpi.recurred"), len(r.cases), words("unit.repairs"), None),
        (words("kpi.recurrence_rate"), _percent(r.rate), pct, None),
    ]
    columns = _columns("indicator", ("value", Cell.NUMBER), "unit", "standard")
    return Table("sheet.kpis", columns, tuple(rows))


def overdue_table(kpis: KpiSummary, words: Wording) -> Table:
    columns = _columns(("number", Cell.NUMBER), ("scheduled", Cell.DATE), "activity", "asset",
                       ("kode_barang", Cell.CODE), ("nup", Cell.CODE),
                       ("overdue_hk", Cell.NUMBER))  # fmt: skip
    rows = _numbered(
        (o.scheduled, o.activity, o.asset.name or f"#{o.asset.id}", o.asset.kode_barang,
         o.asset.nup, o.overdue_hk)
        for o in kpis.backlog.overdue
    )  # fmt: skip
    return Table("sheet.overdue", columns, rows)


def recurrence_table(kpis: KpiSummary, words: Wording) -> Table:
    columns = _columns(("number", Cell.NUMBER), "asset", ("kode_barang", Cell.CODE),
                       ("nup", Cell.CODE), ("rule", Cell.CODE), ("fixed_on", Cell.DATE),
                       ("again_on", Cell.DATE))  # fmt: skip
    rows = _numbered(
        (case.asset.name or f"#{case.asset.id}", case.asset.kode_barang, case.asset.nup,
         case.rule, case.fixed_on, case.again_on)
        for case in kpis.recurrence.cases
    )  # fmt: skip
    return Table("sheet.recurrence", columns, rows)


def cost_table(kpis: KpiSummary, words: Wording) -> Table:
    columns = _columns("kind", ("orders", Cell.NUMBER), ("estimated", Cell.MONEY),
                       ("spent", Cell.MONEY))  # fmt: skip
    rows = tuple(
        (words.label(line.kind, "maintenance_kind"), line.orders, line.estimated, line.spent)
        for line in kpis.costs
    )
    return Table("sheet.cost", columns, rows)


def condition_table(kpis: KpiSummary, words: Wording) -> Table:
    columns = (
        Column("column.asset_kind"),
        *(Column(f"condition.{c.value if c else 'unknown'}", Cell.NUMBER) for c in CONDITIONS),
        Column("column.total", Cell.NUMBER),
    )
    rows: tuple[tuple[CellValue, ...], ...] = tuple(
        (words.label(row.kind, "asset_kind"), *row.counts, row.total) for row in kpis.conditions
    )
    return Table("sheet.conditions", columns, rows)


def follow_up_table(evaluation: EvaluationRecord | None, words: Wording) -> Table:
    columns = _columns(("number", Cell.NUMBER), "action", "pic", ("due", Cell.DATE))
    follow_ups = evaluation.follow_ups if evaluation else ()
    rows = _numbered((f.action, f.pic, f.due) for f in follow_ups)
    return Table("sheet.follow_ups", columns, rows)
