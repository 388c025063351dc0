"""The SSH test peers themselves, checked with real clients: netmiko logs in to the replaying
device of every recorded platform and reads back exactly the recorded outputs; paramiko checks
host keys, refusals, faults and key login; Debian's sshd serves this machine's package list."""

from __future__ import annotations

import base64
import socket
import subprocess
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncssh
import paramiko
import pytest
from netmiko import ConnectHandler
from netmiko.exceptions import NetmikoAuthenticationException, ReadTimeout

from tests.collector.ssh.conftest import StartReplayDevice
from tests.peers import corpus_dir, dpkg_package_count, require_command
from tests.ssh_device import ReplayDevice, start_many
from tests.sshd_peer import SshdPeer

pytestmark = pytest.mark.peer

# Recorded command -> .raw file (under cli/<platform>/), as listed in cli/SOURCES.md.
RECORDED: dict[str, dict[str, str]] = {
    "arista_eos": {
        "show inventory": "show_inventory/arista_eos_show_inventory.raw",
        "show version": "show_version/arista_eos_show_version.raw",
    },
    "cisco_asa": {
        "show inventory": "show_inventory/cisco_asa_show_inventory.raw",
        "show version": "show_version/cisco_asa_show_version1.raw",
    },
    "cisco_ios": {
        "show interfaces status": "show_interfaces_status/cisco_ios_show_interfaces_status.raw",
        "show inventory": "show_inventory/cisco_ios_show_inventory.raw",
        "show ip interface brief": "show_ip_interface_brief/cisco_ios_show_ip_interface_brief.raw",
        "show version": "show_version/cisco_ios_show_version.raw",
    },
    "cisco_nxos": {
        "show inventory": "show_inventory/cisco_nxos_show_inventory.raw",
        "show version": "show_version/cisco_nxos_show_version.raw",
    },
    "fortinet": {
        "get system status": "get_system_status/fortinet_get_system_status_6.2.raw",
    },
    "hp_procurve": {
        "show system": "show_system/hp_procurve_show_system.raw",
        "show version": "show_version/hp_procurve_show_version.raw",
    },
    "huawei_vrp": {
        "display device": "display_device/huawei_vrp_display_device.raw",
        "display version": "display_version/huawei_vrp_display_version.raw",
    },
    "juniper_junos": {
        "show chassis hardware": "show_chassis_hardware/juniper_junos_show_chassis_hardware.raw",
        "show system uptime": "show_system_uptime/juniper_junos_show_system_uptime.raw",
        "show version": "show_version/juniper_junos_show_version_qfx5100.raw",
    },
    "linux": {
        "dmidecode -t system": "dmidecode_-t_system/linux_dmidecode_-t_system.raw",
    },
    "mikrotik_routeros": {
        "system resource print": (
            "system_resource_print/mikrotik_routeros_system_resource_print_1.raw"
        ),
        "system routerboard print": (
            "system_routerboard_print/mikrotik_routeros_system_routerboard_print.raw"
        ),
    },
    "paloalto_panos": {
        "show system info": "show_system_info/paloalto_panos_show_system_info.raw",
    },
}

NETMIKO_TYPE = {
    "arista_eos": "arista_eos",
    "cisco_asa": "cisco_asa",
    "cisco_ios": "cisco_ios",
    "cisco_nxos": "cisco_nxos",
    "fortinet": "fortinet",
    "hp_procurve": "hp_procurve",
    "huawei_vrp": "huawei",
    "juniper_junos": "juniper_junos",
    "linux": "linux",
    "mikrotik_routeros": "mikrotik_routeros",
    "paloalto_panos": "paloalto_panos",
}


def recorded_text(platform: str, relative: str) -> str:
    """A recorded output as netmiko returns it: LF line ends, no trailing blanks."""
    raw = (corpus_dir("cli", platform) / relative).read_text(encoding="utf-8")
    return "\n".join(raw.splitlines()).rstrip()


def connect(device: ReplayDevice, password: str | None = None) -> Any:
    """netmiko's session with the device (password defaults to the right one)."""
    return ConnectHandler(
        device_type=device.device_type,
        host=device.host,
        port=device.port,
        username=device.username,
        password=device.password if password is None else password,
    )


