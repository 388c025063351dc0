"""ENTITY-MIB and HOST-RESOURCES-MIB parsers over hand-built varbinds."""

from __future__ import annotations

from collector.adapters.snmp.mibs.entity import parse_entity
from collector.adapters.snmp.mibs.host_resources import parse_software, parse_storage
from collector.adapters.snmp.values import Oid, Value
from collector.adapters.snmp.view import MibView

ENT = (1, 3, 6, 1, 2, 1, 47, 1, 1, 1, 1)
HR_STORAGE = (1, 3, 6, 1, 2, 1, 25, 2, 3, 1)
HR_TYPE = (1, 3, 6, 1, 2, 1, 25, 2, 1)
HR_SW = (1, 3, 6, 1, 2, 1, 25, 6, 3, 1)


def _entity(index: int, **columns: Value) -> list[tuple[Oid, Value]]:
    numbers = {"descr": 2, "parent": 4, "cls": 5, "name": 7, "hw": 8, "fw": 9, "sw": 10}
    numbers |= {"serial": 11, "mfg": 12, "model": 13, "fru": 16}
    return [((*ENT, numbers[key], index), value) for key, value in columns.items()]


def test_entity_modules_and_chassis_facts() -> None:
    view = MibView(
        _entity(1, descr=b"Stack", cls=11, name=b"Stack", serial=b"")
        + _entity(
            1001,
            descr=b"WS-C2960X-48FPS-L",
            parent=1,
            cls=3,
            name=b"Switch 1",
            hw=b"V05 ",
            sw=b"15.0(2a)EX5",
            serial=b"FCW1929B68S",
            mfg=b"Cisco",
            model=b"WS-C2960X-48FPS-L",
            fru=1,
        )
        + _entity(1002, descr=b"PSU", parent=1001, cls=6, serial=b"N/A", fru=2, fw=b"1.2")
        + _entity(1003, cls=99)
    )
    fragment = parse_entity(view)
    assert fragment["device"] == {
        "serial": "FCW1929B68S",
        "model": "WS-C2960X-48FPS-L",
        "hardware_revision": "V05",
        "firmware": "15.0(2a)EX5",
    }
    modules = fragment["modules"]
    assert [(m["index"], m["parent"], m["class"]) for m in modules] == [
        (1, None, "stack"),
        (1001, 1, "chassis"),
        (1002, 1001, "power_supply"),
        (1003, None, "unknown"),
    ]
    assert modules[1]["field_replaceable"] is True
    assert modules[2]["serial"] is None  # "N/A" is a placeholder
    assert modules[2]["firmware_revision"] == "1.2"
    assert modules[2]["field_replaceable"] is False


def test_entity_without_chassis_sets_no_device_facts_and_empty_table_nothing() -> None:
    fragment = parse_entity(MibView(_entity(5, cls=9, model=b"GLC-T", serial=b"AGM1234")))
    assert "device" not in fragment
    assert fragment["modules"][0]["model"] == "GLC-T"
    assert parse_entity(MibView([])) == {}


def _storage(index: int, kind: int, descr: bytes, *sizes: Value) -> list[tuple[Oid, Value]]:
    """One hrStorageTable row; sizes are allocation units, size and used."""
    values = ((*HR_TYPE, kind), descr, *sizes) if len(sizes) == 3 else ((*HR_TYPE, kind), descr)
    return [((*HR_STORAGE, column, index), value) for column, value in enumerate(values, 2)]


def test_storage_volumes_in_bytes_only_for_file_systems() -> None:
    view = MibView(
        _storage(1, 2, b"Physical memory", 1024, 16_000_000, 8_000_000)
        + _storage(31, 4, b"/", 4096, 2_621_440, 655_360)
        + _storage(2, 4, b"C:\\ Label:System  Serial Number 9c6c3a49", 4096, 10_000, 2_500)
        + _storage(40, 10, b"/mnt/nas", 65536, -1, 10)  # Integer32 wrapped negative
        + _storage(41, 4, b"/broken", 0, 100, 50)
        + _storage(42, 4, b"", 4096, 1, 1)
    )
    fragment = parse_storage(view)
    assert fragment["volumes"] == [
        {"mount": "C:\\", "label": "System", "total_bytes": 40_960_000},
        {"mount": "/", "label": None, "total_bytes": 10_737_418_240},
        {"mount": "/mnt/nas", "label": None, "total_bytes": (2**32 - 1) * 65536},
        {"mount": "/broken", "label": None, "total_bytes": None},
    ]
    assert fragment["status"]["volumes"] == [
        {"mount": "C:\\", "used_bytes": 10_240_000, "free_bytes": 30_720_000},
        {"mount": "/", "used_bytes": 2_684_354_560, "free_bytes": 8_053_063_680},
        {"mount": "/mnt/nas", "used_bytes": 655_360, "free_bytes": (2**32 - 1) * 65536 - 655_360},
        {"mount": "/broken", "used_bytes": None, "free_bytes": None},
    ]


def test_storage_of_memory_only_is_no_section() -> None:
    assert parse_storage(MibView(_storage(1, 2, b"RAM", 1024, 10, 5))) == {}


def test_installed_software_with_dates() -> None:
    view = MibView(
        [
            ((*HR_SW, 2, 1), b"bash-4.2.46-30.el7.x86_64"),
            ((*HR_SW, 5, 1), bytes.fromhex("07e10903131615002b0800")),
            ((*HR_SW, 2, 2), b"Mozilla Firefox (x64 id)"),
            ((*HR_SW, 5, 2), bytes.fromhex("0000010100000000")),
            ((*HR_SW, 2, 3), b""),
            ((*HR_SW, 2, 4), 7),
        ]
    )
    assert parse_software(view) == {
        "softwares": [
            {"name": "bash-4.2.46-30.el7.x86_64", "install_date": "2017-09-03", "source": "snmp"},
            {"name": "Mozilla Firefox (x64 id)", "install_date": None, "source": "snmp"},
        ]
    }
    assert parse_software(MibView([])) == {}
