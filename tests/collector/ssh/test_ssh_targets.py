"""SSH entries of the targets file: what is accepted, and a clear refusal for everything else
(the whole file refused, so nothing is polled from a half-read plan)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from collector.adapters.sealing import SecretBox, load_key
from collector.adapters.snmp.targets import TargetsError, parse_targets
from collector.adapters.ssh.targets import AGENTLESS_LINUX, AUTODETECT, shipped_device_types

TYPES = frozenset({"cisco_ios", "juniper_junos", AGENTLESS_LINUX, AUTODETECT})


@pytest.fixture
def box(tmp_path: Path) -> SecretBox:
    return SecretBox(load_key(None, tmp_path))


def _plan(box: SecretBox, tmp_path: Path) -> dict[str, Any]:
    key = tmp_path / "id_ed25519"
    key.write_text("not read by the parser\n")
    # fmt: off
    return {
        "credentials": [{"name": "v2c", "community": box.seal("komunitas")}],
        "ssh_credentials": [
            {"name": "netops", "username": "asetik", "password": box.seal("sandi-rahasia")},
            {"name": "lama", "username": "admin", "password_env": "SANDI_LAMA",
             "legacy_algorithms": True},
            {"name": "kunci", "username": "root", "key_file": str(key),
             "passphrase": box.seal("frasa-rahasia")},
        ],
        "sites": [
            {"code": "bbpom-sby", "targets": ["127.0.0.1"], "credentials": ["v2c"],
             "ssh": [{"targets": ["127.0.0.1", "127.0.0.2:2222"], "device_type": "cisco_ios",
                      "credentials": ["lama", "netops"]},
                     {"targets": ["127.0.0.8/30"], "device_type": AUTODETECT,
                      "credentials": ["netops"]}]},
            {"code": "PUSDATIN",
             "ssh": [{"targets": ["[::1]"], "device_type": AGENTLESS_LINUX,
                      "credentials": ["kunci"]}]},
        ],
    }
    # fmt: on


def test_ssh_groups_with_their_credentials_in_order(box: SecretBox, tmp_path: Path) -> None:
    plan = parse_targets(_plan(box, tmp_path), box.unseal, {"SANDI_LAMA": "sandi-lama"}, TYPES)
    assert [site.code for site in plan.sites] == ["BBPOM-SBY"]  # PUSDATIN has no SNMP
    ios, ranged, linux = plan.ssh
    assert (ios.code, ios.device_type) == ("BBPOM-SBY", "cisco_ios")
    assert ios.addresses == (("127.0.0.1", 22), ("127.0.0.2", 2222))
    assert [(c.name, c.password, c.legacy_algorithms) for c in ios.credentials] == [
        ("lama", "sandi-lama", True), ("netops", "sandi-rahasia", False),
    ]  # fmt: skip
    assert ranged.addresses == (("127.0.0.9", 22), ("127.0.0.10", 22))
    assert ranged.device_type == AUTODETECT
    (key,) = linux.credentials
    assert (linux.code, linux.addresses, linux.device_type) == (
        "PUSDATIN", (("::1", 22),), AGENTLESS_LINUX,
    )  # fmt: skip
    assert (key.key_file, key.passphrase, key.password) == (
        tmp_path / "id_ed25519", "frasa-rahasia", None,
    )  # fmt: skip
    shown = repr(plan)
    assert "rahasia" not in shown and "sandi-lama" not in shown


def test_the_shipped_profiles_name_the_device_types() -> None:
    known = shipped_device_types()
    assert {"cisco_ios", "juniper_junos", "huawei", AGENTLESS_LINUX, AUTODETECT} <= known
    assert "cisco_ioss" not in known


def _with(data: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    """``data`` with the entry at ``path`` (keys and indexes) set; None deletes it."""
    node = data
    for step in path[:-1]:
        node = node[step]
    if value is None:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return data


GROUP = ("sites", 0, "ssh", 0)
CRED = ("ssh_credentials", 0)
BAD: list[tuple[tuple[Any, ...], Any, str]] = [
    ((*GROUP, "device_type"), "cisco_ioss", "device_type 'cisco_ioss' tidak dikenal"),
    ((*GROUP, "device_type"), None, "device_type None tidak dikenal"),
    ((*GROUP, "targets"), ["10.0.0.0/8"], "terlalu besar"),
    ((*GROUP, "targets"), ["300.1.1.1/24"], "rentang tidak sah"),
    ((*GROUP, "targets"), ["127.0.0.1:70000"], "port tidak sah"),
    ((*GROUP, "targets"), [], "daftar teks"),
    ((*GROUP, "credentials"), ["netops", "hilang"], "tidak dikenal: hilang"),
    ((*GROUP, "credentials"), ["v2c"], "tidak dikenal: v2c"),  # an SNMP one is not SSH
    ((*GROUP, "devicetype"), "cisco_ios", "kunci tidak dikenal: devicetype"),
    (("sites", 0, "ssh", 1, "targets"), ["127.0.0.1"], "127.0.0.1:22 ada di dua kelompok"),
    (("sites", 0, "ssh"), "cisco_ios", "daftar tabel"),
    ((*CRED, "password"), "sandi-polos", "tersegel"),
    ((*CRED, "pasword"), "x", "kunci tidak dikenal: pasword"),
    ((*CRED, "username"), None, "'username' wajib"),
    ((*CRED, "key_file"), "/root/.ssh/id_rsa", "tepat satu"),
    (("ssh_credentials", 1, "password_env"), "TIDAK_ADA", "TIDAK_ADA kosong"),
    (("ssh_credentials", 1, "legacy_algorithms"), "yes", "legacy_algorithms"),
    (("ssh_credentials", 2, "key_file"), "relatif/id_ed25519", "jalur absolut"),
    (("ssh_credentials", 2, "key_file"), "/tidak/ada/id_ed25519", "tidak ada"),
    (("ssh_credentials", 2, "passphrase"), "frasa-polos", "tersegel"),
    (("ssh_credentials", 2, "name"), "netops", "ditulis dua kali"),
    (("sites", 1, "code"), None, "perlu 'code'"),
]


@pytest.mark.parametrize(("path", "value", "message"), BAD, ids=lambda v: str(v)[:40])
def test_bad_ssh_entries_refuse_the_whole_file(
    box: SecretBox, tmp_path: Path, path: tuple[Any, ...], value: Any, message: str
) -> None:
    data = _with(_plan(box, tmp_path), path, value)
    with pytest.raises(TargetsError, match=message):
        parse_targets(data, box.unseal, {"SANDI_LAMA": "x"}, TYPES)


def test_a_site_without_ssh_still_needs_its_snmp_targets(box: SecretBox, tmp_path: Path) -> None:
    data = _plan(box, tmp_path)
    data["sites"][1].pop("ssh")
    with pytest.raises(TargetsError, match="situs PUSDATIN: 'targets' dan 'credentials'"):
        parse_targets(data, box.unseal, {"SANDI_LAMA": "x"}, TYPES)
