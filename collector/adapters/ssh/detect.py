"""What kind of device answers at an address: netmiko's SSHDetect, run once at onboarding.

SSHDetect logs in with a plain terminal session and sends the commands of its own table
(``show version``, ``display version``, ``uname -a``...) until an output matches with full
confidence; each command costs about seven seconds of waiting for output to end, so a device
is detected once and the result remembered (DeviceTypeMemory), never on every poll. The
session's host key is enforced like every poll session's, before authentication.
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
from collector.adapters.ssh.credentials import SshCredential
from collector.adapters.ssh.hostkeys import Address, HostKeyCheck, key_of
from collector.adapters.ssh.profile import SshProfile
from collector.adapters.ssh.session import (
    SshAuthError,
    SshSessionError,
    cause_of,
    connect_parameters,
    disconnect,
    known_hosts_file,
    session_host_key,
    unreachable,
)

DETECT_TIMEOUT = 15.0  # seconds to connect and log in
# SSHDetect's answer -> the device type our profiles know it by (IOS-XE speaks IOS's commands).
DETECTED_ALIASES = {"cisco_xe": "cisco_ios"}
# A session's settings for SSHDetect: netmiko's autodetect type and the detection timeouts.
_DETECTION = SshProfile(
    id="autodetect",
    device_type="autodetect",
    template_platform="",
    kind="other",
    commands=(),
    connect_timeout=DETECT_TIMEOUT,
    command_timeout=DETECT_TIMEOUT,
)


def detection_parameters(
    address: Address, credential: SshCredential, known_hosts: str | None
) -> dict[str, Any]:
    """SSHDetect's keyword arguments: a session's, with netmiko's autodetect type and our
    detection timeouts (secrets included: never log them)."""
    parameters = connect_parameters(_DETECTION, address, credential, known_hosts)
    for key in ("sock", "fast_cli"):  # SSHDetect opens its own connection, at its own pace
        parameters.pop(key)
    return parameters


def detect_device_type(
    address: Address, credential: SshCredential, check: HostKeyCheck
) -> str | None:
    """netmiko's device_type for the device (aliases applied), None when nothing matched
    (blocking: run it in a thread). The host key is enforced as in every session
    (HostKeyChangedError before authentication); SshAuthError for a refused credential, the
    other SshSessionError subclasses when the session fails."""
    where = f"{address[0]}:{address[1]}"
    try:
        with known_hosts_file(check) as known_hosts:
            detector = SSHDetect(**detection_parameters(address, credential, known_hosts))
    except NetmikoAuthenticationException as exc:
        raise SshAuthError(f"{where}: kredensial {credential.label} ditolak") from exc
    except (NetmikoTimeoutException, paramiko.SSHException, OSError, EOFError) as exc:
        bad_key = cause_of(exc, paramiko.BadHostKeyException)
        if bad_key is not None:
            raise check.refused(key_of(bad_key.key)) from exc
        raise unreachable(where, exc) from exc
    except (ReadTimeout, ReadException) as exc:
        raise unreachable(where, exc) from exc
    seen = session_host_key(detector.connection)
    if seen is not None and not check.accepts(seen):  # refused before log-in; once more here
        disconnect(detector.connection)
        raise check.refused(seen)
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
