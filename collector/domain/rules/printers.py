"""Printer supplies running low, printer errors and alerts, and the page-count service interval.

Supply levels follow the Printer-MIB special values as the SNMP parser keeps them: a level of
-3 ("some remaining, amount unknown") is neither low nor empty, so it gives no finding; an
unknown level (None, from -1 other / -2 unknown) gives none either. A level of 0 is empty
only when the maximum is known: the Brother HL-5370DW recording reports a phantom toner row
with level 0 and an unknown maximum beside the real cartridge, and the printer's own error
bits (``no_toner``) report a truly empty supply anyway. Paper trays (type "input") are left
out by default: an empty tray is refilled by the person at the printer, not a maintenance
need (``include_paper_trays`` turns them on). For receptacles (waste toner) the MIB's level
is the space left, so a low level is a box to replace, like a low toner.

Service interval: asetik has no record of a printer's last service, so it assumes one at
every multiple of ``service_interval_pages`` and reports the service as due while the counter
is within ``service_due_window_pages`` past such a multiple. The subject names the milestone
("halaman 150.000"), so each milestone has its own ticket; a ticket nobody acted on resolves
itself once the window has passed instead of staying open for ever (a finding that never
clears would reopen a ticket ops had closed after the service).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any

from collector.domain.rules import readable
from collector.domain.rules.findings import Finding, Maintenance, Severity, Snapshot, Thresholds

SOME_REMAINING = -3
# hrPrinterDetectedErrorState bits by severity; anything else found is a warning.
ERROR_WORDS = {
    "low_paper": ("kertas hampir habis", "paper low"),
    "no_paper": ("kertas habis", "out of paper"),
    "low_toner": ("toner hampir habis", "toner low"),
    "no_toner": ("toner habis", "out of toner"),
    "door_open": ("pintu terbuka", "door open"),
    "jammed": ("kertas macet", "paper jam"),
    "offline": ("printer offline", "printer offline"),
    "service_requested": ("printer meminta servis", "service requested"),
    "input_tray_missing": ("baki masukan tidak terpasang", "input tray missing"),
    "output_tray_missing": ("baki keluaran tidak terpasang", "output tray missing"),
    "marker_supply_missing": ("bahan cetak tidak terpasang", "marker supply missing"),
    "output_near_full": ("baki keluaran hampir penuh", "output tray nearly full"),
    "output_full": ("baki keluaran penuh", "output tray full"),
    "input_tray_empty": ("baki masukan kosong", "input tray empty"),
    "overdue_prevent_maint": ("perawatan berkala terlambat", "preventive maintenance overdue"),
}
# prtAlertSeverityLevel as the parser names it; "other" and unknown levels are info.
ALERT_SEVERITIES = {
    "critical": Severity.CRITICAL,
    "warning": Severity.WARNING,
    "warning_binary_change_event": Severity.WARNING,
}


def evaluate_printers(snapshot: Snapshot, thresholds: Thresholds) -> Iterator[Finding]:
    """Findings for low or empty supplies, set error bits, active alerts and a service due."""
    yield from _supplies(snapshot.sections.get("supplies") or [], thresholds)
    printer = snapshot.sections.get("printer") or {}
    yield from _errors(printer.get("detected_errors") or [], thresholds)
    yield from _alerts(printer.get("alerts") or [], thresholds)
    page_count = (snapshot.sections.get("device") or {}).get("page_count")
    if page_count is not None:
        yield from _service_due(page_count, thresholds)


def supply_percent(supply: Mapping[str, Any]) -> float | None:
    """The supply's level in percent: level_percent, else level / max_capacity when both are
    real (non-negative level, positive maximum); None when unknown or "some remaining"."""
    if supply.get("level_percent") is not None:
        return float(supply["level_percent"])
    level, maximum = supply.get("level"), supply.get("max_capacity")
    if level is None or level < 0 or not maximum or maximum < 0:
        return None
    return float(level * 100 / maximum)


def _supplies(supplies: list[Mapping[str, Any]], thresholds: Thresholds) -> Iterator[Finding]:
    seen: Counter[str] = Counter()
    for supply in supplies:
        seen[supply["description"]] += 1
        if supply.get("type") == "input" and not thresholds["include_paper_trays"]:
            continue
        share = supply_percent(supply)
        if share is None or share > thresholds["supply_warning_percent"]:
            continue
        count = seen[supply["description"]]
        subject = supply["description"] + (f" ({count})" if count > 1 else "")
        yield _supply_finding(subject, supply, share, thresholds)


def _supply_finding(
    subject: str, supply: Mapping[str, Any], share: float, thresholds: Thresholds
) -> Finding:
    critical = share <= thresholds["supply_critical_percent"]
    state_id, state_en = ("habis", "empty") if share == 0 else ("hampir habis", "low")
    return Finding(
        rule="printer.supply_low",
        subject=subject,
        severity=Severity.CRITICAL if critical else Severity.WARNING,
        message_id=f"{subject} {state_id}: sisa {readable.percent(share)}.",
        message_en=f"{subject} is {state_en}: {readable.percent(share, 'en')} left.",
        evidence={
            "description": supply["description"],
            "type": supply.get("type"),
            "level": supply.get("level"),
            "max_capacity": supply.get("max_capacity"),
            "level_percent": round(share, 1),
            "warning_percent": thresholds["supply_warning_percent"],
            "critical_percent": thresholds["supply_critical_percent"],
        },
        maintenance=Maintenance.REPLACE_SUPPLY,
    )


def _errors(errors: list[str], thresholds: Thresholds) -> Iterator[Finding]:
    critical = set(thresholds["critical_errors"])
    ignored = set(thresholds["ignore_errors"])
    for error in errors:
        if error in ignored:
            continue
        word_id, word_en = ERROR_WORDS.get(error, (error, error))
        yield Finding(
            rule="printer.error",
            subject=error,
            severity=Severity.CRITICAL if error in critical else Severity.WARNING,
            message_id=f"Printer melaporkan gangguan: {word_id}.",
            message_en=f"The printer reports a problem: {word_en}.",
            evidence={"detected_error": error},
            maintenance=Maintenance.SERVICE_PRINTER,
        )


def _alerts(alerts: list[Mapping[str, Any]], thresholds: Thresholds) -> Iterator[Finding]:
    ignored = set(thresholds["ignore_alert_codes"])
    for alert in alerts:
        code = alert.get("code") or "unknown"
        if code in ignored:
            continue
        where = f"{alert.get('group') or 'other'}:{alert.get('group_index') or 0}"
        text = alert.get("description") or code
        yield Finding(
            rule="printer.alert",
            subject=f"{where}:{code}",
            severity=ALERT_SEVERITIES.get(alert.get("severity") or "", Severity.INFO),
            message_id=f"Peringatan printer ({where}): {text}.",
            message_en=f"Printer alert ({where}): {text}.",
            evidence=dict(alert),
            maintenance=Maintenance.SERVICE_PRINTER,
        )


def _service_due(page_count: int, thresholds: Thresholds) -> Iterator[Finding]:
    interval, window = thresholds["service_interval_pages"], thresholds["service_due_window_pages"]
    if interval <= 0 or page_count < interval or page_count % interval >= window:
        return
    milestone = page_count - page_count % interval
    yield Finding(
        rule="printer.service_due",
        subject=f"halaman {readable.number(milestone)}",
        severity=Severity.WARNING,
        message_id=f"Printer perlu servis berkala: penghitung {readable.number(page_count)} "
        f"halaman melewati {readable.number(milestone)} (servis tiap "
        f"{readable.number(interval)} halaman).",
        message_en=f"The printer is due for its periodic service: the counter at "
        f"{readable.number(page_count, lang='en')} pages passed "
        f"{readable.number(milestone, lang='en')} (service every "
        f"{readable.number(interval, lang='en')} pages).",
        evidence={
            "page_count": page_count,
            "milestone": milestone,
            "interval": interval,
            "window": window,
            "last_service_known": False,
        },
        maintenance=Maintenance.SERVICE_PRINTER,
    )
