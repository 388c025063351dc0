"""Agentless Linux against Debian's sshd on loopback (key login, one script in one channel):
the agent's own sections come back equal to the agent's inventory of this very machine, the
package list complete, pending updates cached between polls; the script's output is checked
before anything is written; the parsers of the remote readings."""

from __future__ import annotations

import asyncio
import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from agent.inventory import collect_sections
from agent.sources.commands import CommandResult, RecordedCommandRunner
from agent.sources.host import live_host
from collector.adapters.ssh.credentials import SshCredential
from collector.adapters.ssh.linux import collect_linux, linux_plan
from collector.adapters.ssh.linux_outputs import (
    interface_readings,
    kernel_installed_after_boot,
    mount_partitions,
    parse_lsblk,
    user_sessions,
)
from collector.adapters.ssh.remote_script import (
    RemoteOutputError,
    RemotePlan,
    Snapshot,
    build_script,
    new_marker,
    parse_output,
)
from collector.adapters.ssh.snapshot_host import write_snapshot
from collector.bootstrap import build_ssh_poller
from collector.config import CollectorConfig
from collector.services.ssh_polling import AGENTLESS_LINUX, SshSite, SshTarget
from tests.peers import FIXTURES, dpkg_package_count, require_command
from tests.schema_check import schema_errors
from tests.sshd_peer import SshdPeer

# Sections that do not move between two inventories a few seconds apart (status does).
STABLE = ("operatingsystem", "hardware", "bios", "cpus", "memories", "storages", "disk_health",
          "volumes", "networks", "softwares", "updates", "users", "batteries")  # fmt: skip


def inventory(sshd_peer: SshdPeer, data_dir: Path) -> dict[str, Any]:
    """One agentless poll of this machine through the sshd peer; its document."""
    config = CollectorConfig("sqlite://", "127.0.0.1", 0, data_dir)
    ssh = build_ssh_poller(config, lambda: datetime.now(UTC))
    credential = SshCredential("kunci", sshd_peer.user, key_file=sshd_peer.client_key_path)
    target = SshTarget((sshd_peer.host, sshd_peer.port), AGENTLESS_LINUX)
    delivered: list[dict[str, Any]] = []

    async def deliver(document: dict[str, Any]) -> int:
        delivered.append(document)
        return 1

    [outcome] = asyncio.run(ssh.poll_site(SshSite("PUSDATIN", (target,), (credential,)), deliver))
    assert (outcome.result, outcome.message) == ("ok", None)
    return delivered[0]


def sessions_started(sshd_peer: SshdPeer) -> int:
    """Channels sshd has opened so far (its log says "Starting session" for each)."""
    return sshd_peer.log_path.read_text(errors="replace").count("Starting session:")


@pytest.mark.peer
@pytest.mark.slow
def test_agentless_inventory_is_the_agents_own_and_updates_are_cached(
    tmp_path: Path, sshd_peer: SshdPeer
) -> None:
    before = sessions_started(sshd_peer)
    document = inventory(sshd_peer, tmp_path)
    first = sessions_started(sshd_peer) - before
    local = collect_sections(live_host()).sections
    assert len(document["softwares"]) == dpkg_package_count() > 0
    for section in STABLE:
        assert document.get(section) == local.get(section), section
    assert document["identity"] == local["identity"]
    assert document["device"]["ssh_host_key"].startswith("SHA256:")
    assert schema_errors(document) == []
    assert first == 2  # the script, and apt-get -s dist-upgrade (nothing cached yet)
    pins = json.loads((tmp_path / "ssh-host-keys.json").read_text())
    assert list(pins.values()) == [sshd_peer.host_public_key]  # pinned whole on first contact

    before = sessions_started(sshd_peer)
    again = inventory(sshd_peer, tmp_path)
    assert sessions_started(sshd_peer) - before == 1  # the script alone: updates from cache
    assert again["updates"] == document["updates"]
    assert list((tmp_path / "ssh-linux-cache").rglob("updates.cache.json"))


def run_locally(plan: RemotePlan) -> tuple[str, str]:
    """The plan's script run by this machine's sh (what sshd would run); output, marker."""
    marker = new_marker()
    done = subprocess.run(
        [require_command("sh"), "-s"], input=build_script(plan, marker), capture_output=True,
        text=True, check=True, timeout=60,
    )  # fmt: skip
    return done.stdout, marker


