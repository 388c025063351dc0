"""Linux probes on recorded trees (a Debian 12 ThinkPad, a RHEL 9 PowerEdge), hostile files, live.

Each recorded tree under ``tests/fixtures/linux/trees`` stands in for ``/`` and holds the real
kernel/OS file formats; tests copy it to ``tmp_path`` (symlinks kept) so that they may set file
times or plant files, since ctime and mtime are not stored by git.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil
import pytest

from agent.probes.linux.battery import collect_batteries
from agent.probes.linux.hardware import (
    collect_bios,
    collect_cpus,
    collect_hardware,
    parse_cpuinfo,
    parse_dmi_date,
)
from agent.probes.linux.identity import collect_identity, fqdn_from_hosts
from agent.probes.linux.memory import collect_memories, parse_dmidecode_memory, parse_size
from agent.probes.linux.operatingsystem import (
    collect_operatingsystem,
    kernel_arch,
    parse_boot_time,
    parse_os_release,
)
from agent.probes.linux.storage import collect_storages, decode_udev_escapes
from agent.sources.commands import CommandResult, RecordedCommandRunner
from agent.sources.host import Host, live_host
from agent.sources.stats import RecordedStats
from tests.peers import FIXTURES
from tests.schema_check import definition_errors

TREES = FIXTURES / "linux" / "trees"
DMIDECODE_T17 = FIXTURES / "linux" / "dmidecode-t17.txt"
Recorded = dict[tuple[str, ...], CommandResult]
UNAME_X86: Recorded = {("uname", "-m"): CommandResult(0, "x86_64\n")}
LAPTOP_INSTALLED = datetime(2023, 8, 14, 3, 12, 45, tzinfo=UTC)
SERVER_INSTALLED = datetime(2023, 11, 20, 7, 30, tzinfo=UTC)

# Section value → (the $defs entry of the value, or of each item for list sections).
SECTION_DEFS = {
    "operatingsystem": "operatingsystem",
    "hardware": "hardware",
    "bios": "bios",
    "identity": "identity",
    "cpus": "cpu",
    "memories": "memory",
    "storages": "storage",
    "batteries": "battery",
}


def copy_tree(name: str, tmp_path: Path) -> Path:
    """A private copy of a recorded tree; relative symlinks (sysfs, /var/run) are kept as links."""
    root = tmp_path / name
    shutil.copytree(TREES / name, root, symlinks=True)
    return root


def linux_host(root: Path, commands: Recorded | None = None) -> Host:
    return Host("linux", root, RecordedCommandRunner(commands or {}), RecordedStats())


def write(root: Path, absolute: str, text: str) -> Path:
    path = root / absolute.lstrip("/")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def set_mtime(path: Path, moment: datetime) -> None:
    os.utime(path, (moment.timestamp(), moment.timestamp()))


def section_errors(section: str, value: Any) -> list[str]:
    """Schema violations of one section value (a list section is checked item by item)."""
    name = SECTION_DEFS[section]
    if value is None:
        return []
    items: Iterable[Any] = value if isinstance(value, list) else [value]
    return [error for item in items for error in definition_errors(name, item)]


def all_sections(host: Host) -> dict[str, Any]:
    return {
        "operatingsystem": collect_operatingsystem(host),
        "hardware": collect_hardware(host),
        "bios": collect_bios(host),
        "identity": collect_identity(host),
        "cpus": collect_cpus(host),
        "memories": collect_memories(host),
        "storages": collect_storages(host),
        "batteries": collect_batteries(host),
    }


def assert_schema_valid(sections: dict[str, Any]) -> None:
    errors = {name: section_errors(name, value) for name, value in sections.items()}
    assert {name: found for name, found in errors.items() if found} == {}


@pytest.fixture
def laptop(tmp_path: Path) -> Path:
    root = copy_tree("laptop-debian12", tmp_path)
    set_mtime(root / "var/log/installer/syslog", LAPTOP_INSTALLED)
    return root


@pytest.fixture
def server(tmp_path: Path) -> Path:
    root = copy_tree("server-rhel9", tmp_path)
    set_mtime(root / "root/anaconda-ks.cfg", SERVER_INSTALLED)
    return root


# --------------------------------------------------------------------------- operating system


def test_laptop_operatingsystem(laptop: Path) -> None:
    host = linux_host(laptop)
    found = collect_operatingsystem(host)
    assert found == {
        "family": "linux",
        "name": "Debian GNU/Linux",
        "id": "debian",
        "version": "12",
        "build": "12.5",
        "edition": None,
        "kernel": "6.1.0-18-amd64",
        "arch": "x86_64",
        "install_date": "2023-08-14T03:12:45+00:00",
        "last_boot": "2024-04-22T01:15:32+00:00",
        "pending_reboot": True,
        "pending_reboot_reasons": [
            "reboot-required: libc6, linux-image-6.1.0-21-amd64",
            "kernel installed after boot (running 6.1.0-18-amd64)",
        ],
        "timezone": "Asia/Jakarta",
    }
    assert isinstance(host.commands, RecordedCommandRunner)
    assert host.commands.calls == []  # /proc/sys/kernel/arch answered; uname not needed
    assert section_errors("operatingsystem", found) == []


def test_reboot_flag_without_package_list_and_without_new_kernel(laptop: Path) -> None:
    (laptop / "run/reboot-required.pkgs").unlink()
    (laptop / "boot/vmlinuz-6.1.0-21-amd64").unlink()
    found = collect_operatingsystem(linux_host(laptop))
    assert found["pending_reboot_reasons"] == ["reboot-required: flag set"]
    assert found["pending_reboot"] is True


def test_no_pending_reboot_when_no_flag_and_only_the_running_kernel(laptop: Path) -> None:
    (laptop / "run/reboot-required").unlink()
    (laptop / "boot/vmlinuz-6.1.0-21-amd64").unlink()
    found = collect_operatingsystem(linux_host(laptop))
    assert (found["pending_reboot"], found["pending_reboot_reasons"]) == (False, [])


def test_server_operatingsystem_asks_uname_for_arch_on_a_5_14_kernel(server: Path) -> None:
    host = linux_host(server, UNAME_X86)
    found = collect_operatingsystem(host)
    assert found == {
        "family": "linux",
        "name": "Red Hat Enterprise Linux",
        "id": "rhel",
        "version": "9.3",
        "build": None,
        "edition": None,
        "kernel": "5.14.0-362.8.1.el9_3.x86_64",
        "arch": "x86_64",
        "install_date": "2023-11-20T07:30:00+00:00",
        "last_boot": "2024-03-05T22:41:07+00:00",
        "pending_reboot": False,
        "pending_reboot_reasons": [],
        "timezone": "Asia/Makassar",  # from the /etc/localtime link: RHEL has no /etc/timezone
    }
    assert isinstance(host.commands, RecordedCommandRunner)
    assert host.commands.calls == [("uname", "-m")]
    assert section_errors("operatingsystem", found) == []


def test_kernel_installed_after_boot_is_a_pending_reboot(server: Path) -> None:
    write(server, "/boot/vmlinuz-5.14.0-362.13.1.el9_3.x86_64", "")  # ctime now, boot in 2024
    found = collect_operatingsystem(linux_host(server, UNAME_X86))
    assert found["pending_reboot"] is True
    assert found["pending_reboot_reasons"] == [
        "kernel installed after boot (running 5.14.0-362.8.1.el9_3.x86_64)"
    ]


def test_kernel_installed_before_boot_is_not_a_pending_reboot(server: Path) -> None:
    image = write(server, "/boot/vmlinuz-5.14.0-362.13.1.el9_3.x86_64", "")
    booted = int(image.stat().st_ctime) + 1  # booted just after the image landed
    stat = (server / "proc/stat").read_text().replace("btime 1709678467", f"btime {booted}")
    write(server, "/proc/stat", stat)
    found = collect_operatingsystem(linux_host(server, UNAME_X86))
    assert found["pending_reboot_reasons"] == []
    assert found["last_boot"] == datetime.fromtimestamp(booted, UTC).isoformat()


def test_dangling_kernel_image_link_does_not_break_the_section(server: Path) -> None:
    (server / "boot/vmlinuz-5.14.0-0.rc1.x86_64").symlink_to("/nonexistent/vmlinuz")
    found = collect_operatingsystem(linux_host(server, UNAME_X86))
    assert found["pending_reboot_reasons"] == []
    assert found["kernel"] == "5.14.0-362.8.1.el9_3.x86_64"


def test_arch_is_none_when_neither_proc_nor_uname_tells(server: Path) -> None:
    assert kernel_arch(linux_host(server)) is None
    failing: Recorded = {("uname", "-m"): CommandResult(1, "", "uname: error")}
    assert kernel_arch(linux_host(server, failing)) is None
    arm: Recorded = {("uname", "-m"): CommandResult(0, "aarch64\n")}
    assert kernel_arch(linux_host(server, arm)) == "aarch64"


def test_install_date_falls_back_to_machine_id_age(laptop: Path) -> None:
    shutil.rmtree(laptop / "var/log/installer")
    set_mtime(laptop / "etc/machine-id", datetime(2023, 9, 1, tzinfo=UTC))
    found = collect_operatingsystem(linux_host(laptop))
    assert found["install_date"] == "2023-09-01T00:00:00+00:00"


def test_parse_os_release_unquotes_and_skips_malformed_lines() -> None:
    text = (
        "# comment\n"
        'NAME="Debian GNU/Linux\n'  # unbalanced quote: skipped
        "ID=debian\n"
        "VARIANT='Server Edition'\n"
        'PRETTY_NAME="Ubuntu \\"Noble\\" 24.04"\n'
        "not a pair\n"
        "9BAD=key\n"
        "EMPTY=\n"
    )
    assert parse_os_release(text) == {
        "ID": "debian",
        "VARIANT": "Server Edition",
        "PRETTY_NAME": 'Ubuntu "Noble" 24.04',
        "EMPTY": "",
    }


@pytest.mark.parametrize(
    ("stat", "expected"),
    [
        ("cpu  1 2 3\nbtime 1713748532\nprocesses 5\n", "2024-04-22T01:15:32+00:00"),
        ("cpu  1 2 3\nbtime \nprocesses 5\n", None),
        ("btime 99999999999999999999\n", None),
        ("btime ²\n", None),
        ("btime nope\n", None),
        ("cpu 1 2 3\n", None),
        ("", None),
    ],
)
def test_parse_boot_time(stat: str, expected: str | None) -> None:
    found = parse_boot_time(stat)
    assert (found.isoformat() if found else None) == expected


# --------------------------------------------------------------------------- identity


def test_laptop_identity_fqdn_from_hosts(laptop: Path) -> None:
    found = collect_identity(linux_host(laptop))
    assert found == {
        "hostname": "lpt-pusdatin-042",
        "fqdn": "lpt-pusdatin-042.pom.go.id",
        "domain": "pom.go.id",
        "machine_id": "5f2c8e0a9b7d4c61a3e2f41d0c9b8a76",
    }
    assert section_errors("identity", found) == []


def test_server_identity_from_a_dotted_kernel_hostname(server: Path) -> None:
    assert collect_identity(linux_host(server)) == {
        "hostname": "srv-lims-01",
        "fqdn": "srv-lims-01.pusdatin.pom.go.id",
        "domain": "pusdatin.pom.go.id",
        "machine_id": "b81e4d2c07f94a3d9c6e5f1a2b3c4d5e",
    }


def test_identity_falls_back_to_etc_hostname_and_dbus_machine_id(laptop: Path) -> None:
    (laptop / "proc/sys/kernel/hostname").unlink()
    (laptop / "etc/machine-id").rename(write(laptop, "/var/lib/dbus/machine-id", ""))
    found = collect_identity(linux_host(laptop))
    assert found["hostname"] == "lpt-pusdatin-042"
    assert found["machine_id"] == "5f2c8e0a9b7d4c61a3e2f41d0c9b8a76"


def test_fqdn_from_hosts() -> None:
    hosts = (
        "127.0.0.1 localhost\n"
        "# 127.0.1.1 pc01.old.example pc01\n"
        "10.0.0.5 pc01 pc01.pom.go.id  # alias order varies\n"
    )
    assert fqdn_from_hosts("pc01", hosts) == "pc01.pom.go.id"
    assert fqdn_from_hosts("pc01", "127.0.1.1 pc01\n") is None
    assert fqdn_from_hosts("pc02", hosts) is None


# --------------------------------------------------------------------------- hardware, bios, cpus


def test_laptop_hardware(laptop: Path) -> None:
    found = collect_hardware(linux_host(laptop))
    assert found == {
        "vendor": "LENOVO",
        "model": "20W000T8ID",
        "model_name": "ThinkPad T14 Gen 2i",
        "serial": "PF3K2ABC",
        "uuid": "4c7b1a2e-3d5f-11b2-a85c-9f4e2d1b7c60",
        "chassis": "notebook",
        "board_vendor": "LENOVO",
        "board_model": "20W000T8ID",
        "board_serial": "L1HF14A00XY",
        "virtual": False,
        "memory_total_bytes": 15713836 * 1024,
    }
    assert section_errors("hardware", found) == []


def test_server_hardware_drops_junk_board_serial_and_zero_uuid(server: Path) -> None:
    found = collect_hardware(linux_host(server))
    assert found == {
        "vendor": "Dell Inc.",
        "model": "PowerEdge R740",
        "model_name": None,
        "serial": "9XKLM33",
        "uuid": None,  # 00000000-0000-0000-0000-000000000000
        "chassis": "server",  # chassis_type 23, rack mount
        "board_vendor": "Dell Inc.",
        "board_model": "06WXJT",
        "board_serial": None,  # "To Be Filled By O.E.M."
        "virtual": False,
        "memory_total_bytes": 196470580 * 1024,
    }
    assert section_errors("hardware", found) == []


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("03000200-0400-0500-0006-000700080009", None),  # OEM placeholder
        ("4C4C4544-0058-5910-8033-B7C04F313233", "4c4c4544-0058-5910-8033-b7c04f313233"),
        ("not-a-uuid", None),
    ],
)
def test_hardware_uuid_is_canonical_or_dropped(server: Path, written: str, expected: str) -> None:
    write(server, "/sys/class/dmi/id/product_uuid", written + "\n")
    assert collect_hardware(linux_host(server))["uuid"] == expected


@pytest.mark.parametrize(
    ("absolute", "text"),
    [
        ("/sys/class/dmi/id/product_name", "KVM\n"),
        ("/sys/class/dmi/id/product_name", "VMware Virtual Platform\n"),
        ("/sys/hypervisor/type", "xen\n"),
    ],
)
def test_virtual_machines_are_recognised(server: Path, absolute: str, text: str) -> None:
    write(server, absolute, text)
    assert collect_hardware(linux_host(server))["virtual"] is True


def test_hypervisor_cpu_flag_marks_a_virtual_machine(laptop: Path) -> None:
    cpuinfo = (laptop / "proc/cpuinfo").read_text().replace(" rdrand ", " rdrand hypervisor ")
    write(laptop, "/proc/cpuinfo", cpuinfo)
    assert collect_hardware(linux_host(laptop))["virtual"] is True


def test_laptop_bios_is_uefi_with_iso_date(laptop: Path) -> None:
    found = collect_bios(linux_host(laptop))
    assert found == {
        "vendor": "LENOVO",
        "version": "N34ET62W (1.62 )",
        "date": "2023-11-08",
        "firmware": "uefi",
    }
    assert section_errors("bios", found) == []


def test_server_bios_boots_legacy(server: Path) -> None:
    found = collect_bios(linux_host(server))
    assert found == {
        "vendor": "Dell Inc.",
        "version": "2.19.1",
        "date": "2023-06-14",
        "firmware": "bios",
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("06/14/2023", "2023-06-14"),
        ("01/02/2020\n", "2020-01-02"),
        ("13/45/2020", None),
        ("02/30/2021", None),
        ("2020-01-01", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_dmi_date(text: str | None, expected: str | None) -> None:
    assert parse_dmi_date(text) == expected


def test_laptop_cpus_one_socket_four_cores_eight_threads(laptop: Path) -> None:
    found = collect_cpus(linux_host(laptop))
    assert found == [
        {
            "model": "11th Gen Intel(R) Core(TM) i5-1135G7 @ 2.40GHz",
            "vendor": "GenuineIntel",
            "cores": 4,
            "threads": 8,
            "speed_mhz": 4200,  # cpufreq's cpuinfo_max_freq, not the current "cpu MHz"
            "arch": "x86_64",
        }
    ]
    assert section_errors("cpus", found) == []


def test_server_cpus_two_sockets(server: Path) -> None:
    found = collect_cpus(linux_host(server, UNAME_X86))
    socket = {
        "model": "Intel(R) Xeon(R) Gold 5122 CPU @ 3.60GHz",
        "vendor": "GenuineIntel",
        "cores": 4,
        "threads": 8,
        "speed_mhz": 3600,  # no cpufreq driver: "cpu MHz" of the socket's first thread
        "arch": "x86_64",
    }
    assert found == [socket, socket]
    assert section_errors("cpus", found) == []


def test_parse_cpuinfo_without_topology_counts_each_processor_as_a_core() -> None:
    block = "processor\t: {}\nmodel name\t: Virtual CPU\n"
    text = block.format(0) + "\n" + block.format(1)
    assert parse_cpuinfo(text) == [
        {"model": "Virtual CPU", "vendor": None, "cores": 2, "threads": 2, "speed_mhz": None}
    ]


# --------------------------------------------------------------------------- memory modules


def test_memories_from_recorded_dmidecode() -> None:
    recorded: Recorded = {("dmidecode", "-t", "17"): CommandResult(0, DMIDECODE_T17.read_text())}
    found = collect_memories(linux_host(Path("/nonexistent"), recorded))
    module = {
        "size_bytes": 16 * 1024**3,
        "type": "DDR4",
        "speed_mts": 2933,  # configured speed, not the rated 3200
        "manufacturer": "80AD000080AD",
        "part_number": "HMA82GU6DJR8N-XN",
    }
    assert found == [
        {"slot": "DIMM1", **module, "serial": "2C1B4F7A"},
        {"slot": "DIMM3", **module, "serial": "2C1B4F91"},
    ]
    assert section_errors("memories", found) == []


@pytest.mark.parametrize(
    "result",
    [
        CommandResult(127, "", "dmidecode: not found"),
        CommandResult(1, "", "/sys/firmware/dmi/tables/smbios_entry_point: Permission denied\n"),
    ],
)
def test_memories_absent_without_a_readable_table(result: CommandResult) -> None:
    host = linux_host(Path("/nonexistent"), {("dmidecode", "-t", "17"): result})
    assert collect_memories(host) is None


def test_parse_dmidecode_memory_old_layout_in_megabytes() -> None:
    text = (
        "# dmidecode 2.12\nSMBIOS 2.7 present.\n\n"
        "Handle 0x1100, DMI type 17, 34 bytes\nMemory Device\n"
        "\tSize: 8192 MB\n\tLocator: DIMM_A1\n\tType: DDR3\n\tSpeed: 1600 MHz\n"
        "\tManufacturer: 00CE00B300CE\n\tSerial Number: 00000000\n\tPart Number: Unknown\n"
    )
    assert parse_dmidecode_memory(text) == [
        {
            "slot": "DIMM_A1",
            "size_bytes": 8 * 1024**3,
            "type": "DDR3",
            "speed_mts": 1600,
            "manufacturer": "00CE00B300CE",
            "serial": None,
            "part_number": None,
        }
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("16 GB", 16 << 30), ("512 kB", 512 << 10), ("1 TB", 1 << 40), ("No Module Installed", None)],
)
def test_parse_size(text: str, expected: int | None) -> None:
    assert parse_size(text) == expected


# --------------------------------------------------------------------------- storage


def test_laptop_storages_skip_loop_devices(laptop: Path) -> None:
    found = collect_storages(linux_host(laptop))
    assert found == [
        {
            "name": "nvme0n1",
            "model": "SAMSUNG MZVLB512HBJQ-000L7",
            "vendor": None,
            "serial": "S4ENNX0N123456",
            "firmware": "5M2QEXF7",
            "size_bytes": 1000215216 * 512,
            "type": "nvme",
            "interface": "nvme",
            "removable": False,
        },
        {
            "name": "sdb",
            "model": "Ultra Fit",
            "vendor": "SanDisk",
            "serial": "4C530001171021118465",  # udev's ID_SERIAL_SHORT: SCSI sysfs has none
            "firmware": "1.00",
            # Like most USB sticks this one tells the kernel it rotates (queue/rotational 1).
            "size_bytes": 60063744 * 512,
            "type": "hdd",
            "interface": "usb",
            "removable": True,
        },
    ]
    assert section_errors("storages", found) == []


def test_server_storages_sata_models_from_udev(server: Path) -> None:
    found = collect_storages(linux_host(server))
    assert found == [
        {
            "name": "sda",
            "model": "ST2000NM0055-1V4104",  # sysfs has "ST2000NM0055-1V4", cut at 16
            "vendor": None,  # libata's "ATA" names no maker
            "serial": "ZC20A1B2",
            "firmware": "SN04",
            "size_bytes": 3907029168 * 512,
            "type": "hdd",
            "interface": "sata",
            "removable": False,
        },
        {
            "name": "sdb",
            "model": "INTEL SSDSC2KB480G8",
            "vendor": None,
            "serial": "PHYF9123004A480BGN",
            "firmware": "XCV10132",
            "size_bytes": 937703088 * 512,
            "type": "ssd",
            "interface": "sata",
            "removable": False,
        },
    ]
    assert section_errors("storages", found) == []


def test_storage_bus_ignores_the_path_the_tree_lives_in(tmp_path: Path) -> None:
    root = copy_tree("laptop-debian12", tmp_path / "usb" / "host")
    found = {disk["name"]: disk["interface"] for disk in collect_storages(linux_host(root))}
    assert found == {"nvme0n1": "nvme", "sdb": "usb"}


def test_storage_without_udev_record_uses_sysfs_model(server: Path) -> None:
    (server / "run/udev/data/b8:0").unlink()
    sda = collect_storages(linux_host(server))[0]
    assert (sda["model"], sda["serial"], sda["firmware"]) == ("ST2000NM0055-1V4", None, None)


def test_storage_entry_that_is_no_device_link_has_no_bus(server: Path) -> None:
    write(server, "/sys/block/vdz/size", "2048\n")  # a directory, not a link into /sys/devices
    vdz = collect_storages(linux_host(server))[-1]
    assert (vdz["name"], vdz["interface"], vdz["size_bytes"]) == ("vdz", None, 2048 * 512)


def test_decode_udev_escapes() -> None:
    encoded = "Samsung\\x20SSD\\x20860\\x20EVO\\x20\\x20"
    assert decode_udev_escapes(encoded) == "Samsung SSD 860 EVO  "
    assert decode_udev_escapes("a\\x2fb\\xZZ") == "a/b\\xZZ"


# --------------------------------------------------------------------------- batteries


def test_laptop_battery_skips_mains_and_mouse(laptop: Path) -> None:
    found = collect_batteries(linux_host(laptop))
    assert found == [
        {
            "name": "BAT0",
            "manufacturer": "SMP",
            "model": "5B10W51867",
            "serial": "1523",
            "chemistry": "Li-poly",
            "design_capacity_mwh": 50500,
            "full_charge_capacity_mwh": 43130,
            "cycle_count": 214,
            "health_percent": 85.4,
        }
    ]
    assert section_errors("batteries", found) == []


def test_server_has_no_batteries(server: Path) -> None:
    assert collect_batteries(linux_host(server)) is None


def test_battery_reporting_charge_uses_design_voltage(laptop: Path) -> None:
    bat = "/sys/class/power_supply/BAT0/"
    for name in ("energy_full_design", "energy_full"):
        (laptop / bat.lstrip("/") / name).unlink()
    write(laptop, bat + "charge_full_design", "3000000\n")  # µAh
    write(laptop, bat + "charge_full", "2700000\n")
    write(laptop, bat + "voltage_min_design", "11400000\n")  # µV
    found = collect_batteries(linux_host(laptop))
    assert found is not None
    assert (found[0]["design_capacity_mwh"], found[0]["full_charge_capacity_mwh"]) == (34200, 30780)
    assert found[0]["health_percent"] == 90.0


def test_battery_with_zero_design_capacity_has_no_health(laptop: Path) -> None:
    write(laptop, "/sys/class/power_supply/BAT0/energy_full_design", "0\n")
    found = collect_batteries(linux_host(laptop))
    assert found is not None
    assert found[0]["health_percent"] is None


# --------------------------------------------------------------------------- hostile, absent files


EMPTY_TREE_SECTIONS: dict[str, Any] = {
    "operatingsystem": {
        "family": "linux",
        "name": "Linux",
        "id": None,
        "version": None,
        "build": None,
        "edition": None,
        "kernel": None,
        "arch": None,
        "install_date": None,
        "last_boot": None,
        "pending_reboot": False,
        "pending_reboot_reasons": [],
        "timezone": None,
    },
    "hardware": {
        "vendor": None,
        "model": None,
        "model_name": None,
        "serial": None,
        "uuid": None,
        "chassis": None,
        "board_vendor": None,
        "board_model": None,
        "board_serial": None,
        "virtual": False,
        "memory_total_bytes": None,
    },
    "bios": {"vendor": None, "version": None, "date": None, "firmware": "bios"},
    "identity": {"hostname": None, "fqdn": None, "domain": None, "machine_id": None},
    "cpus": [],
    "memories": None,
    "storages": [],
    "batteries": None,
}


def test_missing_tree_gives_absent_values(tmp_path: Path) -> None:
    sections = all_sections(linux_host(tmp_path / "nothing-here"))
    assert sections == EMPTY_TREE_SECTIONS
    assert_schema_valid(sections)


def _regular_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and not p.is_symlink()]


def test_every_file_empty(laptop: Path) -> None:
    for path in _regular_files(laptop):
        path.write_bytes(b"")
    sections = all_sections(linux_host(laptop))
    assert_schema_valid(sections)
    # Directories and links still stand, so only what they alone tell survives.
    assert sections["bios"]["firmware"] == "uefi"
    assert sections["cpus"] == []
    assert sections["batteries"] is None
    assert [d["name"] for d in sections["storages"]] == ["nvme0n1", "sdb"]
    assert {d["size_bytes"] for d in sections["storages"]} == {None}
    assert {d["interface"] for d in sections["storages"]} == {"nvme", "usb"}
    assert sections["operatingsystem"]["name"] == "Linux"
    assert sections["operatingsystem"]["pending_reboot_reasons"] == ["reboot-required: flag set"]


GARBAGE = b"\xff\xfe\x00\x01garbage: :: = \"' \\x \n\n\t:\n=\n\x00processor\n"


def test_every_file_garbage(laptop: Path) -> None:
    for path in _regular_files(laptop):
        path.write_bytes(GARBAGE)
    sections = all_sections(linux_host(laptop))
    assert_schema_valid(sections)
    assert sections["hardware"]["chassis"] is None
    assert sections["bios"]["date"] is None
    assert sections["operatingsystem"]["last_boot"] is None
    assert {d["size_bytes"] for d in sections["storages"]} == {None}


@pytest.mark.parametrize(
    ("absolute", "text", "section", "check"),
    [
        ("/sys/class/dmi/id/bios_date", "13/45/2020\n", "bios", ("date", None)),
        ("/sys/class/dmi/id/chassis_type", "²\n", "hardware", ("chassis", None)),
        ("/sys/class/dmi/id/chassis_type", "99\n", "hardware", ("chassis", None)),
        ("/proc/meminfo", "MemTotal: lots kB\n", "hardware", ("memory_total_bytes", None)),
        ("/etc/os-release", 'NAME="Debian\nVERSION_ID="12\n', "operatingsystem", ("name", "Linux")),
        ("/proc/stat", "btime \nctxt 5\n", "operatingsystem", ("last_boot", None)),
        ("/proc/stat", "btime 99999999999999999999\n", "operatingsystem", ("last_boot", None)),
        ("/etc/hosts", "\x00\x00 ::: lpt-pusdatin-042\n", "identity", ("fqdn", None)),
    ],
)
def test_hostile_file_in_one_section(
    laptop: Path, absolute: str, text: str, section: str, check: tuple[str, Any]
) -> None:
    target = laptop / absolute.lstrip("/")
    target.unlink()  # /etc/os-release is a link into /usr/lib: replace the link itself
    write(laptop, absolute, text)
    value = all_sections(linux_host(laptop))[section]
    key, expected = check
    assert value[key] == expected
    assert section_errors(section, value) == []


def test_hostile_cpuinfo_and_cpufreq(laptop: Path) -> None:
    write(
        laptop,
        "/proc/cpuinfo",
        "processor\t: 0\nmodel name\t: \x00\x00\ncpu MHz\t\t: inf\n\n"
        "processor\t: x\nphysical id\t:\ncpu MHz\t\t: -5\n\n: orphan\n\nno colon here\n",
    )
    write(laptop, "/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq", "³\n")
    found = collect_cpus(linux_host(laptop))
    nothing_known = {"model": None, "vendor": None, "cores": 1, "threads": 1, "speed_mhz": None}
    assert found == [{**nothing_known, "arch": "x86_64"}, {**nothing_known, "arch": "x86_64"}]
    assert section_errors("cpus", found) == []


@pytest.mark.parametrize("size", ["abc", "²", "-1", "", "12.5"])
def test_non_numeric_disk_size(laptop: Path, size: str) -> None:
    write(laptop, "/sys/block/nvme0n1/size", size)
    nvme = collect_storages(linux_host(laptop))[0]
    assert (nvme["name"], nvme["size_bytes"], nvme["serial"]) == ("nvme0n1", None, "S4ENNX0N123456")


@pytest.mark.parametrize("value", ["³", "-214", "many", ""])
def test_non_numeric_battery_counters(laptop: Path, value: str) -> None:
    for name in ("cycle_count", "energy_full", "energy_full_design"):
        write(laptop, f"/sys/class/power_supply/BAT0/{name}", value)
    found = collect_batteries(linux_host(laptop))
    assert found is not None
    counters = ("cycle_count", "design_capacity_mwh", "full_charge_capacity_mwh", "health_percent")
    assert [found[0][key] for key in counters] == [None, None, None, None]
    assert section_errors("batteries", found) == []


def test_power_supply_without_type_is_skipped(laptop: Path) -> None:
    shutil.rmtree(laptop / "sys/class/power_supply/BAT0")
    write(laptop, "/sys/class/power_supply/BAT1/capacity", "50\n")  # no type file at all
    assert collect_batteries(linux_host(laptop)) is None


# --------------------------------------------------------------------------- this machine, live

live_linux = pytest.mark.skipif(sys.platform != "linux", reason="live Linux probes need Linux")


@live_linux
def test_live_operatingsystem_is_this_debian_12_and_kernel() -> None:
    if not Path("/etc/debian_version").is_file():
        pytest.skip("this live check expects the Debian 12 development machine")
    found = collect_operatingsystem(live_host())
    assert (found["id"], found["version"]) == ("debian", "12")
    assert found["kernel"] == os.uname().release
    assert found["arch"] == os.uname().machine
    boot = datetime.fromisoformat(found["last_boot"]).timestamp()
    assert abs(boot - psutil.boot_time()) <= 2
    assert section_errors("operatingsystem", found) == []


@live_linux
def test_live_cpus_count_every_thread() -> None:
    found = collect_cpus(live_host())
    assert sum(cpu["threads"] for cpu in found) == os.cpu_count()
    assert all(cpu["cores"] >= 1 and cpu["model"] for cpu in found)
    assert section_errors("cpus", found) == []


@live_linux
def test_live_memory_total_matches_psutil() -> None:
    found = collect_hardware(live_host())
    total = psutil.virtual_memory().total
    assert found["memory_total_bytes"] == pytest.approx(total, rel=0.01)
    assert section_errors("hardware", found) == []


@live_linux
def test_live_identity_hostname_and_machine_id() -> None:
    found = collect_identity(live_host())
    assert found["hostname"] == os.uname().nodename.split(".")[0]
    machine_id = Path("/etc/machine-id")
    if machine_id.is_file() and machine_id.read_text().strip():
        assert found["machine_id"] == machine_id.read_text().strip()
    assert section_errors("identity", found) == []


@live_linux
def test_live_storages_include_the_root_disk() -> None:
    root = next(p for p in psutil.disk_partitions(all=False) if p.mountpoint == "/")
    device = Path("/sys/class/block") / Path(root.device).name
    if not device.exists():
        pytest.skip(f"root on {root.device}, which is no block device (overlay, tmpfs...)")
    disk = device.resolve().parent.name if (device / "partition").exists() else device.name
    if disk.startswith(("dm-", "md", "loop", "zram")):
        pytest.skip(f"root on {disk}, a stacked device the storage probe leaves out")
    found = collect_storages(live_host())
    names = [d["name"] for d in found]
    assert disk in names
    assert found[names.index(disk)]["size_bytes"] >= psutil.disk_usage("/").total
    assert section_errors("storages", found) == []


def test_recorded_trees_keep_their_links() -> None:
    """git keeps symlinks; a checkout that turned them into files would silently break the trees."""
    sda = TREES / "server-rhel9/sys/block/sda"
    assert sda.is_symlink()
    target = "../devices/pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/block/sda"
    assert str(sda.readlink()) == target
    assert (TREES / "laptop-debian12/var/run").is_symlink()
    assert (TREES / "laptop-debian12/sys/block/nvme0n1/device/serial").is_file()
