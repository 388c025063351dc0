"""Identity reconciliation: which asset of the register an observation describes.

Inventory tools go wrong here in two ways: they merge machines that only *look* alike (cloned
images, bad VM clones, OEM placeholder UUIDs, batches of boards with one "serial") and they split
one machine into many when a part changes (new NIC, new motherboard, reinstall, rename). asetik
keeps a composite of keys per asset and never merges silently: every doubt becomes a `Conflict`
record that the register shows and an operator resolves.

Keys (`identity_keys`), normalised from the observation's `identity` block:

- STRONG: system UUID, system serial, machine-id (/etc/machine-id, MachineGuid), disk serials.
- WEAK: MAC addresses, hostname. A hostname only names a machine inside its site, so its value
  is ``"site/hostname"`` in lower case, without the DNS domain.
- QUALIFIER: the vendor (IANA enterprise number of sysObjectID). It is never evidence for a
  match, but two devices of different vendors are never the same device, so a serial that
  collides across vendors cannot merge them. The serial itself is kept unqualified: the SSH
  poller and the agent do not see sysObjectID, and must still find the device SNMP recorded.

UUID, serial, machine-id and vendor are single-valued: a candidate that has one of these kinds
with other values than observed *contradicts* the observation. Disk serials and MACs are sets;
a different set is a replaced part, not a contradiction. A strong value or a MAC that two or
more assets already carry (``shared``) is junk or a clone: it stops being evidence, on both
sides. For a strong value the decision carries a conflict naming the assets that share it; a
shared MAC gets none (a docking station's MAC moves between laptops all day).

Each candidate (an asset sharing at least one key value) gets one verdict, shared values left
out; rank 2 and 3 are "strong", rank 1 "weak":

    verdict            rank  evidence
    same                3    >= 1 strong key matches, nothing contradicts
    hardware_replaced   2    machine-id and a disk serial match, only UUID/serial contradict,
                             the hostname does not differ (a new motherboard)
    os_reinstalled      2    UUID or serial matches, only machine-id contradicts, a disk serial
                             or the hostname matches
    weak                1    no strong match, nothing contradicts, a MAC or the hostname matches
                             (the hostname alone not when both sides have MACs, none in common)
    disagreement        0    a strong key matches, others contradict: clone_machine_id (only
                             machine-id matches, UUID/serial differ), else shared_uuid (the UUID
                             matches), shared_serial (the serial matches), or
                             strong_key_disagreement (a disk serial alone)
    none                0    nothing matches, or only weak keys while a strong key contradicts
                             (a docking station's MAC on another laptop)

Decision over all verdicts:

    situation                                              outcome    conflict added
    no usable key (none, or only shared values)            CONFLICT   no_identity
    exactly one strong verdict                             MATCHED    its notice, if rank 2
    two or more strong verdicts                            CONFLICT   strong_match_ambiguous
    no strong verdict, one weak verdict with the best
      score (a MAC match beats a hostname match)           MATCHED
    no strong verdict, weak verdicts tied on the best      CONFLICT   weak_match_ambiguous
    otherwise                                              NEW

In every case the decision also carries the disagreements (a clone seen for the first time) and
one conflict per shared strong value (the clone seen again), so the register keeps showing them
for as long as the observations say so.

What the caller does:

- MATCHED: update ``asset_id``. NEW: create an asset.
- CONFLICT: hold the observation for an operator (who picks the asset or creates one) rather
  than creating an asset. An asset made from an ambiguous observation carries the same keys,
  so the next submission is ambiguous again (a tie on a hostname gains one more tied asset) or
  finds only shared values (no_identity): one new asset per submission. For ``no_identity``
  nothing could ever find the asset again; an agent's credential binding can place it instead.
- Store the conflicts of every decision and show them (`describe_conflict` words each one).
  A conflict's ``asset_ids`` are the *existing* assets involved (for the two notices, the
  matched asset itself); the observed asset is ``decision.asset_id`` or the one created.
  (reason, keys) identifies a conflict from one submission to the next, so the caller can
  keep one open record per conflict and close it when the observations stop reporting it.
- Search the key index with `lookup_keys` (the vendor is not worth searching by) and pass,
  in ``shared``, how many assets carry each observed value.
"""

