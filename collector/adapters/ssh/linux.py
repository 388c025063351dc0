"""Agentless Linux: the agent's own Linux probes, run over a snapshot of the remote host.

One SSH connection, one exec channel: a shell script (remote_script.py) reads every file the
agent's probes read (os-release, DMI, /proc, sysfs, dpkg's status, modification times of
dpkg's file lists and apt's lists) and runs the few commands they need (dmidecode, smartctl,
rpm, ``ip``, ``findmnt``, ``who``, ``lsblk``). Written under a temporary root, the snapshot is a
``Host`` to the agent (snapshot_host.py): its probes and its document builder run unchanged,
so this path fills the agent's sections the agent's way (only ``storages`` comes from
``lsblk``: the agent follows sysfs links and udev's database, which a snapshot cannot hold).

Pending updates are the agent's too, with the agent's cache: kept per host in the collector's
data folder and reused while the remote package database and lists are unchanged (their
modification times are in the snapshot), so ``apt-get -s dist-upgrade`` (seconds of CPU on
the host) runs over a second channel only when something changed.

Privileged reads (dmidecode, smartctl, the DMI serial files) run directly as root, else
through ``sudo -n`` (never a password prompt); refused, they only cost their fields, with a
note in ``source.errors``.
"""

from __future__ import annotations

import base64
import logging
import re
import select
import shlex
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import paramiko
from paramiko import PKey

from agent.document import Collected
from agent.inventory import Probe, collect_sections
from agent.probes.common import common_probes
from agent.probes.linux import linux_probes
from agent.probes.linux.dpkg import INFO_DIR, STATUS_FILE, list_file_names
from agent.probes.linux.packages import utc_date
from agent.probes.linux.rpm import rpm_query_argv
from agent.probes.linux.software import RPM_DB_DIRS
from agent.probes.linux.updates import APT_LISTS, APT_SUCCESS_STAMP, UPDATE_INPUTS
from agent.probes.smart import SCAN_ARGV, device_argv
from agent.sources.commands import NOT_FOUND, TIMED_OUT, CommandResult, CommandRunner
from agent.sources.host import Host
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
    interface_readings,
    kernel_installed_after_boot,
    mount_partitions,
    parse_lsblk,
    user_sessions,
)
from collector.adapters.ssh.observe import Where, source_block
from collector.adapters.ssh.remote_script import (
    RemoteOutputError,
    RemotePlan,
    Snapshot,
    build_script,
    new_marker,
    parse_output,
)
from collector.adapters.ssh.session import SshAuthError, SshUnreachableError, connect_tcp
from collector.adapters.ssh.snapshot_host import (
    RemoteStats,
    SnapshotRunner,
    boot_time,
    net_speeds,
    write_snapshot,
)
from schemas.hashing import section_hash

log = logging.getLogger(__name__)

PROFILE_ID = "linux_agentless"
MAX_OUTPUT = 128 * 1024 * 1024  # the script's output; a dpkg status file is a few MiB
MAX_SMART_DEVICES = 64
LSBLK_ARGV = ("lsblk", "-J", "-b", "-d", "-o", LSBLK_COLUMNS)
MEMORY_ARGV = ("dmidecode", "-t", "17")
DMI = "/sys/class/dmi/id/"
SUPPLY = "/sys/class/power_supply/*/"
_BATTERY_FILES = (
    "type", "scope", "manufacturer", "model_name", "serial_number", "technology",
    "energy_full_design", "energy_full", "charge_full_design", "charge_full",
    "voltage_min_design", "cycle_count",
)  # fmt: skip
# Commands the probes run, as the script runs them (name, shell), and the argv they answer.
_COMMANDS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("uname_m", "uname -m", ("uname", "-m")),
    ("lsblk", shlex.join(LSBLK_ARGV), LSBLK_ARGV),
    ("memory", f"$T $P {shlex.join(MEMORY_ARGV)}", MEMORY_ARGV),
    ("smart_scan", f"$T $P {shlex.join(SCAN_ARGV)}", SCAN_ARGV),
    ("rpm", "if [ -d /var/lib/rpm ] || [ -d /usr/lib/sysimage/rpm ]; then "
            f"$T {shlex.join(rpm_query_argv())}; else exit 127; fi", rpm_query_argv()),
)  # fmt: skip
# Readings for RemoteStats and checks of our own (name, shell).
_READINGS = (
    ("ip_addr", "ip -j addr"),
    ("findmnt", "findmnt -J -l -b -o SOURCE,TARGET,FSTYPE,SIZE,USED,AVAIL"),
    ("who", "who"),
    ("utc_offset", "date +%z"),
    ("boot_images", "stat -c '%Z %n' /boot/vmlinuz-*"),
)
# Each disk smartctl can open, read as the agent's smart probe would ("smart DEVICE TYPE").
_SMART_DEVICES = (
    f"$P smartctl --scan-open 2>/dev/null | sed -n '1,{MAX_SMART_DEVICES}p' |",
    "while read -r d x t rest; do",
    '  if [ "$x" = -d ]; then run "smart $d $t" \'$T $P smartctl --json -x -d "$t" "$d"\'; fi',
    "done",
)


