"""What kind of device answers at an address: netmiko's SSHDetect, run once at onboarding.

SSHDetect logs in with a plain terminal session and sends the commands of its own table
(``show version``, ``display version``, ``uname -a``...) until an output matches with full
confidence; each command costs about seven seconds of waiting for output to end, so a device
is detected once and the result remembered (DeviceTypeMemory), never on every poll. The
session's host key is checked against the one just pinned before any command is sent.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import paramiko
from netmiko import SSHDetect
from netmiko.exceptions import (
    NetmikoAuthenticationException,
    NetmikoTimeoutException,
    ReadException,
    ReadTimeout,
)

from collector.adapters.site_address_file import SiteAddressFile
from collector.adapters.ssh.credentials import SshCredential, disabled_algorithms
from collector.adapters.ssh.hostkeys import Address
from collector.adapters.ssh.session import (
    SessionKeyMismatchError,
    SshAuthError,
    SshSessionError,
    SshUnreachableError,
    disconnect,
    session_fingerprint,
)

DETECT_TIMEOUT = 15.0  # seconds to connect and log in
# SSHDetect's answer -> the device type our profiles know it by (IOS-XE speaks IOS's commands).
DETECTED_ALIASES = {"cisco_xe": "cisco_ios"}


def detection_parameters(address: Address, credential: SshCredential) -> dict[str, Any]:
    """SSHDetect's keyword arguments (secrets included: never log them)."""
    keyed = credential.key_file is not None
    return {
        "device_type": "autodetect",
        "host": address[0],
        "port": address[1],
        "username": credential.username,
        "password": credential.password or "",
        "use_keys": keyed,
        "key_file": str(credential.key_file) if keyed else None,
        "passphrase": credential.passphrase,
        "allow_agent": False,
        "ssh_strict": False,  # pinned by hostkeys.py, re-checked below
        "system_host_keys": False,
        "disabled_algorithms": disabled_algorithms(credential),
        "conn_timeout": DETECT_TIMEOUT,
        "auth_timeout": DETECT_TIMEOUT,
        "banner_timeout": DETECT_TIMEOUT,
    }


def detect_device_type(
    address: Address, credential: SshCredential, expected_key: str | None
) -> str | None:
    """netmiko's device_type for the device (aliases applied), None when nothing matched
    (blocking: run it in a thread). Raises SshAuthError for a refused credential, the other
    SshSessionError subclasses when the session fails."""
    where = f"{address[0]}:{address[1]}"
    try:
        detector = SSHDetect(**detection_parameters(address, credential))
    except NetmikoAuthenticationException as exc:
        raise SshAuthError(f"{where}: kredensial {credential.label} ditolak") from exc
    except NetmikoTimeoutException as exc:
        raise SshUnreachableError(f"{where}: tidak menjawab dalam batas waktu") from exc
    except (paramiko.SSHException, OSError, EOFError, ReadTimeout, ReadException) as exc:
        raise SshUnreachableError(f"{where}: sesi SSH gagal: {type(exc).__name__}") from exc
    seen = session_fingerprint(detector.connection)
    if expected_key is not None and seen != expected_key:
        disconnect(detector.connection)
        raise SessionKeyMismatchError(f"{where}: kunci host sesi ({seen}) bukan yang diperiksa")
    try:
        found = detector.autodetect()
    except (OSError, EOFError, ReadTimeout, ReadException) as exc:
        disconnect(detector.connection)
        raise SshSessionError(f"{where}: deteksi jenis perangkat terputus") from exc
    return DETECTED_ALIASES.get(found, found) if found else None


class DeviceTypeMemory:
    """Site and address -> the device type found at onboarding, in a small JSON file beside the
    credential memory and host-key pins (None: memory only). The poller is its only writer."""

    def __init__(self, path: Path | None) -> None:
        self._known = SiteAddressFile(path)

    def get(self, site: str, address: Address) -> str | None:
        """The stored device type, None when the device was never detected."""
        return self._known.get(site, address)

    def put(self, site: str, address: Address, device_type: str) -> None:
        """Remember a detected type and write the file at once (detection is costly)."""
        self._known.put(site, address, device_type)
        self._known.save()
