"""Change history between the register's snapshot of an asset and a new observation."""

from __future__ import annotations

import copy
import json
import random
import re
import subprocess
from typing import Any

import pytest

from collector.domain.changes import (
    Change,
    ChangeKind,
    compare_versions,
    describe,
    diff_sections,
    format_bytes,
    summarise,
)
from tests.peers import REPO, corpus_dir, require_command

Sections = dict[str, Any]
GIB = 1024**3


def _example(name: str) -> Sections:
    """The sections of an example document, as the register would hold them, plus the site."""
    document = json.loads((REPO / "schemas" / "examples" / f"{name}.json").read_text())
    sections = {k: v for k, v in document.items() if k not in ("schema_version", "source")}
    sections["site"] = document["source"]["site"]
    return sections


@pytest.fixture
def linux() -> Sections:
    return _example("agent-linux-laptop")


@pytest.fixture
def windows() -> Sections:
    return _example("agent-windows-desktop")


def _only(changes: list[Change]) -> Change:
    assert len(changes) == 1, changes
    return changes[0]


# --- the Debian version order --------------------------------------------------------------

# (a, b, expected compare_versions(a, b)); from Debian policy 5.6.12 and real package versions.
VERSION_PAIRS = [
    ("1.0~rc1", "1.0", -1),
    ("1:0.9", "2.0", 1),
    ("2.0-1", "2.0-1+deb12u1", -1),
    ("1.0a", "1.0", 1),
    ("1.0", "1.0", 0),
    ("1.0~~", "1.0~~a", -1),
    ("1.0~~a", "1.0~", -1),
    ("1.0~", "1.0", -1),
    ("1.0", "1.0a", -1),
    ("1.2.10", "1.2.9", 1),
    ("1.0", "1.0.1", -1),
    ("1.0", "1.0.0", -1),
    ("0:1.0", "1.0", 0),
    ("1.0", "1.0-0", 0),
    ("01", "1", 0),
    ("2.36-9+deb12u4", "2.36-9+deb12u14", -1),
    ("3.0.19-1~deb12u2", "3.0.19-1", -1),
    ("3.0.15-1~deb12u1", "3.0.19-1~deb12u2", -1),
    ("1:1.2.13.dfsg-1", "1.2.14-1", 1),
    ("2025a-0+deb12u1", "2025b-0+deb12u2", -1),
    ("1.0+dfsg", "1.0.1", -1),
    ("1.0z", "1.0+", -1),
    ("1.0-1", "1.0-2", -1),
    ("1.0-10", "1.0-9", 1),
    ("1.0-1ubuntu1", "1.0-1", 1),
    ("6.1.0-18", "6.1.0-21", -1),
    ("5.2.15-2+b8", "5.2.15-2", 1),
    ("10:1", "9:999", 1),
    ("a", "b", -1),
    ("1.0-beta-1", "1.0-1", 1),  # the revision is after the last hyphen: upstream "1.0-beta"
    ("0:5.14.0-427.13.1.el9_4", "0:5.14.0-362.24.1.el9_3", 1),
    ("124.0.6367.119", "124.0.6367.91", 1),
    ("8.0.4010.10", "8.0.4110.9", -1),
    ("1.0.12345678901234567890123", "1.0.12345678901234567890124", -1),
    ("", "0", 0),
    ("", "1.0", -1),
]


@pytest.mark.parametrize(("a", "b", "expected"), VERSION_PAIRS)
def test_compare_versions_follows_debian_policy(a: str, b: str, expected: int) -> None:
    assert compare_versions(a, b) == expected
    assert compare_versions(b, a) == -expected


def _dpkg_order(dpkg: str, a: str, b: str) -> int:
    for relation, result in (("lt", -1), ("eq", 0)):
        if (
            subprocess.run([dpkg, "--compare-versions", a, relation, b], check=False).returncode
            == 0
        ):
            return result
    return 1