def paramiko_client(device: ReplayDevice, known_key: str | None = None) -> paramiko.SSHClient:
    """A paramiko client that only accepts ``known_key`` (OpenSSH public key) for the device."""
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    if known_key is not None:
        key_type, blob = known_key.split()[:2]
        key = paramiko.PKey.from_type_string(key_type, base64.b64decode(blob))
        client.get_host_keys().add(f"[{device.host}]:{device.port}", key_type, key)
    return client


@pytest.fixture
def no_ffdh_warning() -> Iterator[None]:
    """Silence cryptography's deprecation of finite-field Diffie-Hellman for FortiOS logins:
    netmiko's FortiOS driver allows only those key exchanges (the device's thread warns)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Diffie-Hellman over finite fields")
        yield


@pytest.mark.usefixtures("no_ffdh_warning")
@pytest.mark.parametrize("platform", sorted(RECORDED))
def test_netmiko_reads_every_recorded_output(
    replay_device: StartReplayDevice, platform: str
) -> None:
    device = replay_device(platform)
    assert device.device_type == NETMIKO_TYPE[platform]
    assert set(device.recordings) == set(RECORDED[platform])
    with connect(device) as session:
        for command, relative in RECORDED[platform].items():
            got = session.send_command(command).rstrip()
            expected = recorded_text(platform, relative)
            if platform == "mikrotik_routeros":  # netmiko strips the output's leading blanks
                expected = expected.lstrip()
            assert got == expected, command
    assert device.auth_attempts == 1
    assert device.auth_failures == 0


def test_another_recording_of_a_command_can_be_chosen(replay_device: StartReplayDevice) -> None:
    device = replay_device("cisco_ios", chosen={"show version": "cisco_ios_show_version1"})
    with connect(device) as session:
        got = session.send_command("show version").rstrip()
    assert got == recorded_text("cisco_ios", "show_version/cisco_ios_show_version1.raw")
    assert "FCW44444444" in got


@pytest.mark.parametrize(
    ("platform", "error"),
    [
        ("cisco_ios", "% Invalid input detected at '^' marker."),
        ("juniper_junos", "syntax error, expecting <command>: show chassis fabric"),
        ("huawei_vrp", "Error: Unrecognized command found at '^' position."),
        ("linux", "-bash: show chassis fabric: command not found"),
    ],
)
def test_an_unknown_command_gets_the_device_error(
    replay_device: StartReplayDevice, platform: str, error: str
) -> None:
    device = replay_device(platform)
    with connect(device) as session:
        got = session.send_command("show chassis fabric")
    assert got.splitlines()[-1] == error


@pytest.mark.usefixtures("no_ffdh_warning")
@pytest.mark.parametrize("platform", ["cisco_ios", "paloalto_panos", "mikrotik_routeros"])
def test_a_wrong_password_is_refused_after_one_attempt(
    replay_device: StartReplayDevice, platform: str
) -> None:
    device = replay_device(platform)
    with pytest.raises(NetmikoAuthenticationException):
        connect(device, password="bukan-ini")
    assert (device.auth_attempts, device.auth_failures) == (1, 1)
    assert device.sessions == 0


def test_the_host_key_is_the_announced_one_and_rotation_changes_it(
    replay_device: StartReplayDevice,
) -> None:
    device = replay_device("cisco_ios")
    client = paramiko_client(device, known_key=device.host_public_keys[0])
    client.connect(device.host, device.port, username=device.username, password=device.password)
    transport = client.get_transport()
    assert transport is not None
    assert transport.get_remote_server_key().fingerprint == device.host_key_fingerprint
    client.close()
    old_key, old_port = device.host_public_keys[0], device.port

    device.rotate_host_key()

    assert device.port == old_port
    assert device.host_public_keys[0] != old_key
    stale = paramiko_client(device, known_key=old_key)
    with pytest.raises(paramiko.BadHostKeyException):
        stale.connect(device.host, device.port, username=device.username, password="x")
    stale.close()
    assert device.auth_attempts == 1  # the stale client gave up before authenticating


def test_the_rsa_host_key_serves_a_client_that_only_takes_rsa(
    replay_device: StartReplayDevice,
) -> None:
    device = replay_device("cisco_ios")
    rsa_key = device.host_public_keys[1]
    assert rsa_key.startswith("ssh-rsa ")
    client = paramiko_client(device, known_key=rsa_key)
    client.connect(
        device.host,
        device.port,
        username=device.username,
        password=device.password,
        disabled_algorithms={"keys": ["ssh-ed25519"]},
    )
    transport = client.get_transport()
    assert transport is not None
    assert transport.get_remote_server_key().get_name() == "ssh-rsa"
    client.close()


def test_a_stalled_command_never_returns(replay_device: StartReplayDevice) -> None:
    device = replay_device("cisco_ios", stall_on=["show inventory"])
    session = connect(device)
    try:
        assert "Cisco IOS Software" in session.send_command("show version")
        with pytest.raises(ReadTimeout):
            session.send_command("show inventory", read_timeout=1.5)
    finally:
        device.stop()  # a silent device would make netmiko's polite logout wait ~10 s
        session.disconnect()


def test_public_key_login_and_exec(replay_device: StartReplayDevice, tmp_path: Path) -> None:
    client_key = asyncssh.generate_private_key("ssh-ed25519")
    key_file = tmp_path / "id_ed25519"
    client_key.write_private_key(str(key_file))
    device = replay_device("linux", client_keys=[client_key.convert_to_public()])
    client = paramiko_client(device, known_key=device.host_public_keys[0])
    client.connect(
        device.host,
        device.port,
        username=device.username,
        key_filename=str(key_file),
        look_for_keys=False,
        allow_agent=False,
    )
    _, stdout, _ = client.exec_command("dmidecode -t system")
    got = stdout.read().decode()
    status = stdout.channel.recv_exit_status()
    client.close()
    expected = recorded_text("linux", RECORDED["linux"]["dmidecode -t system"])
    assert "\n".join(got.splitlines()).rstrip() == expected
    assert status == 0
    assert device.auth_attempts == 0  # no password was needed


def ssh_banner(host: str, port: int) -> bytes:
    """The identification line a server sends first."""
    with socket.create_connection((host, port), timeout=5) as probe:
        return probe.recv(64)


@pytest.mark.slow
def test_start_many_serves_200_devices_on_distinct_ports() -> None:
    fleet = start_many(corpus_dir("cli"), 200, "cisco_ios")
    try:
        ports = {device.port for device in fleet.devices}
        assert len(ports) == 200
        assert all(ssh_banner(d.host, d.port).startswith(b"SSH-2.0-") for d in fleet.devices)
        last = fleet.devices[-1]
        with connect(last) as session:
            got = session.send_command("show inventory").rstrip()
        assert got == recorded_text("cisco_ios", RECORDED["cisco_ios"]["show inventory"])
        assert [d.sessions for d in fleet.devices].count(1) == 1
    finally:
        fleet.stop()
    with pytest.raises(OSError):
        ssh_banner(last.host, last.port)


def run_remote(client: paramiko.SSHClient, command: str) -> str:
    """A command's standard output over SSH; AssertionError when it exits non-zero."""
    _, stdout, stderr = client.exec_command(command)
    output = str(stdout.read().decode())
    assert stdout.channel.recv_exit_status() == 0, stderr.read().decode()
    return output


