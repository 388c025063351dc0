"""Debian's OpenSSH server on 127.0.0.1 as a real agentless-Linux peer, free of pytest.

``start_sshd`` runs ``sshd -D -e -f CONF`` on a free port with host keys, a client Ed25519 key
and ``authorized_keys`` of its own in a temporary folder; only that key logs in, as the current
user (root included: ``PermitRootLogin prohibit-password``). ``stop()`` ends it by pid and
removes the folder.
"""

from __future__ import annotations

import getpass
import os
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.peer_processes import log_tail, stop_process

LOOPBACK = "127.0.0.1"
READY_TIMEOUT_S = 20.0
PROBE_TIMEOUT_S = 1.0
SSH_BANNER = b"SSH-2.0-"
# Compiled into Debian's sshd: as root it refuses to start without this (empty) directory,
# which the openssh-server service would create at boot (absent in containers).
PRIVSEP_DIR = Path("/run/sshd")


def free_tcp_port(host: str = LOOPBACK) -> int:
    """A TCP port on ``host`` that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def sshd_config(folder: Path, port: int, user: str, host: str = LOOPBACK) -> str:
    """An sshd_config that lets only ``user`` in, with the key in ``folder/authorized_keys``."""
    return "\n".join(
        [
            f"ListenAddress {host}",
            f"Port {port}",
            f"HostKey {folder / 'ssh_host_ed25519_key'}",
            f"HostKey {folder / 'ssh_host_rsa_key'}",
            f"PidFile {folder / 'sshd.pid'}",
            f"AuthorizedKeysFile {folder / 'authorized_keys'}",
            f"AllowUsers {user}",
            "PubkeyAuthentication yes",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "PermitRootLogin prohibit-password",
            "UsePAM no",
            "StrictModes no",
            "PrintMotd no",
            "X11Forwarding no",
            "LogLevel VERBOSE",
            "",
        ]
    )


def generate_key(ssh_keygen: str, path: Path, key_type: str) -> None:
    """A private key at ``path`` (and ``path.pub``) without passphrase."""
    subprocess.run(
        [ssh_keygen, "-q", "-t", key_type, "-N", "", "-C", "asetik-test", "-f", str(path)],
        check=True,
        capture_output=True,
    )


def ssh_banner(host: str, port: int) -> bytes:
    """The first bytes a server sends on connect (b'' when nothing answers)."""
    try:
        with socket.create_connection((host, port), timeout=PROBE_TIMEOUT_S) as client:
            return client.recv(64)
    except OSError:
        return b""


def wait_for_banner(process: subprocess.Popen[bytes], address: tuple[str, int], log: Path) -> None:
    """Return once sshd greets with its SSH banner; RuntimeError with its log otherwise."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"sshd berhenti dengan kode {process.returncode}:\n{log_tail(log)}")
        if ssh_banner(*address).startswith(SSH_BANNER):
            return
        time.sleep(0.05)
    raise RuntimeError(f"sshd tidak menjawab dalam {READY_TIMEOUT_S:.0f} s:\n{log_tail(log)}")


@dataclass
class SshdPeer:
    """A running sshd: where it listens, who may log in with which key, its host key."""

    host: str
    port: int
    user: str
    client_key_path: Path
    host_public_key: str  # "ssh-ed25519 AAAA..." as in known_hosts
    log_path: Path
    process: subprocess.Popen[bytes] = field(repr=False)
    workdir: tempfile.TemporaryDirectory[str] = field(repr=False)

    @property
    def pid(self) -> int:
        """The sshd listener's process id."""
        return self.process.pid

    def known_hosts_line(self) -> str:
        """The known_hosts entry for this server (``[127.0.0.1]:port ssh-ed25519 ...``)."""
        return f"[{self.host}]:{self.port} {self.host_public_key}"

    def stop(self) -> None:
        """Stop sshd by pid and remove its folder (keys, config, log)."""
        try:
            stop_process(self.process)
        finally:
            self.workdir.cleanup()


def prepare_folder(folder: Path, ssh_keygen: str) -> None:
    """Host keys, the client key and authorized_keys for it, in ``folder``."""
    generate_key(ssh_keygen, folder / "ssh_host_ed25519_key", "ed25519")
    generate_key(ssh_keygen, folder / "ssh_host_rsa_key", "rsa")
    generate_key(ssh_keygen, folder / "client_ed25519", "ed25519")
    client_public = (folder / "client_ed25519.pub").read_text()
    (folder / "authorized_keys").write_text(client_public)


def ensure_privsep_dir() -> None:
    """Create sshd's privilege-separation directory when running as root and it is missing."""
    if os.geteuid() == 0 and not PRIVSEP_DIR.is_dir():
        PRIVSEP_DIR.mkdir(mode=0o755, parents=True, exist_ok=True)


def start_sshd(sshd: str, ssh_keygen: str, host: str = LOOPBACK) -> SshdPeer:
    """Start ``sshd`` (path) on ``host``:free port for the current user; wait until it greets."""
    workdir = tempfile.TemporaryDirectory(prefix="asetik-sshd-")
    folder = Path(workdir.name)
    try:
        prepare_folder(folder, ssh_keygen)
        ensure_privsep_dir()
        port, user = free_tcp_port(host), getpass.getuser()
        config = folder / "sshd_config"
        config.write_text(sshd_config(folder, port, user, host))
        log = folder / "sshd.log"
        with log.open("wb") as log_file:
            process = subprocess.Popen(
                [sshd, "-D", "-e", "-f", str(config)],
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
    except BaseException:
        workdir.cleanup()
        raise
    peer = SshdPeer(
        host=host,
        port=port,
        user=user,
        client_key_path=folder / "client_ed25519",
        host_public_key=" ".join((folder / "ssh_host_ed25519_key.pub").read_text().split()[:2]),
        log_path=log,
        process=process,
        workdir=workdir,
    )
    try:
        wait_for_banner(process, (host, port), log)
    except BaseException:
        peer.stop()
        raise
    return peer
