"""The SNMP test peers themselves, checked with net-snmp's own clients (a real, independent SNMP
implementation): what snmpsim, snmpd and the garbage responder serve, and what they refuse."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import pytest

from tests.bench.snmp_netsnmp import count_values, netsnmp_walk_rate
from tests.peers import FIXTURES, corpus_dir, require_command
from tests.snmp_peers import (
    SYS_DESCR,
    SYS_NAME,
    SnmpdPeer,
    SnmpSim,
    replica_community,
    replicate_corpus,
    start_snmpd,
    start_snmpsim,
)
from tests.snmp_wire import encode_get_request, read_header

pytestmark = pytest.mark.peer

SYSTEM = "1.3.6.1.2.1.1"
IF_TABLE = "1.3.6.1.2.1.2.2"
IF_NAME = "1.3.6.1.2.1.31.1.1.1.1"
IF_SPEED = "1.3.6.1.2.1.2.2.1.5"
HR_SW_INSTALLED_NAME = "1.3.6.1.2.1.25.6.3.1.2"
HR_STORAGE_DESCR = "1.3.6.1.2.1.25.2.3.1.3"
TIMEOUT_HALFWAY = FIXTURES / "snmp" / "timeout-halfway.snmprec"


def net_snmp(tool: str, *args: str, home: Path) -> subprocess.CompletedProcess[str]:
    """Run a net-snmp client (numeric OIDs, one try of one second) with its persistent state
    (v3 engine ids) in ``home`` rather than /var/lib/snmp."""
    env = dict(os.environ, SNMP_PERSISTENT_DIR=str(home), MIBS="")
    return subprocess.run(
        [require_command(tool), "-On", "-t", "1", "-r", "0", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def v2c(
    tool: str,
    peer: SnmpSim | SnmpdPeer,
    community: str,
    oid: str,
    *,
    home: Path,
    bare: bool = False,
) -> str:
    """stdout of a v2c request that must succeed: ``.OID value`` lines, or values only (bare)."""
    output = "-Oqv" if bare else "-Oq"  # net-snmp -O flags toggle: give them once
    target = f"{peer.host}:{peer.port}"
    done = net_snmp(tool, "-v2c", "-c", community, output, target, oid, home=home)
    assert done.returncode == 0, done.stderr
    return done.stdout


def v3(peer: SnmpdPeer, *auth: str, home: Path) -> subprocess.CompletedProcess[str]:
    """A v3 GET of sysName with the given security options."""
    return net_snmp(
        "snmpget", "-v3", *auth, "-Oqv", f"{peer.host}:{peer.port}", SYS_NAME, home=home
    )


def records_under(path: Path, prefix: str) -> list[str]:
    """The OIDs of a record file under ``prefix`` (comments skipped), in file order."""
    lines = path.read_text(encoding="utf-8").splitlines()
    oids = [line.split("|", 1)[0] for line in lines if line and not line.startswith("#")]
    return [oid for oid in oids if oid.startswith(prefix + ".")]


def recorded_value(path: Path, oid: str) -> str:
    """The recorded value of one OID (a plain-text record: ``OID|tag|value``)."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(f"{oid}|"):
            return line.split("|", 2)[2]
    raise AssertionError(f"{oid} is not recorded in {path}")


def walked_oids(stdout: str) -> list[str]:
    """The OIDs of a ``-On -Oq`` walk: value lines only (a string may go on over more lines)."""
    return [
        line.split(" ", 1)[0].lstrip(".") for line in stdout.splitlines() if line.startswith(".")
    ]


# -- snmpsim --------------------------------------------------------------------------------


def test_snmpsim_serves_a_recorded_switch(snmpsim_corpus: SnmpSim, tmp_path: Path) -> None:
    out = v2c(
        "snmpget", snmpsim_corpus, "cisco_ios-c2960x-48fps", SYS_DESCR, home=tmp_path, bare=True
    )
    assert out.startswith('"Cisco IOS Software, C2960X Software')


def test_snmpsim_walk_returns_every_recorded_system_value(
    snmpsim_corpus: SnmpSim, tmp_path: Path
) -> None:
    recorded = corpus_dir("snmp") / "cisco_ios-c2960x-48fps.snmprec"
    out = v2c("snmpbulkwalk", snmpsim_corpus, "cisco_ios-c2960x-48fps", SYSTEM, home=tmp_path)
    assert walked_oids(out) == records_under(recorded, SYSTEM)


def test_snmpsim_serves_the_corpus_and_our_fixtures(
    snmpsim_corpus: SnmpSim, tmp_path: Path
) -> None:
    stems = {path.stem for path in corpus_dir("snmp").glob("*.snmprec")}
    assert stems | {"timeout-halfway"} <= set(snmpsim_corpus.communities)
    out = v2c("snmpget", snmpsim_corpus, "timeout-halfway", SYS_NAME, home=tmp_path, bare=True)
    assert out.strip() == '"sw-timeout-halfway"'


