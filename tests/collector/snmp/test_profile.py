"""Profile files: loading, the errors a bad file gets, and sysObjectID/sysDescr matching."""

from __future__ import annotations

from pathlib import Path

import pytest

from collector.adapters.snmp.catalogue import parser_catalogue
from collector.adapters.snmp.parser import Fragment, MibParser
from collector.adapters.snmp.profile import PROFILES, ProfileError, load_profiles
from collector.adapters.snmp.view import MibView


def _nothing(view: MibView) -> Fragment:
    return {}


CATALOGUE = {name: MibParser(name, (), _nothing) for name in ("system", "ports", "vendor_x")}
GENERIC = 'id = "generic"\nkind = "other"\nparsers = ["system", "ports"]\n'


def _write(folder: Path, **files: str) -> Path:
    (folder / "generic.toml").write_text(GENERIC, encoding="utf-8")
    for name, text in files.items():
        (folder / f"{name}.toml").write_text(text, encoding="utf-8")
    return folder


def test_shipped_profiles_load_against_the_real_catalogue() -> None:
    registry = load_profiles(PROFILES, parser_catalogue())
    ids = [profile.id for profile in registry.profiles]
    assert "generic" in ids
    assert {"cisco_ios", "cisco_iosxe", "juniper_junos", "netsnmp_linux"} <= set(ids)
    assert registry.generic.kind == "other"
    assert registry.generic.match == ()
    assert "printer_generic" in [p.id for p in registry.fallbacks]


def test_a_profile_naming_an_unknown_parser_is_refused(tmp_path: Path) -> None:
    folder = _write(
        tmp_path,
        acme_os='id = "acme_os"\nkind = "switch"\nmatch = ["1.3.6.1.4.1.99"]\n'
        'parsers = ["vendor_x", "no_such_parser"]\n',
    )
    with pytest.raises(ProfileError, match=r"acme_os\.toml: 'parsers'.*no_such_parser"):
        load_profiles(folder, CATALOGUE)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('id = "a_b"\nkind = "switch"\nmatch = ["1.3.6"]\nparsers = []\nmacth = 1\n', "macth"),
        ('id = "a_b"\nkind = "toaster"\nmatch = ["1.3.6"]\nparsers = []\n', "'kind'"),
        ('id = "A-B"\nkind = "switch"\nmatch = ["1.3.6"]\nparsers = []\n', "'id'"),
        ('id = "a_b"\nkind = "switch"\nmatch = ["1.3.x"]\nparsers = []\n', "'match'"),
        ('id = "a_b"\nkind = "switch"\nmatch = "1.3.6"\nparsers = []\n', "'match'"),
        ('id = "a_b"\nkind = "switch"\nsysdescr = ["(unclosed"]\nparsers = []\n', "sysdescr"),
        ('id = "a_b"\nkind = "switch"\nparsers = []\n', "'match', 'sysdescr' atau 'detect'"),
        (
            'id = "a_b"\nkind = "switch"\nmatch = ["1.3"]\nparsers = []\n'
            '[fields]\ncolour = "1.0"\n',
            "colour",
        ),
        (
            'id = "a_b"\nkind = "switch"\nmatch = ["1.3"]\nparsers = []\n[fields]\nserial = "x"\n',
            "serial",
        ),
        ('id = "a_b"\nkind = "switch"\nmatch = ["1.3"]\nparsers = []\nvendor = ""\n', "vendor"),
        ('id = "a_b"\nkind = "switch"\nmatch = ["1.3"\n', "tidak terbaca"),
    ],
)
def test_bad_files_name_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    folder = _write(tmp_path, broken=text)
    with pytest.raises(ProfileError) as caught:
        load_profiles(folder, CATALOGUE)
    assert str(caught.value).startswith("broken.toml: ")
    assert message in str(caught.value)


def test_duplicate_ids_and_a_missing_generic_are_refused(tmp_path: Path) -> None:
    one = 'id = "acme_os"\nkind = "switch"\nmatch = ["1.3.6.1.4.1.99"]\nparsers = []\n'
    folder = _write(tmp_path, a=one, b=one)
    with pytest.raises(ProfileError, match=r"b\.toml: id 'acme_os'"):
        load_profiles(folder, CATALOGUE)
    (folder / "generic.toml").unlink()
    (folder / "b.toml").unlink()
    with pytest.raises(ProfileError, match="generic"):
        load_profiles(folder, CATALOGUE)


