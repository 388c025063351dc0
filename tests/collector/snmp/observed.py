"""Observation documents of recorded devices, built by the real observation builder over the
shipped profiles and parser catalogue, read from ``.snmprec`` files by our fake reader."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from pysnmp.hlapi.v3arch.asyncio import SnmpEngine

from collector.adapters.snmp.catalogue import parser_catalogue
from collector.adapters.snmp.client import Budget, PysnmpReader
from collector.adapters.snmp.credentials import Community
from collector.adapters.snmp.observe import observe_device
from collector.adapters.snmp.profile import PROFILES, ProfileRegistry, load_profiles
from collector.adapters.snmp.reader import SnmpReader
from collector.adapters.snmp.values import Oid
from collector.adapters.snmp.view import MibView
from tests.collector.snmp.snmprec import SnmprecReader
from tests.peers import FIXTURES
from tests.schema_check import schema_errors
from tests.snmp_peers import SnmpSim

SNMP_FIXTURES = FIXTURES / "snmp"
COLLECTED_AT = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
ReaderFor = Callable[[Path], SnmpReader | None]  # see the reader_for fixture
SERVED = Budget(timeout=5.0, retries=1)  # snmpsim indexes a big recording on first use


@cache
def shipped_profiles() -> ProfileRegistry:
    """Every profile asetik ships, checked against every parser it has."""
    return load_profiles(PROFILES, parser_catalogue())


def observe_recording(path: Path, reader: SnmpReader | None = None) -> dict[str, Any]:
    """The observation document of a recorded device, read from the file by our fake reader
    or through the reader given (the real pysnmp one, against snmpsim serving the file);
    AssertionError when the schema rejects it (a document the collector would refuse is a
    failure of the builder, not of the data)."""
    reader = reader or SnmprecReader.from_file(path)
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


def served_reader(sim: SnmpSim, path: Path) -> SnmpReader:
    """The real pysnmp reader for a recording snmpsim serves (community = file stem)."""

    async def open_reader() -> SnmpReader:
        address = (sim.host, sim.port)
        return await PysnmpReader.open(SnmpEngine(), address, Community(path.stem), SERVED)

    return asyncio.run(open_reader())


def recorded_view(path: Path, base: Oid) -> MibView:
    """Everything a recording holds under base, as the parsers see it."""
    return MibView(asyncio.run(SnmprecReader.from_file(path).walk(base)))
