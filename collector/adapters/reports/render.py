"""The two SOP reports in each format: "Laporan Pemeliharaan TIK" (SOP 3's output) and "Hasil
Monitoring dan Evaluasi Pemeliharaan TIK" (SOP 4's), as PDF, XLSX or CSV bytes."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Final

from collector.adapters.reports.pages import css_string, render_page
from collector.adapters.reports.pdf import html_to_pdf
from collector.adapters.reports.sheets import csv_bytes, xlsx_bytes
from collector.adapters.reports.tables import (
    Table,
    condition_table,
    cost_table,
    follow_up_table,
    kpi_table,
    overdue_table,
    plans_table,
    recurrence_table,
    summary_table,
    work_table,
)
from collector.adapters.reports.wording import Wording
from collector.domain.kpis import KpiContext, KpiSummary
from collector.domain.maintenance_records import MaintenanceRecords, Signatory


class ReportFormat(StrEnum):
    PDF = "pdf"
    XLSX = "xlsx"
    CSV = "csv"


MEDIA_TYPES: Final = {
    ReportFormat.PDF: "application/pdf",
    ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ReportFormat.CSV: "text/csv; charset=utf-8",
}


def render_maintenance(
    records: MaintenanceRecords, kpis: KpiSummary, context: KpiContext, fmt: ReportFormat,
    words: Wording,
) -> bytes:  # fmt: skip
    """ "Laporan Pemeliharaan TIK": plans, plan against execution, every work item with its
    evidence, and the signature block. The CSV holds the work items."""
    plans = plans_table(records, context.day)
    summary = summary_table(kpis, words)
    work = work_table(records, words, context.day)
    if fmt is ReportFormat.CSV:
        return csv_bytes(work, words)
    if fmt is ReportFormat.XLSX:
        return xlsx_bytes((summary, plans, work), words)
    values = _page_values(records, context, words, "report.maintenance", "landscape")
    values.update(plans=plans, summary=summary, work=work, executor=records.executor)
    return html_to_pdf(render_page("maintenance.html", words, values))


def render_evaluation(
    records: MaintenanceRecords, kpis: KpiSummary, context: KpiContext, fmt: ReportFormat,
    words: Wording,
) -> bytes:  # fmt: skip
    """ "Hasil Monitoring dan Evaluasi Pemeliharaan TIK": the KPIs, overdue and recurring work,
    cost, assets by condition, the evaluator's conclusions and follow-ups. The CSV holds the
    KPIs."""
    evaluation = records.evaluation
    tables: dict[str, Table] = {
        "kpis": kpi_table(kpis, words), "overdue": overdue_table(kpis, words),
        "recurrence": recurrence_table(kpis, words), "cost": cost_table(kpis, words),
        "conditions": condition_table(kpis, words),
        "follow_ups": follow_up_table(evaluation, words),
    }  # fmt: skip
    if fmt is ReportFormat.CSV:
        return csv_bytes(tables["kpis"], words)
    if fmt is ReportFormat.XLSX:
        return xlsx_bytes(tuple(tables.values()), words)
    values = _page_values(records, context, words, "report.evaluation", "portrait")
    evaluator = None
    if evaluation is not None:
        evaluator = Signatory(evaluation.evaluator_title or "", evaluation.evaluator,
                              evaluation.evaluator_nip)  # fmt: skip
    values.update(tables, evaluation=evaluation, evaluator=evaluator,
                  evaluator_title=(evaluation and evaluation.evaluator_title)
                  or words("signature.evaluator"))  # fmt: skip
    return html_to_pdf(render_page("evaluation.html", words, values))


def _page_values(
    records: MaintenanceRecords, context: KpiContext, words: Wording, title: str,
    orientation: str,
) -> dict[str, Any]:  # fmt: skip
    site = records.site
    day = words.date(context.today)
    head = records.head
    return {
        "title": words(title),
        "footer": css_string(f"{words(title)} \u2014 {site.name} \u2014 "
                             f"{words.period(records.period)}"),
        "orientation": orientation,
        "site": site,
        "period": records.period,
        "today": context.today,
        "place_and_date": f"{site.place}, {day}" if site.place else day,
        "head": head,
        "head_title": head.title if head else words("signature.head", site=site.name),
    }  # fmt: skip