from __future__ import annotations

import ipaddress
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from agent.junk import clean_text, clean_uuid, identity_mac


class KeyKind(StrEnum):
    SYSTEM_UUID = "system_uuid"
    SYSTEM_SERIAL = "system_serial"
    MACHINE_ID = "machine_id"
    DISK_SERIAL = "disk_serial"
    MAC = "mac"
    HOSTNAME = "hostname"
    VENDOR = "vendor"


STRONG = frozenset(
    {KeyKind.SYSTEM_UUID, KeyKind.SYSTEM_SERIAL, KeyKind.MACHINE_ID, KeyKind.DISK_SERIAL}
)
WEAK = frozenset({KeyKind.MAC, KeyKind.HOSTNAME})
QUALIFIER = frozenset({KeyKind.VENDOR})
LOOKUP_KINDS = STRONG | WEAK  # the kinds worth searching the key index by
SINGLE_VALUED = frozenset(
    {KeyKind.SYSTEM_UUID, KeyKind.SYSTEM_SERIAL, KeyKind.MACHINE_ID, KeyKind.VENDOR}
)
HARDWARE = frozenset({KeyKind.SYSTEM_UUID, KeyKind.SYSTEM_SERIAL})


@dataclass(frozen=True, order=True)
class IdentityKey:
    """One normalised identity value of an asset (see the module docstring for the kinds)."""

    kind: KeyKind
    value: str


@dataclass(frozen=True)
class Candidate:
    """An asset of the register that shares at least one key value with the observation,
    with all the keys it carries."""

    asset_id: int
    keys: frozenset[IdentityKey]


class Outcome(StrEnum):
    MATCHED = "matched"
    NEW = "new"
    CONFLICT = "conflict"


class Reason(StrEnum):
    """Stable codes of conflict records (stored, filtered on, translated by `describe`)."""

    CLONE_MACHINE_ID = "clone_machine_id"
    SHARED_UUID = "shared_uuid"
    SHARED_SERIAL = "shared_serial"
    SHARED_DISK_SERIAL = "shared_disk_serial"
    STRONG_KEY_DISAGREEMENT = "strong_key_disagreement"
    HARDWARE_REPLACED = "hardware_replaced"
    OS_REINSTALLED = "os_reinstalled"
    STRONG_MATCH_AMBIGUOUS = "strong_match_ambiguous"
    WEAK_MATCH_AMBIGUOUS = "weak_match_ambiguous"
    NO_IDENTITY = "no_identity"


# Reasons that accompany a MATCHED decision: the change was applied, the record is for review.
NOTICES = frozenset({Reason.HARDWARE_REPLACED, Reason.OS_REINSTALLED})


@dataclass(frozen=True, order=True)
class Conflict:
    """Why an observation was not (or not plainly) merged: `keys` are the observed values that
    link it to `asset_ids`, `differing` the kinds on which they disagree."""

    reason: Reason
    asset_ids: tuple[int, ...]
    keys: tuple[IdentityKey, ...]
    differing: tuple[KeyKind, ...] = ()


@dataclass(frozen=True)
class Decision:
    """The result of `reconcile`: the asset to update when MATCHED, and every conflict seen."""

    outcome: Outcome
    asset_id: int | None
    conflicts: tuple[Conflict, ...]
    matched_on: tuple[IdentityKey, ...]


# --- keys from an observation -------------------------------------------------------------

