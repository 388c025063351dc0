"""The SOP reports for one site and period: checks the request, reads the records through a
:class:`ReportSource`, computes the KPIs and renders the chosen format.

The source is a Protocol so the database-backed one (plans, work orders and the M&E record,
once their tables exist) plugs in without touching this module; until then the collector has
none and refuses report requests with 503 ``reports_unavailable``. Every refusal happens before
anything is read: an unknown report, format or language, a period that is not one, a site
code that cannot be one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from enum import StrEnum
from typing import Final, Protocol

from collector.adapters.reports.render import (
    MEDIA_TYPES,
    ReportFormat,
    render_evaluation,
    render_maintenance,
)
from collector.adapters.reports.wording import LanguageError, Wording, language
from collector.domain.kpis import WIB, KpiContext, WorkingDays, compute_kpis
from collector.domain.maintenance_records import MaintenanceRecords
from collector.domain.periods import Period, PeriodError, parse_period
from collector.errors import Refused
from collector.services.users import Viewer

_SITE_CODE: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_FILE_NAMES: Final = {"maintenance": "laporan-pemeliharaan-tik",
                      "evaluation": "hasil-monev-pemeliharaan-tik"}  # fmt: skip


class ReportSource(Protocol):
    """Where the records of a site and period come from."""

    def maintenance_records(self, site_code: str, period: Period) -> MaintenanceRecords | None:
        """The site's records for the period; None when no site has that code."""
        ...


class ReportKind(StrEnum):
    MAINTENANCE = "maintenance"  # Laporan Pemeliharaan TIK
    EVALUATION = "evaluation"  # Hasil Monitoring dan Evaluasi Pemeliharaan TIK


@dataclass(frozen=True)
class ReportRequest:
    """A report as asked for, still text (from a query string or the command line)."""

    kind: str
    site: str
    period: str
    format: str = "pdf"
    language: str | None = None


@dataclass(frozen=True)
class RenderedReport:
    body: bytes
    media_type: str
    filename: str


class ReportService:
    """Renders the SOP reports within the caller's site scope."""

    def __init__(
        self,
        source: ReportSource | None,
        working_days: WorkingDays | None,
        clock: Callable[[], datetime],
        zone: tzinfo = WIB,
    ) -> None:
        self._source = source
        self._working_days = working_days
        self._clock = clock
        self._zone = zone

    def render(self, viewer: Viewer, request: ReportRequest) -> RenderedReport:
        """The report's bytes, media type and file name. Refused 400 for a bad format,
        language, period or site code, 404 for an unknown report or a site the viewer cannot
        see (or that does not exist), 503 while the collector has no report source."""
        kind, fmt, words, period, site = _checked(request)
        if self._source is None or self._working_days is None:
            raise Refused(503, "reports_unavailable",
                          "laporan belum tersedia: data rencana dan pelaksanaan pemeliharaan "
                          "belum tersambung pada kolektor ini")  # fmt: skip
        records = self._source.maintenance_records(site, period)
        if records is None or viewer.site_id not in (None, records.site.id):
            raise Refused(404, "not_found", f"situs {site!r} tidak ditemukan")
        context = KpiContext(self._working_days, self._today(), self._zone)
        kpis = compute_kpis(records, context)
        render = render_maintenance if kind is ReportKind.MAINTENANCE else render_evaluation
        body = render(records, kpis, context, fmt, words)
        name = f"{_FILE_NAMES[kind]}-{records.site.code}-{period.code}.{fmt.value}"
        return RenderedReport(body, MEDIA_TYPES[fmt], re.sub(r"[^A-Za-z0-9_.-]", "_", name))

    def _today(self) -> date:
        return self._clock().astimezone(self._zone).date()


def _checked(request: ReportRequest) -> tuple[ReportKind, ReportFormat, Wording, Period, str]:
    try:
        kind = ReportKind(request.kind)
    except ValueError:
        raise Refused(404, "not_found", f"laporan {request.kind[:30]!r} tidak dikenal; "
                      "maintenance atau evaluation") from None  # fmt: skip
    try:
        fmt = ReportFormat(request.format.lower())
    except ValueError:
        raise Refused(400, "bad_format", f"format {request.format[:20]!r} tidak dikenal; "
                      "pdf, xlsx atau csv") from None  # fmt: skip
    try:
        words = Wording(language(request.language))
        period = parse_period(request.period)
    except (LanguageError, PeriodError) as exc:
        raise Refused(400, "bad_parameter", str(exc)) from exc
    site = request.site.strip()
    if not _SITE_CODE.match(site):
        raise Refused(400, "bad_parameter", "parameter site harus kode situs (mis. BBPOM-SBY)")
    return kind, fmt, words, period, site.upper()
