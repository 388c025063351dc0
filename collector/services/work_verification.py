"""The next inventory after maintenance confirms the fix or reopens the ticket.

A ticket a work order finished waits in Selesai (done). Once its asset has been inventoried
after that moment and the rules have been evaluated on that inventory, the ticket's own
``last_seen`` tells what the rules saw: evaluation moves it forward whenever the finding is
found. Found again after the work → the problem is still there: the ticket goes back to
Disetujui (approved, ready to plan again), counted as reopened. Not found → Ditutup (closed),
confirmed. Both are events by "system".

Kept apart from ticket evaluation on purpose: it reads what evaluation wrote and decides
nothing evaluation decides, so the two change independently.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from collector.adapters.db.models import AssetRow, SiteRow, TicketEventRow, TicketRow
from collector.domain.tickets import Status, system_move

Clock = Callable[[], datetime]
SYSTEM = "system"


class WorkVerification:
    """Confirms or reopens finished tickets after their asset's next inventory."""

    def __init__(self, sessions: sessionmaker[Session], clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock

    def after_evaluation(
        self, asset_ids: Iterable[int] | None = None, site: str | None = None
    ) -> tuple[int, int]:
        """Decide every done ticket of the assets (of the site; all when None) whose asset was
        inventoried since the work; (closed, reopened). Call it only after evaluating those
        assets."""
        query = select(TicketRow.id).where(TicketRow.status == Status.DONE.value)
        if asset_ids is not None:
            query = query.where(TicketRow.asset_id.in_(list(asset_ids)))
        if site is not None:
            query = (
                query.join(AssetRow, AssetRow.id == TicketRow.asset_id)
                .join(SiteRow, SiteRow.id == AssetRow.site_id)
                .where(SiteRow.code == site.upper())
            )
        closed = reopened = 0
        now = self._clock()
        with self._sessions.begin() as session:
            done = list(session.scalars(query))  # few: most assets have none
            if not done:
                return 0, 0
            finished = (
                select(TicketEventRow.ticket_id, func.max(TicketEventRow.at).label("at"))
                .where(
                    TicketEventRow.ticket_id.in_(done),
                    TicketEventRow.to_status == Status.DONE.value,
                )
                .group_by(TicketEventRow.ticket_id)
                .subquery()
            )
            found = session.execute(
                select(TicketRow, finished.c.at)
                .join(finished, finished.c.ticket_id == TicketRow.id)
                .join(AssetRow, AssetRow.id == TicketRow.asset_id)
                .where(TicketRow.status == Status.DONE.value, AssetRow.last_seen > finished.c.at)
                .with_for_update(of=TicketRow)
            )
            for ticket, done_at in found:
                if ticket.last_seen > done_at:
                    _reopen(session, ticket, now)
                    reopened += 1
                else:
                    _close(session, ticket, now)
                    closed += 1
        return closed, reopened


def _close(session: Session, ticket: TicketRow, now: datetime) -> None:
    after = system_move(Status(ticket.status), Status.CLOSED)
    ticket.status, ticket.resolved_at, ticket.updated_at = after.value, now, now
    session.add(
        TicketEventRow(
            ticket_id=ticket.id,
            at=now,
            actor=SYSTEM,
            from_status=Status.DONE.value,
            to_status=Status.CLOSED.value,
            note="dikonfirmasi inventaris berikutnya: temuan tidak ada lagi",
        )
    )


def _reopen(session: Session, ticket: TicketRow, now: datetime) -> None:
    ticket.status = system_move(Status(ticket.status), Status.APPROVED).value
    ticket.updated_at = now
    ticket.reopened += 1
    session.add(TicketEventRow(ticket_id=ticket.id, at=now, actor=SYSTEM,
                               from_status=Status.DONE.value, to_status=Status.APPROVED.value,
                               note="temuan masih ada pada inventaris setelah pemeliharaan: "
                                    "dibuka lagi untuk dijadwalkan ulang"))  # fmt: skip
