"""Identity reconciliation: the cases that make inventory tools merge or split machines wrongly."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest

from collector.domain.identity import (
    Candidate,
    Conflict,
    Decision,
    IdentityKey,
    KeyKind,
    Outcome,
    Reason,
    describe,
    describe_conflict,
    identity_keys,
    lookup_keys,
    reconcile,
)
from tests.peers import REPO

SITE = "BBPOM-SBY"

UUID_A = "4c4c4544-0051-3010-8052-b4c04f563432"
UUID_B = "4c4c4544-0058-4b10-8032-b7c04f4c4833"
UUID_C = "2b0e4f6a-1c3d-4e5f-8a7b-9c0d1e2f3a4b"
MID_A = "8f1d2c3b4a5e6f708192a3b4c5d6e7f8"
MID_B = "5f2c8e0a9b7d4c61a3e2f41d0c9b8a76"
MID_C = "0a9b8c7d6e5f40312a3b4c5d6e7f8091"


def pc(
    *,
    uuid: str | None = UUID_A,
    serial: str | None = "4Q0RV42",
    machine_id: str | None = MID_A,
    disks: tuple[str, ...] = ("S4EVNF0M812345",),
    macs: tuple[str, ...] = ("f8:bc:12:4a:5b:6c",),
    hostname: str | None = "pc-tu-07",
    site: str | None = SITE,
    sys_object_id: str | None = None,
) -> frozenset[IdentityKey]:
    """The keys of an observation, built the way ingest builds them."""
    identity: dict[str, Any] = {
        "system_uuid": uuid,
        "system_serial": serial,
        "machine_id": machine_id,
        "disk_serials": list(disks),
        "mac_addresses": list(macs),
        "hostname": hostname,
        "sys_object_id": sys_object_id,
    }
    return identity_keys(identity, site)


def key(kind: KeyKind, value: str) -> IdentityKey:
    return IdentityKey(kind, value)


def reasons(decision: Decision) -> list[str]:
    return [conflict.reason.value for conflict in decision.conflicts]


# --- identity_keys ------------------------------------------------------------------------


def test_keys_of_an_agent_example_document() -> None:
    document = json.loads((REPO / "schemas/examples/agent-windows-desktop.json").read_text())
    keys = identity_keys(document["identity"], "BBPOM-SBY")
    assert keys == {
        key(KeyKind.SYSTEM_UUID, "4c4c4544-0058-4b10-8032-b7c04f4c4833"),
        key(KeyKind.SYSTEM_SERIAL, "7XK2LH3"),
        key(KeyKind.MACHINE_ID, "5e0c3f8a-9b1d-4c2e-8f7a-3d6b1e9c0a42"),
        key(KeyKind.DISK_SERIAL, "E823_8FA6_BF53_0001_001B_448B_4566_7C21"),
        key(KeyKind.DISK_SERIAL, "Z9A5W3LQ"),
        key(KeyKind.MAC, "f8:bc:12:4a:5b:6c"),
        key(KeyKind.HOSTNAME, "bbpom-sby/pd-pusdatin-017"),
    }


def test_keys_are_normalised() -> None:
    identity = {
        "system_uuid": "{4C4C4544-0051-3010-8052-B4C04F563432}",
        "system_serial": "  vnb3k12345 ",
        "machine_id": "{5E0C3F8A-9B1D-4C2E-8F7A-3D6B1E9C0A42}",
        "disk_serials": ["e823_8fa6_bf53_0001_001b_448b_4566_7c21."],
        "mac_addresses": ["3C-52-82-1A-2B-3C"],
        "hostname": "PRN-TU-LT2.sby.pom.go.id",
        "sys_object_id": "1.3.6.1.4.1.11.2.3.9.1",
    }
    assert identity_keys(identity, "BBPOM-SBY") == {
        key(KeyKind.SYSTEM_UUID, "4c4c4544-0051-3010-8052-b4c04f563432"),
        key(KeyKind.SYSTEM_SERIAL, "VNB3K12345"),
        key(KeyKind.MACHINE_ID, "5e0c3f8a-9b1d-4c2e-8f7a-3d6b1e9c0a42"),
        key(KeyKind.DISK_SERIAL, "E823_8FA6_BF53_0001_001B_448B_4566_7C21"),
        key(KeyKind.MAC, "3c:52:82:1a:2b:3c"),
        key(KeyKind.HOSTNAME, "bbpom-sby/prn-tu-lt2"),
        key(KeyKind.VENDOR, "11"),
    }


def test_junk_values_are_dropped_again() -> None:
    identity = {
        "system_uuid": "03000200-0400-0500-0006-000700080009",
        "system_serial": "To Be Filled By O.E.M.",
        "machine_id": "uninitialized",
        "disk_serials": ["QM00001", "0000000000", "   "],
        "mac_addresses": [
            "00:00:00:00:00:00",
            "02:42:ac:11:00:02",  # locally administered (docker)
            "20:41:53:59:4e:ff",  # RAS async adapter, on every Windows machine
            "01:00:5e:00:00:fb",  # multicast
        ],
        "hostname": "localhost",
        "sys_object_id": "1.3.6.1.2.1.1",  # not under enterprises
    }
    assert identity_keys(identity, SITE) == frozenset()


def test_empty_identity_gives_no_keys() -> None:
    assert identity_keys({}, SITE) == frozenset()


def test_hostname_is_scoped_by_site_and_needs_one() -> None:
    assert key(KeyKind.HOSTNAME, "bbpom-sby/pc-tu-07") in pc(site="BBPOM-SBY")
    assert key(KeyKind.HOSTNAME, "pusdatin/pc-tu-07") in pc(site="PUSDATIN")
    assert not any(k.kind is KeyKind.HOSTNAME for k in pc(site=None))
    assert not any(k.kind is KeyKind.HOSTNAME for k in pc(hostname="10.1.2.3"))


def test_hostname_falls_back_to_fqdn() -> None:
    keys = identity_keys({"fqdn": "SRV-DB-01.pom.go.id"}, "PUSDATIN")
    assert keys == {key(KeyKind.HOSTNAME, "pusdatin/srv-db-01")}


def test_values_of_the_wrong_type_are_ignored() -> None:
    identity = {"system_uuid": 12, "mac_addresses": "f8:bc:12:4a:5b:6c", "disk_serials": [None]}
    assert identity_keys(identity, SITE) == frozenset()


def test_lookup_leaves_the_vendor_out() -> None:
    keys = pc(sys_object_id="1.3.6.1.4.1.311.1.1.3.1.2")
    assert key(KeyKind.VENDOR, "311") in keys
    assert lookup_keys(keys) == keys - {key(KeyKind.VENDOR, "311")}


# --- reconcile: the plain cases -----------------------------------------------------------


def test_no_candidates_is_a_new_asset() -> None:
    decision = reconcile(pc(), [])
    assert decision == Decision(Outcome.NEW, None, (), ())


def test_same_everything_matches() -> None:
    decision = reconcile(pc(), [Candidate(7, pc())])
    assert decision.outcome is Outcome.MATCHED
    assert decision.asset_id == 7
    assert decision.conflicts == ()
    assert {k.kind for k in decision.matched_on} == {
        KeyKind.SYSTEM_UUID, KeyKind.SYSTEM_SERIAL, KeyKind.MACHINE_ID, KeyKind.DISK_SERIAL
    }  # fmt: skip


def test_renamed_host_matches() -> None:
    decision = reconcile(pc(hostname="pc-keu-01"), [Candidate(7, pc(hostname="pc-tu-07"))])
    assert (decision.outcome, decision.asset_id, decision.conflicts) == (Outcome.MATCHED, 7, ())


def test_replaced_nic_matches() -> None:
    decision = reconcile(pc(macs=("f8:bc:12:00:00:01",)), [Candidate(7, pc())])
    assert (decision.outcome, decision.asset_id, decision.conflicts) == (Outcome.MATCHED, 7, ())


def test_replaced_motherboard_matches_with_a_visible_notice() -> None:
    observed = pc(uuid=UUID_B, serial="NEWBOARD1")
    decision = reconcile(observed, [Candidate(7, pc())])
    assert decision.outcome is Outcome.MATCHED
    assert decision.asset_id == 7
    assert decision.conflicts == (
        Conflict(
            Reason.HARDWARE_REPLACED,
            (7,),
            tuple(sorted(k for k in observed if k.kind in {KeyKind.MACHINE_ID,
                         KeyKind.DISK_SERIAL, KeyKind.MAC, KeyKind.HOSTNAME})),
            (KeyKind.SYSTEM_UUID, KeyKind.SYSTEM_SERIAL),
        ),
    )  # fmt: skip


def test_new_motherboard_with_new_hostname_is_not_merged() -> None:
    observed = pc(uuid=UUID_B, serial="NEWBOARD1", hostname="pc-other")
    decision = reconcile(observed, [Candidate(7, pc())])
    assert decision.outcome is Outcome.NEW
    assert reasons(decision) == ["strong_key_disagreement"]


def test_reinstalled_os_matches_with_a_visible_notice() -> None:
    decision = reconcile(pc(machine_id=MID_B), [Candidate(7, pc())])
    assert (decision.outcome, decision.asset_id) == (Outcome.MATCHED, 7)
    assert reasons(decision) == ["os_reinstalled"]
    assert decision.conflicts[0].differing == (KeyKind.MACHINE_ID,)


# --- reconcile: clones and shared values --------------------------------------------------


def test_second_clone_of_an_image_is_new_and_flagged() -> None:
    first = pc()
    second = pc(uuid=UUID_B, serial="8R1SW53", disks=("WD-WX12A3456789",),
                macs=("f8:bc:12:99:88:77",), hostname="pc-tu-08")  # fmt: skip
    decision = reconcile(second, [Candidate(12, first)])
    assert decision.outcome is Outcome.NEW
    assert decision.asset_id is None
    assert decision.conflicts == (
        Conflict(
            Reason.CLONE_MACHINE_ID,
            (12,),
            (key(KeyKind.MACHINE_ID, MID_A),),
            (KeyKind.SYSTEM_UUID, KeyKind.SYSTEM_SERIAL, KeyKind.DISK_SERIAL, KeyKind.MAC,
             KeyKind.HOSTNAME),
        ),
    )  # fmt: skip


def test_clones_already_registered_match_their_own_asset_and_stay_flagged() -> None:
    first = pc()
    second = pc(uuid=UUID_B, serial="8R1SW53", disks=("WD-WX12A3456789",),
                macs=("f8:bc:12:99:88:77",), hostname="pc-tu-08")  # fmt: skip
    candidates = [Candidate(12, first), Candidate(13, second)]
    decision = reconcile(first, candidates, {key(KeyKind.MACHINE_ID, MID_A): 2})
    assert (decision.outcome, decision.asset_id) == (Outcome.MATCHED, 12)
    assert key(KeyKind.MACHINE_ID, MID_A) not in decision.matched_on
    assert decision.conflicts == (
        Conflict(Reason.CLONE_MACHINE_ID, (12, 13), (key(KeyKind.MACHINE_ID, MID_A),)),
    )


def test_vm_clones_with_the_same_uuid_are_new_and_flagged() -> None:
    first = pc(serial="VMWARE-42", disks=("6000C29A1",), macs=("00:50:56:aa:00:01",),
               hostname="srv-app-01")  # fmt: skip
    second = pc(serial="VMWARE-42", machine_id=MID_B, disks=("6000C29B2",),
                macs=("00:50:56:aa:00:02",), hostname="srv-app-02")  # fmt: skip
    decision = reconcile(second, [Candidate(20, first)])
    assert decision.outcome is Outcome.NEW
    assert reasons(decision) == ["shared_uuid"]
    assert decision.conflicts[0].asset_ids == (20,)
    assert KeyKind.MACHINE_ID in decision.conflicts[0].differing


def test_uuid_shared_by_three_assets_is_ignored_as_evidence() -> None:
    shared_uuid = UUID_C
    assets = [
        Candidate(i, pc(uuid=shared_uuid, serial=f"SN{i}", machine_id=mid, disks=(f"D{i}",),
                        macs=(f"f8:bc:12:00:00:0{i}",), hostname=f"pc-{i}"))
        for i, mid in ((1, MID_A), (2, MID_B), (3, MID_C))
    ]  # fmt: skip
    shared = {key(KeyKind.SYSTEM_UUID, shared_uuid): 3}
    again = reconcile(assets[1].keys, assets, shared)
    assert (again.outcome, again.asset_id) == (Outcome.MATCHED, 2)
    assert key(KeyKind.SYSTEM_UUID, shared_uuid) not in again.matched_on
    assert again.conflicts == (
        Conflict(Reason.SHARED_UUID, (1, 2, 3), (key(KeyKind.SYSTEM_UUID, shared_uuid),)),
    )
    fourth = pc(uuid=shared_uuid, serial="SN4", machine_id="f" * 31 + "1", disks=("D4",),
                macs=("f8:bc:12:00:00:04",), hostname="pc-4")  # fmt: skip
    decision = reconcile(fourth, assets, shared)
    assert decision.outcome is Outcome.NEW
    assert reasons(decision) == ["shared_uuid"]


def test_shared_value_counted_from_candidates_when_the_index_says_nothing() -> None:
    assets = [Candidate(1, pc(serial="SN1", machine_id=MID_A)),
              Candidate(2, pc(serial="SN2", machine_id=MID_B))]  # fmt: skip
    decision = reconcile(pc(serial="SN3", machine_id=MID_C, disks=()), assets)
    assert decision.outcome is not Outcome.MATCHED
    assert Reason.SHARED_UUID in {c.reason for c in decision.conflicts}


def test_only_shared_values_and_no_weak_key_cannot_be_placed() -> None:
    shared_serial = key(KeyKind.SYSTEM_SERIAL, "BATCH0001")
    assets = [Candidate(1, frozenset({shared_serial})), Candidate(2, frozenset({shared_serial}))]
    decision = reconcile(frozenset({shared_serial}), assets)
    assert decision.outcome is Outcome.CONFLICT
    assert decision.asset_id is None
    assert reasons(decision) == ["no_identity", "shared_serial"]


def test_no_keys_at_all_cannot_be_placed() -> None:
    decision = reconcile(frozenset(), [])
    assert decision.outcome is Outcome.CONFLICT
    assert reasons(decision) == ["no_identity"]


# --- reconcile: pollers -------------------------------------------------------------------


def printer(
    mac: str = "3c:52:82:1a:2b:3c", serial: str | None = "VNB3K12345"
) -> frozenset[IdentityKey]:
    return pc(uuid=None, serial=serial, machine_id=None, disks=(), macs=(mac,),
              hostname="PRN-TU-LT2", sys_object_id="1.3.6.1.4.1.11.2.3.9.1")  # fmt: skip


def test_printer_seen_again_by_snmp_matches_its_record() -> None:
    document = json.loads((REPO / "schemas/examples/snmp-printer.json").read_text())
    observed = identity_keys(document["identity"], document["source"]["site"])
    decision = reconcile(observed, [Candidate(40, printer())])
    assert (decision.outcome, decision.asset_id, decision.conflicts) == (Outcome.MATCHED, 40, ())
    assert decision.matched_on == (key(KeyKind.SYSTEM_SERIAL, "VNB3K12345"),)


def test_printer_without_serial_matches_by_mac_and_name() -> None:
    decision = reconcile(printer(serial=None), [Candidate(40, printer())])
    assert (decision.outcome, decision.asset_id) == (Outcome.MATCHED, 40)
    assert {k.kind for k in decision.matched_on} == {KeyKind.MAC, KeyKind.HOSTNAME}


def test_same_serial_from_another_vendor_is_not_merged() -> None:
    switch = pc(uuid=None, serial="VNB3K12345", machine_id=None, disks=(),
                macs=("00:1b:54:aa:bb:00",), hostname="sw-core-01",
                sys_object_id="1.3.6.1.4.1.9.1.516")  # fmt: skip
    decision = reconcile(switch, [Candidate(40, printer())])
    assert decision.outcome is Outcome.NEW
    assert decision.conflicts[0].reason is Reason.SHARED_SERIAL
    assert decision.conflicts[0].differing[-1] is KeyKind.VENDOR


def test_agent_and_poller_views_of_one_server_match() -> None:
    agent_view = pc(serial="CZ2D0B1234", hostname="SRV-FILE-01",
                    macs=("b4:7a:f1:10:20:30", "b4:7a:f1:10:20:31"))  # fmt: skip
    snmp_view = pc(uuid=None, machine_id=None, disks=(), serial="cz2d0b1234",
                   macs=("b4:7a:f1:10:20:30",), hostname="srv-file-01.pom.go.id",
                   sys_object_id="1.3.6.1.4.1.311.1.1.3.1.2")  # fmt: skip
    decision = reconcile(snmp_view, [Candidate(5, agent_view)])
    assert (decision.outcome, decision.asset_id, decision.conflicts) == (Outcome.MATCHED, 5, ())
    assert decision.matched_on == (key(KeyKind.SYSTEM_SERIAL, "CZ2D0B1234"),)
    back = reconcile(agent_view, [Candidate(5, snmp_view | agent_view)])
    assert (back.outcome, back.asset_id) == (Outcome.MATCHED, 5)


def test_ssh_view_of_a_switch_matches_the_snmp_record() -> None:
    document = json.loads((REPO / "schemas/examples/ssh-switch.json").read_text())
    observed = identity_keys(document["identity"], document["source"]["site"])
    snmp_record = observed | {key(KeyKind.VENDOR, "9")}
    decision = reconcile(observed, [Candidate(3, snmp_record)])
    assert (decision.outcome, decision.asset_id) == (Outcome.MATCHED, 3)


# --- reconcile: weak keys -----------------------------------------------------------------


def test_two_assets_with_one_hostname_are_ambiguous() -> None:
    observed = pc(uuid=None, serial=None, machine_id=None, disks=(), macs=())
    first = pc(uuid=None, serial=None, machine_id=None, disks=(), macs=())
    second = first | {key(KeyKind.SYSTEM_SERIAL, "OTHER1")}
    decision = reconcile(observed, [Candidate(8, first), Candidate(9, second)])
    assert decision.outcome is Outcome.CONFLICT
    assert decision.asset_id is None
    hostname = key(KeyKind.HOSTNAME, "bbpom-sby/pc-tu-07")
    assert decision.conflicts == (Conflict(Reason.WEAK_MATCH_AMBIGUOUS, (8, 9), (hostname,)),)


def test_mac_match_beats_a_hostname_match() -> None:
    observed = printer(serial=None)
    renamed = pc(uuid=None, serial=None, machine_id=None, disks=(), macs=("3c:52:82:1a:2b:3c",),
                 hostname="prn-old-name")  # fmt: skip
    same_name_no_mac = pc(uuid=None, serial=None, machine_id=None, disks=(), macs=(),
                          hostname="PRN-TU-LT2")  # fmt: skip
    decision = reconcile(observed, [Candidate(1, renamed), Candidate(2, same_name_no_mac)])
    assert (decision.outcome, decision.asset_id) == (Outcome.MATCHED, 1)


def test_mac_carried_by_two_assets_is_not_evidence() -> None:
    dock_mac = "a4:bb:6d:00:11:22"
    laptops = [Candidate(30, pc(macs=(dock_mac,), hostname="lpt-01")),
               Candidate(31, pc(uuid=UUID_B, serial="5CG1", machine_id=MID_B, disks=(),
                                macs=(dock_mac,), hostname="lpt-02"))]  # fmt: skip
    discovered = pc(uuid=None, serial=None, machine_id=None, disks=(), macs=(dock_mac,),
                    hostname="lpt-03")  # fmt: skip
    assert reconcile(discovered, laptops) == Decision(Outcome.NEW, None, (), ())
    nameless = pc(uuid=None, serial=None, machine_id=None, disks=(), macs=(dock_mac,), site=None)
    decision = reconcile(nameless, laptops)
    assert decision.outcome is Outcome.CONFLICT
    assert reasons(decision) == ["no_identity"]


def test_hostname_alone_does_not_match_a_device_with_other_macs() -> None:
    replacement = printer(mac="3c:52:82:ff:ee:dd", serial=None)
    decision = reconcile(replacement, [Candidate(40, printer(serial=None))])
    assert decision.outcome is Outcome.NEW


def test_hostname_in_another_site_does_not_match() -> None:
    here = pc(uuid=None, serial=None, machine_id=None, disks=(), macs=(), site="BBPOM-SBY")
    there = pc(uuid=None, serial=None, machine_id=None, disks=(), macs=(), site="BBPOM-JKT")
    assert not here & there
    decision = reconcile(here, [Candidate(4, there)])
    assert decision.outcome is Outcome.NEW


def test_mac_match_does_not_override_contradicting_strong_keys() -> None:
    dock_mac = "a4:bb:6d:00:11:22"  # a docking station's NIC, seen by whichever laptop sits on it
    laptop_one = pc(macs=(dock_mac,), hostname="lpt-01")
    laptop_two = pc(uuid=UUID_B, serial="5CG1234XYZ", machine_id=MID_B, disks=("S5ABC",),
                    macs=(dock_mac,), hostname="lpt-02")  # fmt: skip
    decision = reconcile(laptop_two, [Candidate(30, laptop_one)])
    assert decision == Decision(Outcome.NEW, None, (), ())


def test_weak_match_fills_in_a_record_without_strong_keys() -> None:
    discovered = pc(uuid=None, serial=None, machine_id=None, disks=())
    decision = reconcile(pc(), [Candidate(6, discovered)])
    assert (decision.outcome, decision.asset_id) == (Outcome.MATCHED, 6)


# --- reconcile: duplicates already in the register ----------------------------------------


def test_two_assets_with_strong_evidence_are_not_chosen_between() -> None:
    by_uuid = frozenset({key(KeyKind.SYSTEM_UUID, UUID_A)})
    by_serial = frozenset({key(KeyKind.SYSTEM_SERIAL, "4Q0RV42")})
    decision = reconcile(pc(), [Candidate(50, by_uuid), Candidate(51, by_serial)])
    assert decision.outcome is Outcome.CONFLICT
    assert decision.conflicts[0].reason is Reason.STRONG_MATCH_AMBIGUOUS
    assert decision.conflicts[0].asset_ids == (50, 51)


def test_an_asset_reported_twice_is_one_candidate() -> None:
    keys = sorted(pc())
    halves = [Candidate(7, frozenset(keys[:3])), Candidate(7, frozenset(keys[3:]))]
    decision = reconcile(pc(), halves)
    assert (decision.outcome, decision.asset_id, decision.conflicts) == (Outcome.MATCHED, 7, ())


# --- determinism --------------------------------------------------------------------------

MIXED = [
    Candidate(12, pc()),
    Candidate(13, pc(uuid=UUID_B, serial="8R1SW53", disks=("WD1",), hostname="pc-tu-08")),
    Candidate(14, pc(uuid=None, serial=None, machine_id=None, disks=(), hostname="pc-tu-09",
                     macs=("f8:bc:12:4a:5b:6c",))),
    Candidate(15, pc(uuid=UUID_C, serial="SN15", machine_id=MID_C, disks=(), macs=(),
                     hostname="pc-tu-09")),
]  # fmt: skip
OBSERVATIONS = [
    pc(),
    pc(uuid=UUID_B, serial="8R1SW53", disks=("WD1",), hostname="pc-tu-08"),
    pc(uuid=None, serial=None, machine_id=None, disks=(), hostname="pc-tu-09", macs=()),
    pc(uuid=UUID_C, serial="SN99", machine_id=MID_B, disks=("WD9",), hostname="pc-tu-10"),
]


@pytest.mark.parametrize("observed", OBSERVATIONS)
def test_reconcile_ignores_candidate_order(observed: frozenset[IdentityKey]) -> None:
    expected = reconcile(observed, MIXED)
    for order in itertools.permutations(MIXED):
        assert reconcile(observed, list(order)) == expected


def test_the_permuted_cases_are_not_all_alike() -> None:
    outcomes = {reconcile(observed, MIXED).outcome for observed in OBSERVATIONS}
    assert outcomes == {Outcome.MATCHED, Outcome.NEW, Outcome.CONFLICT}


# --- describe -----------------------------------------------------------------------------


def test_clone_is_described_in_indonesian_and_english() -> None:
    conflict = Conflict(Reason.CLONE_MACHINE_ID, (12,), (key(KeyKind.MACHINE_ID, MID_A),),
                        (KeyKind.SYSTEM_UUID, KeyKind.SYSTEM_SERIAL))  # fmt: skip
    assert describe_conflict(conflict) == (
        "Kemungkinan klon image: machine-id sama dengan aset #12; "
        "UUID sistem dan nomor seri berbeda."
    )
    assert describe_conflict(conflict, "en") == (
        "Probable cloned image: same machine-id as asset #12; "
        "different system UUID and serial number."
    )


def test_decisions_are_described() -> None:
    matched = reconcile(pc(), [Candidate(7, pc())])
    assert describe(matched) == (
        "Cocok dengan aset #7 berdasarkan UUID sistem, nomor seri, machine-id dan serial disk."
    )
    assert describe(reconcile(pc(), [])) == "Aset baru: tidak ada aset terdaftar yang cocok."
    shared = key(KeyKind.SYSTEM_SERIAL, "BATCH0001")
    stuck = reconcile(frozenset({shared}), [Candidate(1, frozenset({shared})),
                                            Candidate(2, frozenset({shared}))])  # fmt: skip
    assert describe(stuck, "en") == (
        "Not merged automatically; needs an operator's review. No usable identity key. "
        "Shared serial number: same serial number as asset #1 and #2; "
        "not used as identity evidence."
    )


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="fr"):
        describe(reconcile(pc(), []), language="fr")
