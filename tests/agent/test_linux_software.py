"""Linux installed software: dpkg's status file, dpkg-query output, rpm, and the probe."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest

from agent.probes.linux.dpkg import (
    is_installed,
    parse_dpkg_query,
    parse_dpkg_status,
)
from agent.probes.linux.packages import Software
from agent.probes.linux.rpm import parse_rpm_query, rpm_query_argv
from agent.probes.linux.software import collect_software
from agent.sources.commands import CommandResult, RecordedCommandRunner
from agent.sources.host import Host, live_host
from agent.sources.stats import RecordedStats
from tests.peers import FIXTURES, corpus_dir, require_command
from tests.schema_check import definition_errors

LINUX = FIXTURES / "linux"
DPKG_STATUS = LINUX / "dpkg-status.debian12.txt"
RPM_QA = LINUX / "rpm-qa.rhel9.txt"


def _errors(items: Sequence[Software]) -> list[str]:
    return [error for item in items for error in definition_errors("software", item)]


def _host(root: Path, recorded: dict[tuple[str, ...], CommandResult] | None = None) -> Host:
    return Host("linux", root, RecordedCommandRunner(recorded or {}), RecordedStats())


def _dpkg_root(root: Path, status: bytes) -> Path:
    (root / "var/lib/dpkg/info").mkdir(parents=True)
    (root / "var/lib/dpkg/status").write_bytes(status)
    return root


def _touch(path: Path, when: datetime) -> None:
    path.write_text("/.\n/usr\n", encoding="utf-8")
    os.utime(path, (when.timestamp(), when.timestamp()))


def _by_key(items: Sequence[Software]) -> dict[tuple[str, str | None], Software]:
    return {(item["name"], item["arch"]): item for item in items}


# --- dpkg status file -------------------------------------------------------------------------


def test_dpkg_status_lists_packages_whose_files_are_on_disk() -> None:
    items = parse_dpkg_status(DPKG_STATUS.read_text(encoding="utf-8"))
    assert [(i["name"], i["arch"]) for i in items] == [
        ("adduser", "all"),
        ("bash", "amd64"),
        ("libc6", "amd64"),
        ("libc6", "i386"),
        ("zlib1g", "amd64"),
        ("openssl", "amd64"),  # "hold ok installed": held, still installed
        ("tzdata", "all"),  # "install ok half-configured": files unpacked
    ]  # nginx-common (config-files, "rc") and telnet (not-installed) are left out
    assert _errors(items) == []


def test_dpkg_status_fields() -> None:
    items = _by_key(parse_dpkg_status(DPKG_STATUS.read_text(encoding="utf-8")))
    assert items[("adduser", "all")] == {
        "name": "adduser",
        "version": "3.134",
        "arch": "all",
        "publisher": "Debian Adduser Developers",
        "install_date": None,
        "source": "dpkg",
    }
    assert items[("zlib1g", "amd64")]["version"] == "1:1.2.13.dfsg-1"
    assert items[("zlib1g", "amd64")]["publisher"] == "Mark Brown"
    assert items[("libc6", "i386")]["version"] == "2.36-9+deb12u14"


@pytest.mark.parametrize(
    ("status", "installed"),
    [
        ("install ok installed", True),
        ("hold ok installed", True),
        ("deinstall ok installed", True),
        ("install ok unpacked", True),
        ("install reinstreq half-installed", True),
        ("install ok triggers-pending", True),
        ("deinstall ok config-files", False),
        ("purge ok not-installed", False),
        ("install ok", False),
        ("", False),
        (None, False),
    ],
)
def test_installed_states(status: str | None, installed: bool) -> None:
    assert is_installed(status) is installed


def test_dpkg_install_date_is_the_day_the_file_list_was_written(tmp_path: Path) -> None:
    root = _dpkg_root(tmp_path, DPKG_STATUS.read_bytes())
    info = root / "var/lib/dpkg/info"
    _touch(info / "adduser.list", datetime(2025, 5, 20, 10, 0, tzinfo=UTC))
    _touch(info / "bash.list", datetime(2025, 6, 1, 23, 59, tzinfo=UTC))
    _touch(info / "libc6:amd64.list", datetime(2026, 1, 2, 3, 4, tzinfo=UTC))
    _touch(info / "libc6:i386.list", datetime(2026, 1, 3, 0, 0, tzinfo=UTC))
    _touch(info / "zlib1g:amd64.list", datetime(2024, 2, 29, 12, 0, tzinfo=UTC))
    items = _by_key(collect_software(_host(root)))
    assert items[("adduser", "all")]["install_date"] == "2025-05-20"
    assert items[("bash", "amd64")]["install_date"] == "2025-06-01"
    assert items[("libc6", "amd64")]["install_date"] == "2026-01-02"
    assert items[("libc6", "i386")]["install_date"] == "2026-01-03"
    assert items[("zlib1g", "amd64")]["install_date"] == "2024-02-29"
    assert items[("openssl", "amd64")]["install_date"] is None  # no file list recorded
    assert _errors(list(items.values())) == []


# --- dpkg-query output ------------------------------------------------------------------------


def test_dpkg_query_corpus_gives_every_installed_package() -> None:
    text = (corpus_dir("updates") / "dpkg-query-installed.debian12.tsv").read_text("utf-8")
    items = parse_dpkg_query(text)
    assert len(items) == 873
    assert items[0] == {
        "name": "adduser",
        "version": "3.134",
        "arch": "all",
        "publisher": None,
        "install_date": None,
        "source": "dpkg",
    }
    assert {i["arch"] for i in items} == {"all", "amd64"}
    assert _errors(items) == []


def test_dpkg_query_skips_config_files_and_odd_lines() -> None:
    text = (
        "bash\t5.2.15-2+b8\tamd64\tinstall ok installed\n"
        "nginx-common\t1.22.1-9\tall\tdeinstall ok config-files\n"
        "openssl\t3.0.19-1~deb12u2\tamd64\thold ok installed\n"
        "truncated\t1.0\n"
        "\n"
    )
    assert [i["name"] for i in parse_dpkg_query(text)] == ["bash", "openssl"]


# --- rpm --------------------------------------------------------------------------------------


def test_rpm_query_fixture() -> None:
    items = parse_rpm_query(RPM_QA.read_text(encoding="utf-8"))
    assert len(items) == 40  # 42 lines less the two gpg-pubkey keys
    assert all(i["name"] != "gpg-pubkey" for i in items)
    assert [i["version"] for i in items if i["name"] == "kernel-core"] == [
        "5.14.0-427.13.1.el9_4",
        "5.14.0-427.16.1.el9_4",
    ]
    assert sum(1 for i in items if i["arch"] == "noarch") == 9
    assert {i["name"] for i in items if i["arch"] == "i686"} == {"libgcc", "glibc", "zlib"}
    assert _errors(items) == []


def test_rpm_query_fields() -> None:
    items = _by_key(parse_rpm_query(RPM_QA.read_text(encoding="utf-8")))
    assert items[("openssl", "x86_64")] == {
        "name": "openssl",
        "version": "1:3.0.7-27.el9",  # epoch kept when not 0
        "arch": "x86_64",
        "publisher": "Red Hat, Inc.",
        "install_date": "2024-05-13",
        "source": "rpm",
    }
    assert items[("setup", "noarch")]["version"] == "2.13.7-10.el9"  # epoch 0 left out
    assert items[("bpom-ca-trust", "noarch")]["publisher"] is None  # vendor "(none)"
    assert items[("zabbix-agent2", "x86_64")]["publisher"] == "Zabbix LLC"
    assert items[("zabbix-agent2", "x86_64")]["install_date"] == "2024-05-20"


def test_rpm_query_argv_lists_all_or_named_packages() -> None:
    assert rpm_query_argv()[:2] == ("rpm", "-qa")
    named = rpm_query_argv(["kernel.x86_64", "glibc.i686"])
    assert named[:2] == ("rpm", "-q")
    assert named[-2:] == ("kernel.x86_64", "glibc.i686")
    assert "%{EPOCHNUM}:%{VERSION}-%{RELEASE}" in named[3]


# --- the probe --------------------------------------------------------------------------------


def _rpm_root(root: Path) -> Path:
    (root / "var/lib/rpm").mkdir(parents=True)
    return root


def test_probe_on_an_rpm_host(tmp_path: Path) -> None:
    recorded = {rpm_query_argv(): CommandResult(0, RPM_QA.read_text(encoding="utf-8"))}
    items = collect_software(_host(_rpm_root(tmp_path), recorded))
    assert len(items) == 40
    assert {i["source"] for i in items} == {"rpm"}
    assert _errors(items) == []


def test_probe_reads_both_databases_when_both_exist(tmp_path: Path) -> None:
    root = _rpm_root(_dpkg_root(tmp_path, DPKG_STATUS.read_bytes()))
    recorded = {rpm_query_argv(): CommandResult(0, RPM_QA.read_text(encoding="utf-8"))}
    items = collect_software(_host(root, recorded))
    assert [i["source"] for i in items].count("dpkg") == 7
    assert [i["source"] for i in items].count("rpm") == 40


def test_probe_without_package_database_runs_nothing(tmp_path: Path) -> None:
    runner = RecordedCommandRunner({})
    assert collect_software(Host("linux", tmp_path, runner, RecordedStats())) == []
    assert runner.calls == []


def test_failing_rpm_raises_only_where_rpm_is_the_package_manager(tmp_path: Path) -> None:
    broken = {rpm_query_argv(): CommandResult(1, "", "error: rpmdb: damaged header #12")}
    with pytest.raises(RuntimeError, match="damaged header"):
        collect_software(_host(_rpm_root(tmp_path / "rhel"), broken))
    debian = _rpm_root(_dpkg_root(tmp_path / "debian", DPKG_STATUS.read_bytes()))
    assert len(collect_software(_host(debian, broken))) == 7


# --- this machine -----------------------------------------------------------------------------


def _dpkg_query(fmt: str) -> list[str]:
    command = [require_command("dpkg-query"), "-W", f"-f={fmt}"]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return done.stdout.splitlines()


def test_live_dpkg_register_matches_dpkg_query() -> None:
    """Same packages as dpkg-query less its config-files ("rc") rows; the database is read
    again until it holds still, since other installs may run on this machine meanwhile."""
    fmt = r"${db:Status-Abbrev}\t${Package}\t${Architecture}\t${Version}\n"
    for _ in range(3):
        before = _dpkg_query(fmt)
        items = collect_software(live_host())
        if _dpkg_query(fmt) == before:
            break
    rows = [line.split("\t") for line in before]
    expected = sorted(
        (name, arch, version) for abbrev, name, arch, version in rows if abbrev[1] not in "nc"
    )
    dpkg = [i for i in items if i["source"] == "dpkg"]
    assert sorted((i["name"], i["arch"], i["version"]) for i in dpkg) == expected
    if all(abbrev[1] not in "nc" for abbrev, *_ in rows):  # no rc packages: plain count agrees
        assert len(dpkg) == len(_dpkg_query(r"${binary:Package}\n"))
    assert all(i["install_date"] for i in dpkg)
    assert _errors(items) == []


# --- hostile input ----------------------------------------------------------------------------

_STANZA = "Package: {name}\nStatus: install ok installed\nArchitecture: amd64\nVersion: {version}\n"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n\n",
        "garbage without any field\x00\x01\n\n:::\n",
        "Package: x\nStatus: install ok installed",  # truncated: no trailing newline
        "Package:\nStatus: install ok installed\n",  # empty name
        _STANZA.format(name="big", version="9" * 1_000_000),
        _STANZA.format(name="n" * 300, version="1.0"),
        "Package: a\r\nStatus: install ok installed\r\n\r\nPackage: b\r\n",
        "Package: x\nStatus: install ok installed\nInstalled-Size: -5\nMaintainer: <>\n",
    ],
)
def test_hostile_status_text_gives_valid_items(text: str) -> None:
    items = parse_dpkg_status(text)
    assert _errors(items) == []
    assert parse_dpkg_query(text) == [] or _errors(parse_dpkg_query(text)) == []
    assert parse_rpm_query(text) == [] or _errors(parse_rpm_query(text)) == []


def test_hostile_values_are_dropped_not_cut() -> None:
    items = parse_dpkg_status(_STANZA.format(name="big", version="9" * 1_000_000))
    assert items == [
        {
            "name": "big",
            "version": None,
            "arch": "amd64",
            "publisher": None,
            "install_date": None,
            "source": "dpkg",
        }
    ]
    assert parse_dpkg_status(_STANZA.format(name="n" * 300, version="1")) == []


def test_non_utf8_status_file(tmp_path: Path) -> None:
    status = DPKG_STATUS.read_bytes().replace(b"Mark Brown", b"Mark Br\xf6wn \xff\xfe")
    root = _dpkg_root(tmp_path, status + b"\n\nPackage: \xc3\x28\nStatus: install ok installed\n")
    items = collect_software(_host(root))
    assert len(items) == 8
    assert _by_key(items)[("zlib1g", "amd64")]["publisher"] == "Mark Br\ufffdwn \ufffd\ufffd"
    assert _errors(items) == []


def test_hostile_rpm_lines() -> None:
    text = (
        "gpg-pubkey\t0:fd431d51-4ae0493b\t(none)\t(none)\t1715590812\n"
        "bad\tline\n"
        "x\t0:1-1\tx86_64\t(none)\t99999999999999999999\n"  # absurd install time
        "\t0:1-1\tx86_64\tV\t1\n"  # no name
        "package zsh.x86_64 is not installed\n"
    )
    assert parse_rpm_query(text) == [
        {
            "name": "x",
            "version": "1-1",
            "arch": "x86_64",
            "publisher": None,
            "install_date": None,
            "source": "rpm",
        }
    ]


def test_status_copied_from_this_machine_parses_the_same(tmp_path: Path) -> None:
    """The probe reads only through the Host root: a copy of the live database gives the same."""
    live = Path("/var/lib/dpkg/status")
    if not live.is_file():
        pytest.skip("no dpkg database on this machine")
    root = tmp_path / "copy"
    (root / "var/lib/dpkg").mkdir(parents=True)
    shutil.copyfile(live, root / "var/lib/dpkg/status")
    copied = collect_software(_host(root))
    assert [(i["name"], i["arch"]) for i in copied] == [
        (i["name"], i["arch"]) for i in parse_dpkg_status(live.read_text("utf-8", "replace"))
    ]
    assert all(i["install_date"] is None for i in copied)  # no info/ folder in the copy