@pytest.fixture
def registry_dir(tmp_path: Path) -> Path:
    return _write(
        tmp_path,
        acme_any='id = "acme_any"\nkind = "router"\nmatch = ["1.3.6.1.4.1.99"]\nparsers = []\n',
        acme_switch='id = "acme_switch"\nkind = "switch"\nmatch = ["1.3.6.1.4.1.99.1"]\n'
        'parsers = ["vendor_x"]\n',
        acme_fw='id = "acme_fw"\nkind = "firewall"\nmatch = ["1.3.6.1.4.1.99.1"]\n'
        'sysdescr = ["^AcmeWall"]\nparsers = ["system"]\n',
        acme_printer='id = "acme_printer"\nkind = "printer"\ndetect = ["1.3.6.1.2.1.43.5"]\n'
        "parsers = []\n",
        net_snmp_linux='id = "net_snmp_linux"\nkind = "server"\n'
        'match = ["1.3.6.1.4.1.8072.3.2.10"]\nsysdescr = ["^Linux "]\nparsers = []\n',
    )


def test_longest_prefix_wins_compared_by_sub_identifier(registry_dir: Path) -> None:
    registry = load_profiles(registry_dir, CATALOGUE)
    assert registry.match("1.3.6.1.4.1.99.1.5", "Acme switch").id == "acme_switch"
    assert registry.match((1, 3, 6, 1, 4, 1, 99, 1, 5), "Acme switch").id == "acme_switch"
    assert registry.match("1.3.6.1.4.1.99.2", "Acme router").id == "acme_any"
    # 99.12 starts with the text "99.1" but not with the sub-identifiers 99, 1
    assert registry.match("1.3.6.1.4.1.99.12", None).id == "acme_any"
    assert registry.match("1.3.6.1.4.1.990", None).id == "generic"


def test_sysdescr_breaks_ties_and_excludes(registry_dir: Path) -> None:
    registry = load_profiles(registry_dir, CATALOGUE)
    assert registry.match("1.3.6.1.4.1.99.1.5", "AcmeWall 9000").id == "acme_fw"
    assert registry.match("1.3.6.1.4.1.8072.3.2.10", "Linux db01 5.14").id == "net_snmp_linux"
    assert registry.match("1.3.6.1.4.1.8072.3.2.10", "NAS box firmware 2").id == "generic"
    assert registry.match("1.3.6.1.4.1.8072.3.2.10", None).id == "generic"


def test_unmatched_and_missing_sys_object_id_give_generic(registry_dir: Path) -> None:
    registry = load_profiles(registry_dir, CATALOGUE)
    assert registry.match(None, None) is registry.generic
    assert registry.match("not an oid", "x") is registry.generic
    # a detect-only fallback is never matched by sysObjectID
    assert registry.match("1.3.6.1.2.1.43.5", None) is registry.generic
    assert [p.id for p in registry.fallbacks] == ["acme_printer"]


def test_parsers_are_generic_first_then_the_profiles_own_once(registry_dir: Path) -> None:
    registry = load_profiles(registry_dir, CATALOGUE)
    names = [p.name for p in registry.parsers(registry.match("1.3.6.1.4.1.99.1.5", "AcmeWall"))]
    assert names == ["system", "ports"]
    names = [p.name for p in registry.parsers(registry.match("1.3.6.1.4.1.99.1.5", "x"))]
    assert names == ["system", "ports", "vendor_x"]


@pytest.mark.parametrize(
    ("sys_object_id", "sys_descr", "expected"),
    [
        (
            "1.3.6.1.4.1.9.1.1208",
            "Cisco IOS Software, C2960X Software, Version 15.0(2a)EX5",
            "cisco_ios",
        ),
        (
            "1.3.6.1.4.1.9.1.2494",
            "Cisco IOS Software [Everest], Catalyst L3 Switch Software "
            "(CAT9K_IOSXE), Version 16.6.7",
            "cisco_iosxe",
        ),
        (
            "1.3.6.1.4.1.9.1.2093",
            '"Cisco IOS Software [Bengaluru], ISR Software '
            "(X86_64_LINUX_IOSD-UNIVERSALK9-M), Version 17.6.4",
            "cisco_iosxe_isr",
        ),
        (
            "1.3.6.1.4.1.2636.1.1.1.4.82.5",
            "Juniper Networks, Inc. qfx5100-48s-6q Ethernet Switch",
            "juniper_junos_switch",
        ),
        (
            "1.3.6.1.4.1.2636.1.1.1.2.25",
            "Juniper Networks, Inc. mx480 internet router",
            "juniper_junos",
        ),
        ("1.3.6.1.4.1.8072.3.2.10", "Linux web01 5.14.0 #1 SMP x86_64", "netsnmp_linux"),
        ("1.3.6.1.4.1.8072.3.2.10", "asetik fault fixture", "generic"),
    ],
)
def test_shipped_profiles_tell_devices_apart(
    sys_object_id: str, sys_descr: str, expected: str
) -> None:
    assert load_profiles().match(sys_object_id, sys_descr).id == expected
