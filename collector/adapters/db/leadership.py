"""Which collector replica does a once-per-cluster job: a PostgreSQL session advisory lock.

The holder keeps one connection open with ``pg_try_advisory_lock``; when that process dies or
its connection drops, PostgreSQL releases the lock and the next replica to ask takes it over.
No table, no lease to renew. SQLite has one writer process by design, so it always leads.
"""

from __future__ import annotations

import threading

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

# Advisory lock keys of asetik's jobs (one bigint namespace per database).
METRICS_GAUGES = 0x61736574_0001  # "aset" + job 1: the register gauges on /metrics


class Leadership:
    """Holds (or keeps trying to take) one advisory lock for the life of the process."""

    def __init__(self, engine: Engine, key: int) -> None:
        self._engine, self._key = engine, key
        self._held: Connection | None = None
        self._guard = threading.Lock()

    def leads(self) -> bool:
        """Whether this process holds the lock now (taking it when free); False, not an
        error, when the database cannot be reached."""
        if self._engine.dialect.name != "postgresql":
            return True
        with self._guard:
            try:
                return self._take() if self._held is None else self._alive(self._held)
            except DBAPIError:
                self._drop()
                return False

    def _take(self) -> bool:
        connection = self._engine.connect()
        taken = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": self._key})
        if taken.scalar_one():
            connection.commit()  # the lock is the session's; end the transaction around it
            self._held = connection
            return True
        connection.close()
        return False

    @staticmethod
    def _alive(held: Connection) -> bool:
        """True when the held session answers (DBAPIError when it does not)."""
        held.execute(text("SELECT 1"))
        held.commit()
        return True

    def _drop(self) -> None:
        if self._held is not None:
            # closed for good, not returned to the pool: the lock goes with the session
            self._held.invalidate()
            self._held = None

    def release(self) -> None:
        """Give the lock up (process shutdown) so another replica takes over at once."""
        with self._guard:
            self._drop()
