"""Agentless Linux: the agent's inventory sections, read over SSH with paramiko exec_command.

The agent's probes read sysfs and /proc through ``Host.path`` (local files), so they cannot
simply run remotely. What is shared is the agent's *command runner* abstraction
(``CommandRunner.run(argv) -> CommandResult``) and its pure parse functions: here a
paramiko-backed runner executes a fixed list of read-only commands (cat of the same files,
dpkg/rpm, lsblk, ip, apt-get -s, smartctl) and the agent's parsers (os-release, dpkg status,
rpm query, cpuinfo, meminfo, apt simulation, smartctl JSON) read their outputs. The
collection functions take any CommandRunner, so tests can feed recorded outputs.

Privileged reads (dmidecode, smartctl) run directly as root, else through ``sudo -n`` (never
a password prompt); refused, they only cost their fields.
"""

from __future__ import annotations

import base64
import logging
import shlex
from collections.abc import Callable, Sequence
from typing import Any

import paramiko
from paramiko import PKey

from agent.junk import clean_text, clean_uuid, identity_mac
from agent.probes.linux.apt import APT_SIMULATE, parse_apt_get_simulation
from agent.probes.linux.dpkg import STATUS_FILE, parse_dpkg_status
from agent.probes.linux.hardware import parse_cpuinfo, parse_meminfo_total
from agent.probes.linux.operatingsystem import parse_boot_time, parse_os_release
from agent.probes.linux.packages import MAX_SOFTWARE, Software, Updates, summarise_updates
from agent.probes.linux.rpm import parse_rpm_query, rpm_query_argv
from agent.probes.smart_parse import decode_json, parse_scan, parse_smartctl_output
from agent.sources.commands import NOT_FOUND, TIMED_OUT, CommandResult, CommandRunner
from collector.adapters.ssh.credentials import SshCredential, disabled_algorithms
from collector.adapters.ssh.hostkeys import (
    Address,
    HostKey,
    HostKeyCheck,
    key_of,
    known_hosts_name,
)
from collector.adapters.ssh.linux_outputs import (
    LSBLK_COLUMNS,
    parse_ip_addr,
    parse_lsblk,
    parse_name_values,
    parse_proc_uptime,
    parse_uname,
)
from collector.adapters.ssh.observe import Where, source_block
from collector.adapters.ssh.session import SshAuthError, SshUnreachableError
from schemas.hashing import section_hash

log = logging.getLogger(__name__)

PROFILE_ID = "linux_agentless"
MAX_SMART_DEVICES = 16
DMI_SCRIPT = (
    "for f in sys_vendor product_name product_serial product_uuid board_serial; do "
    'printf "%s=" "$f"; cat "/sys/class/dmi/id/$f" 2>/dev/null || echo; done'
)
DMIDECODE_KEYS = {
    "Manufacturer": "vendor",
    "Product Name": "model",
    "Serial Number": "serial",
    "UUID": "uuid",
}
Sections = dict[str, Any]


def read(runner: CommandRunner, argv: Sequence[str], timeout: float = 30.0) -> str | None:
    """A command's stdout, None when it failed (not installed, refused, timed out)."""
    result = runner.run(argv, timeout=timeout)
    return result.stdout if result.ok else None


def privileged(runner: CommandRunner) -> tuple[str, ...]:
    """The prefix for root-only commands: none as root, else ``sudo -n`` (no prompt)."""
    return () if (read(runner, ("id", "-u")) or "").strip() == "0" else ("sudo", "-n")


def operatingsystem(runner: CommandRunner) -> Sections:
    """The operatingsystem section from os-release, uname and /proc/stat's boot time."""
    release = parse_os_release(read(runner, ("cat", "/etc/os-release")) or "")
    uname = parse_uname(read(runner, ("uname", "-nrm")) or "")
    booted = parse_boot_time(read(runner, ("cat", "/proc/stat")) or "")
    reboot = runner.run(("test", "-e", "/run/reboot-required")).ok
    return {
        "family": "linux",
        "name": clean_text(release.get("NAME")) or "Linux",
        "id": clean_text(release.get("ID")),
        "version": clean_text(release.get("VERSION_ID")),
        "build": clean_text(release.get("BUILD_ID")),
        "edition": clean_text(release.get("VARIANT")),
        "kernel": uname["kernel"],
        "arch": uname["arch"],
        "install_date": None,
        "last_boot": booted.isoformat(timespec="seconds") if booted else None,
        "pending_reboot": reboot,
        "pending_reboot_reasons": ["reboot-required: flag set"] if reboot else [],
        "timezone": None,
    }


