"""One netmiko session per device: log in, run the profile's commands, log out.

netmiko is synchronous: each session runs in a thread of the sessions' own pool (as many
threads as sessions may run at once: asyncio's default pool has only cpu count + 4, which
held 20 workers to 6 sessions) behind a lock per address (one session per device at a time).
Timeouts come from the profile: ``connect_timeout`` for TCP, banner and authentication,
``command_timeout`` for each command. A command that times out ends the session (a stalled
CLI answers nothing more); the commands not run are reported as failed, not as empty.

The host key is checked by the session's own key exchange (see hostkeys.py): with a pinned
key, paramiko is given it as the only known key and refuses any other before authentication.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
import socket
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

import paramiko
from netmiko.exceptions import (
    NetmikoAuthenticationException,
    NetmikoTimeoutException,
    ReadException,
    ReadTimeout,
)

from collector.adapters.ssh.credentials import SshCredential, disabled_algorithms
from collector.adapters.ssh.drivers import driver_class
from collector.adapters.ssh.hostkeys import Address, HostKey, HostKeyCheck, key_of
from collector.adapters.ssh.observe import SessionOutputs
from collector.adapters.ssh.profile import SshProfile

log = logging.getLogger(__name__)
T = TypeVar("T")
E = TypeVar("E", bound=BaseException)


class SshSessionError(RuntimeError):
    """The session could not be opened or used; the message says why (Indonesian)."""


class SshAuthError(SshSessionError):
    """The device refused the credential: the next one may work."""


class SshUnreachableError(SshSessionError):
    """Nothing usable answers at the address (closed port, timeout, key exchange failure)."""


class SessionKeyMismatchError(SshSessionError):
    """The session negotiated another host key than the one just checked: outputs refused."""


def connect_tcp(address: Address, timeout: float) -> socket.socket:
    """A TCP connection to the device with Nagle's algorithm off (OSError when refused).

    SSH's log-in is a dialogue of small messages; with Nagle on, a message waits for the
    peer's delayed acknowledgement of the one before (40 ms each on Linux): a key login to
    sshd on loopback took 70-85 ms with it and 21-25 ms without.
    """
    sock = socket.create_connection(address, timeout=timeout)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def connect_parameters(
    profile: SshProfile,
    address: Address,
    credential: SshCredential,
    known_hosts: str | None,
    sock: socket.socket | None = None,
) -> dict[str, Any]:
    """netmiko's connection keyword arguments (secrets included: never log them).

    ``known_hosts``: a file listing the only keys to accept (None: first contact, any key);
    ``sock``: the TCP connection to use (None: netmiko opens one).
    """
    keyed = credential.key_file is not None
    return {
        "sock": sock,
        "device_type": profile.device_type,
        "host": address[0],
        "port": address[1],
        "username": credential.username,
        "password": credential.password or "",
        "use_keys": keyed,
        "key_file": str(credential.key_file) if keyed else None,
        "passphrase": credential.passphrase,
        "allow_agent": False,
        "ssh_strict": known_hosts is not None,  # RejectPolicy: a key not listed is refused
        "system_host_keys": False,
        "alt_host_keys": known_hosts is not None,
        "alt_key_file": known_hosts or "",
        "disabled_algorithms": disabled_algorithms(credential),
        "conn_timeout": profile.connect_timeout,
        "auth_timeout": profile.connect_timeout,
        "banner_timeout": profile.connect_timeout,
        "timeout": profile.command_timeout,
        "fast_cli": True,  # netmiko's shorter waits: 216 -> ~700 IOS devices/min on the bench
    }


@contextmanager
def known_hosts_file(check: HostKeyCheck) -> Iterator[str | None]:
    """A temporary known_hosts file of the check's keys (None on first contact)."""
    if not check.keys:
        yield None
        return
    with tempfile.NamedTemporaryFile("w", prefix="asetik-", suffix=".known_hosts") as handle:
        handle.write(check.known_hosts())
        handle.flush()
        yield handle.name


def cause_of(exc: BaseException, kind: type[E]) -> E | None:
    """The first exception of ``kind`` in ``exc``'s chain (netmiko re-raises paramiko's and
    the socket's errors as its own, the original kept as the cause or context)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, kind):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def unreachable(where: str, exc: Exception) -> SshUnreachableError:
    """Why nothing usable answered, in words an operator reads."""
    refused = cause_of(exc, OSError)
    if refused is not None and not isinstance(refused, TimeoutError):
        return SshUnreachableError(f"{where}: tidak dapat dihubungi: {refused}")
    if isinstance(exc, NetmikoTimeoutException) or refused is not None:
        return SshUnreachableError(f"{where}: tidak menjawab dalam batas waktu")
    return SshUnreachableError(f"{where}: sesi SSH gagal: {type(exc).__name__}: {exc}")


def log_in(
    profile: SshProfile, address: Address, credential: SshCredential, check: HostKeyCheck
) -> Any:
    """netmiko's connection over our own TCP connection (closed again when log-in fails)."""
    driver = driver_class(profile.device_type)
    sock = connect_tcp(address, profile.connect_timeout)
    try:
        with known_hosts_file(check) as known_hosts:
            return driver(**connect_parameters(profile, address, credential, known_hosts, sock))
    except BaseException:
        sock.close()  # netmiko closes it with its transport: a second close does nothing
        raise


