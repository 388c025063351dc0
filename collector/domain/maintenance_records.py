"""What the KPIs and the SOP reports read about one site and period: plans, plan items, work
orders, problem identifications and the site's assets by condition.

Plain frozen values, filled by a :class:`collector.services.reports.ReportSource` (a database
query module once the plans tables exist; hand-built in tests). Moments are aware datetimes
(UTC from the database); the KPIs turn them into local dates where working days are counted.
Money is :class:`~decimal.Decimal` rupiah.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from functools import cached_property

from collector.domain.evaluation import EvaluationRecord
from collector.domain.periods import Period
from collector.domain.register import AssetKind, Kondisi


class MaintenanceKind(StrEnum):
    """Preventive work comes from templates per asset kind, corrective work from tickets."""

    PREVENTIVE = "preventive"
    CORRECTIVE = "corrective"


class WorkStatus(StrEnum):
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


class Outcome(StrEnum):
    FIXED = "fixed"
    PARTIAL = "partial"
    NOT_FIXED = "not_fixed"
    REPLACED = "replaced"


REPAIRED = frozenset({Outcome.FIXED, Outcome.REPLACED})


class ExecutorKind(StrEnum):
    STAFF = "staff"  # own staff (swakelola)
    VENDOR = "vendor"  # a third party under contract (pihak ketiga)


@dataclass(frozen=True)
class Site:
    """The site or unit a report covers; ``place`` is the town in the signature line."""

    id: int
    code: str
    name: str
    place: str | None = None


@dataclass(frozen=True)
class Signatory:
    """One signature box: the title printed above it, then the name and NIP below the space."""

    title: str
    name: str | None = None
    nip: str | None = None


@dataclass(frozen=True)
class AssetRef:
    """The asset a plan item maintains, with its BMN identifiers (kept as text)."""

    id: int
    kind: AssetKind
    name: str | None = None
    kode_barang: str | None = None
    nup: str | None = None


@dataclass(frozen=True)
class TicketRef:
    """The ticket a corrective item comes from; ``identified_at`` is its first_seen."""

    id: int
    rule: str
    identified_at: datetime


@dataclass(frozen=True)
class Executor:
    kind: ExecutorKind
    name: str
    contract: str | None = None  # the vendor's contract reference


@dataclass(frozen=True)
class Plan:
    """A maintenance plan (SOP 2) with the moments its step time is measured between."""

    id: int
    title: str
    created_at: datetime
    approved_at: datetime | None = None
    approved_by: str | None = None


@dataclass(frozen=True)
class PlanItem:
    """One planned piece of work on one asset; ``added_at`` is when it entered the plan."""

    id: int
    plan_id: int
    asset: AssetRef
    kind: MaintenanceKind
    activity: str
    pic: str
    executor: Executor
    added_at: datetime
    estimated_cost: Decimal | None = None
    ticket: TicketRef | None = None


@dataclass(frozen=True)
class Evidence:
    """A stored file that proves the work (photo, vendor report)."""

    name: str
    media_type: str
    size: int


@dataclass(frozen=True)
class WorkOrder:
    """One scheduled occurrence of a plan item (SOP 3) and, once done, its execution record."""

    id: int
    item_id: int
    scheduled: date
    status: WorkStatus
    done_at: datetime | None = None
    outcome: Outcome | None = None
    cost: Decimal | None = None
    condition_after: Kondisi | None = None
    notes: str | None = None
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Identification:
    """A problem identified on an asset (SOP 1): a ticket opened or reopened for a rule."""

    ticket_id: int
    asset_id: int
    rule: str
    identified_at: datetime


@dataclass(frozen=True)
class AssetCount:
    """How many of the site's registered assets of a kind are in a BMN condition (None: not
    recorded)."""

    kind: AssetKind
    condition: Kondisi | None
    count: int


@dataclass(frozen=True)
class MaintenanceRecords:
    """Everything about one site and period that the reports and KPIs read.

    ``orders`` are the work orders scheduled in the period; ``items`` and ``plans`` those they
    belong to; ``identifications`` the problems identified up to the period's end (earlier
    ones too, as far back as the source keeps them, so a recurrence after a fix is seen).
    """

    site: Site
    period: Period
    plans: tuple[Plan, ...] = ()
    items: tuple[PlanItem, ...] = ()
    orders: tuple[WorkOrder, ...] = ()
    identifications: tuple[Identification, ...] = ()
    assets: tuple[AssetCount, ...] = ()
    head: Signatory | None = None  # "Mengetahui": the head of the site
    executor: Signatory | None = None  # "Pelaksana": who carried the work out
    evaluation: EvaluationRecord | None = None

    @cached_property
    def items_by_id(self) -> Mapping[int, PlanItem]:
        return {item.id: item for item in self.items}

    def item_of(self, order: WorkOrder) -> PlanItem:
        """The plan item a work order belongs to; KeyError when the source left it out."""
        return self.items_by_id[order.item_id]