# Values that are not junk text but that many unrelated machines report.
_SHARED_UUIDS = frozenset(
    {"6ab5b300-538d-1014-9fb5-b0684d007b53", "01010101-0101-0101-0101-010101010101"}
)
_SHARED_MACS = frozenset(
    {
        "20:41:53:59:4e:ff",  # Windows RAS async adapter
        "50:50:54:50:30:30",  # Windows WAN miniport (PPTP)
        "24:b6:20:52:41:53",  # Windows WAN miniport (IP)
        "00:05:9a:3c:7a:00",  # Cisco AnyConnect virtual adapter
        "00:50:56:c0:00:01",  # VMware Workstation host-only adapter (vmnet1)
        "00:50:56:c0:00:08",  # VMware Workstation NAT adapter (vmnet8)
        "00:a0:c6:00:00:00",  # Qualcomm Gobi mobile broadband
        "00:0b:ca:fe:00:00",  # Juniper internal interfaces
        "00:0b:ca:fe:00:01",
    }
)
_JUNK_MACHINE_IDS = frozenset(
    {"uninitialized", "b08dfa6083e7567a1921a715000001fb"}  # systemd first boot; Whonix's fixed id
)
_JUNK_SERIALS = frozenset({"MB-1234567890", "OEM_SERIAL", "SYSTEMSERIALNUMB"})
_QEMU_DISK = re.compile(r"^QM\d{5}$")  # QEMU's default IDE serial: the same on every VM
_JUNK_HOSTNAMES = frozenset({"localhost"})
_ENTERPRISES = "1.3.6.1.4.1."


def identity_keys(identity: Mapping[str, Any], site_code: str | None) -> frozenset[IdentityKey]:
    """The normalised keys of an observation's `identity` block; junk is dropped again here,
    whatever the source did. Without a site code there is no hostname key (a bare hostname
    identifies nothing across ~75 offices)."""
    pairs = [
        (KeyKind.SYSTEM_UUID, _uuid(identity.get("system_uuid"))),
        (KeyKind.SYSTEM_SERIAL, _serial(identity.get("system_serial"))),
        (KeyKind.MACHINE_ID, _machine_id(identity.get("machine_id"))),
        (KeyKind.HOSTNAME, _scoped_hostname(identity, site_code)),
        (KeyKind.VENDOR, _enterprise(identity.get("sys_object_id"))),
    ]
    pairs += [(KeyKind.DISK_SERIAL, _disk_serial(v)) for v in _texts(identity.get("disk_serials"))]
    pairs += [(KeyKind.MAC, _mac(v)) for v in _texts(identity.get("mac_addresses"))]
    return frozenset(IdentityKey(kind, value) for kind, value in pairs if value)


def lookup_keys(keys: Iterable[IdentityKey]) -> frozenset[IdentityKey]:
    """The keys to search the index by: the vendor qualifier is carried by thousands of
    devices and would only fetch candidates that can never match."""
    return frozenset(key for key in keys if key.kind in LOOKUP_KINDS)


def _text(value: object) -> str | None:
    return clean_text(value) if isinstance(value, str) else None


def _texts(values: object) -> list[str]:
    if not isinstance(values, list | tuple):
        return []
    return [value for value in values if isinstance(value, str)]


def _uuid(value: object) -> str | None:
    uuid = clean_uuid(value) if isinstance(value, str) else None
    return None if uuid in _SHARED_UUIDS else uuid


def _serial(value: object) -> str | None:
    """Serials compare case-blind: sources disagree on case, never on the characters."""
    text = _text(value)
    serial = text.upper() if text else None
    return None if serial in _JUNK_SERIALS else serial


def _disk_serial(value: str) -> str | None:
    """Windows appends a dot to some NVMe serials; QEMU numbers its disks, not the VMs."""
    serial = _serial(_text(value.strip().rstrip(".")))
    return None if serial is None or _QEMU_DISK.match(serial) else serial


def _machine_id(value: object) -> str | None:
    text = _text(value)
    machine_id = text.lower().strip("{}") if text else None
    return None if machine_id in _JUNK_MACHINE_IDS else machine_id


def _mac(value: str) -> str | None:
    mac = identity_mac(value)
    if mac is None or int(mac[:2], 16) & 0x01 or mac in _SHARED_MACS:  # multicast, shared
        return None
    return mac