def open_connection(
    profile: SshProfile, address: Address, credential: SshCredential, check: HostKeyCheck
) -> Any:
    """A logged-in netmiko connection. HostKeyChangedError when the server proves another key
    than the check allows (before authentication); SshAuthError / SshUnreachableError."""
    where = f"{address[0]}:{address[1]}"
    try:
        return log_in(profile, address, credential, check)
    except NetmikoAuthenticationException as exc:
        raise SshAuthError(f"{where}: kredensial {credential.label} ditolak") from exc
    except (NetmikoTimeoutException, paramiko.SSHException, OSError, EOFError) as exc:
        bad_key = cause_of(exc, paramiko.BadHostKeyException)
        if bad_key is not None:
            raise check.refused(key_of(bad_key.key)) from exc
        raise unreachable(where, exc) from exc
    except (ReadTimeout, ReadException) as exc:
        raise unreachable(where, exc) from exc


def session_host_key(connection: Any) -> HostKey | None:
    """The host key of a netmiko connection's transport."""
    transport = connection.remote_conn.get_transport()
    return key_of(transport.get_remote_server_key()) if transport else None


def prompt_pattern(connection: Any) -> str:
    """The device's prompt, found once, as the pattern that ends each command's output.

    netmiko would otherwise look for the prompt again before every command (a round trip
    and ~80 ms of reads); the pattern is the one it would use (the whole prompt, escaped).
    """
    return re.escape(str(connection.find_prompt()).strip())


def run_commands(connection: Any, profile: SshProfile) -> tuple[dict[str, str], dict[str, str]]:
    """Each command's output, and a failure message for each command that got none."""
    outputs: dict[str, str] = {}
    failures: dict[str, str] = {}
    ends = prompt_pattern(connection)
    for spec in profile.commands:
        if failures:
            failures[spec.command] = "tidak dijalankan: sesi berhenti pada perintah sebelumnya"
            continue
        try:
            outputs[spec.command] = str(
                connection.send_command(
                    spec.command, expect_string=ends, read_timeout=profile.command_timeout
                )
            )
        except (ReadTimeout, ReadException, OSError, EOFError) as exc:
            log.info("%s: %r failed: %s", profile.id, spec.command, exc)
            failures[spec.command] = f"waktu habis atau sesi putus ({type(exc).__name__})"
    return outputs, failures


def disconnect(connection: Any) -> None:
    """Log out; a device that already hung up is no error."""
    try:
        connection.disconnect()
    except Exception:
        log.debug("disconnect failed", exc_info=True)


def poll_session(
    profile: SshProfile, address: Address, credential: SshCredential, check: HostKeyCheck
) -> SessionOutputs:
    """Log in (the host key enforced by ``check``), run the profile's commands and log out
    (blocking). Raises HostKeyChangedError and the SshSessionError subclasses."""
    connection = open_connection(profile, address, credential, check)
    try:
        seen = session_host_key(connection)
        if seen is None:
            raise SessionKeyMismatchError(f"{address[0]}:{address[1]}: sesi tanpa kunci host")
        if not check.accepts(seen):  # paramiko refuses it before this; checked once more
            raise check.refused(seen)
        outputs, failures = run_commands(connection, profile)
    finally:
        disconnect(connection)
    return SessionOutputs(outputs, failures, seen)


class SshSessions:
    """Runs blocking sessions in threads: at most ``concurrency`` at once, one per address."""

    def __init__(
        self,
        concurrency: int = 32,
        session: Callable[
            [SshProfile, Address, SshCredential, HostKeyCheck], SessionOutputs
        ] = poll_session,
    ) -> None:
        self._slots = asyncio.Semaphore(concurrency)
        self._locks: dict[Address, asyncio.Lock] = {}
        self._session = session
        self._threads = ThreadPoolExecutor(concurrency, thread_name_prefix="asetik-ssh")

    async def blocking(self, address: Address, call: Callable[..., T], *args: Any) -> T:
        """``call(*args)`` in a session thread, alone with the address and within the limit."""
        lock = self._locks.setdefault(address, asyncio.Lock())
        async with lock, self._slots:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._threads, functools.partial(call, *args))

    async def run(
        self, profile: SshProfile, address: Address, credential: SshCredential, check: HostKeyCheck
    ) -> SessionOutputs:
        """The outputs of one session with the device (see poll_session)."""
        return await self.blocking(address, self._session, profile, address, credential, check)
