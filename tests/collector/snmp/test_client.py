"""The pysnmp reader against real agents: snmpsim serving recorded devices, Debian's snmpd over
v2c and v3 authPriv, a device that stalls halfway and one that answers junk. net-snmp's
``snmpbulkwalk`` is the oracle for what a walk must return."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Sequence

import pytest
from pysnmp.hlapi.v3arch.asyncio import SnmpEngine

from collector.adapters.snmp.client import Budget, PysnmpReader
from collector.adapters.snmp.credentials import (
    AuthProtocol,
    Community,
    Credential,
    PrivProtocol,
    V3User,
)
from collector.adapters.snmp.reader import SnmpError, SnmpTimeoutError
from collector.adapters.snmp.values import Oid, Value, format_oid, parse_oid
from tests.peers import require_command
from tests.snmp_peers import SnmpdPeer, SnmpSim

pytestmark = pytest.mark.peer

SYS_DESCR = (1, 3, 6, 1, 2, 1, 1, 1, 0)
SYS_OBJECT_ID = (1, 3, 6, 1, 2, 1, 1, 2, 0)
IF_TABLE = (1, 3, 6, 1, 2, 1, 2, 2)
ENTITY = (1, 3, 6, 1, 2, 1, 47, 1, 1, 1)
HR_SW_INSTALLED_NAME = (1, 3, 6, 1, 2, 1, 25, 6, 3, 1, 2)
FAST = Budget(timeout=0.5, retries=0)
# Where what a test checks is the values, not the deadline: a loaded CI machine once let one
# GETBULK of a 63-request walk go unanswered for two 5 s attempts.
PATIENT = Budget(timeout=5, retries=3)


def _get(
    address: tuple[str, int], credential: Credential, oids: Sequence[Oid], budget: Budget = FAST
) -> dict[Oid, Value]:
    async def run() -> dict[Oid, Value]:
        reader = await PysnmpReader.open(SnmpEngine(), address, credential, budget)
        return await reader.get(oids)

    return asyncio.run(run())


def _walk(
    address: tuple[str, int], credential: Credential, base: Oid, budget: Budget = FAST
) -> list[tuple[Oid, Value]]:
    async def run() -> list[tuple[Oid, Value]]:
        reader = await PysnmpReader.open(SnmpEngine(), address, credential, budget)
        return await reader.walk(base)

    return asyncio.run(run())


def _netsnmp_oids(sim: SnmpSim, community: str, base: Oid) -> list[Oid]:
    listed = subprocess.run(
        [require_command("snmpbulkwalk"), "-v2c", "-c", community, "-On", "-Oqn", "-Cc",
         f"{sim.host}:{sim.port}", format_oid(base)],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout  # fmt: skip
    return [parse_oid(line.split(" ", 1)[0]) for line in listed.splitlines() if line.strip()]


@pytest.mark.parametrize(
    ("community", "base"),
    [("cisco_ios-c2960x-48fps", IF_TABLE), ("cisco_ios-c2960x-48fps", ENTITY),
     ("hp_color-laserjet-pro-m252dw", (1, 3, 6, 1, 2, 1, 43, 11))],
)  # fmt: skip
def test_walk_returns_what_netsnmp_returns(
    snmpsim_corpus: SnmpSim, community: str, base: Oid
) -> None:
    address = (snmpsim_corpus.host, snmpsim_corpus.port)
    ours = _walk(address, Community(community), base, PATIENT)
    expected = _netsnmp_oids(snmpsim_corpus, community, base)
    assert len(expected) > 10
    assert [oid for oid, _ in ours] == expected


def test_values_arrive_as_plain_types(snmpsim_corpus: SnmpSim) -> None:
    address = (snmpsim_corpus.host, snmpsim_corpus.port)
    oids = [SYS_DESCR, SYS_OBJECT_ID, (1, 3, 6, 1, 2, 1, 1, 3, 0), (1, 3, 6, 1, 2, 1, 1, 99, 0)]
    got = _get(address, Community("cisco_ios-c2960x-48fps"), oids, PATIENT)
    descr = got[SYS_DESCR]
    assert isinstance(descr, bytes) and descr.startswith(b"Cisco IOS Software, C2960X")
    assert got[SYS_OBJECT_ID] == (1, 3, 6, 1, 4, 1, 9, 1, 1208)
    assert isinstance(got[(1, 3, 6, 1, 2, 1, 1, 3, 0)], int)
    assert (1, 3, 6, 1, 2, 1, 1, 99, 0) not in got  # noSuchObject is absence


def test_wrong_community_and_dead_port_time_out(snmpsim_corpus: SnmpSim) -> None:
    with pytest.raises(SnmpTimeoutError):
        _get((snmpsim_corpus.host, snmpsim_corpus.port), Community("no-such-device"), [SYS_DESCR])


def test_walk_that_stalls_halfway_times_out_after_the_answered_part(
    snmpsim_corpus: SnmpSim,
) -> None:
    address = (snmpsim_corpus.host, snmpsim_corpus.port)
    assert _get(address, Community("timeout-halfway"), [SYS_DESCR])
    with pytest.raises(SnmpTimeoutError):
        _walk(address, Community("timeout-halfway"), IF_TABLE)


def test_junk_answers_are_an_error_not_a_crash(garbage_port: int) -> None:
    with pytest.raises(SnmpError):
        _get(("127.0.0.1", garbage_port), Community("public"), [SYS_DESCR])


def _v3(peer: SnmpdPeer, **changes: str) -> V3User:
    settings = {"user": peer.v3_user, "auth_key": peer.v3_auth_key, "priv_key": peer.v3_priv_key}
    settings.update(changes)
    return V3User(settings["user"], AuthProtocol.SHA256, settings["auth_key"],
                  PrivProtocol.AES, settings["priv_key"])  # fmt: skip


def test_snmpd_over_v2c_and_v3_authpriv(snmpd_peer: SnmpdPeer) -> None:
    assert (snmpd_peer.v3_auth_protocol, snmpd_peer.v3_priv_protocol) == ("SHA-256", "AES")
    address = (snmpd_peer.host, snmpd_peer.port)
    name_oid = (1, 3, 6, 1, 2, 1, 1, 5, 0)
    for credential in (Community(snmpd_peer.community), _v3(snmpd_peer)):
        assert _get(address, credential, [name_oid]) == {name_oid: snmpd_peer.sys_name.encode()}
    installed = _walk(address, _v3(snmpd_peer), HR_SW_INSTALLED_NAME, PATIENT)
    assert len(installed) > 50  # this machine's dpkg packages, as snmpd lists them


@pytest.mark.parametrize("wrong", ["community", "auth_key", "priv_key", "noauth"])
def test_snmpd_refuses_wrong_credentials_cleanly(snmpd_peer: SnmpdPeer, wrong: str) -> None:
    address = (snmpd_peer.host, snmpd_peer.port)
    choices: dict[str, Credential] = {
        "community": Community("not-" + snmpd_peer.community),
        "auth_key": _v3(snmpd_peer, auth_key="wrong-auth-key-123"),
        "priv_key": _v3(snmpd_peer, priv_key="wrong-priv-key-123"),
        "noauth": _v3(snmpd_peer, user=snmpd_peer.noauth_user),
    }
    with pytest.raises(SnmpError):
        _get(address, choices[wrong], [SYS_DESCR])