def test_compare_versions_agrees_with_dpkg_itself() -> None:
    dpkg = require_command("dpkg")
    pairs = [(a, b) for a, b, _ in VERSION_PAIRS if a and b and not a.startswith("a")]
    assert len(pairs) >= 30
    assert [compare_versions(a, b) for a, b in pairs] == [_dpkg_order(dpkg, a, b) for a, b in pairs]


def _upgradable() -> list[tuple[str, str, str, str]]:
    """(name, arch, installed, candidate) from a real `apt list --upgradable`."""
    text = (corpus_dir("updates") / "apt-list-upgradable.debian12.txt").read_text()
    line = re.compile(r"^(\S+?)/\S+ (\S+) (\S+) \[upgradable from: (\S+)\]$", re.MULTILINE)
    return [(name, arch, old, new) for name, new, arch, old in line.findall(text)]


def test_every_upgrade_apt_offers_sorts_after_the_installed_version() -> None:
    pairs = _upgradable()
    assert len(pairs) == 133
    assert {compare_versions(old, new) for _, _, old, new in pairs} == {-1}


# --- what is not a change ------------------------------------------------------------------


def test_first_observation_yields_nothing(linux: Sections, windows: Sections) -> None:
    assert diff_sections({}, linux) == []
    assert diff_sections({"identity": linux["identity"]}, windows | {"identity": None}) == []


def test_same_observation_yields_nothing(linux: Sections, windows: Sections) -> None:
    assert diff_sections(linux, copy.deepcopy(linux)) == []
    assert diff_sections(windows, copy.deepcopy(windows)) == []


def test_omitted_sections_are_unchanged(linux: Sections) -> None:
    delta = {"identity": linux["identity"], "site": linux["site"]}  # an unchanged-delta document
    assert diff_sections(linux, delta) == []
    assert diff_sections(linux, {"softwares": None, "memories": None}) == []


def test_sections_the_differ_does_not_track_are_ignored(linux: Sections) -> None:
    changed = copy.deepcopy(linux) | {"status": {"uptime_seconds": 1}, "batteries": []}
    assert diff_sections(linux, changed) == []


def test_empty_hardware_lists_are_failed_reads_not_removals(linux: Sections) -> None:
    for section in ("memories", "storages", "cpus", "volumes"):
        assert diff_sections(linux, {section: []}) == [], section
        assert diff_sections({section: []}, linux) == [], section


# --- software ------------------------------------------------------------------------------


def _linux_with(linux: Sections, name: str, arch: str, version: str | None) -> Sections:
    changed = copy.deepcopy(linux)
    softwares = [s for s in changed["softwares"] if (s["name"], s["arch"]) != (name, arch)]
    if version is not None:
        softwares.append({"name": name, "version": version, "arch": arch, "source": "dpkg"})
    changed["softwares"] = softwares
    return changed


def test_software_upgraded(linux: Sections) -> None:
    new = _linux_with(linux, "openssl", "amd64", "3.0.19-1~deb12u3")
    assert diff_sections(linux, new) == [
        Change(
            ChangeKind.SOFTWARE_UPGRADED, "openssl (amd64)", "3.0.19-1~deb12u2", "3.0.19-1~deb12u3"
        )
    ]


def test_software_versions_compare_in_their_sources_order(linux: Sections) -> None:
    """dpkg orders "1.0" before "1.0.0"; a vendor's dotted version is the same release."""
    for source, expected in (("dpkg", [ChangeKind.SOFTWARE_UPGRADED]), ("registry", [])):
        old = copy.deepcopy(linux)
        old["softwares"] = [{"name": "tool", "version": "1.0", "arch": "x64", "source": source}]
        new = copy.deepcopy(old)
        new["softwares"][0]["version"] = "1.0.0"
        assert [change.kind for change in diff_sections(old, new)] == expected, source


def test_software_downgraded_across_an_epoch(linux: Sections) -> None:
    new = _linux_with(linux, "zlib1g", "amd64", "1.3.1-1")  # epoch 1 dropped: older
    assert _only(diff_sections(linux, new)) == Change(
        ChangeKind.SOFTWARE_DOWNGRADED, "zlib1g (amd64)", "1:1.2.13.dfsg-1", "1.3.1-1"
    )


