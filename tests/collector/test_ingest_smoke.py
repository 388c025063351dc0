"""The ingest path on both databases: a new asset, an unchanged re-send, a replay."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from collector.adapters.db.models import AssetRow, AssetSectionRow, ObservationRow
from collector.bootstrap import Services
from collector.errors import Refused
from collector.services.ingest import IngestResult
from schemas import EXAMPLES_DIR
from schemas.hashing import section_hash
from tests.collector.conftest import FixedClock
from tests.collector.documents import delta, laptop


def _enrolled(services: Services) -> tuple[str, int]:
    services.enrolment.create_site("BBPOM-SBY", "Balai Besar POM di Surabaya")
    token = services.enrolment.create_token("BBPOM-SBY", timedelta(days=1))
    return services.enrolment.enrol(token, "agent", "lpt-pusdatin-042")


def test_example_document_creates_an_asset_then_replay_is_refused(services: Services) -> None:
    credential, _ = _enrolled(services)
    caller = services.enrolment.authenticate(credential)
    document = json.loads((EXAMPLES_DIR / "agent-linux-laptop.json").read_text(encoding="utf-8"))
    result = services.ingest.ingest(document, caller, 1000)
    assert result.created and result.asset_id > 0
    with pytest.raises(Refused) as refused:
        services.ingest.ingest(document, services.enrolment.authenticate(credential), 1000)
    assert refused.value.status == 409
    assert refused.value.code == "duplicate_submission"


def test_unchanged_check_in_updates_status_last_seen_and_records_the_observation(
    services: Services, clock: FixedClock
) -> None:
    credential, _ = _enrolled(services)
    first = laptop(1)
    created = services.ingest.ingest(first, services.enrolment.authenticate(credential), 9000)
    clock.now += timedelta(hours=1)
    status = {**first["status"], "uptime_seconds": first["status"]["uptime_seconds"] + 3600}
    later = delta({**first, "status": status})
    assert sorted(name for name in later if name not in ("schema_version", "source")) == [
        "identity",
        "status",
    ]
    caller = services.enrolment.authenticate(credential)
    result = services.ingest.ingest(later, caller, 600)
    assert result == IngestResult(created.asset_id, False, False, 0, 0)
    with services.engine.connect() as connection:
        asset = connection.execute(
            select(AssetRow.name, AssetRow.last_seen, AssetRow.last_source).where(
                AssetRow.id == created.asset_id
            )
        ).one()
        stored = connection.execute(
            select(AssetSectionRow.hash, AssetSectionRow.content, AssetSectionRow.updated_at).where(
                AssetSectionRow.asset_id == created.asset_id, AssetSectionRow.name == "status"
            )
        ).one()
        recorded = connection.execute(
            select(ObservationRow.submission_id, ObservationRow.full, ObservationRow.sections,
                   ObservationRow.size_bytes, ObservationRow.received_at)
            .order_by(ObservationRow.id)
        ).all()  # fmt: skip
    assert tuple(asset) == ("lpt-tu-01", clock.now, "agent")
    assert tuple(stored) == (section_hash(status), status, clock.now)
    assert [tuple(row) for row in recorded][1:] == [
        (later["source"]["submission_id"], False, ["identity", "status"], 600, clock.now)
    ]
    with pytest.raises(Refused) as refused:
        services.ingest.ingest(later, caller, 600)
    assert refused.value.code == "duplicate_submission"