def test_snmpsim_ignores_an_unknown_community(snmpsim_corpus: SnmpSim, tmp_path: Path) -> None:
    target = f"{snmpsim_corpus.host}:{snmpsim_corpus.port}"
    done = net_snmp("snmpget", "-v2c", "-c", "no-such-device", target, SYS_DESCR, home=tmp_path)
    assert done.returncode != 0
    assert "Timeout" in done.stderr


def test_timeout_fixture_stalls_halfway_through_the_if_table(
    snmpsim_corpus: SnmpSim, tmp_path: Path
) -> None:
    rows = records_under(TIMEOUT_HALFWAY, IF_TABLE)
    stall = rows.index(f"{IF_SPEED}.1")
    assert stall == len(rows) // 2
    target = f"{snmpsim_corpus.host}:{snmpsim_corpus.port}"
    walk = ["-v2c", "-c", "timeout-halfway", "-Oq", "-Cr1", target, IF_TABLE]
    done = net_snmp("snmpbulkwalk", *walk, home=tmp_path)
    assert done.returncode != 0
    assert "Timeout" in done.stderr
    assert walked_oids(done.stdout) == rows[:stall]


def test_timeout_fixture_answers_around_the_stalled_oid(
    snmpsim_corpus: SnmpSim, tmp_path: Path
) -> None:
    out = v2c("snmpget", snmpsim_corpus, "timeout-halfway", f"{IF_SPEED}.2", home=tmp_path)
    assert out.split() == [f".{IF_SPEED}.2", "1000000000"]
    names = v2c("snmpbulkwalk", snmpsim_corpus, "timeout-halfway", IF_NAME, home=tmp_path)
    assert walked_oids(names) == records_under(TIMEOUT_HALFWAY, IF_NAME)


def test_replicated_corpus_serves_each_copy_under_its_own_community(tmp_path: Path) -> None:
    sources = [corpus_dir("snmp") / "lexmark_t640.snmprec", TIMEOUT_HALFWAY]
    simulator = start_snmpsim([replicate_corpus(sources, 2, tmp_path / "replicas")])
    try:
        expected = {replica_community(s.stem, i) for s in sources for i in range(2)}
        assert set(simulator.communities) == expected
        copy = v2c("snmpget", simulator, "lexmark_t640--0001", SYS_DESCR, home=tmp_path, bare=True)
        assert copy.strip() == f'"{recorded_value(sources[0], SYS_DESCR)}"'
        plain = ["-v2c", "-c", "lexmark_t640", f"{simulator.host}:{simulator.port}", SYS_DESCR]
        assert "Timeout" in net_snmp("snmpget", *plain, home=tmp_path).stderr
    finally:
        simulator.stop()
    with pytest.raises(ProcessLookupError):
        os.kill(simulator.pid, 0)
    assert not Path(simulator.peer.workdir.name).exists()
    assert all(path.is_symlink() for path in (tmp_path / "replicas" / "data").iterdir())


def test_a_peer_that_exits_fails_with_its_log() -> None:
    with pytest.raises(RuntimeError, match="peer exited with 1"):
        start_snmpd(require_command("false"), ready_timeout=10)


# -- Debian snmpd ---------------------------------------------------------------------------


def test_snmpd_answers_v2c(snmpd_peer: SnmpdPeer, tmp_path: Path) -> None:
    out = v2c("snmpget", snmpd_peer, snmpd_peer.community, SYS_NAME, home=tmp_path, bare=True)
    assert out.strip() == f'"{snmpd_peer.sys_name}"'