def test_software_installed_and_removed(linux: Sections) -> None:
    new = _linux_with(linux, "curl", "amd64", "7.88.1-10+deb12u5")
    new = _linux_with(new, "bash", "amd64", None)
    assert diff_sections(linux, new) == [
        Change(ChangeKind.SOFTWARE_INSTALLED, "curl (amd64)", None, "7.88.1-10+deb12u5"),
        Change(ChangeKind.SOFTWARE_REMOVED, "bash (amd64)", "5.2.15-2+b8", None),
    ]


def test_equal_entries_that_are_not_the_same_object_are_no_change(linux: Sections) -> None:
    """An entry the memo cannot keep (a value that is no text) is normalised afresh on each
    side: equal but not the same object, its product is compared and found unchanged."""
    old = copy.deepcopy(linux)
    odd = {"name": "odd-tool", "version": "2.0", "arch": "amd64", "source": "dpkg",
           "install_date": ["2026-01-01"]}  # fmt: skip
    old["softwares"].append(odd)
    new = _linux_with(old, "openssl", "amd64", "3.0.19-1~deb12u3")
    new["softwares"].append({**odd, "install_date": ["2026-01-01"]})
    assert diff_sections(old, new) == [
        Change(
            ChangeKind.SOFTWARE_UPGRADED, "openssl (amd64)", "3.0.19-1~deb12u2", "3.0.19-1~deb12u3"
        )
    ]
    newer = copy.deepcopy(new)
    newer["softwares"] = [
        {**item, "version": "2.1"} if item["name"] == "odd-tool" else item
        for item in new["softwares"]
    ]
    assert diff_sections(new, newer) == [
        Change(ChangeKind.SOFTWARE_UPGRADED, "odd-tool (amd64)", "2.0", "2.1")
    ]


def test_a_kernel_added_beside_the_running_one_is_an_installation(linux: Sections) -> None:
    """A product with several versions: only the one added is reported, whatever entries of
    other products came along unchanged."""
    old = copy.deepcopy(linux)
    kernel = {"name": "linux-image", "version": "6.1.0-1", "arch": "amd64", "source": "dpkg"}
    old["softwares"].append(kernel)
    new = copy.deepcopy(old)
    new["softwares"].insert(0, {**kernel, "version": "6.1.0-2"})
    assert diff_sections(old, new) == [
        Change(ChangeKind.SOFTWARE_INSTALLED, "linux-image (amd64)", None, "6.1.0-2")
    ]


def test_each_architecture_is_its_own_installation(linux: Sections) -> None:
    new = _linux_with(linux, "libc6", "i386", None)
    assert diff_sections(linux, new) == [
        Change(ChangeKind.SOFTWARE_REMOVED, "libc6 (i386)", "2.36-9+deb12u14", None)
    ]


def test_an_equal_version_spelt_differently_is_no_change(linux: Sections) -> None:
    new = _linux_with(linux, "adduser", "all", "0:3.134")
    assert diff_sections(linux, new) == []


def test_several_versions_are_a_set_not_an_upgrade() -> None:
    def kernels(*versions: str) -> Sections:
        return {
            "softwares": [
                {"name": "kernel-core", "version": v, "arch": "x86_64", "source": "rpm"}
                for v in versions
            ]
        }

    old = kernels("0:5.14.0-362.24.1.el9_3", "0:5.14.0-427.13.1.el9_4")
    new = kernels("0:5.14.0-427.13.1.el9_4", "0:5.14.0-427.16.1.el9_4")
    subject = "kernel-core (x86_64)"
    assert diff_sections(old, new) == [
        Change(ChangeKind.SOFTWARE_INSTALLED, subject, None, "0:5.14.0-427.16.1.el9_4"),
        Change(ChangeKind.SOFTWARE_REMOVED, subject, "0:5.14.0-362.24.1.el9_3", None),
    ]
    single = kernels("0:5.14.0-427.13.1.el9_4")
    assert diff_sections(single, new) == [
        Change(ChangeKind.SOFTWARE_INSTALLED, subject, None, "0:5.14.0-427.16.1.el9_4")
    ]


