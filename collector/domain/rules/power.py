"""UPS batteries and power state, and laptop battery wear.

A UPS: PowerNet's replace indicator is the UPS's own verdict (critical). The UPS-MIB has no
"on battery" object in the section; its battery_low and battery_depleted states mean the unit
is running on (or has drained) its battery, so they are read as a power problem to check. A
battery in fault or missing is critical. A battery replaced longer ago than
``battery_max_age_years`` is due (lead-acid UPS batteries last 3-5 years), and a runtime below
``runtime_warning_minutes`` would not carry the load through a short outage.

A laptop battery's health is full-charge over design capacity (health_percent when the agent
only reports that); the vendor's own condition word (Apple's "Service Recommended", ...)
is a warning whatever the numbers say.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from collector.domain.rules import readable
from collector.domain.rules.findings import Finding, Maintenance, Severity, Snapshot, Thresholds

ON_BATTERY = {
    "battery_low": ("baterai lemah (UPS berjalan dengan baterai)", "battery low (on battery)"),
    "battery_depleted": ("baterai habis", "battery depleted"),
}
BATTERY_FAULT = {
    "battery_in_fault_condition": ("baterai rusak", "battery in fault condition"),
    "no_battery_present": ("baterai tidak terpasang", "no battery present"),
}
DAYS_PER_YEAR = 365.25


def evaluate_power(snapshot: Snapshot, thresholds: Thresholds) -> Iterator[Finding]:
    """Findings for the UPS ``power`` section and each laptop battery in ``batteries``."""
    power = snapshot.sections.get("power") or {}
    if power:
        yield from _ups(power, snapshot.now.date(), thresholds)
    for index, battery in enumerate(snapshot.sections.get("batteries") or [], start=1):
        yield from _laptop_battery(index, battery, thresholds)


def _ups(power: Mapping[str, Any], today: date, thresholds: Thresholds) -> Iterator[Finding]:
    if power.get("battery_replace_indicated"):
        yield _finding(
            "power.battery_replace",
            Severity.CRITICAL,
            Maintenance.REPLACE_BATTERY,
            ("UPS meminta penggantian baterai.", "The UPS says its battery needs replacing."),
            {"battery_replace_indicated": True},
        )
    status = power.get("battery_status") or ""
    if status in BATTERY_FAULT:
        word_id, word_en = BATTERY_FAULT[status]
        yield _finding(
            "power.battery_fault",
            Severity.CRITICAL,
            Maintenance.REPLACE_BATTERY,
            (f"Status baterai UPS: {word_id}.", f"UPS battery status: {word_en}."),
            {"battery_status": status},
        )
    if status in ON_BATTERY:
        word_id, word_en = ON_BATTERY[status]
        yield _finding(
            "power.on_battery",
            Severity.WARNING,
            Maintenance.CHECK_POWER,
            (
                f"Status baterai UPS: {word_id}; periksa pasokan listrik.",
                f"UPS battery status: {word_en}; check the mains supply.",
            ),
            {"battery_status": status, "charge_percent": power.get("battery_charge_percent")},
        )
    yield from _battery_age(power.get("battery_last_replaced"), today, thresholds)
    yield from _runtime(power, thresholds["runtime_warning_minutes"])


def _runtime(power: Mapping[str, Any], limit: float) -> Iterator[Finding]:
    runtime = power.get("runtime_minutes")
    if runtime is None or runtime >= limit:
        return
    yield _finding(
        "power.low_runtime",
        Severity.WARNING,
        Maintenance.CHECK_POWER,
        (
            f"Waktu cadangan UPS hanya {readable.number(runtime, 1)} menit "
            f"(batas {readable.number(limit)} menit).",
            f"The UPS runtime is only {readable.number(runtime, 1, 'en')} minutes "
            f"(limit {readable.number(limit, lang='en')}).",
        ),
        {
            "runtime_minutes": runtime,
            "load_percent": power.get("load_percent"),
            "runtime_warning_minutes": limit,
        },
    )


def _battery_age(replaced: str | None, today: date, thresholds: Thresholds) -> Iterator[Finding]:
    if not replaced:
        return
    try:
        when = date.fromisoformat(replaced)
    except ValueError:
        return
    if today <= anniversary(when, thresholds["battery_max_age_years"]):
        return
    years = (today - when).days / DAYS_PER_YEAR
    yield _finding(
        "power.battery_age",
        Severity.WARNING,
        Maintenance.REPLACE_BATTERY,
        (
            f"Baterai UPS terakhir diganti {readable.day(when)} "
            f"({readable.number(years, 1)} tahun lalu).",
            f"The UPS battery was last replaced on {readable.day(when, 'en')} "
            f"({readable.number(years, 1, 'en')} years ago).",
        ),
        {
            "battery_last_replaced": replaced,
            "age_years": round(years, 1),
            "battery_max_age_years": thresholds["battery_max_age_years"],
        },
    )


def anniversary(start: date, years: int) -> date:
    """``start`` plus whole calendar years (29 February becomes 28 February in other years):
    a battery replaced on 21 March 2023 is three years old on 21 March 2026."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, day=28)


def battery_health(battery: Mapping[str, Any]) -> float | None:
    """Full-charge over design capacity in percent, else the reported health_percent; None
    when neither is known (a design capacity of 0 is no design capacity)."""
    full, design = battery.get("full_charge_capacity_mwh"), battery.get("design_capacity_mwh")
    if full is not None and design:
        return float(full * 100 / design)
    health = battery.get("health_percent")
    return None if health is None else float(health)


def _laptop_battery(
    index: int, battery: Mapping[str, Any], thresholds: Thresholds
) -> Iterator[Finding]:
    subject = battery.get("serial") or battery.get("name") or f"baterai {index}"
    keys = ("design_capacity_mwh", "full_charge_capacity_mwh", "health_percent", "cycle_count")
    evidence = {key: battery.get(key) for key in (*keys, "condition")}
    health = battery_health(battery)
    if health is not None and health <= thresholds["battery_health_warning_percent"]:
        critical = health <= thresholds["battery_health_critical_percent"]
        yield _finding(
            "battery.worn",
            Severity.CRITICAL if critical else Severity.WARNING,
            Maintenance.REPLACE_BATTERY,
            (
                f"Baterai {subject} aus: kapasitas tinggal {readable.percent(health)} dari "
                "kapasitas desain.",
                f"Battery {subject} is worn: {readable.percent(health, 'en')} of its design "
                "capacity.",
            ),
            {**evidence, "health": round(health, 1)},
            subject=subject,
        )
    condition = (battery.get("condition") or "").strip()
    if condition.casefold() in {c.casefold() for c in thresholds["battery_bad_conditions"]}:
        yield _finding(
            "battery.condition",
            Severity.WARNING,
            Maintenance.REPLACE_BATTERY,
            (
                f'Baterai {subject}: sistem melaporkan kondisi "{condition}".',
                f'Battery {subject}: the system reports its condition as "{condition}".',
            ),
            evidence,
            subject=subject,
        )


def _finding(
    rule: str,
    severity: Severity,
    maintenance: Maintenance,
    sentences: tuple[str, str],
    evidence: Mapping[str, Any],
    *,
    subject: str = "",
) -> Finding:
    """A finding from its two sentences (Indonesian, English)."""
    message_id, message_en = sentences
    return Finding(rule, subject, severity, message_id, message_en, evidence, maintenance)
