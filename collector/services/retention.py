"""Keeping the observations table bounded: one row per check-in is 175 million rows a year at
20,000 agents, but a row is only needed while an agent may still replay that submission id
(its spool keeps documents 14 days at most). Assets keep their sections and history."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from collector.adapters.db.models import ObservationRow

KEEP_DAYS = 30
_BATCH = 10_000


def prune_observations(sessions: sessionmaker[Session], now: datetime, keep_days: int) -> int:
    """Delete observations received more than ``keep_days`` ago, in small transactions so the
    ingest path is never blocked for long; returns how many were deleted."""
    if keep_days < 15:
        raise ValueError("keep_days must be at least 15 (agents replay up to 14 days)")
    cutoff = now - timedelta(days=keep_days)
    deleted = 0
    while True:
        with sessions.begin() as session:
            ids = list(
                session.scalars(
                    select(ObservationRow.id)
                    .where(ObservationRow.received_at < cutoff)
                    .limit(_BATCH)
                )
            )
            if not ids:
                return deleted
            session.execute(delete(ObservationRow).where(ObservationRow.id.in_(ids)))
        deleted += len(ids)
