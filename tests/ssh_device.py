"""A replaying network device on 127.0.0.1: a real SSH server (asyncssh) whose interactive shell
plays one recorded platform of ``../shared/corpus/cli`` (see ``tests.ssh_cli``). Free of pytest.

- ``start_device``: one device on a free TCP port, its own Ed25519 and RSA host keys, password
  (and optionally public-key) auth, faults: ``stall_on`` commands and ``rotate_host_key()``;
- ``start_many``: n devices of one platform on n ports, served by one event loop (benchmarks).

The server runs on its own asyncio loop in a daemon thread; ``stop()`` closes the listeners and
open sessions, stops the loop and joins the thread.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine, Iterable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

import asyncssh

from tests.ssh_cli import CliSession, normalise_command
from tests.ssh_platforms import Platform, platform_named

LOOPBACK = "127.0.0.1"
START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 10.0
RAW_SUFFIX = ".raw"
UNKNOWN_COMMAND_STATUS = 127

T = TypeVar("T")


def command_of_folder(folder_name: str) -> str:
    """The command a corpus folder records: ``dmidecode_-t_system`` -> ``dmidecode -t system``."""
    return folder_name.replace("_", " ")


def load_recordings(platform_dir: Path, chosen: Mapping[str, str] | None = None) -> dict[str, str]:
    """Command -> recorded output for one platform folder of the corpus.

    A command with several recordings plays the first by name unless ``chosen`` maps the
    command to another file stem (``{"show version": "cisco_ios_show_version1"}``).
    """
    picks = dict(chosen or {})
    recordings: dict[str, str] = {}
    for command_dir in sorted(p for p in platform_dir.iterdir() if p.is_dir()):
        raws = sorted(command_dir.glob(f"*{RAW_SUFFIX}"))
        command = command_of_folder(command_dir.name)
        if command in picks:
            raws = [command_dir / f"{picks.pop(command)}{RAW_SUFFIX}"]
        if raws:
            recordings[command] = raws[0].read_text(encoding="utf-8", errors="replace")
    if picks:
        raise ValueError(f"tidak ada rekaman untuk perintah: {sorted(picks)} di {platform_dir}")
    return recordings


@dataclass(frozen=True)
class HostKeys:
    """A device's host keys: Ed25519 for modern clients, RSA for legacy ones."""

    ed25519: asyncssh.SSHKey
    rsa: asyncssh.SSHKey

    @classmethod
    def generate(cls) -> HostKeys:
        """Fresh keys (RSA 2048 takes tens of milliseconds)."""
        return cls(
            asyncssh.generate_private_key("ssh-ed25519"),
            asyncssh.generate_private_key("ssh-rsa", key_size=2048),
        )

    def public_lines(self) -> tuple[str, ...]:
        """The public keys in OpenSSH format (``ssh-ed25519 AAAA...``)."""
        return tuple(
            key.export_public_key("openssh").decode().strip() for key in (self.ed25519, self.rsa)
        )


@dataclass
class DeviceState:
    """What one device serves and what it observed (counters are written by the loop thread)."""

    platform: Platform
    recordings: dict[str, str]
    username: str
    password: str
    host_keys: HostKeys
    client_keys: tuple[asyncssh.SSHKey, ...] = ()
    stall_on: frozenset[str] = frozenset()
    auth_attempts: int = 0  # password and keyboard-interactive answers checked
    auth_failures: int = 0
    sessions: int = 0
    connections_made: int = 0  # SSH connections accepted (each key exchange is one)
    connections: set[asyncssh.SSHServerConnection] = field(default_factory=set)

    def user_matches(self, username: str) -> bool:
        """Whether the login name is the device's user (MikroTik login options stripped)."""
        separator = self.platform.login_options
        name = username.split(separator, 1)[0] if separator else username
        return name == self.username

    def check_password(self, username: str, password: str) -> bool:
        """Count one attempt; True when user and password are right."""
        self.auth_attempts += 1
        accepted = self.user_matches(username) and password == self.password
        self.auth_failures += not accepted
        return accepted

    def new_cli(self) -> CliSession:
        """A fresh interactive CLI for one session."""
        self.sessions += 1
        return CliSession(self.platform, self.recordings, stall_on=self.stall_on)


