"""Real SNMP peers on 127.0.0.1 for tests and the SNMP benchmark, free of pytest.

- ``start_snmpsim``: snmpsim serving recorded devices (community = data file stem);
- ``start_snmpd``: Debian's net-snmp agent with a v2c community, a v3 authPriv user and a v3
  noAuth user that is given no access;
- ``start_garbage_responder``: our own UDP server answering every datagram with junk;
- ``replicate_corpus``: the recorded devices many times over, under distinct communities.

Every process is started on a free UDP port, waited for until it answers a real SNMP GET
(bounded; the error carries the peer's own log) and stopped by pid (SIGTERM, then SIGKILL),
its temporary folder removed.
"""

from __future__ import annotations

import os
import random
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tests.peer_processes import log_tail, stop_process
from tests.snmp_wire import encode_get_request, encode_string_response, read_header

LOOPBACK = "127.0.0.1"
SNMPSIM = Path(sys.executable).parent / "snmpsim-command-responder"
SYS_DESCR = "1.3.6.1.2.1.1.1.0"
SYS_NAME = "1.3.6.1.2.1.1.5.0"
READY_TIMEOUT_S = 60.0
PROBE_TIMEOUT_S = 0.5
RECORD_SUFFIX = ".snmprec"


def free_udp_port(host: str = LOOPBACK) -> int:
    """A UDP port on ``host`` that nothing is bound to right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def answers_get(host: str, port: int, community: str, oid: str = SYS_DESCR) -> bool:
    """Whether the agent answers a v2c GET with a reply to that very request."""
    request_id = secrets.randbelow(2**31 - 1) + 1
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as client:
        client.settimeout(PROBE_TIMEOUT_S)
        try:
            client.connect((host, port))
            client.send(encode_get_request(community, oid, request_id))
            reply = client.recv(65535)
        except OSError:  # timeout, or ICMP port unreachable before the agent binds
            return False
    try:
        return read_header(reply)[2] == request_id
    except ValueError:
        return False


def wait_until_answers(
    process: subprocess.Popen[bytes],
    address: tuple[str, int],
    community: str,
    log: Path,
    *,
    timeout: float,
) -> None:
    """Return once the peer answers a GET; RuntimeError with its log if it exits or stays mute."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"peer exited with {process.returncode}:\n{log_tail(log)}")
        if answers_get(*address, community):
            return
        time.sleep(0.1)
    raise RuntimeError(f"peer did not answer within {timeout:.0f} s:\n{log_tail(log)}")


@dataclass
class RunningPeer:
    """A started peer process with its private folder; ``stop()`` removes both."""

    host: str
    port: int
    pid: int
    log_path: Path
    process: subprocess.Popen[bytes] = field(repr=False)
    workdir: tempfile.TemporaryDirectory[str] = field(repr=False)

    def stop(self) -> None:
        """Stop the process by pid and delete its folder (cache, config, log)."""
        try:
            stop_process(self.process)
        finally:
            self.workdir.cleanup()


def launch(
    argv: Sequence[str],
    community: str,
    workdir: tempfile.TemporaryDirectory[str],
    *,
    port: int,
    env: dict[str, str],
    ready_timeout: float,
) -> RunningPeer:
    """Start ``argv`` logging into ``workdir`` and wait until it answers ``community``."""
    log_path = Path(workdir.name) / "peer.log"
    try:
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env
            )
    except OSError:
        workdir.cleanup()
        raise
    peer = RunningPeer(LOOPBACK, port, process.pid, log_path, process, workdir)
    try:
        wait_until_answers(process, (LOOPBACK, port), community, log_path, timeout=ready_timeout)
    except BaseException:
        peer.stop()
        raise
    return peer


# -- snmpsim -------------------------------------------------------------------------------


@dataclass
class SnmpSim:
    """snmpsim serving recorded devices; ``communities`` lists what it serves."""

    host: str
    port: int
    pid: int
    communities: tuple[str, ...]
    peer: RunningPeer = field(repr=False)

    def stop(self) -> None:
        """Stop the simulator by pid and remove its index cache."""
        self.peer.stop()


