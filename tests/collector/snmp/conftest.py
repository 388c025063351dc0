"""Real SNMP peers for the poller tests: snmpsim over the recorded corpus and our own fault
fixtures, Debian's snmpd, and a responder that answers junk. Each is stopped by pid."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.collector.snmp.observed import ReaderFor, served_reader
from tests.peers import FIXTURES, corpus_dir, missing_peer, require_command
from tests.snmp_peers import (
    SNMPSIM,
    SnmpdPeer,
    SnmpSim,
    start_garbage_responder,
    start_snmpd,
    start_snmpsim,
)

SNMP_FIXTURES = FIXTURES / "snmp"


@pytest.fixture(scope="session")
def snmpsim_corpus() -> Iterator[SnmpSim]:
    """snmpsim serving every recorded device (community = file stem) and every fixture of
    ``tests/fixtures/snmp`` (``timeout-halfway``, ...), for the whole session."""
    if not SNMPSIM.exists():
        missing_peer(f"{SNMPSIM.name} is not in this venv (pip install snmpsim)")
    simulator = start_snmpsim([corpus_dir("snmp"), SNMP_FIXTURES])
    try:
        yield simulator
    finally:
        simulator.stop()


@pytest.fixture(scope="session")
def snmpd_peer() -> Iterator[SnmpdPeer]:
    """Debian's snmpd on loopback with a v2c community, a v3 authPriv user and a v3 noAuth user
    given no access (see ``SnmpdSettings``)."""
    agent = start_snmpd(require_command("snmpd"))
    try:
        yield agent
    finally:
        agent.stop()


@pytest.fixture
def garbage_port() -> Iterator[int]:
    """The port of a UDP responder answering every datagram with junk only."""
    port, stop = start_garbage_responder()
    try:
        yield port
    finally:
        stop()


@pytest.fixture(params=["snmprec", "snmpsim"])
def reader_for(request: pytest.FixtureRequest) -> ReaderFor:
    """How a conformance test reads a recording: offline from the file (None: the fake
    reader), or through the real pysnmp reader over UDP from snmpsim serving it."""
    if request.param == "snmprec":
        return lambda path: None
    simulator: SnmpSim = request.getfixturevalue("snmpsim_corpus")
    request.applymarker(pytest.mark.peer)
    return lambda path: served_reader(simulator, path)
