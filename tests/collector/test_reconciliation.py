"""Identity reconciliation through the one ingest path, on SQLite and PostgreSQL.

`collector/domain/identity.py` decides on keys; these tests check what the register ends up
holding when real documents go through `IngestService.ingest`: how many assets, which one an
observation landed on, the history it wrote and the conflicts an operator gets to see.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from collector.bootstrap import Services
from collector.domain.register import Asset, AssetDetail
from collector.services.ingest import IngestResult
from collector.services.register import AssetFilter, Page
from collector.services.users import Role, Viewer
from tests.collector.conftest import FixedClock
from tests.collector.documents import (
    WITHOUT_KEYS,
    delta,
    laptop,
    observation,
    renewed,
    with_identity,
)

SITE = "BBPOM-SBY"
OTHER_SITE = "BBPOM-MDN"
ADMIN = Viewer(user_id=0, name="pusdatin", role=Role.ADMIN, site_id=None)


def open_site(services: Services, code: str = SITE) -> None:
    services.enrolment.create_site(code, f"Balai {code}")


def credential(services: Services, site: str = SITE, kind: str = "agent") -> str:
    """A freshly enrolled agent's (or poller's) credential."""
    token = services.enrolment.create_token(site, timedelta(days=1))
    secret, _ = services.enrolment.enrol(token, kind, None)
    return secret


def send(services: Services, secret: str, document: dict[str, Any]) -> IngestResult:
    """Ingest as the HTTP handler does: authenticate the credential anew for every request."""
    caller = services.enrolment.authenticate(secret)
    return services.ingest.ingest(document, caller, len(json.dumps(document)))


def assets(services: Services) -> list[Asset]:
    items, total = services.register.list_assets(ADMIN, AssetFilter(), Page(size=500))
    assert total == len(items)
    return items


def detail(services: Services, asset_id: int) -> AssetDetail:
    return services.register.asset_detail(ADMIN, asset_id)


def reasons(services: Services, asset_id: int) -> list[tuple[str, list[int]]]:
    """The open conflicts of an asset as (reason, the other assets involved)."""
    return sorted(
        (c["reason"], list(c["other_asset_ids"])) for c in detail(services, asset_id).conflicts
    )


def test_the_same_machine_sent_again_stays_one_asset(services: Services, clock: FixedClock) -> None:
    open_site(services)
    agent = credential(services)
    first = laptop(1)
    created = send(services, agent, first)
    clock.now += timedelta(hours=1)
    again = send(services, agent, renewed(first))
    clock.now += timedelta(hours=1)
    unchanged = send(services, agent, delta(first))
    assert created.created
    assert (again.asset_id, again.created, again.conflicts) == (created.asset_id, False, 0)
    assert (unchanged.asset_id, unchanged.full_required) == (created.asset_id, False)
    assert [a.id for a in assets(services)] == [created.asset_id]
    assert reasons(services, created.asset_id) == []


def test_a_renamed_host_stays_one_asset_with_the_rename_in_its_history(
    services: Services,
) -> None:
    open_site(services)
    agent = credential(services)
    first = laptop(1)
    created = send(services, agent, first)
    renamed = send(services, agent, with_identity(first, hostname="lpt-keu-01"))
    assert renamed.asset_id == created.asset_id and not renamed.created
    assert len(assets(services)) == 1
    found = detail(services, created.asset_id)
    assert found.asset.name == "lpt-keu-01"
    changes = [(h.kind, h.before, h.after) for h in found.history]
    assert ("hostname_changed", "lpt-tu-01", "lpt-keu-01") in changes


def test_a_replaced_network_card_stays_one_asset(services: Services) -> None:
    open_site(services)
    agent = credential(services)
    first = laptop(1)
    created = send(services, agent, first)
    new_nic = send(services, agent, with_identity(first, mac_addresses=["00:1b:21:3a:4b:5c"]))
    assert new_nic.asset_id == created.asset_id and new_nic.conflicts == 0
    assert len(assets(services)) == 1
    changes = {(h.kind, h.subject) for h in detail(services, created.asset_id).history}
    assert {("nic_removed", "f8:bc:12:4a:5b:01"), ("nic_added", "00:1b:21:3a:4b:5c")} <= changes


def test_clones_of_one_image_become_two_assets_and_a_conflict(services: Services) -> None:
    open_site(services)
    original = send(services, credential(services), laptop(1))
    clone_id = laptop(1)["identity"]["machine_id"]
    clone_agent = credential(services)
    clone = laptop(2, machine_id=clone_id)
    copied = send(services, clone_agent, clone)
    assert copied.created and copied.asset_id != original.asset_id
    assert len(assets(services)) == 2
    assert reasons(services, copied.asset_id) == [("clone_machine_id", [original.asset_id])]
    assert "klon" in detail(services, copied.asset_id).conflicts[0]["detail"]
    again = send(services, clone_agent, renewed(clone))
    assert again.asset_id == copied.asset_id
    assert len(assets(services)) == 2


def test_a_clone_seen_again_keeps_one_open_conflict_per_reason(services: Services) -> None:
    open_site(services)
    send(services, credential(services), laptop(1))
    clone_agent = credential(services)
    clone = laptop(2, machine_id=laptop(1)["identity"]["machine_id"])
    copied = send(services, clone_agent, clone)
    for _ in range(3):
        send(services, clone_agent, renewed(clone))
    found = [c["reason"] for c in detail(services, copied.asset_id).conflicts]
    assert sorted(set(found)) == sorted(found)


def test_a_conflict_reported_at_every_poll_stays_one_open_conflict(services: Services) -> None:
    open_site(services)
    poller = credential(services, kind="poller")
    first = send(services, poller, observation("printer")).asset_id
    other_vendor = {**observation("printer")["device"], "vendor": "Brother"}
    twin = observation(
        "printer", hostname="prn-keu-lt3", mac_addresses=["00:80:77:1a:2b:99"],
        sys_object_id="1.3.6.1.4.1.2435.2.3.9.1", sections={"device": other_vendor},
    )  # fmt: skip
    copied = send(services, poller, twin)
    assert copied.created and len(assets(services)) == 2
    for _ in range(3):
        assert send(services, poller, renewed(twin)).asset_id == copied.asset_id
    assert reasons(services, copied.asset_id) == [("shared_serial", [first])]


def test_clones_sharing_a_system_uuid_become_two_assets_and_a_conflict(
    services: Services,
) -> None:
    open_site(services)
    original = send(services, credential(services), laptop(1))
    shared_uuid = laptop(1)["identity"]["system_uuid"]
    copied = send(services, credential(services), laptop(2, system_uuid=shared_uuid))
    assert copied.created and copied.asset_id != original.asset_id
    assert len(assets(services)) == 2
    assert reasons(services, copied.asset_id) == [("shared_uuid", [original.asset_id])]


def test_an_unlisted_placeholder_uuid_on_three_machines_makes_three_assets(
    services: Services,
) -> None:
    open_site(services)
    placeholder = "a0b1c2d3-e4f5-4a6b-8c7d-8e9fa0b1c2d3"
    ids = [
        send(services, credential(services), laptop(n, system_uuid=placeholder)).asset_id
        for n in (1, 2, 3)
    ]
    assert len(set(ids)) == 3
    assert sorted(a.id for a in assets(services)) == sorted(ids)
    assert reasons(services, ids[1]) == [("shared_uuid", [ids[0]])]
    assert reasons(services, ids[2]) == [("shared_uuid", [ids[0], ids[1]])]


def test_a_known_placeholder_uuid_on_three_machines_makes_three_assets(
    services: Services,
) -> None:
    open_site(services)
    placeholder = "03000200-0400-0500-0006-000700080009"
    ids = [
        send(services, credential(services), laptop(n, system_uuid=placeholder)).asset_id
        for n in (1, 2, 3)
    ]
    assert len(set(ids)) == 3
    assert all(reasons(services, asset) == [] for asset in ids)


def test_the_same_printer_polled_twice_is_one_asset(services: Services) -> None:
    open_site(services)
    poller = credential(services, kind="poller")
    printer = observation("printer")
    first = send(services, poller, printer)
    second = send(services, poller, renewed(printer))
    assert first.created and not second.created
    assert second.asset_id == first.asset_id
    [asset] = assets(services)
    assert (asset.kind, asset.serial, asset.last_source) == ("printer", "VNB3K12345", "snmp")


def polled_server(kind: str, serial: str, mac: str) -> dict[str, Any]:
    """What an SSH or SNMP poller reports of a Linux server it reaches by IP address."""
    device = {"kind": "server", "vendor": "LENOVO", "model": "ThinkSystem SR250",
              "serial": serial, "firmware": None, "description": "Linux srv-app-01",
              "location": None, "contact": None, "page_count": None,
              "profile": "net_snmp"}  # fmt: skip
    network = {"name": "eth0", "mac": mac, "ipv4": ["192.0.2.10"], "ipv6": [],
               "speed_mbps": 1000, "up": True, "virtual": False, "type": "ethernet"}  # fmt: skip
    object_id = "1.3.6.1.4.1.8072.3.2.10" if kind == "snmp" else None
    return observation(
        "printer", kind=kind, sections={"device": device, "networks": [network], "supplies": None},
        hostname="192.0.2.10", system_serial=serial.lower(), mac_addresses=[mac],
        sys_object_id=object_id,
    )  # fmt: skip


@pytest.mark.parametrize("poller_kind", ["ssh", "snmp"])
def test_a_server_seen_by_the_agent_and_by_a_poller_is_one_asset(
    services: Services, poller_kind: str
) -> None:
    open_site(services)
    agent, poller = credential(services), credential(services, kind="poller")
    server = laptop(7, hostname="srv-app-01")
    by_agent = send(services, agent, server)
    serial, mac = server["identity"]["system_serial"], server["identity"]["mac_addresses"][0]
    by_poller = send(services, poller, polled_server(poller_kind, serial, mac))
    assert by_poller.asset_id == by_agent.asset_id and not by_poller.created
    assert assets(services)[0].last_source == poller_kind
    # Only the agent's own keys (UUID, machine-id, disk) can place this one: it lost its
    # serial and its NIC, and the poller never saw those keys. Had the poller's keys replaced
    # the agent's, it would become a second asset.
    later = with_identity(server, system_serial=None, mac_addresses=["00:1b:21:3a:4b:5c"])
    by_agent_later = send(services, agent, later)
    assert by_agent_later.asset_id == by_agent.asset_id
    assert len(assets(services)) == 1


def two_machines_named_alike(services: Services) -> tuple[int, int]:
    """Two laptops of one site that share a hostname and nothing else."""
    first = send(services, credential(services), laptop(1, hostname="pc-lab")).asset_id
    second = send(services, credential(services), laptop(2, hostname="pc-lab"))
    assert second.created and second.asset_id != first
    return first, second.asset_id


def test_an_ambiguous_hostname_match_is_not_merged(services: Services) -> None:
    open_site(services)
    first, second = two_machines_named_alike(services)
    before = [detail(services, asset).sections for asset in (first, second)]
    result = send(
        services, credential(services), observation("linux", hostname="pc-lab", **WITHOUT_KEYS)
    )
    assert result.asset_id not in (first, second)
    assert [detail(services, asset).sections for asset in (first, second)] == before
    held = detail(services, result.asset_id)
    assert (held.asset.status, held.asset.needs_review) == ("review", True)
    assert reasons(services, result.asset_id) == [("weak_match_ambiguous", [first, second])]


@pytest.mark.parametrize("same_sender", [True, False], ids=["one-agent", "new-agent-each-time"])
def test_repeated_ambiguous_observations_add_at_most_one_asset(
    services: Services, clock: FixedClock, same_sender: bool
) -> None:
    open_site(services)
    first, second = two_machines_named_alike(services)
    agent = credential(services)
    landed = set()
    for _ in range(5):
        clock.now += timedelta(minutes=30)
        sender = agent if same_sender else credential(services)
        document = observation("linux", hostname="pc-lab", **WITHOUT_KEYS)
        landed.add(send(services, sender, document).asset_id)
    registered = assets(services)
    assert len(registered) == 3
    assert len(landed) == 1 and not landed & {first, second}
    assert [a.id for a in registered if a.needs_review] == sorted(landed)


def test_a_hostname_match_across_sites_is_not_merged(services: Services) -> None:
    open_site(services)
    open_site(services, OTHER_SITE)
    home = send(services, credential(services), laptop(1, hostname="pc-tu-07")).asset_id
    named_only = observation("linux", hostname="pc-tu-07", **WITHOUT_KEYS)
    elsewhere = send(services, credential(services, OTHER_SITE), named_only)
    assert elsewhere.created and elsewhere.asset_id != home
    assert {(a.id, a.site_code) for a in assets(services)} == {
        (home, SITE),
        (elsewhere.asset_id, OTHER_SITE),
    }
    # The same name inside its own site is a (weak) match: the key is what differs, not the rule.
    same_site = send(services, credential(services), renewed(named_only))
    assert same_site.asset_id == home and not same_site.created


def test_a_keyless_device_from_a_poller_does_not_land_on_the_last_device_polled(
    services: Services,
) -> None:
    open_site(services)
    poller = credential(services, kind="poller")
    printer = send(services, poller, observation("printer")).asset_id
    keyless = observation(
        "printer", hostname="192.0.2.77", system_serial=None, mac_addresses=None,
        sys_object_id=None, sections={"device": {"kind": "ups", "vendor": "APC"}},
    )  # fmt: skip
    ups = send(services, poller, keyless)
    assert ups.asset_id != printer
    assert detail(services, printer).sections["device"]["kind"] == "printer"
