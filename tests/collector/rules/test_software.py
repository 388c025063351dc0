"""Rule family ``software`` on real data: the corpus's Debian 12 updates, this machine's OS,
recorded Windows registries and SNMP recordings, the example documents."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from agent.probes.linux.apt import parse_apt_get_simulation, parse_apt_list_upgradable
from agent.probes.linux.operatingsystem import collect_operatingsystem
from agent.probes.linux.packages import summarise_updates
from agent.sources.host import live_host
from collector.domain.eol import load_eol
from collector.domain.rules.catalogue import FAMILIES
from collector.domain.rules.findings import Finding, Maintenance, Severity, Snapshot
from collector.domain.rules.software import (
    SECURITY_TREND,
    installed_os,
    security_pending_days,
    software,
)
from tests.collector.rules.test_windows_cycles import windows_os
from tests.collector.snmp.observed import observe_recording
from tests.peers import REPO, corpus_dir, missing_peer

NOW = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)
THRESHOLDS: dict[str, Any] = tomllib.loads(
    (REPO / "collector" / "domain" / "rules" / "defaults.toml").read_text(encoding="utf-8")
)["software"]


def _snapshot(sections: Mapping[str, Any], now: datetime = NOW, security: Any = None) -> Snapshot:
    return Snapshot(
        asset_id=1, kind="workstation", site="BBPOM-SBY", now=now, last_seen=now,
        sections=sections, trends={SECURITY_TREND: security} if security else {},
    )  # fmt: skip


def _by_rule(findings: list[Finding]) -> dict[str, Finding]:
    found = {f"{f.rule}/{f.subject}": f for f in findings}
    assert len(found) == len(findings), "one finding per rule and subject"
    return found


def _example(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        (REPO / "schemas" / "examples" / f"{name}.json").read_text()
    )
    return loaded


def test_the_family_is_in_the_catalogue_with_its_table() -> None:
    assert ("software", software) in FAMILIES
    assert THRESHOLDS["extended_support_severity"] in {s.value for s in Severity}


# --- pending updates from the corpus, through the agent's own parsers -------------------------


def _corpus_updates(file: str) -> dict[str, Any]:
    text = (corpus_dir("updates") / file).read_text(encoding="utf-8")
    parse = parse_apt_get_simulation if file.startswith("apt-get") else parse_apt_list_upgradable
    return dict(summarise_updates("apt", parse(text), None))


@pytest.mark.parametrize(
    "file", ["apt-get-s-upgrade.debian12.txt", "apt-list-upgradable.debian12.txt"]
)
def test_corpus_updates_give_133_pending_and_79_security(file: str) -> None:
    findings = _by_rule(software(_snapshot({"updates": _corpus_updates(file)}), THRESHOLDS))
    assert set(findings) == {"software.security_updates/", "software.pending_updates/"}
    security = findings["software.security_updates/"]
    assert (security.evidence["pending_count"], security.evidence["security_count"]) == (133, 79)
    assert security.severity is Severity.WARNING  # age unknown without a trend
    assert security.evidence["pending_days"] is None
    assert security.message_id == "79 pembaruan keamanan menunggu dipasang"
    assert security.maintenance is Maintenance.UPDATE_SOFTWARE
    pending = findings["software.pending_updates/"]
    assert pending.severity is Severity.WARNING
    assert pending.message_en == "133 software updates are pending"


@pytest.mark.parametrize(("days", "severity"), [(3, Severity.INFO), (10, Severity.WARNING),
                                                (40, Severity.CRITICAL)])  # fmt: skip
def test_security_updates_by_age(days: int, severity: Severity) -> None:
    updates = _corpus_updates("apt-get-s-upgrade.debian12.txt")
    since = NOW - timedelta(days=days)
    trend = [(since - timedelta(days=90), 4.0), (since - timedelta(days=60), 0.0),
             (since, 12.0), (NOW - timedelta(hours=1), 79.0)]  # fmt: skip
    found = _by_rule(software(_snapshot({"updates": updates}, security=trend), THRESHOLDS))
    security = found["software.security_updates/"]
    assert (security.severity, security.evidence["pending_days"]) == (severity, days)
    assert f"sejak {days} hari" in security.message_id


def test_security_age_counts_from_the_last_rise() -> None:
    day = timedelta(days=1)
    assert security_pending_days([(NOW - 9 * day, 1.0), (NOW - 5 * day, 2.0)], NOW) == 9
    assert security_pending_days([(NOW - 9 * day, 1.0), (NOW - 5 * day, 0.0)], NOW) is None
    assert security_pending_days([(NOW - 9 * day, 0.0), (NOW - 2 * day, 3.0)], NOW) == 2
    assert security_pending_days([], NOW) is None
    assert SECURITY_TREND == "updates_security_count:"


def test_few_updates_and_none_pending() -> None:
    few = {"manager": "apt", "pending_count": 3, "security_count": 0, "pending": []}
    assert software(_snapshot({"updates": few}), THRESHOLDS) == []
    unknown = {"manager": "dnf", "pending_count": 60, "security_count": None, "pending": []}
    assert [f.rule for f in software(_snapshot({"updates": unknown}), THRESHOLDS)] == [
        "software.pending_updates"
    ]


def test_hostile_sections_give_no_finding_and_no_error() -> None:
    for sections in ({}, {"updates": "x"}, {"updates": {"pending_count": "many",
                      "security_count": True}}, {"softwares": {"name": "x"}},
                     {"softwares": [None, 3, {"name": 5}, {"name": "Google Chrome",
                      "version": None, "source": "registry"}]},
                     {"operatingsystem": {"id": "debian", "version": "abc"}},
                     {"operatingsystem": {"family": "windows", "build": "x", "kernel": "y"}},
                     {"device": {"os": "IOS-XE", "firmware": "Everest"}}):  # fmt: skip
        assert software(_snapshot(sections), THRESHOLDS) == [], sections


def test_pending_reboot_is_a_finding_with_its_reasons() -> None:
    found = _by_rule(software(_snapshot(_example("agent-linux-laptop")), THRESHOLDS))
    reboot = found["software.reboot_pending/os"]
    assert reboot.maintenance is Maintenance.REBOOT
    assert reboot.evidence["reasons"][0] == "reboot-required: libc6, linux-image-6.1.0-21-amd64"
    assert "Perlu dinyalakan ulang" in reboot.message_id


# --- operating systems past their end of support ----------------------------------------------


def _this_debian_12() -> dict[str, Any]:
    system = collect_operatingsystem(live_host())
    if (system["id"], system["version"]) != ("debian", "12"):
        missing_peer(f"this machine runs {system['name']} {system['version']}, not Debian 12")
    return system


def test_this_machine_debian_12_is_past_regular_end_of_life() -> None:
    system = _this_debian_12() | {"pending_reboot": False}
    found = _by_rule(software(_snapshot({"operatingsystem": system}), THRESHOLDS))
    assert list(found) == ["software.os_eol/os"]
    eol = found["software.os_eol/os"]
    assert eol.severity is Severity.WARNING  # past 11 July 2026, in Debian LTS until 2028
    assert eol.maintenance is Maintenance.UPGRADE_OS
    assert "Debian 12 (Bookworm)" in eol.message_id
    assert "akhir dukungan reguler (11 Juli 2026)" in eol.message_id
    assert "hingga 30 Juni 2028" in eol.message_id
    assert "regular end of life (11 July 2026)" in eol.message_en
    assert eol.evidence == {
        "product": "debian", "version": system["build"], "cycle": "12",
        "older_than_known_cycles": False, "state": "extended", "released": "2023-06-10",
        "active_until": "2026-07-11", "security_until": "2026-07-11",
        "extended_until": "2028-06-30",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("now", "state", "severity"),
    [
        (datetime(2026, 1, 10, tzinfo=UTC), None, None),  # 182 days before: supported
        (datetime(2026, 7, 10, tzinfo=UTC), "eol_soon", Severity.WARNING),
        (datetime(2026, 7, 11, tzinfo=UTC), "extended", Severity.WARNING),
        (datetime(2028, 6, 30, tzinfo=UTC), "eol", Severity.CRITICAL),
    ],
)
def test_debian_12_over_time(now: datetime, state: str | None, severity: Severity | None) -> None:
    system = {"family": "linux", "id": "debian", "version": "12", "build": "12.5"}
    found = software(_snapshot({"operatingsystem": system}, now=now), THRESHOLDS)
    assert [(f.evidence["state"], f.severity) for f in found] == (
        [(state, severity)] if state else [])  # fmt: skip
    if state == "eol_soon":
        assert "(1 hari lagi)" in found[0].message_id


def test_extended_support_severity_is_a_threshold() -> None:
    system = {"family": "linux", "id": "debian", "version": "12", "build": "12.5"}
    strict = THRESHOLDS | {"extended_support_severity": "critical"}
    (found,) = software(_snapshot({"operatingsystem": system}), strict)
    assert found.severity is Severity.CRITICAL


def test_past_active_support_is_information() -> None:
    ubuntu = {"family": "linux", "id": "ubuntu", "name": "Ubuntu", "version": "22.04"}
    # Ubuntu 22.04: standard support ended 30 September 2024, security fixes until 1 April 2027
    june_2025 = datetime(2025, 6, 1, tzinfo=UTC)
    (found,) = software(_snapshot({"operatingsystem": ubuntu}, now=june_2025), THRESHOLDS)
    assert (found.evidence["state"], found.severity) == ("security_only", Severity.INFO)
    assert found.evidence["cycle"] == "22.04"
    assert "hanya menerima pembaruan keamanan sejak 30 September 2024" in found.message_id
    (soon,) = software(_snapshot({"operatingsystem": ubuntu}), THRESHOLDS)  # 124 days left
    assert (soon.evidence["state"], soon.severity) == ("eol_soon", Severity.WARNING)
    assert "1 April 2027 (124 hari lagi)" in soon.message_id
    rhel = {"family": "linux", "id": "rhel", "version": "9.4"}  # active support to 31 May 2027
    year_2028 = datetime(2028, 1, 1, tzinfo=UTC)
    (later,) = software(_snapshot({"operatingsystem": rhel}, now=year_2028), THRESHOLDS)
    assert (later.evidence["cycle"], later.evidence["state"]) == ("9", "security_only")
    assert "sejak 31 Mei 2027" in later.message_id


def test_windows_desktop_example_past_its_end_of_servicing() -> None:
    found = _by_rule(software(_snapshot(_example("agent-windows-desktop")), THRESHOLDS))
    eol = found["software.os_eol/os"]
    assert (eol.severity, eol.evidence["cycle"]) == (Severity.CRITICAL, "11-23h2-w")
    assert "11 November 2025" in eol.message_id


def test_recorded_windows_server_2019_is_in_extended_support_only() -> None:
    system = windows_os("server2019.reg")
    (eol,) = [f for f in software(_snapshot({"operatingsystem": system}), THRESHOLDS)
              if f.rule == "software.os_eol"]  # fmt: skip
    assert eol.evidence["cycle"] == "2019"
    assert eol.evidence["state"] == "security_only"  # mainstream ended 2024-01-09, EOL 2029
    assert eol.severity is Severity.INFO


# --- network gear firmware (SNMP recordings) and key products --------------------------------


def test_cisco_ios_xe_firmware_from_snmp_recordings() -> None:
    isr = observe_recording(corpus_dir("snmp") / "cisco_iosxe-isr4321.snmprec")
    (found,) = software(_snapshot(isr), THRESHOLDS)
    assert (found.rule, found.subject, found.severity) == (
        "software.firmware_eol", "firmware", Severity.CRITICAL)  # fmt: skip
    assert (found.evidence["version"], found.evidence["cycle"]) == ("17.6.4", "17.6")
    assert "30 Juli 2024" in found.message_id
    c9300 = observe_recording(corpus_dir("snmp") / "cisco_iosxe-c9300-48p.snmprec")
    (old,) = software(_snapshot(c9300), THRESHOLDS)
    assert old.severity is Severity.CRITICAL  # 16.6.7 is older than every cycle (16.12 on)
    assert old.evidence["older_than_known_cycles"] is True
    assert "Cisco IOS XE 16.6.7" in old.message_en


def test_key_products_of_the_windows_example() -> None:
    found = _by_rule(software(_snapshot(_example("agent-windows-desktop")), THRESHOLDS))
    chrome = found["software.product_eol/chrome"]
    assert (chrome.severity, chrome.evidence["version"], chrome.evidence["cycle"]) == (
        Severity.CRITICAL, "124.0.6367.119", "124")  # fmt: skip
    assert chrome.maintenance is Maintenance.REPLACE_SOFTWARE
    java = found["software.product_eol/oracle-jdk"]  # "Java 8 Update 401", 8.0.4010.10
    assert (java.evidence["cycle"], java.evidence["state"]) == ("8", "extended")
    assert "software.product_eol/office" not in found  # Microsoft 365 Apps: no cycle


def test_products_keep_the_install_ending_first_and_skip_distro_packages() -> None:
    softwares = [
        {"name": "Mozilla Firefox (x64 id)", "version": "152.0.6", "source": "registry"},
        {"name": "Mozilla Firefox ESR", "version": "115.20.0", "source": "registry"},
        {"name": "Microsoft Office Professional Plus 2016", "version": "16.0.4266.1001",
         "source": "registry"},
        {"name": "postgresql-13", "version": "13.16-0+deb11u1", "source": "dpkg"},
    ]  # fmt: skip
    found = _by_rule(software(_snapshot({"softwares": softwares}), THRESHOLDS))
    # 152 ended on 21 July 2026; ESR 115 is supported until 31 March 2027
    assert found["software.product_eol/firefox"].evidence["cycle"] == "152"
    assert found["software.product_eol/office"].evidence["cycle"] == "2016"
    assert "software.product_eol/postgresql" not in found
    with_distro = software(
        _snapshot({"softwares": softwares}), THRESHOLDS | {"distro_packages": True}
    )
    assert _by_rule(with_distro)["software.product_eol/postgresql"].evidence["cycle"] == "13"


def test_installed_os_of_an_unknown_system_is_none() -> None:
    eol = load_eol()
    assert installed_os({"operatingsystem": {"id": "alpine", "version": "3.20"}}, eol) is None
    assert installed_os({"device": {"os": "RouterOS", "firmware": "7.15"}}, eol) is None
