"""Maintenance plans (SOP step 2) and work orders (SOP step 3): states, moves, periods and
the vocabulary of plan items and execution records.

A plan's moves are data, like a ticket's: any other move is refused and changes nothing.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from collector.domain.rules.findings import Maintenance


class PlanState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    ACTIVE = "active"
    CLOSED = "closed"


PLAN_LABELS: dict[PlanState, tuple[str, str]] = {
    PlanState.DRAFT: ("Konsep", "Draft"),
    PlanState.SUBMITTED: ("Diajukan", "Submitted"),
    PlanState.APPROVED: ("Disetujui", "Approved"),
    PlanState.ACTIVE: ("Berjalan", "Active"),
    PlanState.CLOSED: ("Ditutup", "Closed"),
}


class PlanMove(StrEnum):
    SUBMIT = "submit"
    RETURN = "return"  # back to draft for changes
    APPROVE = "approve"
    ACTIVATE = "activate"
    CLOSE = "close"


# move → (from state, to state, the plan's column pair recording who and when, or None)
PLAN_MOVES: dict[PlanMove, tuple[PlanState, PlanState, str | None]] = {
    PlanMove.SUBMIT: (PlanState.DRAFT, PlanState.SUBMITTED, "submitted"),
    PlanMove.RETURN: (PlanState.SUBMITTED, PlanState.DRAFT, None),
    PlanMove.APPROVE: (PlanState.SUBMITTED, PlanState.APPROVED, "approved"),
    PlanMove.ACTIVATE: (PlanState.APPROVED, PlanState.ACTIVE, "activated"),
    PlanMove.CLOSE: (PlanState.ACTIVE, PlanState.CLOSED, "closed"),
}

EDITABLE = frozenset({PlanState.DRAFT})  # items are added while the plan is a draft
GENERATING = frozenset({PlanState.ACTIVE})  # work orders are made for active plans only


def plan_move(move: PlanMove, current: PlanState) -> PlanState | None:
    """The state ``move`` leads to from ``current``; None when it is not allowed."""
    start, end, _ = PLAN_MOVES[move]
    return end if current is start else None


class Preventive(StrEnum):
    """Preventive maintenance kinds, beside the corrective ones findings recommend."""

    CLEAN_PRINTER = "clean_printer"
    TEST_UPS_BATTERY = "test_ups_battery"
    PATCH_SERVER = "patch_server"
    BACKUP_CONFIG = "backup_config"
    CLEAN_WORKSTATION = "clean_workstation"
    CHECK_NETWORK_DEVICE = "check_network_device"
    INSPECT = "inspect"


MAINTENANCE_KINDS = frozenset(m.value for m in Maintenance) | frozenset(p.value for p in Preventive)


class Executor(StrEnum):
    OWN = "own"  # the unit's own staff (swakelola)
    VENDOR = "vendor"  # a third party under a contract


class ItemSource(StrEnum):
    TICKET = "ticket"
    TEMPLATE = "template"
    MANUAL = "manual"


class WorkStatus(StrEnum):
    OPEN = "open"
    DONE = "done"


class Outcome(StrEnum):
    FIXED = "fixed"
    PARTIAL = "partial"
    NOT_FIXED = "not_fixed"
    REPLACED = "replaced"


OUTCOME_LABELS: dict[Outcome, tuple[str, str]] = {
    Outcome.FIXED: ("Berhasil diperbaiki", "Fixed"),
    Outcome.PARTIAL: ("Sebagian", "Partially fixed"),
    Outcome.NOT_FIXED: ("Tidak berhasil", "Not fixed"),
    Outcome.REPLACED: ("Diganti", "Replaced"),
}
# Outcomes after which the ticket the work came from is done (Selesai), waiting for the next
# inventory to confirm; after "not_fixed" the ticket stays scheduled.
FINISHING = frozenset({Outcome.FIXED, Outcome.PARTIAL, Outcome.REPLACED})


class PeriodError(ValueError):
    """A period the plans do not know; the message shows the forms accepted."""


@dataclass(frozen=True)
class Period:
    """A plan's period: its name and first and last day (both inclusive)."""

    name: str
    starts_on: date
    ends_on: date


_PERIOD = re.compile(r"^(\d{4})(?:-(?:Q([1-4])|S([12])|(0[1-9]|1[0-2])))?$")


def parse_period(text: str) -> Period:
    """ "2026" (a year), "2026-S2" (a half), "2026-Q3" (a quarter) or "2026-07" (a month)."""
    found = _PERIOD.match(text.strip().upper())
    if found is None or not 2000 <= int(found.group(1)) <= 2100:
        raise PeriodError(
            f"periode tidak dikenal: {text[:40]!r} (bentuk 2026, 2026-S1, 2026-Q3, 2026-07)"
        )
    year, quarter, half, month = found.groups()
    first, months = 1, 12
    if quarter:
        first, months = 3 * int(quarter) - 2, 3
    elif half:
        first, months = 6 * int(half) - 5, 6
    elif month:
        first, months = int(month), 1
    last = first + months - 1
    end = date(int(year), last, calendar.monthrange(int(year), last)[1])
    return Period(found.group(0), date(int(year), first, 1), end)
