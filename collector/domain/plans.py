"""Maintenance plans (SOP step 2) and work orders (SOP step 3): states, moves, periods and
the vocabulary of plan items and execution records.

A plan's moves are data, like a ticket's: any other move is refused and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from collector.domain import periods
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


def parse_period(text: str) -> Period:
    """ "2026" (a year), "2026-S2" (a half), "2026-Q3" (a quarter) or "2026-07" (a month): the
    reporting periods of collector/domain/periods.py, a half year named as plans write it."""
    try:
        found = periods.parse_period(text)
    except periods.PeriodError as exc:
        raise PeriodError(str(exc)) from None
    return Period(found.code.replace("-H", "-S"), found.start, found.end)
