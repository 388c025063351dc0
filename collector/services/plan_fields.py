"""The fields of a plan item as a request sends them, checked one by one: every refusal is a
422 naming the field, and nothing is written until all of them pass."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from collector.domain.plans import Executor, Period
from collector.domain.recurrence import NonWorkingDay, Schedule, ScheduleError, Unit
from collector.errors import Refused

MAX_TEXT = 2000
MAX_COST = 10**15  # rupiah
MAX_IDS = 500


def invalid(field: str, message: str) -> Refused:
    """The refusal of one field."""
    return Refused(422, "invalid_field", f"{field}: {message}")


def text(body: Mapping[str, Any], field: str, *, limit: int = 256, required: bool = True
         ) -> str | None:  # fmt: skip
    """A trimmed text field; None when absent and not required."""
    value = body.get(field)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise invalid(field, "wajib diisi (teks)")
    if len(value) > limit or "\x00" in value:
        raise invalid(field, f"maks. {limit} karakter, tanpa NUL")
    return value.strip()


def day(value: Any, field: str) -> date:
    """A YYYY-MM-DD date."""
    if not isinstance(value, str) or len(value) != 10:
        raise invalid(field, "tanggal harus YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise invalid(field, f"tanggal tidak sah: {value!r}") from None


def whole(value: Any, field: str, *, low: int = 0, high: int = MAX_COST) -> int:
    """A whole number within [low, high] (booleans are not numbers here)."""
    if type(value) is not int or not low <= value <= high:
        raise invalid(field, f"harus bilangan bulat {low}..{high}")
    return value


def ids(body: Mapping[str, Any], field: str) -> list[int]:
    """A list of 1..MAX_IDS positive ids, duplicates dropped, order kept."""
    value = body.get(field)
    if (not isinstance(value, list) or not 0 < len(value) <= MAX_IDS
            or not all(type(i) is int and 0 < i < 2**62 for i in value)):  # fmt: skip
        raise invalid(field, f"harus daftar 1..{MAX_IDS} id (bilangan bulat)")
    return list(dict.fromkeys(value))


@dataclass(frozen=True)
class Terms:
    """What every item of a request shares: schedule, PIC, executor and cost."""

    schedule: Schedule
    on_non_working: NonWorkingDay
    pic: str
    executor: Executor
    vendor: str | None
    contract_ref: str | None
    estimated_cost: int
    description: str | None


def schedule(raw: Any, period: Period, *, start: date | None = None) -> Schedule:
    """The schedule object of a request, within the plan's period; ``start`` stands in for a
    missing start (templates begin with the period)."""
    if raw is None and start is not None:
        raw = {}
    if not isinstance(raw, dict):
        raise invalid("schedule", "harus objek {start, every?, unit?, until?, on_non_working?}")
    first = day(raw["start"], "schedule.start") if "start" in raw or start is None else start
    every = None if raw.get("every") is None else whole(raw["every"], "schedule.every", low=1,
                                                        high=1000)  # fmt: skip
    unit = raw.get("unit")
    if unit is not None and unit not in {u.value for u in Unit}:
        raise invalid("schedule.unit", "harus days, weeks, months atau years")
    until = None if raw.get("until") is None else day(raw["until"], "schedule.until")
    if not period.starts_on <= first <= period.ends_on:
        raise invalid("schedule.start", f"harus dalam periode rencana {period.name} "
                      f"({period.starts_on}..{period.ends_on})")  # fmt: skip
    if until is not None and until > period.ends_on:
        raise invalid("schedule.until", f"melewati akhir periode {period.ends_on}")
    try:
        return Schedule(first, every, Unit(unit) if unit else None, until)
    except ScheduleError as exc:
        raise invalid("schedule", str(exc)) from None


def policy(raw: Any, default: NonWorkingDay = NonWorkingDay.NEXT) -> NonWorkingDay:
    """What to do with an occurrence on a non-working day (schedule.on_non_working)."""
    value = raw.get("on_non_working") if isinstance(raw, dict) else None
    if value is None:
        return default
    try:
        return NonWorkingDay(value)
    except ValueError:
        raise invalid("schedule.on_non_working", "harus next, previous, skip atau keep") from None


def terms(body: Mapping[str, Any], period: Period, *, start: date | None = None,
          cost: int | None = None, default_policy: NonWorkingDay = NonWorkingDay.NEXT
          ) -> Terms:  # fmt: skip
    """The shared terms of a request; ``start``/``cost`` are a template's defaults."""
    try:
        executor = Executor(body.get("executor", Executor.OWN.value))
    except ValueError:
        raise invalid("executor", "harus own (swakelola) atau vendor") from None
    vendor = contract = None
    if executor is Executor.VENDOR:
        vendor = text(body, "vendor")
        contract = text(body, "contract_ref", limit=128)
    estimated = body.get("estimated_cost", cost if cost is not None else 0)
    return Terms(
        schedule(body.get("schedule"), period, start=start),
        policy(body.get("schedule"), default_policy),
        str(text(body, "pic")), executor, vendor, contract,
        whole(estimated, "estimated_cost"),
        text(body, "description", limit=MAX_TEXT, required=False),
    )  # fmt: skip