def test_a_new_display_name_version_is_an_upgrade_not_a_reinstall(windows: Sections) -> None:
    old = {"softwares": [*windows["softwares"], _firefox("125.0.3")]}
    new = {"softwares": [*windows["softwares"], _firefox("128.0.2")]}
    assert diff_sections(old, new) == [
        Change(ChangeKind.SOFTWARE_UPGRADED, "Mozilla Firefox (x64)", "125.0.3", "128.0.2")
    ]


def _firefox(version: str) -> dict[str, Any]:
    return {
        "name": f"Mozilla Firefox {version} (x64 id)",
        "version": version,
        "publisher": "Mozilla",
        "arch": "x86",
        "source": "registry",
    }


def _packages(count: int) -> list[dict[str, Any]]:
    return [
        {
            "name": f"lib{index:04d}",
            "version": f"{index % 7}:{index}.{index % 13}-{index % 5}+deb12u{index % 3}",
            "arch": "amd64" if index % 4 else "all",
            "publisher": "Debian Foo Maintainers",
            "source": "dpkg",
        }
        for index in range(count)
    ]


def test_a_900_package_diff_with_3_changes_returns_exactly_those_3() -> None:
    old = _packages(900)
    new = copy.deepcopy(old)
    new[10]["version"] = "3:10.10-0+deb12u2"
    removed = new.pop(500)
    new.append({"name": "newpkg", "version": "1.0-1", "arch": "amd64", "source": "dpkg"})
    random.Random(7).shuffle(new)  # noqa: S311 - a shuffle, not cryptography
    assert old[10]["version"] == "3:10.10-0+deb12u1"
    assert diff_sections({"softwares": old}, {"softwares": new}) == [
        Change(ChangeKind.SOFTWARE_INSTALLED, "newpkg (amd64)", None, "1.0-1"),
        Change(ChangeKind.SOFTWARE_REMOVED, "lib0500 (all)", removed["version"], None),
        Change(
            ChangeKind.SOFTWARE_UPGRADED,
            "lib0010 (amd64)",
            "3:10.10-0+deb12u1",
            "3:10.10-0+deb12u2",
        ),
    ]


def test_a_real_apt_upgrade_of_133_packages() -> None:
    folder = corpus_dir("updates")
    rows = [
        line.split("\t")
        for line in (folder / "dpkg-query-installed.debian12.tsv").read_text().splitlines()
    ]
    before = [{"name": n, "version": v, "arch": a, "source": "dpkg"} for n, v, a, _ in rows]
    upgrades = {(name, arch): (old, new) for name, arch, old, new in _upgradable()}
    after = [
        s | {"version": upgrades[(s["name"], s["arch"])][1]}
        if (s["name"], s["arch"]) in upgrades
        else s
        for s in before
    ]
    assert len(before) == 873
    changes = diff_sections({"softwares": before}, {"softwares": after})
    assert summarise(changes) == {"software_upgraded": 133}
    assert {(c.subject, c.before, c.after) for c in changes} == {
        (f"{name} ({arch})", old, new) for (name, arch), (old, new) in upgrades.items()
    }


# --- hardware and facts --------------------------------------------------------------------


def test_memory_module_added_and_total_changed(windows: Sections) -> None:
    new = copy.deepcopy(windows)
    new["memories"].append(
        {"slot": "DIMM3", "size_bytes": 32 * GIB, "type": "DDR4", "serial": "36AB12F0"}
    )
    assert diff_sections(windows, new) == [
        Change(ChangeKind.MEMORY_CHANGED, "memory", str(32 * GIB), str(64 * GIB)),
        Change(ChangeKind.MEMORY_MODULE_ADDED, "DIMM3", None, "32 GiB DDR4 S/N 36AB12F0"),
    ]


def test_memory_module_removed(linux: Sections) -> None:
    new = copy.deepcopy(linux)
    del new["memories"][1]
    assert diff_sections(linux, new) == [
        Change(ChangeKind.MEMORY_CHANGED, "memory", str(32 * GIB), str(16 * GIB)),
        Change(
            ChangeKind.MEMORY_MODULE_REMOVED,
            "DIMM3",
            "16 GiB DDR4 80AD000080AD HMA82GU6DJR8N-XN S/N 2C1B4F91",
            None,
        ),
    ]