class DeviceShell(asyncssh.SSHServerSession[str]):
    """One SSH session: an interactive shell (PTY) or a single exec'd command."""

    def __init__(self, state: DeviceState) -> None:
        self._cli = state.new_cli()
        self._command: str | None = None
        self._chan: asyncssh.SSHServerChannel[str] | None = None

    def connection_made(self, chan: asyncssh.SSHServerChannel[str]) -> None:
        self._chan = chan

    def pty_requested(self, term_type: str, term_size: Any, term_modes: Any) -> bool:
        return True

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str) -> bool:
        self._command = command
        return True

    def session_started(self) -> None:
        assert self._chan is not None
        if self._command is None:
            self._chan.write(self._cli.greeting())
            return
        # No terminal: LF line ends; an unknown command's error goes to stderr.
        known = self._cli.lookup(normalise_command(self._command)) is not None
        text = "".join(f"{line}\n" for line in self._cli.answer(self._command).splitlines())
        (self._chan.write if known else self._chan.write_stderr)(text)
        self._chan.exit(0 if known else UNKNOWN_COMMAND_STATUS)

    def data_received(self, data: str, datatype: asyncssh.DataType) -> None:
        assert self._chan is not None
        if self._command is not None:
            return
        self._chan.write(self._cli.receive(data))
        if self._cli.closed:
            self._chan.exit(0)

    def eof_received(self) -> bool:
        return False


class DeviceServer(asyncssh.SSHServer):
    """Authentication for one device and a ``DeviceShell`` per session."""

    def __init__(self, state: DeviceState) -> None:
        self._state = state
        self._conn: asyncssh.SSHServerConnection | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self._conn = conn
        self._state.connections_made += 1
        self._state.connections.add(conn)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._conn is not None:
            self._state.connections.discard(self._conn)

    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        return self._state.check_password(username, password)

    def public_key_auth_supported(self) -> bool:
        return bool(self._state.client_keys)

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        allowed = {k.public_data for k in self._state.client_keys}
        return self._state.user_matches(username) and key.public_data in allowed

    def session_requested(self) -> DeviceShell:
        return DeviceShell(self._state)


class EventLoopThread:
    """An asyncio loop running in a daemon thread; coroutines are submitted from outside."""

    def __init__(self, name: str) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name=name, daemon=True)
        self._thread.start()

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float = START_TIMEOUT_S) -> T:
        """Run a coroutine on the loop and return its result (its exception is raised here)."""
        future: Future[T] = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        return future.result(timeout)

    def close(self) -> None:
        """Stop the loop, join the thread and close the loop."""
        if self._loop.is_closed():
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(STOP_TIMEOUT_S)
        self._loop.close()


async def listen(state: DeviceState, host: str, port: int) -> asyncssh.SSHAcceptor:
    """Accept SSH connections for one device on ``host:port``."""
    return await asyncssh.create_server(
        lambda: DeviceServer(state),
        host,
        port,
        server_host_keys=[state.host_keys.ed25519, state.host_keys.rsa],
        line_editor=False,
        reuse_address=True,
        login_timeout=30,
    )


async def close_listener(acceptor: asyncssh.SSHAcceptor, state: DeviceState) -> None:
    """Stop accepting and end every open connection of the device."""
    acceptor.close()
    await acceptor.wait_closed()
    for conn in list(state.connections):
        conn.close()
        await conn.wait_closed()


class ReplayDevice:
    """A running replaying device: where it listens, how to log in, what it observed."""

    def __init__(
        self,
        loop: EventLoopThread,
        state: DeviceState,
        address: tuple[str, int],
        acceptor: asyncssh.SSHAcceptor,
        *,
        owns_loop: bool,
    ) -> None:
        self.host, self.port = address
        self._loop = loop
        self._state = state
        self._acceptor: asyncssh.SSHAcceptor | None = acceptor
        self._owns_loop = owns_loop

    @property
    def platform(self) -> str:
        """The corpus platform played (``huawei_vrp``)."""
        return self._state.platform.name

    @property
    def device_type(self) -> str:
        """The netmiko ``device_type`` for it (``huawei``)."""
        return self._state.platform.device_type

    @property
    def username(self) -> str:
        """The user that may log in."""
        return self._state.username

    @property
    def password(self) -> str:
        """That user's password."""
        return self._state.password

    @property
    def prompt(self) -> str:
        """The device's CLI prompt (``R1#``)."""
        return self._state.platform.prompt

    @property
    def recordings(self) -> Mapping[str, str]:
        """Command -> the recorded output the device plays for it."""
        return self._state.recordings

    @property
    def host_key_fingerprint(self) -> str:
        """SHA256 fingerprint (``SHA256:...``) of the Ed25519 host key, the one OpenSSH and
        paramiko prefer."""
        return str(self._state.host_keys.ed25519.get_fingerprint("sha256"))

    @property
    def host_public_keys(self) -> tuple[str, ...]:
        """The Ed25519 and RSA public host keys in OpenSSH format."""
        return self._state.host_keys.public_lines()

    def known_hosts_lines(self) -> list[str]:
        """known_hosts entries for this device (``[127.0.0.1]:port ssh-ed25519 AAAA...``)."""
        return [f"[{self.host}]:{self.port} {line}" for line in self.host_public_keys]

    @property
    def auth_attempts(self) -> int:
        """Passwords checked so far (each keyboard-interactive answer counts as one)."""
        return self._state.auth_attempts

    @property
    def auth_failures(self) -> int:
        """Passwords refused so far."""
        return self._state.auth_failures

    @property
    def sessions(self) -> int:
        """SSH sessions (shells and exec'd commands) opened so far."""
        return self._state.sessions

    @property
    def connections_made(self) -> int:
        """SSH connections accepted so far (a bare key exchange counts too)."""
        return self._state.connections_made

    def rotate_host_key(self) -> None:
        """Restart on the same port with new host keys (open connections are closed)."""
        if self._acceptor is None:
            raise RuntimeError("perangkat sudah dihentikan")
        self._loop.run(close_listener(self._acceptor, self._state))
        self._state.host_keys = HostKeys.generate()
        self._acceptor = self._loop.run(listen(self._state, self.host, self.port))

    def stop(self) -> None:
        """Close the listener and sessions; a lone device also stops its loop thread."""
        if self._acceptor is not None:
            acceptor, self._acceptor = self._acceptor, None
            self._loop.run(close_listener(acceptor, self._state), STOP_TIMEOUT_S)
        if self._owns_loop:
            self._loop.close()

    def __repr__(self) -> str:
        return f"ReplayDevice({self.platform} {self.host}:{self.port})"