def sshd_client(peer: SshdPeer) -> paramiko.SSHClient:
    """A paramiko client that only accepts the peer's own host key."""
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    key_type, blob = peer.host_public_key.split()
    known = paramiko.PKey.from_type_string(key_type, base64.b64decode(blob))
    client.get_host_keys().add(f"[{peer.host}]:{peer.port}", key_type, known)
    return client


def test_sshd_serves_this_machines_package_list_with_key_login(sshd_peer: SshdPeer) -> None:
    client = sshd_client(sshd_peer)
    client.connect(
        sshd_peer.host,
        sshd_peer.port,
        username=sshd_peer.user,
        key_filename=str(sshd_peer.client_key_path),
        look_for_keys=False,
        allow_agent=False,
    )
    remote = run_remote(client, "dpkg-query -W")
    statuses = run_remote(client, "dpkg-query -W -f='${db:Status-Abbrev}\\n'").splitlines()
    client.close()
    local = subprocess.run(
        [require_command("dpkg-query"), "-W"], capture_output=True, text=True, check=True
    ).stdout
    assert remote == local
    installed = [s for s in statuses if not s.startswith(("rc", "un", "pn"))]
    assert len(installed) == dpkg_package_count() > 0
    assert len(statuses) == len(remote.splitlines())


def test_sshd_refuses_passwords(sshd_peer: SshdPeer) -> None:
    client = sshd_client(sshd_peer)
    with pytest.raises(paramiko.AuthenticationException):
        client.connect(
            sshd_peer.host,
            sshd_peer.port,
            username=sshd_peer.user,
            password="tebakan",
            look_for_keys=False,
            allow_agent=False,
        )
    client.close()