def test_a_module_swapped_for_an_equal_one_keeps_the_total(windows: Sections) -> None:
    new = copy.deepcopy(windows)
    new["memories"][0]["serial"] = "25D8FFFF"
    kinds = [c.kind for c in diff_sections(windows, new)]
    assert kinds == [ChangeKind.MEMORY_MODULE_ADDED, ChangeKind.MEMORY_MODULE_REMOVED]


def test_a_module_moved_to_another_slot_is_no_change(windows: Sections) -> None:
    new = copy.deepcopy(windows)
    new["memories"][0]["slot"] = "DIMM4"
    assert diff_sections(windows, new) == []


def test_modules_with_placeholder_serials_are_told_apart_by_slot() -> None:
    def modules(*slots: str) -> Sections:
        return {
            "memories": [
                {"slot": slot, "size_bytes": 8 * GIB, "serial": "00000000"} for slot in slots
            ]
        }

    changes = diff_sections(modules("A1", "B1"), modules("A1", "B1", "A2"))
    assert [(c.kind, c.subject) for c in changes] == [
        (ChangeKind.MEMORY_CHANGED, "memory"),
        (ChangeKind.MEMORY_MODULE_ADDED, "A2"),
    ]


def test_disk_added_and_removed_by_serial(windows: Sections) -> None:
    new = copy.deepcopy(windows)
    new["storages"][1] = {
        "name": "\\\\.\\PHYSICALDRIVE1",
        "model": "Samsung SSD 870 EVO 1TB",
        "serial": "S6PTNM0T512345",
        "size_bytes": 1000204886016,
        "type": "ssd",
        "interface": "SATA",
        "removable": False,
    }
    assert diff_sections(windows, new) == [
        Change(
            ChangeKind.DISK_ADDED,
            "S6PTNM0T512345",
            None,
            "Samsung SSD 870 EVO 1TB 1.0 TB ssd (\\\\.\\PHYSICALDRIVE1)",
        ),
        Change(
            ChangeKind.DISK_REMOVED,
            "Z9A5W3LQ",
            "ST1000DM010-2EP102 1.0 TB hdd (\\\\.\\PHYSICALDRIVE1)",
            None,
        ),
    ]


def test_disks_without_serial_are_matched_by_name_model_and_size() -> None:
    disk = {"name": "vda", "model": None, "serial": None, "size_bytes": 50 * 10**9}
    grown = disk | {"size_bytes": 80 * 10**9}
    second = {"name": "vdb", "serial": None, "size_bytes": 10**12}
    assert diff_sections({"storages": [disk]}, {"storages": [disk, second]}) == [
        Change(ChangeKind.DISK_ADDED, "vdb", None, "1 TB (vdb)")
    ]
    assert [c.kind for c in diff_sections({"storages": [disk]}, {"storages": [grown]})] == [
        ChangeKind.DISK_ADDED,
        ChangeKind.DISK_REMOVED,
    ]


def test_removable_disks_coming_and_going_are_no_change(linux: Sections) -> None:
    unplugged = copy.deepcopy(linux)
    unplugged["storages"] = [s for s in unplugged["storages"] if not s["removable"]]
    assert diff_sections(linux, unplugged) == []
    assert diff_sections(unplugged, linux) == []


def test_nic_added_and_removed_by_mac(linux: Sections) -> None:
    dock = {"name": "enx00e04c680001", "mac": "00:E0:4C:68:00:01", "type": "ethernet"}
    docked = copy.deepcopy(linux)
    docked["networks"].append(dock)
    assert diff_sections(linux, docked) == [
        Change(ChangeKind.NIC_ADDED, "00:e0:4c:68:00:01", None, "enx00e04c680001")
    ]
    assert diff_sections(docked, linux) == [
        Change(ChangeKind.NIC_REMOVED, "00:e0:4c:68:00:01", "enx00e04c680001", None)
    ]


