"""Linux pending updates: apt-get simulation, apt list, dnf check-update + updateinfo, the probe."""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest

from agent.probes.linux.apt import (
    APT_SIMULATE,
    parse_apt_get_simulation,
    parse_apt_list_upgradable,
)
from agent.probes.linux.dnf import (
    apply_advisories,
    parse_dnf_check_update,
    parse_dnf_updateinfo,
)
from agent.probes.linux.packages import PendingUpdate, Updates, summarise_updates
from agent.probes.linux.rpm import rpm_query_argv
from agent.probes.linux.updates import UpdatesError, collect_updates
from agent.sources.commands import CommandResult, RecordedCommandRunner, SystemCommandRunner
from agent.sources.host import Host, live_host
from agent.sources.stats import RecordedStats
from tests.peers import FIXTURES, corpus_dir, require_command
from tests.schema_check import definition_errors

LINUX = FIXTURES / "linux"
CHECK_UPDATE = LINUX / "dnf-check-update.rhel9.txt"
UPDATEINFO = LINUX / "dnf-updateinfo-list-updates.rhel9.txt"
RPM_QA = LINUX / "rpm-qa.rhel9.txt"
DNF_CHECK: tuple[str, ...] = ("dnf", "-q", "-C", "check-update")
DNF_UPDATEINFO: tuple[str, ...] = ("dnf", "-q", "-C", "updateinfo", "list", "--updates")


def _corpus(name: str) -> str:
    return (corpus_dir("updates") / name).read_text(encoding="utf-8")


def _valid(section: Updates) -> Updates:
    assert definition_errors("updates", section) == []
    return section


def _by_name(items: Sequence[PendingUpdate]) -> dict[tuple[str, str | None], PendingUpdate]:
    return {(item["name"], item["arch"]): item for item in items}


def _collect(host: Host) -> Updates:
    section = collect_updates(host)
    assert section is not None
    return _valid(section)


def _host(root: Path, recorded: dict[tuple[str, ...], CommandResult]) -> Host:
    return Host("linux", root, RecordedCommandRunner(recorded), RecordedStats())


def _stamp(path: Path, when: datetime) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"")
    os.utime(path, (when.timestamp(), when.timestamp()))


# --- apt: the shared Debian 12 corpus ---------------------------------------------------------


def test_apt_get_simulation_corpus() -> None:
    items = parse_apt_get_simulation(_corpus("apt-get-s-upgrade.debian12.txt"))
    assert len(items) == 133
    assert sum(item["security"] for item in items) == 79
    found = _by_name(items)
    assert found[("libgcrypt20", "amd64")] == {
        "name": "libgcrypt20",
        "installed_version": "1.10.1-3",
        "available_version": "1.10.1-3+deb12u1",
        "arch": "amd64",
        "origin": "oldstable,oldstable-security",
        "security": True,
    }
    assert found[("liblzma5", "amd64")]["origin"] == "oldstable-security"
    assert found[("base-files", "amd64")]["security"] is False
    assert found[("libcap2", "amd64")]["installed_version"] == "1:2.66-4+deb12u2+b2"
    assert found[("libpam-runtime", "all")]["available_version"] == "1.5.2-6+deb12u2"
    assert _valid(summarise_updates("apt", items, None))["security_count"] == 79


def test_apt_list_upgradable_corpus_gives_the_same_updates() -> None:
    listed = parse_apt_list_upgradable(_corpus("apt-list-upgradable.debian12.txt"))
    assert len(listed) == 133
    assert sum(item["security"] for item in listed) == 79
    simulated = parse_apt_get_simulation(_corpus("apt-get-s-upgrade.debian12.txt"))
    assert _by_name(listed) == _by_name(simulated)
    assert _valid(summarise_updates("apt", listed, None))["pending_count"] == 133