def test_script_reads_files_times_links_and_commands(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("satu\nMARKER? no\n")
    (tmp_path / "b").mkdir()
    (tmp_path / "link").symlink_to("/usr/share/zoneinfo/Asia/Jakarta")
    base = str(tmp_path)
    plan = RemotePlan(
        files=(f"{base}/a.txt", f"{base}/missing"), dirs=(f"{base}/*",),
        mtimes=(f"{base}/a.txt",), links=(f"{base}/link",),
        commands=(("ok", "printf 'x\\ny'"), ("fails", "echo oops >&2; exit 3")),
        script=("run 'late one' 'echo late'",),
    )  # fmt: skip
    output, marker = run_locally(plan)
    snapshot = parse_output(output, marker, plan)
    assert snapshot.complete
    assert snapshot.files == {f"{base}/a.txt": "satu\nMARKER? no\n"}
    assert snapshot.dirs == {f"{base}/b"}
    assert snapshot.mtimes == {f"{base}/a.txt": int((tmp_path / "a.txt").stat().st_mtime)}
    assert snapshot.links == {f"{base}/link": "/usr/share/zoneinfo/Asia/Jakarta"}
    assert snapshot.commands["ok"] == CommandResult(0, "x\ny", "")
    assert snapshot.commands["fails"] == CommandResult(3, "", "oops\n")
    assert snapshot.commands["late one"].stdout == "late\n"


def test_hostile_script_output_writes_nothing_outside_the_plan() -> None:
    plan = RemotePlan(files=("/etc/*",), mtimes=("/var/lib/dpkg/info/*.list",))
    marker = "@@m@@"
    output = (
        f"\n{marker} F /etc/os-release\nID=debian"
        f"\n{marker} F /etc/../root/.ssh/authorized_keys\nevil"
        f"\n{marker} F /etc/sub/deeper\nno"
        f"\n{marker} F /home/x\nno"
        f"\n{marker} T 12 /var/lib/dpkg/info/../../../../tmp/x.list"
        f"\n{marker} T notanumber /var/lib/dpkg/info/a.list"
        f"\n{marker} T 1700000000 /var/lib/dpkg/info/b.list"
    )
    snapshot = parse_output(output, marker, plan)
    assert snapshot.files == {"/etc/os-release": "ID=debian"}
    assert snapshot.mtimes == {"/var/lib/dpkg/info/b.list": 1700000000}
    assert not snapshot.complete  # no end record: the caller refuses the run
    with pytest.raises(RemoteOutputError):
        parse_output(f"\n{marker} Q what", marker, plan)
    with pytest.raises(RemoteOutputError):
        parse_output(f"\n{marker} R 0 ghost\n", marker, plan)
    with pytest.raises(ValueError, match="tidak aman"):
        RemotePlan(files=("/etc/$(reboot)",))
    with pytest.raises(ValueError, match="tidak sah"):
        RemotePlan(commands=(("x; reboot", "true"),))


def test_a_snapshot_path_leaving_its_root_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="di luar"):
        write_snapshot(Snapshot(files={"/etc/../../escape": "x"}), tmp_path / "root")
    assert not (tmp_path / "escape").exists()


def recorded_host_snapshot() -> Snapshot:
    """A host that has os-release, a dpkg status with one package and dmidecode refused."""
    status = (
        "Package: hello\nStatus: install ok installed\nArchitecture: amd64\n"
        "Version: 2.10-3\nMaintainer: Santiago Vila <sanvila@debian.org>\n\n"
    )
    return Snapshot(
        files={"/etc/os-release": 'NAME="Debian GNU/Linux"\nID=debian\nVERSION_ID="12"\n',
               "/var/lib/dpkg/status": status, "/proc/uptime": "350735.47 1387320.02\n"},
        mtimes={"/var/lib/dpkg/info/hello.list": 1_700_000_000},
        commands={"memory": CommandResult(1, "", "sudo: a password is required\n")},
        complete=True,
    )  # fmt: skip


def test_refused_dmidecode_leaves_memories_out_with_a_note() -> None:
    collected = collect_linux(recorded_host_snapshot(), RecordedCommandRunner({}), None)
    assert "memories" not in collected.sections
    assert "sudo: a password is required" in collected.errors["memories"]
    assert collected.sections["operatingsystem"]["name"] == "Debian GNU/Linux"
    [hello] = collected.sections["softwares"]
    assert (hello["name"], hello["install_date"]) == ("hello", "2023-11-14")
    assert collected.sections["status"]["uptime_seconds"] == 350735


def test_permitted_dmidecode_gives_the_agents_memory_modules() -> None:
    snapshot = recorded_host_snapshot()
    text = (FIXTURES / "linux" / "dmidecode-t17.txt").read_text()
    snapshot.commands["memory"] = CommandResult(0, text, "")
    collected = collect_linux(snapshot, RecordedCommandRunner({}), None)
    assert collected.sections["memories"]
    assert all(module["size_bytes"] for module in collected.sections["memories"])
    assert "memories" not in collected.errors


def test_the_plan_reads_what_the_agent_reads() -> None:
    plan = linux_plan()
    assert "/var/lib/dpkg/status" in plan.files
    assert "/sys/class/dmi/id/product_serial" in plan.private_files
    assert {"memory", "smart_scan", "rpm", "lsblk", "findmnt", "who"} <= dict(plan.commands).keys()