def served_communities(data_dirs: Iterable[Path]) -> list[str]:
    """The communities snmpsim serves from these folders: each record file's path, relative to
    its folder, without the suffix (``cisco_ios-c2960x-48fps``, ``sub/name``)."""
    return [
        path.relative_to(folder).as_posix().removesuffix(RECORD_SUFFIX)
        for folder in data_dirs
        for path in sorted(folder.rglob(f"*{RECORD_SUFFIX}"))
    ]


def snmpsim_environment() -> dict[str, str]:
    """snmpsim refuses root unless it drops privileges; our venv is not readable by nobody."""
    env = dict(os.environ)
    if os.geteuid() == 0:
        env["SNMPSIM_ALLOW_ROOT"] = "true"
    return env


def start_snmpsim(
    data_dirs: Sequence[Path],
    *,
    executable: Path = SNMPSIM,
    ready_timeout: float = READY_TIMEOUT_S,
) -> SnmpSim:
    """snmpsim on a free 127.0.0.1 UDP port serving every record file in ``data_dirs``, once it
    answers (it indexes each file on first start: seconds for the corpus)."""
    communities = served_communities(data_dirs)
    if not communities:
        raise ValueError(f"no {RECORD_SUFFIX} files in {', '.join(map(str, data_dirs))}")
    workdir = tempfile.TemporaryDirectory(prefix="asetik-snmpsim-")
    cache = Path(workdir.name) / "cache"
    cache.mkdir()
    port = free_udp_port()
    argv = [
        str(executable),
        *(f"--data-dir={folder.resolve()}" for folder in data_dirs),
        f"--cache-dir={cache}",
        f"--agent-udpv4-endpoint={LOOPBACK}:{port}",
        "--log-level=error",
    ]
    peer = launch(
        argv,
        communities[0],
        workdir,
        port=port,
        env=snmpsim_environment(),
        ready_timeout=ready_timeout,
    )
    try:  # snmpsim opens a file's index at its first request: warm them all before a test times one
        for community in communities[1:]:
            wait_until_answers(
                peer.process, (LOOPBACK, port), community, peer.log_path, timeout=ready_timeout
            )
    except BaseException:
        peer.stop()
        raise
    return SnmpSim(LOOPBACK, port, peer.pid, tuple(communities), peer)


def replica_community(stem: str, index: int) -> str:
    """The community of copy ``index`` of a recorded device."""
    return f"{stem}--{index:04d}"


def replicate_corpus(sources: Iterable[Path], copies: int, folder: Path) -> Path:
    """A data folder serving every record file ``copies`` times, as ``<stem>--NNNN``; returns it.

    Symlinks only, nothing copied. Two levels are needed: snmpsim reads a link once and names
    the device after the *target* path below the data folder's depth, so ``data/X`` points at
    ``links/X`` (same depth, same name), which points at the recorded file.
    """
    data, links = folder / "data", folder / "links"
    data.mkdir(parents=True)
    links.mkdir()
    for source in sources:
        for index in range(copies):
            name = replica_community(source.name.removesuffix(RECORD_SUFFIX), index)
            (links / f"{name}{RECORD_SUFFIX}").symlink_to(source.resolve())
            (data / f"{name}{RECORD_SUFFIX}").symlink_to(links / f"{name}{RECORD_SUFFIX}")
    return data


# -- Debian snmpd --------------------------------------------------------------------------


@dataclass
class SnmpdPeer:
    """Debian's snmpd with the credentials it accepts (net-snmp protocol names)."""

    host: str
    port: int
    pid: int
    community: str
    v3_user: str
    v3_auth_protocol: str
    v3_auth_key: str
    v3_priv_protocol: str
    v3_priv_key: str
    noauth_user: str
    sys_name: str
    sys_location: str
    sys_contact: str
    peer: RunningPeer = field(repr=False)

    def stop(self) -> None:
        """Stop snmpd by pid and remove its configuration and persistent folder."""
        self.peer.stop()


@dataclass(frozen=True)
class SnmpdSettings:
    """What the test snmpd accepts and reports about itself."""

    community: str = "asetik-ro"
    v3_user: str = "asetik-v3"
    v3_auth_protocol: str = "SHA-256"
    v3_auth_key: str = "asetik-auth-key-0001"
    v3_priv_protocol: str = "AES"
    v3_priv_key: str = "asetik-priv-key-0001"
    noauth_user: str = "asetik-noauth"
    sys_name: str = "asetik-test-snmpd"
    sys_location: str = "PUSDATIN lab, loopback"
    sys_contact: str = "pusdatin@example.invalid"


