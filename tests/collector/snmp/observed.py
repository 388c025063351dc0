"""Observation documents of recorded devices, built by the real observation builder over the
shipped profiles and parser catalogue, read from ``.snmprec`` files by our fake reader."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from collector.adapters.snmp.catalogue import parser_catalogue
from collector.adapters.snmp.observe import observe_device
from collector.adapters.snmp.profile import PROFILES, ProfileRegistry, load_profiles
from collector.adapters.snmp.values import Oid
from collector.adapters.snmp.view import MibView
from tests.collector.snmp.snmprec import SnmprecReader
from tests.peers import FIXTURES
from tests.schema_check import schema_errors

SNMP_FIXTURES = FIXTURES / "snmp"
COLLECTED_AT = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)


@cache
def shipped_profiles() -> ProfileRegistry:
    """Every profile asetik ships, checked against every parser it has."""
    return load_profiles(PROFILES, parser_catalogue())


def observe_recording(path: Path) -> dict[str, Any]:
    """The observation document of a recorded device; AssertionError when the schema rejects
    it (a document the collector would refuse is a failure of the builder, not of the data)."""
    reader = SnmprecReader.from_file(path)
    document = asyncio.run(
        observe_device(
            reader,
            shipped_profiles(),
            target="127.0.0.1:161",
            site="BBPOM-SBY",
            collected_at=COLLECTED_AT,
            submission_id="5b0e8f54-0a55-4d6f-9a61-2b3c4d5e6f70",
        )
    )
    errors = schema_errors(document)
    assert not errors, f"{path.name}: document violates the schema:\n" + "\n".join(errors)
    return document


def recorded_view(path: Path, base: Oid) -> MibView:
    """Everything a recording holds under base, as the parsers see it."""
    return MibView(asyncio.run(SnmprecReader.from_file(path).walk(base)))
