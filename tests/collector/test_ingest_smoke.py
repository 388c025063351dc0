"""The ingest path on both databases: a new asset, an unchanged re-send, a replay."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from collector.bootstrap import Services
from collector.errors import Refused
from schemas import EXAMPLES_DIR


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