def _scoped_hostname(identity: Mapping[str, Any], site_code: str | None) -> str | None:
    """``site/host`` in lower case; the DNS domain is dropped (sysName often carries it, the
    agent's hostname does not); IP addresses and localhost are not names."""
    site = _text(site_code)
    name = _text(identity.get("hostname")) or _text(identity.get("fqdn"))
    if site is None or name is None or _is_address(name):
        return None
    host = name.lower().split(".", 1)[0].strip()
    if not host or host in _JUNK_HOSTNAMES:
        return None
    return f"{site}/{host}".lower()


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _enterprise(value: object) -> str | None:
    """The IANA enterprise number of a sysObjectID (``1.3.6.1.4.1.9.1.516`` → ``9``)."""
    if not isinstance(value, str) or not value.lstrip(".").startswith(_ENTERPRISES):
        return None
    number = value.lstrip(".")[len(_ENTERPRISES) :].split(".", 1)[0]
    return number if number.isdigit() else None


# --- reconciliation -----------------------------------------------------------------------

_SAME, _CHANGED, _WEAK, _NONE = 3, 2, 1, 0
_NO_SHARED: Mapping[IdentityKey, int] = MappingProxyType({})
_UNIQUE_KINDS = STRONG | {KeyKind.MAC}  # values meant to exist once in the world
_KIND_ORDER = {kind: index for index, kind in enumerate(KeyKind)}
_SHARED_REASON = {
    KeyKind.SYSTEM_UUID: Reason.SHARED_UUID,
    KeyKind.SYSTEM_SERIAL: Reason.SHARED_SERIAL,
    KeyKind.MACHINE_ID: Reason.CLONE_MACHINE_ID,
    KeyKind.DISK_SERIAL: Reason.SHARED_DISK_SERIAL,
}


@dataclass(frozen=True)
class _Evidence:
    """What one candidate has in common with the observation, shared values left out."""

    asset_id: int
    strong: tuple[IdentityKey, ...]
    weak: tuple[IdentityKey, ...]
    contradicted: frozenset[KeyKind]
    differing: frozenset[KeyKind]  # kinds both sides have, with no value in common

    def kinds(self) -> frozenset[KeyKind]:
        return frozenset(key.kind for key in self.strong + self.weak)


@dataclass(frozen=True)
class _Verdict:
    asset_id: int
    rank: int
    score: tuple[bool, bool]  # (a MAC matches, the hostname matches): orders weak verdicts
    matched_on: tuple[IdentityKey, ...]
    note: Conflict | None


def reconcile(
    observed: frozenset[IdentityKey],
    candidates: Sequence[Candidate],
    shared: Mapping[IdentityKey, int] = _NO_SHARED,
) -> Decision:
    """Decide which asset the observed keys describe (see the tables in the module docstring).

    `shared` says how many assets of the register carry a key value; values carried by two or
    more candidates count as shared even when it is missing. The result does not depend on the
    order of `candidates`.
    """
    pool = _merge_candidates(candidates)
    carriers = _count_carriers(pool, shared)
    ignored = frozenset(k for k in observed if _is_shared(k, carriers))
    notes = [_shared_conflict(key, pool) for key in ignored if key.kind in STRONG]
    usable = observed - ignored
    if not lookup_keys(usable):
        notes.append(Conflict(Reason.NO_IDENTITY, (), ()))
        return _decision(Outcome.CONFLICT, None, notes, ())
    verdicts = [_judge(_weigh(usable, candidate, carriers)) for candidate in pool]
    notes += [v.note for v in verdicts if v.note is not None and v.rank == _NONE]
    return _choose(verdicts, notes)


def _merge_candidates(candidates: Iterable[Candidate]) -> list[Candidate]:
    """One candidate per asset, in asset order (a repository may report an asset twice)."""
    keys: dict[int, frozenset[IdentityKey]] = {}
    for candidate in candidates:
        keys[candidate.asset_id] = keys.get(candidate.asset_id, frozenset()) | candidate.keys
    return [Candidate(asset_id, keys[asset_id]) for asset_id in sorted(keys)]


def _count_carriers(
    pool: Sequence[Candidate], shared: Mapping[IdentityKey, int]
) -> Counter[IdentityKey]:
    counts = Counter(key for candidate in pool for key in candidate.keys)
    for key, count in shared.items():
        counts[key] = max(counts[key], count)
    return counts