def parse_dmidecode_system(text: str) -> dict[str, str | None]:
    """Vendor, model, serial, UUID from ``dmidecode -t system`` ("\\tSerial Number: X")."""
    found: dict[str, str | None] = {}
    for line in text.splitlines():
        key, sep, value = line.strip().partition(":")
        if sep and key in DMIDECODE_KEYS:
            found[DMIDECODE_KEYS[key]] = clean_text(value)
    return found


def hardware(runner: CommandRunner, sudo: tuple[str, ...]) -> Sections:
    """The hardware section: DMI files (serials are root-only), dmidecode where permitted."""
    dmi = parse_name_values(read(runner, ("sh", "-c", DMI_SCRIPT)) or "")
    decoded = parse_dmidecode_system(read(runner, (*sudo, "dmidecode", "-t", "system")) or "")
    return {
        "vendor": decoded.get("vendor") or clean_text(dmi.get("sys_vendor")),
        "model": decoded.get("model") or clean_text(dmi.get("product_name")),
        "serial": decoded.get("serial") or clean_text(dmi.get("product_serial")),
        "uuid": clean_uuid(decoded.get("uuid") or dmi.get("product_uuid")),
        "board_serial": clean_text(dmi.get("board_serial")),
        "memory_total_bytes": parse_meminfo_total(read(runner, ("cat", "/proc/meminfo")) or ""),
    }


def softwares(runner: CommandRunner) -> list[Software] | None:
    """dpkg's status file, else rpm's database; None when the host has neither."""
    status = read(runner, ("cat", STATUS_FILE), timeout=60)
    if status is not None:
        return parse_dpkg_status(status)
    rpm = read(runner, rpm_query_argv(), timeout=120)
    return parse_rpm_query(rpm)[:MAX_SOFTWARE] if rpm is not None else None


def updates(runner: CommandRunner) -> Updates | None:
    """Pending apt updates as the host's lists know them (nothing is refreshed)."""
    simulated = read(runner, APT_SIMULATE, timeout=120)
    if simulated is None:
        return None
    return summarise_updates("apt", parse_apt_get_simulation(simulated), None)


def disk_health(runner: CommandRunner, sudo: tuple[str, ...]) -> list[dict[str, Any]] | None:
    """smartctl's verdict per disk it can open; None when smartctl is absent or refused."""
    scan = decode_json(read(runner, (*sudo, "smartctl", "--json", "--scan-open")) or "")
    if scan is None:
        return None
    blocks = []
    for device, device_type in parse_scan(scan)[:MAX_SMART_DEVICES]:
        argv = (*sudo, "smartctl", "--json", "-x", "-d", device_type, device)
        result = runner.run(argv, timeout=20)
        blocks.append(
            parse_smartctl_output(
                result.stdout,
                result.returncode,
                device=device,
                device_type=device_type,
                stderr=result.stderr,
            )
        )
    return blocks


def collect_linux(runner: CommandRunner) -> Sections:
    """Every section this path fills, keyed by section name ('identity' included); a section
    whose command failed is absent."""
    sudo = privileged(runner)
    sections: Sections = {
        "operatingsystem": operatingsystem(runner),
        "hardware": hardware(runner, sudo),
        "cpus": parse_cpuinfo(read(runner, ("cat", "/proc/cpuinfo")) or "")[:256],
        "storages": parse_lsblk(
            read(runner, ("lsblk", "-J", "-b", "-d", "-o", LSBLK_COLUMNS)) or ""
        ),
        "networks": parse_ip_addr(read(runner, ("ip", "-j", "addr")) or ""),
        "softwares": softwares(runner),
        "updates": updates(runner),
        "disk_health": disk_health(runner, sudo),
        "status": {
            "uptime_seconds": parse_proc_uptime(read(runner, ("cat", "/proc/uptime")) or "")
        },
    }
    sections["identity"] = linux_identity(runner, sections)
    return {name: value for name, value in sections.items() if value is not None}


def linux_identity(runner: CommandRunner, sections: Sections) -> Sections:
    """Hostname, machine-id, DMI UUID and serial, and the MACs of the interfaces."""
    hardware_facts = sections.get("hardware") or {}
    macs = [identity_mac(n.get("mac")) for n in sections.get("networks") or []]
    identity = {
        "hostname": parse_uname(read(runner, ("uname", "-nrm")) or "")["hostname"],
        "machine_id": clean_text(read(runner, ("cat", "/etc/machine-id"))),
        "system_uuid": hardware_facts.get("uuid"),
        "system_serial": hardware_facts.get("serial"),
        "mac_addresses": sorted({mac for mac in macs if mac}),
    }
    return {key: value for key, value in identity.items() if value}