def test_virtual_and_random_macs_are_not_tracked(linux: Sections) -> None:
    new = copy.deepcopy(linux)
    new["networks"] += [
        {"name": "docker0", "mac": "02:42:ac:11:00:02", "virtual": True},
        {"name": "veth1a2b", "mac": "7a:3c:11:22:33:44", "virtual": None},  # locally administered
        {"name": "tun0", "mac": None},
    ]
    assert diff_sections(linux, new) == []


def test_renamed_nic_with_the_same_mac_is_no_change(windows: Sections) -> None:
    new = copy.deepcopy(windows)
    new["networks"][0]["name"] = "Ethernet 2"
    assert diff_sections(windows, new) == []


def test_os_upgrade_reports_each_field(linux: Sections) -> None:
    new = copy.deepcopy(linux)
    new["operatingsystem"] |= {"version": "13", "build": "13.1", "kernel": "6.12.48+deb13-amd64"}
    assert diff_sections(linux, new) == [
        Change(ChangeKind.OS_CHANGED, "build", "12.5", "13.1"),
        Change(ChangeKind.OS_CHANGED, "version", "12", "13"),
    ]


def test_windows_cumulative_update_changes_the_build(windows: Sections) -> None:
    new = copy.deepcopy(windows)
    new["operatingsystem"]["build"] = "22631.3593"
    new["operatingsystem"]["last_boot"] = "2024-05-20T00:00:00Z"
    assert diff_sections(windows, new) == [
        Change(ChangeKind.OS_CHANGED, "build", "22631.3527", "22631.3593")
    ]


def test_motherboard_replacement_changes_hardware_identity(windows: Sections) -> None:
    new = copy.deepcopy(windows)
    new["hardware"] |= {"serial": "9QK3LH4", "uuid": "4c4c4544-0051-3010-8052-b4c04f563432"}
    assert diff_sections(windows, new) == [
        Change(ChangeKind.HARDWARE_CHANGED, "serial", "7XK2LH3", "9QK3LH4"),
        Change(
            ChangeKind.HARDWARE_CHANGED,
            "uuid",
            "4c4c4544-0058-4b10-8032-b7c04f4c4833",
            "4c4c4544-0051-3010-8052-b4c04f563432",
        ),
    ]


def test_case_and_spacing_are_no_change(windows: Sections) -> None:
    new = copy.deepcopy(windows)
    new["hardware"]["serial"] = " 7xk2lh3 "
    new["identity"]["hostname"] = "pd-pusdatin-017"
    assert diff_sections(windows, new) == []


def test_bios_updated(windows: Sections) -> None:
    new = copy.deepcopy(windows)
    new["bios"] |= {"version": "1.22.0", "date": "2024-03-12"}
    assert diff_sections(windows, new) == [
        Change(ChangeKind.BIOS_UPDATED, "version", "1.21.0", "1.22.0")
    ]


def test_cpu_changed(linux: Sections) -> None:
    server = {"model": "Intel(R) Xeon(R) Silver 4210R CPU @ 2.40GHz", "cores": 10, "threads": 20}
    old = {"cpus": [server, server | {"speed_mhz": 2400}]}
    new = {"cpus": [server | {"model": "Intel(R) Xeon(R) Gold 6230R CPU @ 2.10GHz"}] * 2}
    assert diff_sections(old, new) == [
        Change(
            ChangeKind.CPU_CHANGED,
            "cpus",
            "2 x Intel(R) Xeon(R) Silver 4210R CPU @ 2.40GHz (10C/20T)",
            "2 x Intel(R) Xeon(R) Gold 6230R CPU @ 2.10GHz (10C/20T)",
        )
    ]
    slower = copy.deepcopy(linux)
    slower["cpus"][0]["speed_mhz"] = 1200  # a reading, not a part
    assert diff_sections(linux, slower) == []


def test_hostname_changed(linux: Sections) -> None:
    new = copy.deepcopy(linux)
    new["identity"] |= {"hostname": "lpt-sby-007", "fqdn": "lpt-sby-007.pom.go.id"}
    assert diff_sections(linux, new) == [
        Change(ChangeKind.HOSTNAME_CHANGED, "hostname", "lpt-pusdatin-042", "lpt-sby-007")
    ]