def _is_shared(key: IdentityKey, carriers: Counter[IdentityKey]) -> bool:
    """A strong value or MAC on two or more assets identifies none of them (a hostname may be
    re-used: two assets with one name make an ambiguous match instead)."""
    return key.kind in _UNIQUE_KINDS and carriers[key] >= 2


def _shared_conflict(key: IdentityKey, pool: Sequence[Candidate]) -> Conflict:
    owners = tuple(c.asset_id for c in pool if key in c.keys)
    return Conflict(_SHARED_REASON[key.kind], owners, (key,))


def _weigh(
    observed: frozenset[IdentityKey], candidate: Candidate, carriers: Counter[IdentityKey]
) -> _Evidence:
    theirs = frozenset(k for k in candidate.keys if not _is_shared(k, carriers))
    common = observed & theirs
    ours_kinds = {key.kind for key in observed}
    differing = frozenset(
        kind
        for kind in ours_kinds & {key.kind for key in theirs}
        if not any(key.kind == kind for key in common)
    )
    return _Evidence(
        asset_id=candidate.asset_id,
        strong=tuple(sorted(k for k in common if k.kind in STRONG)),
        weak=tuple(sorted(k for k in common if k.kind in WEAK)),
        contradicted=differing & SINGLE_VALUED,
        differing=differing,
    )


def _judge(evidence: _Evidence) -> _Verdict:
    """The verdict on one candidate (first table of the module docstring)."""
    if evidence.strong and not evidence.contradicted:
        return _verdict(evidence, _SAME, evidence.strong)
    if evidence.strong:
        return _judge_disagreement(evidence)
    if evidence.weak and not evidence.contradicted and not _name_only_against_macs(evidence):
        return _verdict(evidence, _WEAK, evidence.weak)
    return _verdict(evidence, _NONE, ())


def _judge_disagreement(evidence: _Evidence) -> _Verdict:
    """A strong match with a contradiction: a known part change, or two machines."""
    kinds = evidence.kinds()
    hostname_kept = KeyKind.HOSTNAME not in evidence.differing
    if (
        evidence.contradicted <= HARDWARE
        and {KeyKind.MACHINE_ID, KeyKind.DISK_SERIAL} <= kinds
        and hostname_kept
    ):
        return _verdict(evidence, _CHANGED, evidence.strong, Reason.HARDWARE_REPLACED)
    if (
        evidence.contradicted == {KeyKind.MACHINE_ID}
        and kinds & HARDWARE
        and kinds & {KeyKind.DISK_SERIAL, KeyKind.HOSTNAME}
    ):
        return _verdict(evidence, _CHANGED, evidence.strong, Reason.OS_REINSTALLED)
    return _verdict(evidence, _NONE, (), _disagreement_reason(kinds, evidence.contradicted))


def _disagreement_reason(kinds: frozenset[KeyKind], contradicted: frozenset[KeyKind]) -> Reason:
    strong = kinds & STRONG
    if strong == {KeyKind.MACHINE_ID} and contradicted & HARDWARE:
        return Reason.CLONE_MACHINE_ID  # one image on other hardware
    if KeyKind.SYSTEM_UUID in strong:
        return Reason.SHARED_UUID  # a VM cloned with its UUID, or an OEM placeholder
    if KeyKind.SYSTEM_SERIAL in strong:
        return Reason.SHARED_SERIAL
    return Reason.STRONG_KEY_DISAGREEMENT


def _name_only_against_macs(evidence: _Evidence) -> bool:
    """A hostname is re-used by the device that replaces another; when both sides report MACs
    and none is common, the name alone proves nothing."""
    return evidence.kinds() == {KeyKind.HOSTNAME} and KeyKind.MAC in evidence.differing


def _verdict(
    evidence: _Evidence,
    rank: int,
    matched_on: tuple[IdentityKey, ...],
    reason: Reason | None = None,
) -> _Verdict:
    kinds = evidence.kinds()
    note = None
    if reason is not None:
        linked = tuple(sorted(evidence.strong + evidence.weak))
        differing = tuple(sorted(evidence.differing, key=_KIND_ORDER.__getitem__))
        note = Conflict(reason, (evidence.asset_id,), linked, differing)
    score = (KeyKind.MAC in kinds, KeyKind.HOSTNAME in kinds)
    return _Verdict(evidence.asset_id, rank, score, matched_on, note)


