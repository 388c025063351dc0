"""Agentless Linux against Debian's sshd on loopback (key login, paramiko exec): the agent's
sections come back, this machine's package list complete."""

from __future__ import annotations

import asyncio
import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from collector.adapters.ssh.credentials import SshCredential
from collector.adapters.ssh.linux_outputs import parse_ip_addr, parse_lsblk, parse_uname
from collector.bootstrap import build_ssh_poller
from collector.config import CollectorConfig
from collector.services.ssh_polling import AGENTLESS_LINUX, SshSite, SshTarget
from tests.peers import dpkg_package_count
from tests.schema_check import schema_errors
from tests.sshd_peer import SshdPeer


@pytest.mark.peer
def test_agentless_linux_reads_the_whole_package_list(tmp_path: Path, sshd_peer: SshdPeer) -> None:
    config = CollectorConfig("sqlite://", "127.0.0.1", 0, tmp_path)
    ssh = build_ssh_poller(config, lambda: datetime.now(UTC))
    credential = SshCredential("kunci", sshd_peer.user, key_file=sshd_peer.client_key_path)
    target = SshTarget((sshd_peer.host, sshd_peer.port), AGENTLESS_LINUX)
    delivered: list[dict[str, Any]] = []

    async def deliver(document: dict[str, Any]) -> int:
        delivered.append(document)
        return 1

    site = SshSite("PUSDATIN", (target,), (credential,))
    [outcome] = asyncio.run(ssh.poll_site(site, deliver))
    assert (outcome.result, outcome.message) == ("ok", None)
    [document] = delivered
    assert len(document["softwares"]) == dpkg_package_count()
    assert document["operatingsystem"]["kernel"] == platform.release()
    assert document["operatingsystem"]["arch"] == platform.machine()
    assert document["identity"]["hostname"] == platform.node().split(".")[0]
    fingerprint = document["device"]["ssh_host_key"]
    assert fingerprint is not None and fingerprint.startswith("SHA256:")
    assert schema_errors(document) == []


def test_lsblk_disks_only_sizes_in_bytes() -> None:
    text = """{"blockdevices": [
      {"name": "sda", "type": "disk", "size": 500107862016, "model": "Samsung SSD 870",
       "serial": "S5Y1NX0R", "vendor": "ATA     ", "rev": "SVT02B6Q", "tran": "sata",
       "rota": false, "rm": false},
      {"name": "loop0", "type": "loop", "size": 4096},
      {"name": "vda", "type": "disk", "size": "1024", "vendor": "0x1af4", "rota": true}
    ]}"""
    disks = parse_lsblk(text)
    assert [d["name"] for d in disks] == ["sda", "vda"]
    assert disks[0]["size_bytes"] == 500107862016
    assert (disks[0]["type"], disks[0]["vendor"], disks[0]["interface"]) == ("ssd", None, "sata")
    assert (disks[1]["type"], disks[1]["vendor"]) == ("virtual", None)
    assert parse_lsblk("not json") == []
    assert parse_lsblk('{"blockdevices": [1, "x", {"type": "disk"}]}') == []


def test_ip_addr_interfaces_without_loopback() -> None:
    text = """[{"ifname": "lo", "link_type": "loopback", "addr_info": []},
      {"ifname": "eth0", "link_type": "ether", "address": "52:54:00:12:34:56",
       "operstate": "UP", "addr_info": [{"family": "inet", "local": "192.0.2.7"},
       {"family": "inet6", "local": "fe80::1"}, {"family": "inet", "local": "garbage"}]}]"""
    [eth0] = parse_ip_addr(text)
    assert (eth0["name"], eth0["mac"], eth0["up"]) == ("eth0", "52:54:00:12:34:56", True)
    assert (eth0["ipv4"], eth0["ipv6"]) == (["192.0.2.7"], ["fe80::1"])
    assert parse_ip_addr("{}") == []


def test_uname_needs_three_words() -> None:
    assert parse_uname("web01 6.1.0-18-amd64 x86_64\n") == {
        "hostname": "web01",
        "kernel": "6.1.0-18-amd64",
        "arch": "x86_64",
    }
    assert parse_uname("")["kernel"] is None