DIST_UPGRADE = """\
Reading package lists...
Building dependency tree...
Reading state information...
Calculating upgrade...
The following NEW packages will be installed:
  linux-image-5.15.0-92-generic
The following packages will be upgraded:
  docker-ce libc6 libc6:i386 linux-image-generic
Inst linux-image-5.15.0-92-generic (5.15.0-92.102 Ubuntu:22.04/jammy-updates, \
Ubuntu:22.04/jammy-security [amd64])
Inst linux-image-generic [5.15.0.91.88] (5.15.0.92.89 Ubuntu:22.04/jammy-updates, \
Ubuntu:22.04/jammy-security [amd64])
Inst libc6:i386 [2.35-0ubuntu3.5] (2.35-0ubuntu3.6 Ubuntu:22.04/jammy-updates [i386]) []
Inst libc6 [2.35-0ubuntu3.5] (2.35-0ubuntu3.6 Ubuntu:22.04/jammy-updates [amd64])
Inst docker-ce [5:24.0.6-1~ubuntu.22.04~jammy] (5:24.0.7-1~ubuntu.22.04~jammy \
Docker CE:jammy [amd64])
Inst tzdata [2023c-0ubuntu0.22.04.2] (2024a-0ubuntu0.22.04 \
UbuntuESM:22.04/jammy-infra-security [all])
Remv snapd [2.58+22.04.1]
Conf libc6 (2.35-0ubuntu3.6 Ubuntu:22.04/jammy-updates [amd64])
"""


def test_apt_get_dist_upgrade_simulation() -> None:
    found = _by_name(parse_apt_get_simulation(DIST_UPGRADE))
    assert sorted(found) == [
        ("docker-ce", "amd64"),
        ("libc6", "amd64"),
        ("libc6", "i386"),  # foreign arch: name without ":i386"
        ("linux-image-generic", "amd64"),
        ("tzdata", "all"),
    ]  # the newly installed kernel image and the removal are not pending updates
    assert found[("linux-image-generic", "amd64")]["origin"] == "jammy-updates,jammy-security"
    assert found[("linux-image-generic", "amd64")]["security"] is True
    assert found[("docker-ce", "amd64")]["origin"] == "jammy"
    assert found[("docker-ce", "amd64")]["installed_version"] == "5:24.0.6-1~ubuntu.22.04~jammy"
    assert found[("docker-ce", "amd64")]["security"] is False
    assert found[("tzdata", "all")]["security"] is True
    assert found[("libc6", "i386")]["security"] is False


def test_security_label_counts_where_the_suite_name_does_not_tell() -> None:
    """Debian 10's security archive was plain "oldoldstable": only its label says security."""
    text = (
        "Inst openssl [1.1.1n-0+deb10u3] (1.1.1n-0+deb10u6 Debian-Security:10/oldoldstable "
        "[amd64])\n"
        "Inst tar [1.30+dfsg-6] (1.30+dfsg-6+deb10u1 Debian:10.13/oldoldstable [amd64])\n"
    )
    found = _by_name(parse_apt_get_simulation(text))
    assert found[("openssl", "amd64")]["security"] is True
    assert found[("openssl", "amd64")]["origin"] == "oldoldstable"
    assert found[("tar", "amd64")]["security"] is False


# --- dnf: authored RHEL 9 recordings ----------------------------------------------------------


def test_dnf_check_update_fixture() -> None:
    items = parse_dnf_check_update(CHECK_UPDATE.read_text(encoding="utf-8"))
    assert len(items) == 24
    found = _by_name(items)
    assert found[("kernel", "x86_64")] == {
        "name": "kernel",
        "installed_version": None,
        "available_version": "5.14.0-427.22.1.el9_4",
        "arch": "x86_64",
        "origin": "rhel-9-for-x86_64-baseos-rpms",
    }
    assert found[("NetworkManager", "x86_64")]["available_version"] == "1:1.46.0-8.el9_4"
    assert found[("glibc", "i686")]["available_version"] == "2.34-100.el9_4.2"
    assert found[("htop", "x86_64")]["origin"] == "epel"
    assert found[("python3-idna", "noarch")]["origin"] == "rhel-9-for-x86_64-baseos-rpms"
    # the "Obsoleting Packages" section adds nothing (grub2-tools is already an upgrade)
    assert ("grub2-tools-efi", "x86_64") not in found
    assert [item["name"] for item in items].count("grub2-tools") == 1


def test_dnf_check_update_joins_wrapped_rows() -> None:
    text = (
        "\n"
        "NetworkManager-config-server.noarch\n"
        "                      1:1.46.0-8.el9_4   rhel-9-for-x86_64-baseos-rpms\n"
        "kernel.x86_64         5.14.0-427.22.1.el9_4\n"
        "                                         rhel-9-for-x86_64-baseos-rpms\n"
        "less.x86_64           590-4.el9_4        rhel-9-for-x86_64-baseos-rpms\n"
        "Security: kernel-core-5.14.0-427.16.1.el9_4.x86_64 is an installed security update\n"
    )
    items = parse_dnf_check_update(text)
    assert [(i["name"], i["available_version"], i["origin"]) for i in items] == [
        ("NetworkManager-config-server", "1:1.46.0-8.el9_4", "rhel-9-for-x86_64-baseos-rpms"),
        ("kernel", "5.14.0-427.22.1.el9_4", "rhel-9-for-x86_64-baseos-rpms"),
        ("less", "590-4.el9_4", "rhel-9-for-x86_64-baseos-rpms"),
    ]