def test_snmpd_answers_v3_auth_priv(snmpd_peer: SnmpdPeer, tmp_path: Path) -> None:
    p = snmpd_peer
    auth = ["-l", "authPriv", "-u", p.v3_user, "-a", p.v3_auth_protocol, "-A", p.v3_auth_key]
    done = v3(p, *auth, "-x", p.v3_priv_protocol, "-X", p.v3_priv_key, home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f'"{p.sys_name}"'


def test_snmpd_ignores_a_wrong_community(snmpd_peer: SnmpdPeer, tmp_path: Path) -> None:
    target = f"{snmpd_peer.host}:{snmpd_peer.port}"
    done = net_snmp("snmpget", "-v2c", "-c", "not-the-community", target, SYS_NAME, home=tmp_path)
    assert done.returncode != 0
    assert "Timeout" in done.stderr


def test_snmpd_rejects_a_wrong_auth_key(snmpd_peer: SnmpdPeer, tmp_path: Path) -> None:
    p = snmpd_peer
    auth = ["-l", "authPriv", "-u", p.v3_user, "-a", p.v3_auth_protocol, "-A", "wrong-auth-key-99"]
    done = v3(p, *auth, "-x", p.v3_priv_protocol, "-X", p.v3_priv_key, home=tmp_path)
    assert done.returncode != 0
    assert "Authentication failure" in done.stderr
    assert p.sys_name not in done.stdout


def test_snmpd_refuses_the_noauth_user(snmpd_peer: SnmpdPeer, tmp_path: Path) -> None:
    done = v3(snmpd_peer, "-l", "noAuthNoPriv", "-u", snmpd_peer.noauth_user, home=tmp_path)
    assert done.returncode != 0
    assert "authorizationError" in done.stdout + done.stderr
    assert snmpd_peer.sys_name not in done.stdout


def dpkg_packages() -> tuple[set[str], set[str]]:
    """(installed, all known) Debian packages named as in hrSWInstalledName: name_version_arch."""
    listed = subprocess.run(
        [
            require_command("dpkg-query"),
            "-W",
            "-f=${db:Status-Abbrev}|${Package}_${Version}_${Architecture}\n",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    installed = {line.split("|", 1)[1] for line in listed if line.startswith("ii")}
    return installed, {line.split("|", 1)[1] for line in listed}


def test_snmpd_lists_the_installed_debian_packages(snmpd_peer: SnmpdPeer, tmp_path: Path) -> None:
    p = snmpd_peer
    out = v2c("snmpbulkwalk", p, p.community, HR_SW_INSTALLED_NAME, home=tmp_path, bare=True)
    names = {line.strip('"') for line in out.splitlines()}
    installed, known = dpkg_packages()
    # net-snmp keeps hrSWInstalledName in a 64-byte buffer: names are cut at 63 characters
    # (prometheus-node-exporter-collectors_0.0~git20230203.6f710f8-1+d)
    cut = {name[:63] for name in installed}, {name[:63] for name in known}
    assert cut[0] <= names <= cut[1]
    assert len(installed) > 50


def test_snmpd_reports_storage(snmpd_peer: SnmpdPeer, tmp_path: Path) -> None:
    p = snmpd_peer
    out = v2c("snmpbulkwalk", p, p.community, HR_STORAGE_DESCR, home=tmp_path, bare=True)
    assert '"Physical memory"' in out.splitlines()
    assert '"/"' in out.splitlines()


# -- garbage responder ----------------------------------------------------------------------


def test_garbage_responder_answers_junk_only(garbage_port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as client:
        client.settimeout(2)
        client.connect(("127.0.0.1", garbage_port))
        client.send(encode_get_request("public", SYS_DESCR, 4242))
        replies = [client.recv(65535) for _ in range(3)]
    random_bytes, truncated, plausible = replies
    assert random_bytes
    with pytest.raises(ValueError, match="truncated"):
        read_header(truncated)
    community, pdu_tag, request_id = read_header(plausible)
    assert (community, pdu_tag) == (b"public", 0xA2)
    assert request_id != 4242


def test_net_snmp_gets_nothing_from_the_garbage_responder(
    garbage_port: int, tmp_path: Path
) -> None:
    done = net_snmp(
        "snmpget", "-v2c", "-c", "public", f"127.0.0.1:{garbage_port}", SYS_DESCR, home=tmp_path
    )
    assert done.returncode != 0
    assert "STRING" not in done.stdout


# -- the net-snmp side of the benchmark -----------------------------------------------------


def test_benchmark_counts_values_not_continuation_lines() -> None:
    stdout = (
        '.1.3.6.1.2.1.1.1.0 "Cisco IOS Software\n.5 is not an OID\nCompiled by prod_rel_team"\n'
        ".1.3.6.1.2.1.1.3.0 123456\n"
        ".1.3.6.1.2.1.1.9.0 No more variables left in this MIB View (It is past the end)\n"
        ".1.3.6.1.2.1.43.11 No Such Instance currently exists at this OID\n"
    )
    assert count_values(stdout) == 2


def test_benchmark_walks_every_recorded_value(snmpsim_corpus: SnmpSim) -> None:
    devices = ["canon_lbp6670", "mikrotik_routeros-rb750gr3", "timeout-halfway"]
    bases = [SYSTEM, IF_NAME]
    walker = require_command("snmpbulkwalk")
    host, port = snmpsim_corpus.host, snmpsim_corpus.port
    rate = netsnmp_walk_rate(host, port, devices, bases, parallel=3, snmpbulkwalk=walker)
    files = [corpus_dir("snmp") / f"{name}.snmprec" for name in devices[:2]] + [TIMEOUT_HALFWAY]
    recorded = sum(len(set(records_under(path, base))) for path in files for base in bases)
    assert (rate.devices, rate.walks, rate.failed) == (3, 6, 0)
    assert rate.values == recorded
    assert rate.values_per_second == pytest.approx(recorded / rate.seconds)
    assert rate.devices_per_minute == pytest.approx(3 * 60 / rate.seconds)
