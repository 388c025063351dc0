"""The observation builder over recorded and hand-written devices: timeouts, garbage, profiles."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from collector.adapters.snmp.merge import merge_fragments
from collector.adapters.snmp.observe import observe_device, outermost
from collector.adapters.snmp.profile import ProfileRegistry, load_profiles
from collector.adapters.snmp.reader import SnmpTimeoutError
from schemas.hashing import section_hash
from tests.collector.snmp.snmprec import SnmprecReader
from tests.peers import FIXTURES
from tests.schema_check import schema_errors

SUBMISSION = "3f1c8a52-5d0e-4b8e-9c61-0a7b2f4e9d11"
COLLECTED = datetime(2026, 11, 27, 1, 15, 2, tzinfo=UTC)
SYSTEM_OF_AN_UNKNOWN_BOX = """\
1.3.6.1.2.1.1.1.0|4|Acme Widget 3000
1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.99999.1
1.3.6.1.2.1.1.3.0|67|500
1.3.6.1.2.1.1.5.0|4|widget-01
"""


@pytest.fixture(scope="module")
def registry() -> ProfileRegistry:
    return load_profiles()


def _observe(reader: SnmprecReader, registry: ProfileRegistry) -> dict[str, Any]:
    return asyncio.run(
        observe_device(
            reader,
            registry,
            target="127.0.0.1:1161",
            site="BBPOM-SBY",
            collected_at=COLLECTED,
            submission_id=SUBMISSION,
        )
    )


def test_a_walk_timing_out_halfway_loses_only_its_section(registry: ProfileRegistry) -> None:
    reader = SnmprecReader.from_file(FIXTURES / "snmp" / "timeout-halfway.snmprec")
    document = _observe(reader, registry)
    assert schema_errors(document) == []
    assert "ports" not in document
    assert document["source"]["errors"] == [
        {
            "section": "interfaces",
            "message": "waktu habis saat membaca 1.3.6.1.2.1.2.2.1.5; bagian ini dilewati",
        }
    ]
    assert "ports" not in document["source"]["section_hashes"]
    assert document["identity"] == {
        "hostname": "sw-timeout-halfway",
        "sys_object_id": "1.3.6.1.4.1.8072.3.2.10",
    }
    assert document["device"]["location"] == "Lab rack 1"
    assert document["status"] == {"uptime_seconds": 1234}
    # the ifXTable walk after the stalled one still ran
    assert (1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 1) in reader.walked


def test_the_source_block_and_section_hashes(registry: ProfileRegistry) -> None:
    document = _observe(SnmprecReader.from_text(SYSTEM_OF_AN_UNKNOWN_BOX), registry)
    assert schema_errors(document) == []
    source = document["source"]
    assert source["kind"] == "snmp"
    assert source["full"] is True
    assert source["collected_at"] == "2026-11-27T01:15:02+00:00"
    assert source["submission_id"] == SUBMISSION
    assert (source["target"], source["site"]) == ("127.0.0.1:1161", "BBPOM-SBY")
    assert "errors" not in source
    assert source["section_hashes"] == {
        "device": section_hash(document["device"]),
        "status": section_hash(document["status"]),
    }
    assert document["device"]["kind"] == "other"
    assert document["device"]["profile"] == "generic"
    assert document["device"]["description"] == "Acme Widget 3000"


def test_a_dead_device_raises_on_the_first_get(registry: ProfileRegistry) -> None:
    reader = SnmprecReader.from_text("1.3.6.1.2.1.1.1.0|4:delay|value=x,wait=5000\n")
    with pytest.raises(SnmpTimeoutError):
        _observe(reader, registry)


def test_an_unknown_printer_is_detected_by_printer_mib(registry: ProfileRegistry) -> None:
    text = SYSTEM_OF_AN_UNKNOWN_BOX + "1.3.6.1.2.1.43.5.1.1.1.1|65|3\n"
    reader = SnmprecReader.from_text(text)
    document = _observe(reader, registry)
    assert document["device"]["profile"] == "printer_generic"
    assert document["device"]["kind"] == "printer"
    assert (1, 3, 6, 1, 2, 1, 43, 5, 1, 1, 1) in reader.walked
    assert schema_errors(document) == []


def test_fallbacks_are_only_probed_for_unmatched_devices(registry: ProfileRegistry) -> None:
    reader = SnmprecReader.from_text(SYSTEM_OF_AN_UNKNOWN_BOX)
    _observe(reader, registry)
    assert (1, 3, 6, 1, 2, 1, 43, 5, 1, 1, 1) in reader.walked  # probed, found nothing
    cisco = SYSTEM_OF_AN_UNKNOWN_BOX.replace("1.3.6.1.4.1.99999.1", "1.3.6.1.4.1.9.1.1208")
    reader = SnmprecReader.from_text(cisco)
    document = _observe(reader, registry)
    assert document["device"]["profile"] == "cisco_ios"
    assert (1, 3, 6, 1, 2, 1, 43, 5, 1, 1, 1) not in reader.walked


def test_garbage_of_every_type_does_not_crash(registry: ProfileRegistry) -> None:
    garbage = """\
