"""The poller's own logic over a fake SnmpReader (our Protocol): which credential, in which
order, what a dead or stalling device costs, and what is remembered."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from collector.adapters.snmp.credentials import Community, Credential
from collector.adapters.snmp.reader import SnmpError, SnmpReader, SnmpTimeoutError
from collector.adapters.snmp.targets import SiteTargets
from collector.adapters.snmp.values import Oid, Value
from collector.services.polling import CredentialMemory, SnmpPoller

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
A = ("127.0.0.1", 16100)
B = ("127.0.0.2", 16100)
DEAD = ("127.0.0.3", 16100)


class FakeDevice:
    """Answers to one community; records every credential it was asked with."""

    def __init__(self, community: str | None, *, stall: bool = False, refuse: bool = False):
        self.community = community
        self.stall = stall
        self.refuse = refuse
        self.asked: list[str] = []


class FakeReader:
    def __init__(self, device: FakeDevice, credential: Credential):
        self._device = device
        self._credential = credential

    async def get(self, oids: Sequence[Oid]) -> dict[Oid, Value]:
        assert isinstance(self._credential, Community)
        self._device.asked.append(self._credential.label)
        if self._device.refuse:
            raise SnmpError("usmStatsWrongDigests")
        if self._credential.community != self._device.community:
            raise SnmpTimeoutError("no answer")
        return dict.fromkeys(oids, (1, 3, 6, 1, 4, 1, 9))

    async def walk(self, base: Oid) -> list[tuple[Oid, Value]]:
        if self._device.stall:
            await asyncio.sleep(10)
        return []


def _poller(devices: dict[tuple[str, int], FakeDevice], memory: CredentialMemory) -> SnmpPoller:
    async def open_reader(address: tuple[str, int], credential: Credential) -> SnmpReader:
        return FakeReader(devices[address], credential)

    async def observe(reader: SnmpReader, **where: Any) -> dict[str, Any]:
        await reader.walk((1, 3, 6, 1, 2, 1, 2))
        return {"source": {"target": where["target"], "site": where["site"]}}

    return SnmpPoller(open_reader, observe, memory, lambda: NOW, device_budget=0.5)


CREDENTIALS = (Community("wrong", name="first"), Community("right", name="second"))


def test_credentials_tried_in_order_and_the_working_one_remembered(tmp_path: Path) -> None:
    devices = {A: FakeDevice("right"), B: FakeDevice("wrong"), DEAD: FakeDevice(None)}
    memory = CredentialMemory(tmp_path / "memory.json")
    site = SiteTargets("BBPOM-SBY", (A, B, DEAD), CREDENTIALS)
    delivered: list[dict[str, Any]] = []

    async def deliver(document: dict[str, Any]) -> int:
        delivered.append(document)
        return len(delivered)

    outcomes = asyncio.run(_poller(devices, memory).poll_site(site, deliver))

    assert [(o.address, o.result, o.credential) for o in outcomes] == [
        (A, "ok", "second"), (B, "ok", "first"), (DEAD, "dead", None),
    ]  # fmt: skip
    assert devices[A].asked == ["first", "second"]
    assert sorted(d["source"]["target"] for d in delivered) == [
        "127.0.0.1:16100",
        "127.0.0.2:16100",
    ]
    saved = json.loads((tmp_path / "memory.json").read_text())
    assert saved == {"BBPOM-SBY/127.0.0.1:16100": "second", "BBPOM-SBY/127.0.0.2:16100": "first"}

    # The next round (a new process) asks A with the remembered credential first.
    devices[A].asked.clear()
    again = asyncio.run(
        _poller(devices, CredentialMemory(tmp_path / "memory.json")).poll_site(site, deliver)
    )
    assert again[0].result == "ok"
    assert devices[A].asked == ["second"]


def test_a_refusing_or_stalling_device_costs_its_budget_only() -> None:
    devices = {A: FakeDevice("right", stall=True), B: FakeDevice("right", refuse=True)}
    site = SiteTargets("X", (A, B), CREDENTIALS)

    async def deliver(document: dict[str, Any]) -> int:
        raise AssertionError("nothing may be delivered")

    outcomes = asyncio.run(_poller(devices, CredentialMemory(None)).poll_site(site, deliver))
    assert [(o.result, o.message) for o in outcomes] == [
        ("failed", "melebihi batas waktu perangkat"),
        ("dead", "tidak ada kredensial yang dijawab"),
    ]
    assert devices[B].asked == ["first", "second"]


def test_a_damaged_memory_file_is_ignored(tmp_path: Path) -> None:
    (tmp_path / "memory.json").write_text("{not json")
    memory = CredentialMemory(tmp_path / "memory.json")
    assert memory.order("X", A, CREDENTIALS) == list(CREDENTIALS)


def test_a_device_whose_document_is_refused_does_not_end_the_round() -> None:
    devices = {A: FakeDevice("right"), B: FakeDevice("right")}
    site = SiteTargets("X", (A, B), CREDENTIALS)
    stored: list[str] = []

    async def deliver(document: dict[str, Any]) -> int:
        if document["source"]["target"].startswith("127.0.0.1:"):
            raise ValueError("dokumen ditolak")
        stored.append(document["source"]["target"])
        return 7

    outcomes = asyncio.run(_poller(devices, CredentialMemory(None)).poll_site(site, deliver))
    assert [(o.result, o.asset_id, o.message) for o in outcomes] == [
        ("failed", None, "ValueError: dokumen ditolak"), ("ok", 7, None),
    ]  # fmt: skip
    assert stored == ["127.0.0.2:16100"]