def _choose(verdicts: Sequence[_Verdict], notes: list[Conflict]) -> Decision:
    """The decision over all verdicts (second table of the module docstring)."""
    strong = [v for v in verdicts if v.rank >= _CHANGED]
    if len(strong) == 1:
        winner = strong[0]
        notes += [winner.note] if winner.note is not None else []
        return _decision(Outcome.MATCHED, winner.asset_id, notes, winner.matched_on)
    if strong:
        notes.append(_ambiguity(Reason.STRONG_MATCH_AMBIGUOUS, strong))
        notes += [v.note for v in strong if v.note is not None]
        return _decision(Outcome.CONFLICT, None, notes, ())
    weak = [v for v in verdicts if v.rank == _WEAK]
    top = max((v.score for v in weak), default=None)
    best = [v for v in weak if v.score == top]
    if len(best) == 1:
        return _decision(Outcome.MATCHED, best[0].asset_id, notes, best[0].matched_on)
    if best:
        notes.append(_ambiguity(Reason.WEAK_MATCH_AMBIGUOUS, best))
        return _decision(Outcome.CONFLICT, None, notes, ())
    return _decision(Outcome.NEW, None, notes, ())


def _ambiguity(reason: Reason, tied: Sequence[_Verdict]) -> Conflict:
    keys = sorted({key for verdict in tied for key in verdict.matched_on})
    return Conflict(reason, tuple(v.asset_id for v in tied), tuple(keys))


def _decision(
    outcome: Outcome,
    asset_id: int | None,
    conflicts: Iterable[Conflict],
    matched_on: tuple[IdentityKey, ...],
) -> Decision:
    return Decision(outcome, asset_id, tuple(sorted(set(conflicts))), matched_on)


# --- words for people ---------------------------------------------------------------------

_KIND_WORDS = {
    "id": {
        KeyKind.SYSTEM_UUID: "UUID sistem",
        KeyKind.SYSTEM_SERIAL: "nomor seri",
        KeyKind.MACHINE_ID: "machine-id",
        KeyKind.DISK_SERIAL: "serial disk",
        KeyKind.MAC: "alamat MAC",
        KeyKind.HOSTNAME: "nama host",
        KeyKind.VENDOR: "vendor (sysObjectID)",
    },
    "en": {
        KeyKind.SYSTEM_UUID: "system UUID",
        KeyKind.SYSTEM_SERIAL: "serial number",
        KeyKind.MACHINE_ID: "machine-id",
        KeyKind.DISK_SERIAL: "disk serial",
        KeyKind.MAC: "MAC address",
        KeyKind.HOSTNAME: "hostname",
        KeyKind.VENDOR: "vendor (sysObjectID)",
    },
}
_REASON_WORDS = {
    "id": {
        Reason.CLONE_MACHINE_ID: "Kemungkinan klon image",
        Reason.SHARED_UUID: "UUID sistem dipakai bersama (klon VM atau nilai bawaan OEM)",
        Reason.SHARED_SERIAL: "Nomor seri dipakai bersama",
        Reason.SHARED_DISK_SERIAL: "Serial disk dipakai bersama",
        Reason.STRONG_KEY_DISAGREEMENT: "Kunci identitas saling bertentangan",
        Reason.HARDWARE_REPLACED: "Kemungkinan motherboard diganti",
        Reason.OS_REINSTALLED: "Kemungkinan sistem operasi diinstal ulang",
        Reason.STRONG_MATCH_AMBIGUOUS: "Cocok dengan lebih dari satu aset",
        Reason.WEAK_MATCH_AMBIGUOUS: "Hanya cocok lemah dengan lebih dari satu aset",
        Reason.NO_IDENTITY: "Tidak ada kunci identitas yang dapat dipakai",
    },
    "en": {
        Reason.CLONE_MACHINE_ID: "Probable cloned image",
        Reason.SHARED_UUID: "Shared system UUID (VM clone or OEM placeholder)",
        Reason.SHARED_SERIAL: "Shared serial number",
        Reason.SHARED_DISK_SERIAL: "Shared disk serial",
        Reason.STRONG_KEY_DISAGREEMENT: "Identity keys contradict each other",
        Reason.HARDWARE_REPLACED: "Probable motherboard replacement",
        Reason.OS_REINSTALLED: "Probable operating-system reinstall",
        Reason.STRONG_MATCH_AMBIGUOUS: "Matches more than one asset",
        Reason.WEAK_MATCH_AMBIGUOUS: "Only a weak match, with more than one asset",
        Reason.NO_IDENTITY: "No usable identity key",
    },
}
_PHRASES = {
    "id": {
        "and": "dan",
        "same": "{kinds} sama dengan aset {assets}",
        "differ": "{kinds} berbeda",
        "ignored": "tidak dipakai sebagai bukti identitas",
        "matched": "Cocok dengan aset #{asset} berdasarkan {kinds}.",
        "new": "Aset baru: tidak ada aset terdaftar yang cocok.",
        "new_despite": "Dicatat sebagai aset baru.",
        "review": "Tidak digabung otomatis; perlu ditinjau operator.",
    },
    "en": {
        "and": "and",
        "same": "same {kinds} as asset {assets}",
        "differ": "different {kinds}",
        "ignored": "not used as identity evidence",
        "matched": "Matched asset #{asset} on {kinds}.",
        "new": "New asset: no registered asset matches.",
        "new_despite": "Recorded as a new asset.",
        "review": "Not merged automatically; needs an operator's review.",
    },
}
_IGNORED_REASONS = frozenset(_SHARED_REASON.values())


