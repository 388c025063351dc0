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
# Not open work, as ops count it (gauges, overview): rejected and merged tickets keep their key
# (the finding does not come back as a new ticket) but nobody works on them.
NOT_WORK = FINISHED | {Status.REJECTED, Status.MERGED}


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


# action → {from status: to status}. The plans services make two of these moves too: adding
# a ticket to a plan is SCHEDULE (collector/services/plans.py), recording work whose outcome
# finishes it is FINISH (collector/services/work_execution.py; started or not).
MOVES: dict[Action, dict[Status, Status]] = {
    Action.REVIEW: {Status.NEW: Status.REVIEWED},
    Action.APPROVE: {Status.REVIEWED: Status.APPROVED},
    Action.REJECT: {Status.NEW: Status.REJECTED, Status.REVIEWED: Status.REJECTED,
                    Status.APPROVED: Status.REJECTED},
    Action.MERGE: {Status.NEW: Status.MERGED, Status.REVIEWED: Status.MERGED,
                   Status.APPROVED: Status.MERGED},
    Action.SCHEDULE: {Status.APPROVED: Status.SCHEDULED},
    Action.START: {Status.SCHEDULED: Status.IN_PROGRESS},
    Action.FINISH: {Status.SCHEDULED: Status.DONE, Status.IN_PROGRESS: Status.DONE},
    Action.CLOSE: {Status.DONE: Status.CLOSED, Status.REJECTED: Status.CLOSED,
                   Status.MERGED: Status.CLOSED},
    Action.ASSIGN: {s: s for s in OPEN},
}  # fmt: skip

# Moves the collector makes by itself: evaluation auto-resolves an untouched ticket whose
# finding is gone and reopens one whose finding comes back within the reopen window; the
# verification after the next inventory (collector/services/work_verification.py) closes a
# done ticket whose finding is gone or sends it back to approved when it is still there.
SYSTEM_MOVES: frozenset[tuple[Status, Status]] = frozenset(
    {(Status.NEW, Status.AUTO_RESOLVED), (Status.AUTO_RESOLVED, Status.NEW),
     (Status.CLOSED, Status.NEW), (Status.DONE, Status.CLOSED), (Status.DONE, Status.APPROVED)}
)  # fmt: skip


def allowed_move(action: Action, current: Status) -> Status | None:
    """The status ``action`` leads to from ``current``; None when the move is not allowed."""
    return MOVES[action].get(current)


class MoveError(ValueError):
    """A system move outside :data:`SYSTEM_MOVES`: a bug, never a person's request."""


def system_move(current: Status, after: Status) -> Status:
    """``after`` when the collector may move a ticket there from ``current`` by itself;
    MoveError otherwise."""
    if (current, after) not in SYSTEM_MOVES:
        raise MoveError(f"perpindahan sistem {current} → {after} tidak diizinkan")
    return after


SEVERITY_RANK = {"info": 0, "warning": 1, "critical": 2}
