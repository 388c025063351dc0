"""Document assembly: hashes, omission of unchanged sections, always-sent blocks."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from typing import Any

from agent.document import Collected, build_observation, section_hashes
from schemas.hashing import section_hash
from tests.schema_check import schema_errors

WHEN = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)


def _collected(**changes: Any) -> Collected:
    sections: dict[str, Any] = {
        "identity": {"hostname": "pc-tu-07", "machine_id": "8f1d2c3b4a5e6f708192a3b4c5d6e7f8"},
        "status": {"uptime_seconds": 100},
        "operatingsystem": {"family": "linux", "name": "Debian GNU/Linux", "version": "12"},
        "softwares": [{"name": f"pkg{i}", "version": "1.0", "source": "dpkg"} for i in range(900)],
        "volumes": [{"mount": "/", "total_bytes": 10}],
    }
    sections.update(changes)
    return Collected(sections, {}, 12)


def test_hash_ignores_key_order_but_not_values() -> None:
    assert section_hash({"a": 1, "b": [1, 2]}) == section_hash({"b": [1, 2], "a": 1})
    assert section_hash({"a": 1}) != section_hash({"a": 2})
    assert section_hash([1, 2]) != section_hash([2, 1])


def test_full_document_has_every_section_and_validates() -> None:
    document = build_observation(_collected(), collected_at=WHEN, site="BBPOM-SBY")
    assert document["source"]["full"] is True
    assert set(document) >= {"operatingsystem", "softwares", "volumes", "identity", "status"}
    assert set(document["source"]["section_hashes"]) == {"operatingsystem", "softwares", "volumes"}
    assert document["source"]["site"] == "BBPOM-SBY"
    assert schema_errors(document) == []


def test_unchanged_resend_carries_only_identity_status_and_hashes() -> None:
    first = build_observation(_collected(), collected_at=WHEN)
    again = build_observation(
        _collected(status={"uptime_seconds": 3700}),
        collected_at=WHEN,
        acknowledged=first["source"]["section_hashes"],
    )
    assert set(again) == {"schema_version", "source", "identity", "status"}
    assert again["source"]["full"] is False
    assert again["source"]["section_hashes"] == first["source"]["section_hashes"]
    assert len(gzip.compress(json.dumps(again).encode())) <= 1024
    assert schema_errors(again) == []


def test_changed_section_is_sent_alone() -> None:
    first = build_observation(_collected(), collected_at=WHEN)
    grown = [{"mount": "/", "total_bytes": 20}]
    again = build_observation(
        _collected(volumes=grown), collected_at=WHEN, acknowledged=first["source"]["section_hashes"]
    )
    assert "volumes" in again and again["volumes"] == grown
    assert "softwares" not in again and "operatingsystem" not in again


def test_submission_ids_are_unique_unless_given() -> None:
    one = build_observation(_collected(), collected_at=WHEN)
    two = build_observation(_collected(), collected_at=WHEN)
    fixed = build_observation(
        _collected(), collected_at=WHEN, submission_id="3f1c8a52-5d0e-4b8e-9c61-0a7b2f4e9d11"
    )
    assert one["source"]["submission_id"] != two["source"]["submission_id"]
    assert fixed["source"]["submission_id"] == "3f1c8a52-5d0e-4b8e-9c61-0a7b2f4e9d11"


def test_probe_errors_are_reported_in_source() -> None:
    collected = Collected(
        {"identity": {"hostname": "x"}, "status": {}}, {"softwares": "OSError: boom"}, 5
    )
    document = build_observation(collected, collected_at=WHEN)
    assert document["source"]["errors"] == [{"section": "softwares", "message": "OSError: boom"}]
    assert section_hashes(collected) == {}
    assert schema_errors(document) == []