def linux_document(sections: Sections, host_key: str | None, where: Where) -> dict[str, Any]:
    """The observation document of an agentless Linux host (source kind "ssh")."""
    body = dict(sections)
    identity = body.pop("identity", {})
    facts = body.get("hardware", {})
    body["device"] = {
        "kind": "server",
        "vendor": facts.get("vendor"),
        "model": facts.get("model"),
        "serial": facts.get("serial"),
        "os": (body.get("operatingsystem") or {}).get("name"),
        "profile": PROFILE_ID,
        "ssh_host_key": host_key,
    }
    sections_sorted = dict(sorted(body.items()))
    source = source_block(where, [], [])
    source["section_hashes"] = {n: section_hash(v) for n, v in sections_sorted.items()}
    return {"schema_version": 1, "source": source, "identity": identity, **sections_sorted}


class ParamikoRunner:
    """The agent's CommandRunner over an SSH connection: argv quoted for the remote shell,
    C locale, 127 for "not installed" (the shell's own code), 124 for a timeout."""

    def __init__(self, client: paramiko.SSHClient) -> None:
        self._client = client

    def run(self, argv: Sequence[str], timeout: float = 30.0) -> CommandResult:
        command = "LC_ALL=C LANG=C " + shlex.join(argv)
        try:
            _, stdout, stderr = self._client.exec_command(command, timeout=timeout)
            out = stdout.read().decode("utf-8", "replace")
            err = stderr.read().decode("utf-8", "replace")
            code = stdout.channel.recv_exit_status()
        except TimeoutError:
            return CommandResult(TIMED_OUT, "", f"{argv[0]}: timed out after {timeout:g} s")
        except paramiko.SSHException as exc:
            return CommandResult(NOT_FOUND, "", f"{argv[0]}: {exc}")
        return CommandResult(code, out, err)


def trust(client: paramiko.SSHClient, check: HostKeyCheck) -> None:
    """Make the client accept only the check's keys (paramiko refuses another key before
    authentication); on first contact, any key (the poller pins it afterwards)."""
    if not check.keys:
        client.set_missing_host_key_policy(paramiko.AutoAddPolicy())  # in memory only
        return
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    name = known_hosts_name(check.address)
    for key in check.keys:
        blob = base64.b64decode(key.public or "")
        client.get_host_keys().add(name, key.key_type, PKey.from_type_string(key.key_type, blob))


def open_client(
    address: Address, credential: SshCredential, check: HostKeyCheck, timeout: float
) -> paramiko.SSHClient:
    """A logged-in paramiko client; HostKeyChangedError, SshAuthError or SshUnreachableError."""
    client = paramiko.SSHClient()
    trust(client, check)
    where = f"{address[0]}:{address[1]}"
    try:
        client.connect(
            address[0], address[1], username=credential.username, password=credential.password,
            key_filename=str(credential.key_file) if credential.key_file else None,
            passphrase=credential.passphrase, timeout=timeout, banner_timeout=timeout,
            auth_timeout=timeout, allow_agent=False, look_for_keys=False,
            disabled_algorithms=disabled_algorithms(credential),
        )  # fmt: skip
    except paramiko.BadHostKeyException as exc:
        client.close()
        raise check.refused(key_of(exc.key)) from exc
    except paramiko.AuthenticationException as exc:
        client.close()
        raise SshAuthError(f"{where}: kredensial {credential.label} ditolak") from exc
    except (paramiko.SSHException, OSError, EOFError) as exc:
        client.close()
        raise SshUnreachableError(f"{where}: sesi SSH gagal: {type(exc).__name__}: {exc}") from exc
    return client


def observe_linux_blocking(
    address: Address,
    credential: SshCredential,
    check: HostKeyCheck,
    where: Where,
    *,
    timeout: float = 15.0,
    collect: Callable[[CommandRunner], Sections] = collect_linux,
) -> tuple[dict[str, Any], HostKey]:
    """Log in (the host key enforced by ``check``), collect every section, log out; the
    document and the host key the session saw (blocking)."""
    client = open_client(address, credential, check, timeout)
    try:
        transport = client.get_transport()
        if transport is None:
            raise SshUnreachableError(f"{address[0]}:{address[1]}: sesi SSH terputus")
        host_key = key_of(transport.get_remote_server_key())
        sections = collect(ParamikoRunner(client))
    finally:
        client.close()
    return linux_document(sections, host_key.fingerprint, where), host_key