def linux_plan() -> RemotePlan:
    """What the agent's Linux probes read, as one remote script reads it."""
    return RemotePlan(
        files=(
            "/etc/os-release", "/etc/debian_version", "/etc/hostname", "/etc/hosts",
            "/etc/machine-id", "/var/lib/dbus/machine-id", "/etc/timezone",
            "/proc/sys/kernel/hostname", "/proc/sys/kernel/osrelease", "/proc/sys/kernel/arch",
            "/proc/stat", "/proc/uptime", "/proc/cpuinfo", "/proc/meminfo", "/proc/filesystems",
            "/run/reboot-required", "/var/run/reboot-required", "/run/reboot-required.pkgs",
            "/var/run/reboot-required.pkgs", "/sys/hypervisor/type",
            "/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq",
            *(DMI + name for name in ("sys_vendor", "product_name", "product_version",
              "chassis_type", "board_vendor", "board_name", "bios_vendor", "bios_version",
              "bios_date")),
            "/sys/class/net/*/type", "/sys/class/net/*/speed",
            *(SUPPLY + name for name in _BATTERY_FILES),
            STATUS_FILE,
        ),
        private_files=tuple(DMI + n for n in ("product_serial", "product_uuid", "board_serial")),
        dirs=("/sys/firmware/efi", "/sys/class/power_supply", "/sys/class/power_supply/*",
              "/sys/class/net/*/wireless", "/sys/class/net/*/bridge",
              "/sys/devices/virtual/net/*", *RPM_DB_DIRS),
        mtimes=(
            "/var/log/installer/syslog", "/var/log/installer", "/root/anaconda-ks.cfg",
            "/var/log/anaconda", "/etc/machine-id", f"{INFO_DIR}/*.list",
            APT_SUCCESS_STAMP, APT_LISTS, f"{APT_LISTS}/*", *UPDATE_INPUTS,
            "/var/cache/dnf/last_makecache", "/var/cache/dnf/*/repodata/repomd.xml",
            "/var/cache/yum/*/*/*/repomd.xml",
        ),
        links=("/etc/localtime",),
        commands=(*((name, shell) for name, shell, _ in _COMMANDS), *_READINGS),
        script=_SMART_DEVICES,
    )  # fmt: skip


def recorded_commands(snapshot: Snapshot) -> dict[tuple[str, ...], CommandResult]:
    """The script's command results keyed by the argv the agent's probes run."""
    recorded = {
        argv: snapshot.commands[name] for name, _, argv in _COMMANDS if name in snapshot.commands
    }
    for name, result in snapshot.commands.items():
        words = name.split(" ")
        if len(words) == 3 and words[0] == "smart":
            recorded[device_argv(words[1], words[2])] = result
    return recorded


def remote_stats(snapshot: Snapshot) -> RemoteStats:
    """The host's live readings (boot time, mounts, interfaces, sessions) from the snapshot."""

    def out(name: str) -> str:
        result = snapshot.commands.get(name)
        return result.stdout if result is not None and result.ok else ""

    return RemoteStats(
        boot=boot_time(snapshot),
        mounts=mount_partitions(out("findmnt"), snapshot.files.get("/proc/filesystems", "")),
        nics=interface_readings(out("ip_addr"), net_speeds(snapshot.files)),
        sessions=user_sessions(out("who"), out("utc_offset")),
    )


def storages(host: Host) -> list[dict[str, Any]] | None:
    """Disks from ``lsblk -J`` (None when lsblk failed)."""
    result = host.commands.run(LSBLK_ARGV)
    return parse_lsblk(result.stdout) if result.ok else None


def probes() -> dict[str, Probe]:
    """The agent's Linux and common probes, storages read with lsblk."""
    return {**common_probes(), **linux_probes(), "storages": storages}


def privilege_notes(snapshot: Snapshot) -> dict[str, str]:
    """Why a privileged read gave nothing (dmidecode refused or absent), per section."""
    memory = snapshot.commands.get("memory")
    if memory is None or memory.ok:
        return {}
    detail = (memory.stderr.strip().splitlines() or [f"kode keluar {memory.returncode}"])[0]
    if memory.returncode == NOT_FOUND:
        detail = "dmidecode tidak terpasang"
    return {"memories": f"dmidecode -t 17 tidak terbaca ({detail[:200]}); modul memori dilewati"}


