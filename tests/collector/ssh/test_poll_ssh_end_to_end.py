"""Scheduled SSH polling end to end, on SQLite and PostgreSQL: the real ``asetik-collector poll
--once`` reads a targets file with sealed SSH passwords, polls two replaying network devices
(real netmiko) and Debian's sshd (agentless Linux), and the register fills from what they say.
The wrong first credential is tried once, then never again; the autodetected device is detected
once; a changed host key is refused, recorded as one finding, and accepted deliberately."""

from __future__ import annotations

import json
import platform
from pathlib import Path

import pytest

from collector.adapters.ssh.hostkeys import parse_host_key
from collector.bootstrap import Services, build_services
from collector.config import load_config
from collector.services.register import AssetFilter, Page
from collector.services.users import Role, Viewer
from tests.collector.processes import CollectorProcess
from tests.collector.ssh.conftest import StartReplayDevice
from tests.collector.ssh.expectations import yml_value
from tests.ssh_device import ReplayDevice
from tests.sshd_peer import SshdPeer

pytestmark = [pytest.mark.peer, pytest.mark.slow]

SITE = "BBPOM-SBY"
PUSDATIN = Viewer(user_id=0, name="test", role=Role.ADMIN, site_id=None)
POLL_TIMEOUT_S = 150.0


def _pinned(pins: Path, key: str) -> str:
    """The fingerprint of the key the poller pinned for ``key`` (site/address)."""
    return parse_host_key(json.loads(pins.read_text())[key]).fingerprint


def _collector(db_url: str, tmp_path: Path) -> tuple[CollectorProcess, Services]:
    collector = CollectorProcess(db_url, tmp_path)
    collector.cli("site", "create", "--code", SITE, "--name", "BBPOM Surabaya")
    services = build_services(load_config({}, db=db_url, data_dir=collector.data_dir))
    return collector, services


def _poll(collector: CollectorProcess, targets: Path) -> tuple[int, str]:
    """One ``poll --once`` round: exit status and the counts its summary line ends with."""
    status, out, err = collector.cli_status("poll", "--once", "--targets", str(targets),
                                            timeout=POLL_TIMEOUT_S)  # fmt: skip
    last = (out.strip().splitlines() or [err])[-1]
    return status, last.rpartition(": ")[2]


def _where(device: ReplayDevice | SshdPeer) -> str:
    return f"{device.host}:{device.port}"