def device_state(
    cli_corpus: Path,
    platform_name: str,
    *,
    username: str,
    password: str,
    host_keys: HostKeys,
    chosen: Mapping[str, str] | None = None,
    client_keys: Iterable[asyncssh.SSHKey] = (),
    stall_on: Iterable[str] = (),
) -> DeviceState:
    """What a device of ``platform_name`` serves, its recordings read from ``cli_corpus``."""
    platform = platform_named(platform_name)
    return DeviceState(
        platform=platform,
        recordings=load_recordings(cli_corpus / platform.name, chosen),
        username=username,
        password=password,
        host_keys=host_keys,
        client_keys=tuple(client_keys),
        stall_on=frozenset(normalise_command(c) for c in stall_on),
    )


def start_device(
    cli_corpus: Path,
    platform: str,
    *,
    username: str = "netops",
    password: str = "rahasia-uji",  # noqa: S107 - a test device's password
    host: str = LOOPBACK,
    chosen: Mapping[str, str] | None = None,
    client_keys: Iterable[asyncssh.SSHKey] = (),
    stall_on: Iterable[str] = (),
) -> ReplayDevice:
    """Start one replaying device of ``platform`` (a folder of ``cli_corpus``) on a free port.

    ``client_keys``: public keys also accepted for the user; ``stall_on``: commands after
    whose echo the device sends nothing more. Call ``stop()`` when done.
    """
    state = device_state(
        cli_corpus,
        platform,
        username=username,
        password=password,
        host_keys=HostKeys.generate(),
        chosen=chosen,
        client_keys=client_keys,
        stall_on=stall_on,
    )
    loop = EventLoopThread(f"replay-{platform}")
    try:
        acceptor = loop.run(listen(state, host, 0))
    except BaseException:
        loop.close()
        raise
    return ReplayDevice(loop, state, (host, acceptor.get_port()), acceptor, owns_loop=True)


@dataclass
class ReplayFleet:
    """Many devices served by one event loop; ``stop()`` ends them all."""

    devices: tuple[ReplayDevice, ...]
    _loop: EventLoopThread = field(repr=False)

    def stop(self) -> None:
        """Stop every device, then the loop thread."""
        try:
            for device in self.devices:
                device.stop()
        finally:
            self._loop.close()


async def listen_all(states: list[DeviceState], host: str) -> list[asyncssh.SSHAcceptor]:
    """Listen for every device on its own free port (chosen by the kernel)."""
    return [await listen(state, host, 0) for state in states]


def start_many(
    cli_corpus: Path,
    n: int,
    platform: str,
    *,
    username: str = "netops",
    password: str = "rahasia-uji",  # noqa: S107 - a test device's password
    host: str = LOOPBACK,
) -> ReplayFleet:
    """Start ``n`` devices of one platform on ``n`` free ports, for benchmarks.

    The devices of a fleet share one pair of host keys (generating 2 x n keys would dominate
    start-up); each keeps its own counters.
    """
    first = device_state(
        cli_corpus, platform, username=username, password=password, host_keys=HostKeys.generate()
    )
    states = [first] + [replace(first, connections=set()) for _ in range(n - 1)]
    loop = EventLoopThread(f"replay-fleet-{platform}")
    try:
        listening = loop.run(listen_all(states, host), START_TIMEOUT_S + n * 0.1)
    except BaseException:
        loop.close()
        raise
    devices = tuple(
        ReplayDevice(loop, state, (host, acceptor.get_port()), acceptor, owns_loop=False)
        for state, acceptor in zip(states, listening, strict=True)
    )
    return ReplayFleet(devices, loop)