def describe(decision: Decision, language: str = "id") -> str:
    """What was decided and why, for the UI and tickets: one sentence on the outcome, then one
    per conflict, in Indonesian (``"id"``) or English (``"en"``); ValueError for another."""
    words = _phrases(language)
    if decision.outcome is Outcome.MATCHED:
        kinds = _join_kinds([k.kind for k in decision.matched_on], language)
        head = words["matched"].format(asset=decision.asset_id, kinds=kinds)
    elif decision.outcome is Outcome.NEW:
        head = words["new_despite"] if decision.conflicts else words["new"]
    else:
        head = words["review"]
    return " ".join([head, *(describe_conflict(c, language) for c in decision.conflicts)])


def describe_conflict(conflict: Conflict, language: str = "id") -> str:
    """One conflict as a sentence, e.g. "Kemungkinan klon image: machine-id sama dengan aset
    #12; UUID sistem dan nomor seri berbeda." ValueError for a language other than id/en."""
    words = _phrases(language)
    parts = []
    if conflict.asset_ids:
        assets = _join([f"#{asset}" for asset in conflict.asset_ids], words["and"])
        kinds = _join_kinds([key.kind for key in conflict.keys], language)
        parts.append(words["same"].format(kinds=kinds, assets=assets))
    if conflict.differing:
        parts.append(words["differ"].format(kinds=_join_kinds(conflict.differing, language)))
    elif conflict.reason in _IGNORED_REASONS:
        parts.append(words["ignored"])
    label = _REASON_WORDS[language][conflict.reason]
    return f"{label}: {'; '.join(parts)}." if parts else f"{label}."


def reason_label(reason: str, language: str = "id") -> str:
    """The short words for a stored conflict reason ("Nomor seri dipakai bersama"); the code
    itself for a reason this version does not know (an older or newer database)."""
    words = _REASON_WORDS["en" if language == "en" else "id"]
    try:
        return words[Reason(reason)]
    except ValueError:
        return reason


def _phrases(language: str) -> dict[str, str]:
    if language not in _PHRASES:
        raise ValueError(f"no wording for language {language!r} (use 'id' or 'en')")
    return _PHRASES[language]


def _join_kinds(kinds: Iterable[KeyKind], language: str) -> str:
    unique = sorted(set(kinds), key=_KIND_ORDER.__getitem__)
    return _join([_KIND_WORDS[language][kind] for kind in unique], _PHRASES[language]["and"])


def _join(items: Sequence[str], conjunction: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"