def test_poll_once_fills_the_register_from_ssh_devices(
    db_url: str,
    tmp_path: Path,
    replay_device: StartReplayDevice,
    sshd_peer: SshdPeer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ios, junos = replay_device("cisco_ios"), replay_device("juniper_junos")
    collector, services = _collector(db_url, tmp_path)
    monkeypatch.setenv("ASETIK_TEST_JUNOS", junos.password)
    targets = collector.data_dir / "targets.toml"
    targets.write_text(f"""
[[ssh_credentials]]
name = "salah"
username = "{ios.username}"
password = "{collector.seal("bukan-sandinya")}"

[[ssh_credentials]]
name = "netops"
username = "{ios.username}"
password = "{collector.seal(ios.password)}"

[[ssh_credentials]]
name = "junos"
username = "{junos.username}"
password_env = "ASETIK_TEST_JUNOS"

[[ssh_credentials]]
name = "linux"
username = "{sshd_peer.user}"
key_file = "{sshd_peer.client_key_path}"

[[sites]]
code = "{SITE.lower()}"

[[sites.ssh]]
targets = ["{_where(ios)}"]
device_type = "cisco_ios"
credentials = ["salah", "netops"]

[[sites.ssh]]
targets = ["{_where(junos)}"]
device_type = "autodetect"
credentials = ["junos"]

[[sites.ssh]]
targets = ["{_where(sshd_peer)}"]
device_type = "linux_agentless"
credentials = ["linux"]
""")
    assert ios.password not in targets.read_text()  # sealed at rest
    try:
        assert _poll(collector, targets) == (0, "ok 3"), collector.log_tail()
        assets, total = services.register.list_assets(PUSDATIN, AssetFilter(), Page())
        assert total == 3
        by_name = {asset.name: asset for asset in assets}
        for device, command, firmware in (
            (ios, "show_version", "version"), (junos, "show_version", "junos_version")
        ):  # fmt: skip
            name = yml_value(device.platform, "show_version", "hostname")
            asset = by_name[name]
            assert asset.site_code == SITE and asset.last_source == "ssh"
            assert asset.model == yml_value(device.platform, command, "hardware" if device is ios
                                            else "model")  # fmt: skip
            detail = services.register.asset_detail(PUSDATIN, asset.id)
            assert detail.sections["device"]["firmware"] == yml_value(
                device.platform, command, firmware
            )
        assert by_name[yml_value("cisco_ios", "show_version", "hostname")].serial == yml_value(
            "cisco_ios", "show_version", "serial"
        )
        assert by_name[yml_value("juniper_junos", "show_version", "hostname")].serial == (
            yml_value("juniper_junos", "show_chassis_hardware", "chassis_serial_number")
        )
        linux = by_name[platform.node().split(".")[0]]
        assert linux.os_name and linux.os_version == _os_release("VERSION_ID")
        # the wrong credential was tried once; junos was detected (one session) and polled
        assert (ios.auth_failures, ios.auth_attempts) == (1, 2)
        assert junos.sessions == 2
        remembered = json.loads((collector.data_dir / "ssh-credentials.json").read_text())
        assert remembered[f"{SITE}/{_where(ios)}"] == "netops"
        types = json.loads((collector.data_dir / "ssh-device-types.json").read_text())
        assert types == {f"{SITE}/{_where(junos)}": "juniper_junos"}

        assert _poll(collector, targets) == (0, "ok 3"), collector.log_tail()

        assert (ios.auth_failures, ios.auth_attempts) == (1, 3)  # the wrong one not retried
        assert junos.sessions == 3  # the stored type used: no detection
        assert services.register.list_assets(PUSDATIN, AssetFilter(), Page())[1] == 3
    finally:
        services.close()
    logged = collector.log_path.read_text(encoding="utf-8", errors="replace")
    assert ios.password not in logged and "bukan-sandinya" not in logged


def _os_release(key: str) -> str | None:
    for line in Path("/etc/os-release").read_text().splitlines():
        name, _, value = line.partition("=")
        if name == key:
            return value.strip('"')
    return None


def _one_device_targets(collector: CollectorProcess, device: ReplayDevice) -> Path:
    targets = collector.data_dir / "targets.toml"
    targets.write_text(f"""
[[ssh_credentials]]
name = "netops"
username = "{device.username}"
password = "{collector.seal(device.password)}"

[[sites]]
code = "{SITE}"

[[sites.ssh]]
targets = ["{_where(device)}"]
device_type = "{device.device_type}"
credentials = ["netops"]
""")
    return targets


def test_changed_host_key_is_one_finding_until_ops_accept_that_key(
    db_url: str,
    tmp_path: Path,
    replay_device: StartReplayDevice,
) -> None:
    device = replay_device("cisco_ios")
    collector, services = _collector(db_url, tmp_path)
    targets = _one_device_targets(collector, device)
    findings = services.poll_findings
    pins = collector.data_dir / "ssh-host-keys.json"
    key = f"{SITE}/{_where(device)}"
    try:
        assert _poll(collector, targets) == (0, "ok 1"), collector.log_tail()
        old = device.host_key_fingerprint
        assert _pinned(pins, key) == old
        attempts = device.auth_attempts
        device.rotate_host_key()
        new = device.host_key_fingerprint

        assert _poll(collector, targets) == (1, "host_key_changed 1")
        [finding] = findings.list_findings(PUSDATIN)
        assert (finding.site, finding.address, finding.protocol, finding.kind) == (
            SITE, _where(device), "ssh", "host_key_changed",
        )  # fmt: skip
        assert (finding.pinned, finding.seen, finding.occurrences) == (old, new, 1)
        assert finding.resolved_at is None
        assert device.auth_attempts == attempts  # refused before any password was sent

        assert _poll(collector, targets) == (1, "host_key_changed 1")
        [again] = findings.list_findings(PUSDATIN, state="all")
        assert (again.id, again.occurrences, again.first_seen) == (
            finding.id, 2, finding.first_seen,
        )  # fmt: skip
        assert again.last_seen > finding.last_seen

        status, _, err = collector.cli_status(
            "ssh", "accept-key", "--site", SITE, _where(device), "--fingerprint", old
        )
        assert status == 2 and new in err  # not the key seen: refused, nothing changed
        assert [f.id for f in findings.list_findings(PUSDATIN)] == [finding.id]
        accepted = collector.cli("ssh", "accept-key", "--site", SITE, _where(device))
        assert new in accepted
        assert findings.list_findings(PUSDATIN) == []
        [done] = findings.list_findings(PUSDATIN, state="resolved")
        assert (done.accepted, done.resolved_by) == (new, "cli")
        assert _pinned(pins, key) == old  # re-pinned by the poller, next poll

        assert _poll(collector, targets) == (0, "ok 1"), collector.log_tail()
        assert _pinned(pins, key) == new
        assert device.auth_attempts == attempts + 1

        device.rotate_host_key()  # a third key: the acceptance covered the second only
        assert _poll(collector, targets) == (1, "host_key_changed 1")
        [third] = findings.list_findings(PUSDATIN)
        assert (third.pinned, third.seen) == (new, device.host_key_fingerprint)
        assert len(findings.list_findings(PUSDATIN, state="all")) == 2
    finally:
        services.close()


def test_a_bad_ssh_entry_stops_the_poll_before_any_device_is_touched(
    db_url: str,
    tmp_path: Path,
    replay_device: StartReplayDevice,
) -> None:
    device = replay_device("cisco_ios")
    collector, services = _collector(db_url, tmp_path)
    targets = _one_device_targets(collector, device)
    good = targets.read_text()
    targets.write_text(good + '\n[[sites.ssh]]\ntargets = ["127.0.0.9"]\n'
                       'device_type = "cisco_ioss"\ncredentials = ["netops"]\n')  # fmt: skip
    try:
        status, _, err = collector.cli_status("poll", "--once", "--targets", str(targets))
        assert status == 2
        assert "device_type 'cisco_ioss' tidak dikenal" in err
        assert (device.auth_attempts, device.sessions) == (0, 0)
        assert services.register.list_assets(PUSDATIN, AssetFilter(), Page())[1] == 0
        assert not (collector.data_dir / "ssh-host-keys.json").exists()
    finally:
        services.close()


def test_poll_without_a_targets_file_polls_the_ssh_targets_the_api_stored(
    db_url: str, tmp_path: Path, replay_device: StartReplayDevice
) -> None:
    device = replay_device("arista_eos")
    collector, services = _collector(db_url, tmp_path)
    try:
        stored = services.poll_targets
        body = {"username": device.username, "password": device.password}
        stored.put_ssh_credential(PUSDATIN, "netops", body)
        target = {"target": _where(device), "device_type": "arista_eos", "credentials": ["netops"]}
        stored.put_site_ssh_targets(PUSDATIN, SITE, [target])
        assert not (collector.data_dir / "targets.toml").exists()

        summary = collector.cli("poll", "--once")

        assert summary.endswith("ok 1")
        [asset], _ = services.register.list_assets(PUSDATIN, AssetFilter(), Page())
        assert asset.model == yml_value("arista_eos", "show_version", "model")
        assert device.auth_attempts == 1
    finally:
        services.close()