def snmpd_config(settings: SnmpdSettings, port: int) -> str:
    """snmpd.conf: loopback only, full read-only view for the community and the authPriv user;
    the noAuth user exists but no ``rouser`` line grants it anything."""
    s = settings
    return "\n".join(
        [
            f"agentAddress udp:{LOOPBACK}:{port}",
            f"rocommunity {s.community} {LOOPBACK}",
            f'createUser {s.v3_user} {s.v3_auth_protocol} "{s.v3_auth_key}" '
            f'{s.v3_priv_protocol} "{s.v3_priv_key}"',
            f"createUser {s.noauth_user}",
            f"rouser {s.v3_user} priv",
            f"sysName {s.sys_name}",
            f"sysLocation {s.sys_location}",
            f"sysContact {s.sys_contact}",
            "# no MIB files to load: snmpd would log pages of 'Cannot find module'",
            "[snmp] mibs :",
            "",
        ]
    )


def start_snmpd(
    executable: str,
    settings: SnmpdSettings | None = None,
    *,
    ready_timeout: float = READY_TIMEOUT_S,
) -> SnmpdPeer:
    """Debian's snmpd (``executable``) on a free 127.0.0.1 UDP port, reading only its own config
    (``-C -c``) and keeping its persistent state (engine id, USM users) in a temporary folder."""
    s = settings or SnmpdSettings()
    workdir = tempfile.TemporaryDirectory(prefix="asetik-snmpd-")
    folder = Path(workdir.name)
    port = free_udp_port()
    config = folder / "snmpd.conf"
    config.write_text(snmpd_config(s, port), encoding="utf-8")
    env = dict(os.environ, SNMP_PERSISTENT_DIR=str(folder / "persistent"))
    argv = [executable, "-f", "-Lo", "-C", "-c", str(config)]
    peer = launch(argv, s.community, workdir, port=port, env=env, ready_timeout=ready_timeout)
    return SnmpdPeer(
        LOOPBACK,
        port,
        peer.pid,
        s.community,
        s.v3_user,
        s.v3_auth_protocol,
        s.v3_auth_key,
        s.v3_priv_protocol,
        s.v3_priv_key,
        s.noauth_user,
        s.sys_name,
        s.sys_location,
        s.sys_contact,
        peer,
    )


# -- garbage responder ---------------------------------------------------------------------


def garbage_replies(request: bytes, rng: random.Random) -> list[bytes]:
    """The junk sent back for one datagram, in order: random bytes, a BER message cut in half,
    and a well-formed v2c Response whose request-id is not the request's."""
    try:
        community, _, request_id = read_header(request)
    except ValueError:
        community, request_id = b"public", rng.randint(1, 2**30)
    wrong_id = request_id ^ 0x5A5A or 1
    plausible = encode_string_response(community, wrong_id, SYS_DESCR, b"garbage responder")
    cut = encode_string_response(community, request_id, SYS_DESCR, b"cut short")
    return [rng.randbytes(rng.randint(1, 64)), cut[: len(cut) // 2], plausible]


def serve_garbage(server: socket.socket, stopping: threading.Event, seed: int) -> None:
    """Answer every datagram with ``garbage_replies`` until ``stopping`` is set."""
    rng = random.Random(seed)  # noqa: S311 - repeatable junk, not secrecy
    while not stopping.is_set():
        try:
            request, sender = server.recvfrom(65535)
        except TimeoutError:
            continue
        except OSError:
            return
        for reply in garbage_replies(request, rng):
            server.sendto(reply, sender)


def start_garbage_responder(seed: int = 0) -> tuple[int, Callable[[], None]]:
    """A UDP server of our own on 127.0.0.1 answering junk; (port, stop). ``stop`` joins it."""
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind((LOOPBACK, 0))
    server.settimeout(0.1)
    stopping = threading.Event()
    thread = threading.Thread(
        target=serve_garbage, args=(server, stopping, seed), name="snmp-garbage", daemon=True
    )
    thread.start()

    def stop() -> None:
        stopping.set()
        thread.join(timeout=5)
        server.close()

    port: int = server.getsockname()[1]
    return port, stop