def with_kernel_check(sections: dict[str, Any], snapshot: Snapshot) -> None:
    """Add the agent's "kernel installed after boot" reason, which needs /boot's ctimes."""
    system = sections.get("operatingsystem")
    boot_images = snapshot.commands.get("boot_images")
    if not isinstance(system, dict) or boot_images is None:
        return
    booted = boot_time(snapshot)
    if kernel_installed_after_boot(boot_images.stdout, system.get("kernel"), booted):
        reasons = [*system.get("pending_reboot_reasons", [])]
        reasons.append(f"kernel installed after boot (running {system.get('kernel')})")
        system["pending_reboot_reasons"], system["pending_reboot"] = reasons, True


def unpack_dates(softwares: list[dict[str, Any]], list_times: dict[str, int]) -> None:
    """Each dpkg package's install date as the agent gives it (the day its file list in
    INFO_DIR was last written), from the snapshot's modification times: writing one empty
    file per package to disk only to stat it again cost ~1 ms each (800 on this host)."""
    for item in softwares:
        if item.get("source") != "dpkg" or item.get("install_date"):
            continue
        for name in list_file_names(item):  # type: ignore[arg-type]
            if f"{INFO_DIR}/{name}" in list_times:
                item["install_date"] = utc_date(list_times[f"{INFO_DIR}/{name}"])
                break


def collect_linux(snapshot: Snapshot, live: CommandRunner, cache_dir: Path | None) -> Collected:
    """The agent's sections for the host the snapshot was read from ('identity' included).

    ``live`` runs what the script did not (the pending-updates query on a cache miss);
    ``cache_dir`` keeps the pending updates between polls (None: never cached).
    """
    list_times = {p: t for p, t in snapshot.mtimes.items() if p.startswith(f"{INFO_DIR}/")}
    kept = {path: time for path, time in snapshot.mtimes.items() if path not in list_times}
    written = replace(snapshot, mtimes=kept)
    with tempfile.TemporaryDirectory(prefix="asetik-snapshot-") as folder:
        root = Path(folder)
        write_snapshot(written, root)
        runner = SnapshotRunner(recorded_commands(snapshot), live)
        host = Host("linux", root, runner, remote_stats(snapshot), cache_dir=cache_dir)
        collected = collect_sections(host, probes())
    sections = dict(collected.sections)
    unpack_dates(sections.get("softwares") or [], list_times)
    with_kernel_check(sections, snapshot)
    errors = {**privilege_notes(snapshot), **collected.errors}
    return Collected(sections, errors, collected.duration_ms)


def linux_document(collected: Collected, host_key: str | None, where: Where) -> dict[str, Any]:
    """The observation document of an agentless Linux host (source kind "ssh")."""
    body = dict(collected.sections)
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
    sections = dict(sorted(body.items()))
    errors = [{"section": n, "message": m[:1024]} for n, m in sorted(collected.errors.items())]
    source = source_block(where, errors, [])
    source["duration_ms"] = collected.duration_ms
    source["section_hashes"] = {n: section_hash(v) for n, v in sections.items() if n != "status"}
    return {"schema_version": 1, "source": source, "identity": identity, **sections}


def read_all(
    channel: paramiko.Channel, timeout: float, limit: int = MAX_OUTPUT
) -> tuple[bytes, bytes]:
    """Everything a channel prints until the command exits, stdout and stderr read as they
    come (neither fills the window while the other is awaited). TimeoutError past
    ``timeout`` seconds, RemoteOutputError past ``limit`` bytes."""
    out, err = bytearray(), bytearray()
    deadline = time.monotonic() + timeout
    while True:
        while channel.recv_ready():
            out += channel.recv(65536)
        while channel.recv_stderr_ready():
            err += channel.recv_stderr(65536)
        if len(out) + len(err) > limit:
            raise RemoteOutputError(f"keluaran skrip melebihi {limit} bita")
        drained = not channel.recv_ready() and not channel.recv_stderr_ready()
        if drained and channel.exit_status_ready():
            return bytes(out), bytes(err)
        if time.monotonic() > deadline:
            raise TimeoutError(f"tidak selesai dalam {timeout:g} detik")
        select.select([channel], [], [], 0.02)