def test_lsblk_disks_only_sizes_in_bytes() -> None:
    text = """{"blockdevices": [
      {"name": "sda", "type": "disk", "size": 500107862016, "model": "Samsung SSD 870",
       "serial": "S5Y1NX0R", "vendor": "ATA     ", "rev": "SVT02B6Q", "tran": "sata",
       "rota": false, "rm": false},
      {"name": "loop0", "type": "loop", "size": 4096},
      {"name": "vda", "type": "disk", "size": "1024", "vendor": "0x1af4", "rota": true,
       "subsystems": "block:virtio:pci"}
    ]}"""
    disks = parse_lsblk(text)
    assert [d["name"] for d in disks] == ["sda", "vda"]
    assert disks[0]["size_bytes"] == 500107862016
    assert (disks[0]["type"], disks[0]["vendor"], disks[0]["interface"]) == ("ssd", None, "sata")
    assert (disks[1]["type"], disks[1]["vendor"], disks[1]["interface"]) == (
        "virtual", None, "virtio",
    )  # fmt: skip
    assert parse_lsblk("not json") == []
    assert parse_lsblk('{"blockdevices": [1, "x", {"type": "disk"}]}') == []


def test_interfaces_as_psutil_reads_them() -> None:
    text = """[{"ifname": "lo", "flags": ["LOOPBACK", "UP", "LOWER_UP"], "link_type": "loopback",
       "address": "00:00:00:00:00:00", "addr_info": [{"family": "inet", "local": "127.0.0.1"}]},
      {"ifname": "eth0", "flags": ["BROADCAST", "UP", "LOWER_UP"], "link_type": "ether",
       "address": "52:54:00:12:34:56", "addr_info": [{"family": "inet", "local": "192.0.2.7"},
       {"family": "inet6", "local": "fe80::1"}, {"family": "inet", "local": "garbage"}]},
      {"ifname": "eth1", "flags": ["BROADCAST", "UP"], "address": 7}, "junk", {"ifname": ""}]"""
    lo, eth0, eth1 = interface_readings(text, {"eth0": "1000\n", "eth1": "-1\n"})
    assert (lo.name, lo.up) == ("lo", True)
    assert (eth0.mac, eth0.ipv4, eth0.ipv6, eth0.up, eth0.speed_mbps) == (
        "52:54:00:12:34:56", ("192.0.2.7",), ("fe80::1",), True, 1000,
    )  # fmt: skip
    assert (eth1.mac, eth1.up, eth1.speed_mbps) == (None, False, None)  # no carrier
    assert interface_readings("{}", {}) == []


def test_mounts_as_psutil_lists_them() -> None:
    text = """{"filesystems": [
      {"source": "/dev/vda1", "target": "/", "fstype": "ext4", "size": 100, "used": 40,
       "avail": 55},
      {"source": "proc", "target": "/proc", "fstype": "proc", "size": 0, "used": 0, "avail": 0},
      {"source": "/dev/vda1[/srv]", "target": "/mnt/bind", "fstype": "ext4", "size": 100,
       "used": "x", "avail": -1},
      {"source": "tmpfs", "target": "/run", "fstype": "tmpfs", "size": 5, "used": 1, "avail": 4},
      {"source": "/dev/loop3", "target": "/snap/core/1", "fstype": "squashfs"},
      {"source": "", "target": "/x", "fstype": "ext4"}]}"""
    filesystems = "nodev\tproc\nnodev\ttmpfs\n\text4\n\tsquashfs\n"
    root, bind = mount_partitions(text, filesystems)
    assert (root.mount, root.device, root.total_bytes, root.used_bytes, root.free_bytes) == (
        "/", "/dev/vda1", 100, 40, 55,
    )  # fmt: skip
    assert (bind.device, bind.used_bytes, bind.free_bytes) == ("/dev/vda1", None, None)
    assert mount_partitions("[", filesystems) == []


def test_sessions_of_who_in_the_hosts_zone() -> None:
    text = "budi     pts/0        2026-11-28 11:00 (192.0.2.9)\nroot     tty1   2026-11-28 09:30\n"
    text += "garbage line\nx y 2026-13-45 99:99\n"
    budi, root = user_sessions(text, "+0700\n")
    assert (budi.name, budi.terminal, budi.host) == ("budi", "pts/0", "192.0.2.9")
    assert budi.started == datetime(2026, 11, 28, 4, 0, tzinfo=UTC).timestamp()
    assert (root.host, root.started is not None) == (None, True)
    assert [s.started for s in user_sessions(text, "WIB")] == [None, None]


def test_a_kernel_installed_after_boot_is_noticed() -> None:
    listing = "1700000500 /boot/vmlinuz-6.1.0-20-amd64\n1600000000 /boot/vmlinuz-6.1.0-18-amd64\n"
    assert kernel_installed_after_boot(listing, "6.1.0-18-amd64", 1_700_000_000)
    assert not kernel_installed_after_boot(listing, "6.1.0-20-amd64", 1_700_000_000)
    rescue = "1800000000 /boot/vmlinuz-0-rescue-abc\n"
    assert not kernel_installed_after_boot(rescue, "6.1.0-18-amd64", 1_700_000_000)
    assert not kernel_installed_after_boot("garbage\n", "6.1", 1.0)