def test_site_changed(linux: Sections) -> None:
    assert diff_sections(linux, {"site": "PUSDATIN"}) == [
        Change(ChangeKind.SITE_CHANGED, "site", "BBPOM-SBY", "PUSDATIN")
    ]
    assert diff_sections(linux, {"site": "BBPOM-SBY"}) == []


def test_volume_added_and_removed(windows: Sections) -> None:
    new = copy.deepcopy(windows)
    new["volumes"].append(
        {"mount": "D:\\", "device": "D:\\", "filesystem": "NTFS", "total_bytes": 1000202039296}
    )
    assert diff_sections(windows, new) == [
        Change(ChangeKind.VOLUME_ADDED, "D:\\", None, "D:\\ NTFS 1.0 TB")
    ]
    assert diff_sections(new, windows) == [
        Change(ChangeKind.VOLUME_REMOVED, "D:\\", "D:\\ NTFS 1.0 TB", None)
    ]


def _everything_changed(linux: Sections) -> Sections:
    new = _linux_with(linux, "openssl", "amd64", "3.0.19-1~deb12u3")
    new = _linux_with(new, "zlib1g", "amd64", "1.3.1-1")
    new = _linux_with(new, "bash", "amd64", None)
    new = _linux_with(new, "curl", "amd64", "7.88.1-10+deb12u5")
    new["memories"][1] = new["memories"][1] | {"serial": "2C1B5000", "size_bytes": 8 * GIB}
    new["storages"][0]["serial"] = "S4ENNX0N999999"
    new["networks"][0]["mac"] = "f8:bc:12:4a:5b:6d"
    new["operatingsystem"]["version"] = "13"
    new["hardware"]["model"] = "20W000T9ID"
    new["bios"]["version"] = "N34ET63W (1.63 )"
    new["cpus"][0]["model"] = "11th Gen Intel(R) Core(TM) i7-1165G7 @ 2.80GHz"
    new["identity"]["hostname"] = "lpt-pusdatin-043"
    new["site"] = "PUSDATIN"
    new["volumes"] = new["volumes"][:1]
    new["volumes"].append({"mount": "/home", "device": "/dev/nvme0n1p3", "total_bytes": None})
    return new


def test_every_kind_occurs_and_the_summary_counts_them(linux: Sections) -> None:
    changes = diff_sections(linux, _everything_changed(linux))
    recorded_by_services = {ChangeKind.ASSET_DISCOVERED, ChangeKind.BMN_UPDATED}
    assert {c.kind for c in changes} == set(ChangeKind) - recorded_by_services
    assert summarise(changes) == {
        "software_installed": 1,
        "software_removed": 1,
        "software_upgraded": 1,
        "software_downgraded": 1,
        "memory_changed": 1,
        "memory_module_added": 1,
        "memory_module_removed": 1,
        "disk_added": 1,
        "disk_removed": 1,
        "nic_added": 1,
        "nic_removed": 1,
        "os_changed": 1,
        "hardware_changed": 1,
        "bios_updated": 1,
        "cpu_changed": 1,
        "hostname_changed": 1,
        "site_changed": 1,
        "volume_added": 1,
        "volume_removed": 1,
    }
    assert summarise([]) == {}


def test_output_is_sorted_and_independent_of_input_order(linux: Sections) -> None:
    new = _everything_changed(linux)
    expected = diff_sections(linux, new)
    order = list(ChangeKind)
    keys = [(order.index(c.kind), c.subject, c.before or "", c.after or "") for c in expected]
    assert keys == sorted(keys)
    for seed in range(5):
        shuffled_old, shuffled_new = copy.deepcopy(linux), copy.deepcopy(new)
        for sections in (shuffled_old, shuffled_new):
            for value in sections.values():
                if isinstance(value, list):
                    random.Random(seed).shuffle(value)  # noqa: S311 - a shuffle
        assert diff_sections(shuffled_old, shuffled_new) == expected


