"""Old observation records are pruned; assets, sections and history stay."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute

from collector.adapters.db.models import AssetRow, ChangeRow, ObservationRow
from collector.bootstrap import Services
from collector.services.retention import prune_observations
from tests.collector.conftest import FixedClock
from tests.collector.documents import laptop, renewed


def _count(services: Services, column: InstrumentedAttribute[int]) -> int:
    with services.sessions() as session:
        return int(session.scalar(select(func.count(column))) or 0)


def test_prune_keeps_recent_observations_and_every_asset(
    services: Services, clock: FixedClock
) -> None:
    services.enrolment.create_site("PUSDATIN", "Pusat Data dan Informasi")
    token = services.enrolment.create_token("PUSDATIN", timedelta(days=1))
    credential, _ = services.enrolment.enrol(token, "agent", None)
    document = laptop(1)
    services.ingest.ingest(document, services.enrolment.authenticate(credential), 1)
    clock.now += timedelta(days=40)
    services.ingest.ingest(renewed(document), services.enrolment.authenticate(credential), 1)
    history = _count(services, ChangeRow.id)
    assert prune_observations(services.sessions, clock.now, 30) == 1
    assert _count(services, ObservationRow.id) == 1
    assert _count(services, AssetRow.id) == 1
    assert _count(services, ChangeRow.id) == history
    assert prune_observations(services.sessions, clock.now, 30) == 0


def test_prune_refuses_a_window_shorter_than_the_agents_replay(services: Services) -> None:
    with pytest.raises(ValueError, match="at least 15"):
        prune_observations(services.sessions, services.clock(), 7)
