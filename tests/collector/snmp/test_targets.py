"""The targets file and sealed secrets: what is accepted, and clear refusals for the rest."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from collector.adapters.sealing import SealError, SecretBox, load_key
from collector.adapters.snmp.credentials import AuthProtocol, Community, V3User
from collector.adapters.snmp.targets import TargetsError, expand, load_targets, parse_targets


@pytest.fixture
def box(tmp_path: Path) -> SecretBox:
    return SecretBox(load_key(None, tmp_path))


def test_key_file_is_created_once_owner_only(tmp_path: Path) -> None:
    first = load_key(None, tmp_path)
    second = load_key(None, tmp_path)
    assert first == second
    assert stat.S_IMODE((tmp_path / "secret.key").stat().st_mode) == 0o600
    assert list(tmp_path.iterdir()) == [tmp_path / "secret.key"]


def test_sealed_secret_round_trips_and_hides_the_text(box: SecretBox) -> None:
    sealed = box.seal("rahasia-komunitas")
    assert sealed.startswith("enc:")
    assert "rahasia" not in sealed
    assert box.unseal(sealed) == "rahasia-komunitas"


def test_other_key_plain_text_and_bad_key_are_refused(box: SecretBox, tmp_path: Path) -> None:
    other = SecretBox(load_key(None, tmp_path / "other"))
    with pytest.raises(SealError, match="tidak dapat dibuka"):
        other.unseal(box.seal("x"))
    with pytest.raises(SealError, match="tersegel"):
        box.unseal("public")
    with pytest.raises(SealError, match="kunci"):
        SecretBox(b"short")


def test_targets_file_gives_sites_addresses_and_credentials(box: SecretBox, tmp_path: Path) -> None:
    path = tmp_path / "targets.toml"
    path.write_text(f"""
[defaults]
timeout = 0.5
retries = 0

[[credentials]]
name = "printers"
community = "{box.seal("cetak")}"

[[credentials]]
name = "core"
user = "asetik"
auth_protocol = "SHA512"
auth_key = "{box.seal("kunci-auth")}"
priv_protocol = "aes256"
priv_key_env = "PRIV"

[[sites]]
code = "bbpom-sby"
targets = ["127.0.0.1:16100", "127.0.0.8/30", "127.0.0.1:16100", "[::1]:1161"]
credentials = ["core", "printers"]
""")
    plan = load_targets(path, box.unseal, {"PRIV": "kunci-priv"})
    assert (plan.timeout, plan.retries, plan.interval_minutes) == (0.5, 0, 15.0)
    (site,) = plan.sites
    assert site.code == "BBPOM-SBY"
    assert site.addresses == (
        ("127.0.0.1", 16100), ("127.0.0.9", 161), ("127.0.0.10", 161), ("::1", 1161),
    )  # fmt: skip
    core, printers = site.credentials
    assert printers == Community("cetak", name="printers")
    assert isinstance(core, V3User)
    assert (core.auth_protocol, core.auth_key, core.priv_key) == (
        AuthProtocol.SHA512, "kunci-auth", "kunci-priv",
    )  # fmt: skip
    assert "kunci" not in repr(core) and "cetak" not in repr(printers)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"credentials": [{"name": "a", "community": "public"}]}, "tersegel"),
        ({"credentials": [{"name": "a"}]}, "perlu 'community'"),
        ({"credentials": [{"community": "x"}]}, "perlu 'name'"),
        ({"credentials": [{"name": "a", "community_env": "NOPE"}]}, "NOPE kosong"),
        ({"credentials": [{"name": "a", "user": "u", "auth_protocol": "md5"}]}, "protokol"),
        (
            {"sites": [{"code": "X", "targets": ["127.0.0.1"], "credentials": ["b"]}]},
            "tidak dikenal",
        ),
        ({"sites": [{"code": "X", "targets": [], "credentials": []}]}, "daftar teks"),
        ({"sites": [{"targets": ["127.0.0.1"]}]}, "perlu 'code'"),
        ({"sites": "X"}, "daftar tabel"),
        ({"defaults": {"timeout": 0}}, "timeout"),
        ({"defaults": {"retries": True}}, "retries"),
    ],
)
def test_bad_targets_are_refused_with_the_reason(
    box: SecretBox, data: dict[str, object], message: str
) -> None:
    with pytest.raises(TargetsError, match=message):
        parse_targets(data, box.unseal, {})


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("10.0.0.0/8", "terlalu besar"),
        ("127.0.0.1:0", "port"),
        ("127.0.0.1:99999", "port"),
        ("127.0.0.1:abc", "port"),
        ("300.1.1.1/24", "rentang"),
        ("bad host!", "tidak sah"),
    ],
)
def test_bad_addresses_are_refused(target: str, message: str) -> None:
    with pytest.raises(TargetsError, match=message):
        list(expand(target))


def test_unreadable_targets_file_is_a_targets_error(box: SecretBox, tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text("[[sites]\n")
    with pytest.raises(TargetsError, match="tidak terbaca"):
        load_targets(tmp_path / "bad.toml", box.unseal, {})
    with pytest.raises(TargetsError, match="tidak terbaca"):
        load_targets(tmp_path / "absent.toml", box.unseal, {})