def test_dnf_updateinfo_fixture() -> None:
    rows = parse_dnf_updateinfo(UPDATEINFO.read_text(encoding="utf-8"))
    assert len(rows) == 27
    assert rows[0] == {
        "id": "RHBA-2024:3357",
        "security": False,
        "severity": None,
        "name": "NetworkManager",
        "arch": "x86_64",
    }
    kernel = [row for row in rows if row["name"] == "kernel-modules-core"]
    assert [(r["id"], r["severity"], r["security"]) for r in kernel] == [
        ("RHSA-2024:3138", "Important", True),
        ("RHSA-2024:3619", "Important", True),
    ]
    assert {r["name"] for r in rows if r["security"]} == {
        "expat",
        "kernel",
        "kernel-core",
        "kernel-modules",
        "kernel-modules-core",
        "less",
        "python3-idna",
    }


def test_advisory_labels() -> None:
    text = (
        "RHSA-1 Critical/Sec. a-1-1.x86_64\n"
        "RHSA-2 Unknown/Sec.  b-1-1.x86_64\n"
        "RHSA-3 security      c-1-1.x86_64\n"
        "RHEA-4 newpackage    d-1-1.noarch\n"
        "RHSA-5 Low/Sec.      a-1-2.x86_64\n"
        "updateinfo list done\n"
    )
    rows = parse_dnf_updateinfo(text)
    assert [(r["name"], r["security"], r["severity"]) for r in rows] == [
        ("a", True, "Critical"),
        ("b", True, None),
        ("c", True, None),
        ("d", False, None),
        ("a", True, "Low"),
    ]
    pending: list[PendingUpdate] = [
        {
            "name": "a",
            "installed_version": "1-0",
            "available_version": "1-2",
            "arch": "x86_64",
            "origin": "baseos",
        }
    ]
    merged = apply_advisories(pending, rows)
    assert merged[0]["severity"] == "Critical"  # the highest of the package's advisories
    assert merged[0]["kb"] == ["RHSA-1", "RHSA-5"]


def _dnf_recordings() -> dict[tuple[str, ...], CommandResult]:
    """What a RHEL 9 host answers: check-update, rpm -q of the upgradable packages (taken from
    the rpm -qa recording, as rpm prints them), and updateinfo."""
    check = CHECK_UPDATE.read_text(encoding="utf-8")
    specs = [f"{i['name']}.{i['arch']}" for i in parse_dnf_check_update(check)]
    lines = RPM_QA.read_text(encoding="utf-8").splitlines(keepends=True)
    installed = [line for line in lines if ".".join(line.split("\t")[0:3:2]) in specs]
    return {
        DNF_CHECK: CommandResult(100, check),
        rpm_query_argv(specs): CommandResult(0, "".join(installed)),
        DNF_UPDATEINFO: CommandResult(0, UPDATEINFO.read_text(encoding="utf-8")),
    }


def test_dnf_probe_on_a_recorded_rhel9_host(tmp_path: Path) -> None:
    _stamp(tmp_path / "var/cache/dnf/last_makecache", datetime(2024, 6, 12, 4, 30, tzinfo=UTC))
    section = _collect(_host(tmp_path, _dnf_recordings()))
    assert section["manager"] == "dnf"
    assert section["checked_at"] == "2024-06-12T04:30:00+00:00"
    assert (section["pending_count"], section["security_count"]) == (24, 7)
    found = _by_name(section["pending"])
    assert found[("kernel", "x86_64")] == {
        "name": "kernel",
        "installed_version": "5.14.0-427.16.1.el9_4",  # the newest of the two installed
        "available_version": "5.14.0-427.22.1.el9_4",
        "arch": "x86_64",
        "origin": "rhel-9-for-x86_64-baseos-rpms",
        "security": True,
        "severity": "Important",
        "kb": ["RHSA-2024:3138", "RHSA-2024:3619"],
    }
    assert found[("NetworkManager", "x86_64")]["installed_version"] == "1:1.46.0-4.el9_4"
    assert found[("glibc", "i686")]["installed_version"] == "2.34-100.el9"
    assert found[("expat", "x86_64")]["severity"] == "Moderate"
    assert found[("tzdata", "noarch")]["kb"] == ["RHEA-2024:3740"]
    assert found[("zabbix-agent2", "x86_64")]["kb"] == []
    assert found[("zabbix-agent2", "x86_64")]["security"] is False