def test_items_that_are_not_objects_are_skipped(linux: Sections) -> None:
    old = {"networks": ["junk", None, *linux["networks"]], "softwares": [None, "x"]}
    new = {"networks": [*linux["networks"], 42], "softwares": []}
    assert diff_sections(old, new) == []


# --- reading the history -------------------------------------------------------------------


def test_describe_in_indonesian_by_default() -> None:
    change = Change(ChangeKind.SOFTWARE_UPGRADED, "firefox", "115.0", "128.0")
    assert describe(change) == "Perangkat lunak firefox diperbarui dari 115.0 ke 128.0"
    assert describe(change, "en") == "Software firefox upgraded from 115.0 to 128.0"


@pytest.mark.parametrize(
    ("change", "indonesian", "english"),
    [
        (
            Change(ChangeKind.MEMORY_CHANGED, "memory", str(16 * GIB), str(32 * GIB)),
            "Total memori berubah dari 16 GiB ke 32 GiB",
            "Total memory changed from 16 GiB to 32 GiB",
        ),
        (
            Change(ChangeKind.SOFTWARE_INSTALLED, "Google Chrome (x64)", None, None),
            "Perangkat lunak Google Chrome (x64) versi tidak diketahui dipasang",
            "Software Google Chrome (x64) version unknown installed",
        ),
        (
            Change(ChangeKind.HARDWARE_CHANGED, "serial", "7XK2LH3", "9QK3LH4"),
            "Perangkat keras: nomor seri berubah dari 7XK2LH3 ke 9QK3LH4",
            "Hardware serial number changed from 7XK2LH3 to 9QK3LH4",
        ),
        (
            Change(ChangeKind.OS_CHANGED, "version", "12", "13"),
            "Sistem operasi: versi berubah dari 12 ke 13",
            "Operating system version changed from 12 to 13",
        ),
        (
            Change(ChangeKind.DISK_REMOVED, "Z9A5W3LQ", "ST1000DM010-2EP102 1000 GB hdd", None),
            "Disk Z9A5W3LQ dilepas: ST1000DM010-2EP102 1000 GB hdd",
            "Disk Z9A5W3LQ removed: ST1000DM010-2EP102 1000 GB hdd",
        ),
        (
            Change(ChangeKind.SITE_CHANGED, "site", "{x}", "PUSDATIN"),
            "Lokasi berubah dari {x} ke PUSDATIN",
            "Site changed from {x} to PUSDATIN",
        ),
    ],
)
def test_describe_examples(change: Change, indonesian: str, english: str) -> None:
    assert describe(change, "id") == indonesian
    assert describe(change, "en") == english


def test_every_kind_reads_in_both_languages(linux: Sections) -> None:
    changes = diff_sections(linux, _everything_changed(linux))
    for change in changes:
        indonesian, english = describe(change), describe(change, "en")
        assert indonesian != english
        assert "{" not in indonesian + english
        assert change.subject in english or change.kind in {
            ChangeKind.MEMORY_CHANGED,
            ChangeKind.BIOS_UPDATED,
            ChangeKind.CPU_CHANGED,
            ChangeKind.HOSTNAME_CHANGED,
            ChangeKind.SITE_CHANGED,
        }


def test_describe_refuses_unknown_languages() -> None:
    change = Change(ChangeKind.SITE_CHANGED, "site", "A", "B")
    with pytest.raises(ValueError, match="'fr'"):
        describe(change, "fr")


@pytest.mark.parametrize(
    ("size", "binary", "shown"),
    [
        (None, True, None),
        (0, True, "0 B"),
        (17179869184, True, "16 GiB"),
        (16090968064, True, "15 GiB"),
        (536870912, True, "512 MiB"),
        (512110190592, False, "512 GB"),
        (30752636928, False, "31 GB"),
        (1500 * 10**9, False, "1.5 TB"),
        (10**21, False, "1000000 PB"),
    ],
)
def test_format_bytes(size: int | None, binary: bool, shown: str | None) -> None:
    assert format_bytes(size, binary=binary) == shown