1.3.6.1.2.1.1.1.0|2|17
1.3.6.1.2.1.1.2.0|4|not an oid
1.3.6.1.2.1.1.3.0|4|soon
1.3.6.1.2.1.1.5.0|6|1.3.6.1
1.3.6.1.2.1.1.6.0|4x|00ff00fe
1.3.6.1.2.1.2.2.1.2.1|2|-1
1.3.6.1.2.1.2.2.1.3.1|4|six
1.3.6.1.2.1.2.2.1.5.1|64|10.0.0.1
1.3.6.1.2.1.2.2.1.6.1|6|1.3.6
1.3.6.1.2.1.2.2.1.7.1|5|
1.3.6.1.2.1.31.1.1.1.15.1|70|99999999999999999999
1.3.6.1.2.1.47.1.1.1.1.5.1|4|chassis
1.3.6.1.2.1.47.1.1.1.1.11.1|2|123
1.3.6.1.2.1.47.1.1.1.1.4.1|2|-7
"""
    document = _observe(SnmprecReader.from_text(garbage), registry)
    assert schema_errors(document) == []
    assert document["ports"] == [
        {
            "index": 1,
            "name": "if1",
            "description": None,
            "mac": None,
            "speed_mbps": None,
            "admin_up": None,
            "oper_up": None,
            "type": None,
        }
    ]
    assert document["modules"][0]["class"] == "unknown"
    assert document["identity"] == {}
    assert "errors" not in document["source"]


def test_profile_fields_are_read_and_win(tmp_path: Path) -> None:
    (tmp_path / "generic.toml").write_text(
        'id = "generic"\nkind = "other"\nparsers = ["system", "entity"]\n', encoding="utf-8"
    )
    (tmp_path / "acme_os.toml").write_text(
        'id = "acme_os"\nvendor = "Acme"\nkind = "router"\nos = "AcmeOS"\n'
        'match = ["1.3.6.1.4.1.99999"]\nparsers = []\n'
        '[fields]\nserial = "1.3.6.1.4.1.99999.2.1.0"\nfirmware = "1.3.6.1.4.1.99999.2.2.0"\n',
        encoding="utf-8",
    )
    text = SYSTEM_OF_AN_UNKNOWN_BOX + (
        "1.3.6.1.2.1.47.1.1.1.1.5.1|2|3\n"
        "1.3.6.1.2.1.47.1.1.1.1.11.1|4|ENTITY-SERIAL\n"
        "1.3.6.1.2.1.47.1.1.1.1.13.1|4|AW-3000\n"
        "1.3.6.1.4.1.99999.2.1.0|4|ACME123456  \n"
        "1.3.6.1.4.1.99999.2.2.0|4|\n"
    )
    document = _observe(SnmprecReader.from_text(text), load_profiles(tmp_path))
    assert document["device"] | {"description": None} == {
        "kind": "router",
        "vendor": "Acme",
        "model": "AW-3000",
        "serial": "ACME123456",
        "firmware": None,  # the field was empty: nothing to say
        "os": "AcmeOS",
        "hardware_revision": None,
        "description": None,
        "location": None,
        "contact": None,
        "page_count": None,
        "profile": "acme_os",
    }
    assert document["identity"]["system_serial"] == "ACME123456"


def test_merge_rules() -> None:
    merged = merge_fragments(
        [
            {"device": {"serial": "A", "model": "M"}, "ports": [1], "status": {"volumes": [1]}},
            {"device": {"serial": None, "model": "N"}, "ports": [2], "status": {"volumes": [2]}},
            {"device": {"firmware": "1.0"}, "identity": {"mac_addresses": ["x"]}},
        ]
    )
    assert merged == {
        "device": {"serial": "A", "model": "N", "firmware": "1.0"},
        "ports": [1, 2],
        "status": {"volumes": [1, 2]},
        "identity": {"mac_addresses": ["x"]},
    }


def test_outermost_bases() -> None:
    bases = [(1, 3, 6, 2, 2), (1, 3, 6, 2), (1, 3, 6, 1, 5), (1, 3, 6, 2), (1, 3, 6, 20)]
    assert outermost(bases) == [(1, 3, 6, 1, 5), (1, 3, 6, 2), (1, 3, 6, 20)]