def test_dnf_without_advisories_leaves_security_unknown(tmp_path: Path) -> None:
    recorded = _dnf_recordings()
    recorded[DNF_UPDATEINFO] = CommandResult(1, "", "Error: updateinfo metadata missing")
    section = _collect(_host(tmp_path, recorded))
    assert (section["pending_count"], section["security_count"]) == (24, None)
    assert all("security" not in item for item in section["pending"])
    assert section["checked_at"] is None  # nothing cached under this root


def test_dnf_with_nothing_to_update(tmp_path: Path) -> None:
    repomd = tmp_path / "var/cache/dnf/baseos-a1b2c3d4e5f6a7b8/repodata/repomd.xml"
    _stamp(repomd, datetime(2024, 6, 1, 8, 0, 5, tzinfo=UTC))
    runner = RecordedCommandRunner({DNF_CHECK: CommandResult(0, "\n")})
    section = collect_updates(Host("linux", tmp_path, runner, RecordedStats()))
    assert section == {
        "manager": "dnf",
        "checked_at": "2024-06-01T08:00:05+00:00",
        "pending_count": 0,
        "security_count": 0,
        "pending": [],
    }
    assert runner.calls == [APT_SIMULATE, DNF_CHECK]


def test_yum_when_there_is_no_dnf(tmp_path: Path) -> None:
    check = CHECK_UPDATE.read_text(encoding="utf-8")
    runner = RecordedCommandRunner({("yum", "-q", "-C", "check-update"): CommandResult(100, check)})
    section = _collect(Host("linux", tmp_path, runner, RecordedStats()))
    assert (section["manager"], section["pending_count"]) == ("yum", 24)
    assert ("yum", "-q", "-C", "updateinfo", "list", "updates") in runner.calls


def test_dnf_failure_raises(tmp_path: Path) -> None:
    failing = {
        DNF_CHECK: CommandResult(1, "", "Error: Cache-only enabled but no cache for 'baseos'")
    }
    with pytest.raises(UpdatesError, match="no cache for 'baseos'"):
        collect_updates(_host(tmp_path, failing))


# --- apt probe --------------------------------------------------------------------------------


def test_apt_probe_on_recorded_output(tmp_path: Path) -> None:
    lists = tmp_path / "var/lib/apt/lists"
    _stamp(
        lists / "deb.debian.org_debian_dists_bookworm_InRelease",
        datetime(2026, 7, 11, 10, 16, tzinfo=UTC),
    )
    _stamp(
        lists / "deb.debian.org_debian-security_dists_bookworm-security_InRelease",
        datetime(2026, 11, 27, 22, 58, tzinfo=UTC),
    )
    _stamp(lists / "lock", datetime(2027, 1, 1, tzinfo=UTC))  # the lock is not a list
    os.utime(lists, (datetime(2026, 11, 27, 22, 58, tzinfo=UTC).timestamp(),) * 2)
    recorded = {APT_SIMULATE: CommandResult(0, _corpus("apt-get-s-upgrade.debian12.txt"))}
    section = _collect(_host(tmp_path, recorded))
    assert section["manager"] == "apt"
    assert section["checked_at"] == "2026-11-27T22:58:00+00:00"
    assert (section["pending_count"], section["security_count"]) == (133, 79)


def test_apt_success_stamp_counts_when_newer(tmp_path: Path) -> None:
    _stamp(tmp_path / "var/lib/apt/lists/x_InRelease", datetime(2026, 1, 1, tzinfo=UTC))
    _stamp(
        tmp_path / "var/lib/apt/periodic/update-success-stamp",
        datetime(2026, 2, 3, 4, 5, 6, tzinfo=UTC),
    )
    os.utime(tmp_path / "var/lib/apt/lists", (datetime(2026, 1, 1, tzinfo=UTC).timestamp(),) * 2)
    recorded = {
        APT_SIMULATE: CommandResult(
            0, "0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n"
        )
    }
    section = collect_updates(_host(tmp_path, recorded))
    assert section is not None
    assert section["checked_at"] == "2026-02-03T04:05:06+00:00"
    assert section["pending"] == []


