"""A maintenance ticket's states and the moves between them (SOP step 1 → 2).

The table of allowed moves is data: a request for any other move is refused and changes
nothing. "system" moves (auto-resolve, reopen) are made by evaluation only; people's moves come
from the API's actions. A ticket in an *open* state holds its (asset, rule, subject) key: the
database allows one such ticket per key, which keeps concurrent evaluations from duplicating.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    NEW = "new"
    REVIEWED = "reviewed"
    APPROVED = "approved"
    REJECTED = "rejected"
    MERGED = "merged"
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CLOSED = "closed"
    AUTO_RESOLVED = "auto_resolved"


LABELS: dict[Status, tuple[str, str]] = {
    Status.NEW: ("Baru", "New"),
    Status.REVIEWED: ("Ditinjau", "Reviewed"),
    Status.APPROVED: ("Disetujui", "Approved"),
    Status.REJECTED: ("Ditolak", "Rejected"),
    Status.MERGED: ("Digabung", "Merged"),
    Status.SCHEDULED: ("Dijadwalkan", "Scheduled"),
    Status.IN_PROGRESS: ("Dikerjakan", "In progress"),
    Status.DONE: ("Selesai", "Done"),
    Status.CLOSED: ("Ditutup", "Closed"),
    Status.AUTO_RESOLVED: ("Pulih Otomatis", "Auto-resolved"),
}

# A ticket in one of these no longer holds its key: the next finding reopens it (within the
# reopen window) or opens a new ticket.
FINISHED = frozenset({Status.CLOSED, Status.AUTO_RESOLVED})
OPEN = frozenset(Status) - FINISHED


class Action(StrEnum):
    """What a person asks for; each is one move (``assign`` keeps the status)."""

    REVIEW = "review"
    APPROVE = "approve"
    REJECT = "reject"
    MERGE = "merge"
    SCHEDULE = "schedule"
    START = "start"
    FINISH = "finish"
    CLOSE = "close"
    ASSIGN = "assign"


# action → {from status: to status}
MOVES: dict[Action, dict[Status, Status]] = {
    Action.REVIEW: {Status.NEW: Status.REVIEWED},
    Action.APPROVE: {Status.REVIEWED: Status.APPROVED},
    Action.REJECT: {Status.NEW: Status.REJECTED, Status.REVIEWED: Status.REJECTED,
                    Status.APPROVED: Status.REJECTED},
    Action.MERGE: {Status.NEW: Status.MERGED, Status.REVIEWED: Status.MERGED,
                   Status.APPROVED: Status.MERGED},
    Action.SCHEDULE: {Status.APPROVED: Status.SCHEDULED},
    Action.START: {Status.SCHEDULED: Status.IN_PROGRESS},
    Action.FINISH: {Status.IN_PROGRESS: Status.DONE},
    Action.CLOSE: {Status.DONE: Status.CLOSED, Status.REJECTED: Status.CLOSED,
                   Status.MERGED: Status.CLOSED},
    Action.ASSIGN: {s: s for s in OPEN},
}  # fmt: skip

# Moves evaluation makes by itself: an untouched ticket whose finding is gone, and a finding
# that comes back within the reopen window.
SYSTEM_MOVES: frozenset[tuple[Status, Status]] = frozenset(
    {(Status.NEW, Status.AUTO_RESOLVED), (Status.AUTO_RESOLVED, Status.NEW),
     (Status.CLOSED, Status.NEW)}
)  # fmt: skip


def allowed_move(action: Action, current: Status) -> Status | None:
    """The status ``action`` leads to from ``current``; None when the move is not allowed."""
    return MOVES[action].get(current)


SEVERITY_RANK = {"info": 0, "warning": 1, "critical": 2}