def run_script(client: paramiko.SSHClient, plan: RemotePlan, timeout: float) -> Snapshot:
    """Run the plan's script in one exec channel (``sh -s``, the script on its stdin)."""
    marker = new_marker()
    stdin, stdout, _ = client.exec_command("sh -s", timeout=timeout)
    stdin.write(build_script(plan, marker).encode())
    stdin.channel.shutdown_write()
    out, err = read_all(stdout.channel, timeout)
    snapshot = parse_output(out.decode("utf-8", "replace"), marker, plan)
    if not snapshot.complete:
        detail = err.decode("utf-8", "replace").strip()[-300:]
        raise SshUnreachableError(f"skrip inventaris berhenti sebelum selesai: {detail}")
    return snapshot


class ParamikoRunner:
    """The agent's CommandRunner over an SSH connection, one exec channel per command:
    argv quoted for the remote shell, C locale, 127 "not installed", 124 for a timeout."""

    def __init__(self, client: paramiko.SSHClient) -> None:
        self._client = client

    def run(self, argv: Sequence[str], timeout: float = 30.0) -> CommandResult:
        command = "LC_ALL=C LANG=C " + shlex.join(argv)
        try:
            _, stdout, _ = self._client.exec_command(command, timeout=timeout)
            out, err = read_all(stdout.channel, timeout)
            code = stdout.channel.recv_exit_status()
        except TimeoutError:
            return CommandResult(TIMED_OUT, "", f"{argv[0]}: timed out after {timeout:g} s")
        except (paramiko.SSHException, RemoteOutputError) as exc:
            return CommandResult(NOT_FOUND, "", f"{argv[0]}: {exc}")
        return CommandResult(code, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"))


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


def log_in(
    client: paramiko.SSHClient, address: Address, credential: SshCredential, timeout: float
) -> None:
    """Log the client in over our own TCP connection (both closed again when that fails)."""
    sock = connect_tcp(address, timeout)
    try:
        client.connect(
            address[0], address[1], username=credential.username, password=credential.password,
            key_filename=str(credential.key_file) if credential.key_file else None,
            passphrase=credential.passphrase, timeout=timeout, banner_timeout=timeout,
            auth_timeout=timeout, allow_agent=False, look_for_keys=False,
            disabled_algorithms=disabled_algorithms(credential), sock=sock,
        )  # fmt: skip
    except BaseException:
        client.close()
        sock.close()
        raise


def open_client(
    address: Address, credential: SshCredential, check: HostKeyCheck, timeout: float
) -> paramiko.SSHClient:
    """A logged-in paramiko client; HostKeyChangedError, SshAuthError or SshUnreachableError."""
    client = paramiko.SSHClient()
    trust(client, check)
    where = f"{address[0]}:{address[1]}"
    try:
        log_in(client, address, credential, timeout)
    except paramiko.BadHostKeyException as exc:
        raise check.refused(key_of(exc.key)) from exc
    except paramiko.AuthenticationException as exc:
        raise SshAuthError(f"{where}: kredensial {credential.label} ditolak") from exc
    except (paramiko.SSHException, EOFError) as exc:
        raise SshUnreachableError(f"{where}: sesi SSH gagal: {type(exc).__name__}: {exc}") from exc
    except OSError as exc:
        raise SshUnreachableError(f"{where}: tidak dapat dihubungi: {exc}") from exc
    return client


def _folder_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9.-]", "_", text)[:100] or "_"


def cache_folder(root: Path | None, where: Where) -> Path | None:
    """The folder keeping one host's cached results (per site and target), None without root."""
    if root is None:
        return None
    return root / _folder_name(where.site or "-") / _folder_name(where.target)


def observe_linux_blocking(
    address: Address,
    credential: SshCredential,
    check: HostKeyCheck,
    where: Where,
    *,
    timeout: float = 15.0,
    cache_root: Path | None = None,
    script_timeout: float = 120.0,
) -> tuple[dict[str, Any], HostKey]:
    """Log in (the host key enforced by ``check``), read the host in one script, collect the
    agent's sections, log out; the document and the host key the session saw (blocking)."""
    client = open_client(address, credential, check, timeout)
    try:
        transport = client.get_transport()
        if transport is None:
            raise SshUnreachableError(f"{address[0]}:{address[1]}: sesi SSH terputus")
        host_key = key_of(transport.get_remote_server_key())
        try:
            snapshot = run_script(client, linux_plan(), script_timeout)
        except (RemoteOutputError, paramiko.SSHException, OSError, EOFError) as exc:
            raise SshUnreachableError(f"{address[0]}:{address[1]}: {exc}") from exc
        collected = collect_linux(snapshot, ParamikoRunner(client), cache_folder(cache_root, where))
    finally:
        client.close()
    return linux_document(collected, host_key.fingerprint, where), host_key