def test_apt_never_updated_has_no_check_time(tmp_path: Path) -> None:
    (tmp_path / "var/lib/apt/lists/partial").mkdir(parents=True)
    recorded = {
        APT_SIMULATE: CommandResult(
            0, "0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n"
        )
    }
    section = collect_updates(_host(tmp_path, recorded))
    assert section is not None
    assert section["checked_at"] is None


def test_apt_failure_raises(tmp_path: Path) -> None:
    broken = {
        APT_SIMULATE: CommandResult(
            100, "", "E: dpkg was interrupted, you must manually run 'dpkg --configure -a'"
        )
    }
    with pytest.raises(UpdatesError, match="dpkg was interrupted"):
        collect_updates(_host(tmp_path, broken))


def test_no_package_manager_gives_no_section(tmp_path: Path) -> None:
    runner = RecordedCommandRunner({})
    assert collect_updates(Host("linux", tmp_path, runner, RecordedStats())) is None
    assert [call[0] for call in runner.calls] == ["apt-get", "dnf", "yum"]


# --- this machine -----------------------------------------------------------------------------


def test_live_updates_section() -> None:
    require_command("apt-get")
    section = collect_updates(live_host())
    assert section is not None
    _valid(section)
    assert section["manager"] == "apt"
    assert section["pending_count"] == len(section["pending"])
    assert section["security_count"] == sum(1 for i in section["pending"] if i.get("security"))
    assert all(i["installed_version"] and i["available_version"] for i in section["pending"])
    if any(Path("/var/lib/apt/lists").glob("*_InRelease")):
        assert section["checked_at"] is not None


def test_live_simulation_agrees_with_apt_list() -> None:
    """On this machine the dist-upgrade simulation offers every upgradable package that is not
    held, so both parsers see the same updates in the live outputs."""
    require_command("apt")
    listed = SystemCommandRunner().run(["apt", "list", "--upgradable"], timeout=120)
    held = SystemCommandRunner().run(["apt-mark", "showhold"], timeout=60).stdout.split()
    simulated = SystemCommandRunner().run(APT_SIMULATE, timeout=120)
    assert listed.ok and simulated.ok
    expected = {
        (item["name"], item["arch"]): item
        for item in parse_apt_list_upgradable(listed.stdout)
        if item["name"] not in held
    }
    assert _by_name(parse_apt_get_simulation(simulated.stdout)) == expected


# --- hostile input ----------------------------------------------------------------------------

_PARSERS = (parse_apt_get_simulation, parse_apt_list_upgradable, parse_dnf_check_update)


def _hostile_texts() -> list[str]:
    simulated = _corpus("apt-get-s-upgrade.debian12.txt")
    truncated = "\n".join(line[: len(line) // 2] for line in simulated.splitlines())
    return [
        "",
        "\x00\x01\x02 garbage \ufffd\n\n\t\t\n",
        truncated,
        "Inst " + "a" * 1_000_000 + " [1] (2 Debian:12/stable [amd64])\n",
        "Inst x [" + "1" * 300 + "] (2 " + "L:" * 50_000 + " [amd64])\n",
        "x/" + "s," * 200_000 + " 2 amd64 [upgradable from: 1]\n",
        ("pkg.x86_64 " + "1-1 " * 3 + "\n") * 1000,
        b"Inst caf\xc3\xa9 [1] (2 D\xff:12/stable-security [amd64])\n".decode("utf-8", "replace"),
    ]


@pytest.mark.parametrize("index", range(8))
def test_hostile_update_outputs_give_valid_sections(index: int) -> None:
    text = _hostile_texts()[index]
    for parse in _PARSERS:
        _valid(summarise_updates("apt", parse(text), None))
    rows = parse_dnf_updateinfo(text)
    pending = parse_dnf_check_update(text)
    _valid(summarise_updates("dnf", apply_advisories(pending, rows), None))


def test_hostile_values_are_dropped_not_cut() -> None:
    text = "Inst x [" + "1" * 300 + "] (2 Debian-Security:12/stable-security [amd64])\n"
    assert parse_apt_get_simulation(text) == [
        {
            "name": "x",
            "installed_version": None,
            "available_version": "2",
            "arch": "amd64",
            "origin": "stable-security",
            "security": True,
        }
    ]
    assert parse_apt_get_simulation("Inst " + "a" * 300 + " [1] (2 D:1/s [amd64])\n") == []
