"""The SSH profiles and parsers fed the recorded outputs directly (pure, no SSH): every corpus
platform's model, serial, firmware, hostname and uptime end up in the document."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from ntc_templates.parse import parse_output

from collector.adapters.ssh.catalogue import cli_parsers
from collector.adapters.ssh.duration import parse_duration
from collector.adapters.ssh.hostkeys import HostKey
from collector.adapters.ssh.observe import SessionOutputs, Where, observe_outputs
from collector.adapters.ssh.parser import CommandOutput
from collector.adapters.ssh.ports import parse_interfaces_status, port_speed_mbps
from collector.adapters.ssh.profile import (
    PROFILES,
    SshProfileError,
    SshProfileRegistry,
    load_ssh_profiles,
)
from collector.adapters.ssh.templates import TemplateError, template_rows
from tests.collector.ssh.expectations import EXPECTED, Expected, check_document, recorded_outputs
from tests.schema_check import schema_errors

WHERE = Where("192.0.2.1:22", "PUSDATIN", datetime(2026, 1, 5, 3, 0, tzinfo=UTC), str(uuid.uuid4()))


@pytest.fixture(scope="module")
def registry() -> SshProfileRegistry:
    return load_ssh_profiles(PROFILES, cli_parsers())


@pytest.mark.parametrize("expected", EXPECTED, ids=lambda e: e.platform)
def test_recorded_outputs_give_the_documented_facts(
    registry: SshProfileRegistry, expected: Expected
) -> None:
    profile = registry.for_device_type(expected.device_type)
    key = HostKey("ssh-ed25519", "SHA256:test")
    session = SessionOutputs(recorded_outputs(expected.platform), host_key=key)
    document = observe_outputs(profile, registry.catalogue, session, WHERE)
    assert check_document(document, expected) == []
    assert schema_errors(document) == []
    assert "unparsed" not in document["source"]
    assert document["device"]["ssh_host_key"] == "SHA256:test"


@pytest.mark.parametrize("expected", EXPECTED, ids=lambda e: e.platform)
def test_template_rows_are_ntc_templates_own_rows(
    registry: SshProfileRegistry, expected: Expected
) -> None:
    profile = registry.for_device_type(expected.device_type)
    outputs = recorded_outputs(expected.platform)
    for spec in profile.commands:
        if spec.command not in outputs or not registry.catalogue[spec.parser].template:
            continue
        text = outputs[spec.command]
        ours = template_rows(profile.template_platform, spec.template, text)
        theirs = parse_output(platform=profile.template_platform, command=spec.template, data=text)
        assert ours == theirs, spec.command
        assert ours, spec.command


def test_a_command_without_template_is_a_template_error() -> None:
    with pytest.raises(TemplateError, match="tidak ada templat"):
        template_rows("cisco_ios", "show me everything", "x")
    with pytest.raises(TemplateError):
        template_rows("no_such_platform", "show version", "x")


def test_inventory_rows_become_modules_with_serials(registry: SshProfileRegistry) -> None:
    profile = registry.for_device_type("cisco_nxos")
    outputs = SessionOutputs(recorded_outputs("cisco_nxos"))
    modules = observe_outputs(profile, registry.catalogue, outputs, WHERE)["modules"]
    power = [m for m in modules if m["class"] == "power_supply"]
    assert [m["serial"] for m in power] == ["DCB1809X07E", "DCB1809X07H"]
    assert modules[0]["class"] == "chassis"
    assert modules[0]["model"] == "N9K-C9396PX"


def test_junos_builtin_parts_carry_no_serial(registry: SshProfileRegistry) -> None:
    profile = registry.for_device_type("juniper_junos")
    outputs = SessionOutputs(recorded_outputs("juniper_junos"))
    modules = observe_outputs(profile, registry.catalogue, outputs, WHERE)["modules"]
    serials = [m["serial"] for m in modules]
    assert "BUILTIN" not in serials
    assert {"AJ00000", "AJ00001", "USASR24490"} <= set(serials)


def test_unknown_output_is_kept_as_raw_text_with_a_warning(registry: SshProfileRegistry) -> None:
    profile = registry.for_device_type("cisco_ios")
    answer = "% Invalid input detected at '^' marker."
    outputs = {**recorded_outputs("cisco_ios"), "show inventory": answer}
    document = observe_outputs(profile, registry.catalogue, SessionOutputs(outputs), WHERE)
    assert document["source"]["unparsed"] == [{"command": "show inventory", "text": answer}]
    assert [e["section"] for e in document["source"]["errors"]] == ["show inventory"]
    assert document["device"]["serial"] == "CAT1451S15C"  # the other command still counts
    assert "modules" not in document
    assert schema_errors(document) == []


def test_garbage_everywhere_gives_a_valid_document(registry: SshProfileRegistry) -> None:
    for profile in registry.profiles:
        outputs = {spec.command: "\x00garbage ::: \n" * 3 for spec in profile.commands}
        document = observe_outputs(profile, registry.catalogue, SessionOutputs(outputs), WHERE)
        assert schema_errors(document) == [], profile.id
        assert len(document["source"]["unparsed"]) == len(profile.commands)


def test_failed_commands_are_errors_not_empty_sections(registry: SshProfileRegistry) -> None:
    profile = registry.for_device_type("cisco_ios")
    session = SessionOutputs({}, {"show inventory": "waktu habis", "show version": "tidak"})
    document = observe_outputs(profile, registry.catalogue, session, WHERE)
    assert len(document["source"]["errors"]) == 2
    assert document["device"]["model"] is None
    assert schema_errors(document) == []


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("2 years, 31 weeks, 6 days, 9 hours, 55 minutes", 82_374_900),
        ("123 day(s), 5 hour(s), 15 minute(s), 19 second(s)", 10_646_119),
        ("1 hour and 5 minutes", 3_900),
        ("6w5d11h55m45s", 4_103_745),
        ("2 days, 2:38:49", 182_329),
        ("nothing here", None),
        ("", None),
    ],
)
def test_uptime_texts(text: str, seconds: int | None) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('id = "x"\ndevice_type = "x"\nkind = "switch"\ncolour = 1\n', "kunci tidak dikenal"),
        ('id = "x"\ndevice_type = "x"\nkind = "toaster"\n', "'kind'"),
        (
            'id = "x"\ndevice_type = "x"\nkind = "switch"\n'
            '[[commands]]\ncommand = "show x"\nparser = "nope"\n',
            "parser tidak dikenal",
        ),
        (
            'id = "x"\ndevice_type = "x"\nkind = "switch"\n'
            '[[commands]]\ncommand = "show x"\nparser = "fields"\n[commands.fields]\nsize = "a"\n',
            "kolom tidak dikenal",
        ),
        ('id = "x"\ndevice_type = "x"\nkind = "switch"\n', "[[commands]]"),
        ("id = [", "tidak terbaca"),
    ],
)
def test_bad_profiles_are_refused_naming_the_file(tmp_path: Path, toml: str, message: str) -> None:
    (tmp_path / "broken.toml").write_text(toml)
    with pytest.raises(SshProfileError, match=r"broken\.toml") as raised:
        load_ssh_profiles(tmp_path, cli_parsers())
    assert message in str(raised.value)


def test_unknown_device_type_lists_the_known_ones(registry: SshProfileRegistry) -> None:
    with pytest.raises(SshProfileError, match="cisco_ios"):
        registry.for_device_type("toaster_os")


def test_switch_ports_from_show_interfaces_status(registry: SshProfileRegistry) -> None:
    profile = registry.for_device_type("cisco_ios")
    document = observe_outputs(
        profile, registry.catalogue, SessionOutputs(recorded_outputs("cisco_ios")), WHERE
    )
    ports = {port["name"]: port for port in document["ports"]}
    assert ports["Gi1/0/2"] == {
        "name": "Gi1/0/2", "description": "AccessPoint", "status": "connected",
        "admin_up": True, "oper_up": True, "vlan": 8, "mode": "access", "duplex": "full",
        "speed_mbps": 1000, "type": "10/100/1000BaseTX",
    }  # fmt: skip
    trunk = ports["Gi1/0/7"]
    assert (trunk["mode"], trunk["vlan"], trunk["oper_up"], trunk["type"]) == (
        "trunk", None, False, "1000BaseSX SFP",
    )  # fmt: skip
    assert (ports["Gi1/0/10"]["mode"], ports["Gi1/0/10"]["speed_mbps"]) == ("routed", None)
    assert (ports["Gi1/0/17"]["admin_up"], ports["Gi1/0/16"]["admin_up"]) == (False, True)
    assert ports["Gi1/0/11"]["duplex"] == "half"
    assert ports["Gi1/0/8"]["type"] is None  # "Not Present"
    assert ports["Gi1/0/21"]["oper_up"] is None  # "monitoring": no plain meaning
    assert ports["Po1"]["type"] is None
    assert schema_errors(document) == []


@pytest.mark.parametrize(
    ("speed", "mbps"),
    [("a-1000", 1000), ("100", 100), ("10G", 10000), ("a-2.5G", 2500), ("a-100M", 100),
     ("auto", None), ("", None), ("0", None), ("99999999999", None), ("-5", None)],
)  # fmt: skip
def test_port_speeds(speed: str, mbps: int | None) -> None:
    assert port_speed_mbps(speed) == mbps


def test_hostile_port_rows_are_skipped_or_left_unknown() -> None:
    rows: list[dict[str, Any]] = [
        {"port": "", "status": "connected"},
        {"port": 7, "status": "connected"},
        {"port": "Gi9", "status": "sideways", "vlan_id": "9999", "duplex": "a-triple"},
        {"port": "Gi10", "vlan_id": ["1"], "speed": None},
    ]
    fragment = parse_interfaces_status(CommandOutput("show interfaces status", "", rows))
    assert [p["name"] for p in fragment["ports"]] == ["Gi9", "Gi10"]
    gi9 = fragment["ports"][0]
    assert (gi9["admin_up"], gi9["vlan"], gi9["mode"], gi9["duplex"]) == (None, None, None, None)
    assert parse_interfaces_status(CommandOutput("show interfaces status", "", [])) == {}
