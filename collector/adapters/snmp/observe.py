"""Observing one SNMP device: read it through its profile's parsers and build the document.

The steps: GET the system scalars (a timeout here means the device is dead and propagates);
choose the profile; walk the subtrees and GET the instances its parsers declare (plus the
profile's fields); run the parsers over what was collected; merge their fragments; add the
profile's facts and the ``source`` block. A walk that times out part way loses only the
parsers that needed it: their sections are absent and ``source.errors`` names them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from agent.junk import clean_text
from collector.adapters.device_facts import settle_device
from collector.adapters.snmp.cells import object_id
from collector.adapters.snmp.merge import merge_fragments
from collector.adapters.snmp.mibs.system import SCALARS, SYS_DESCR, SYS_OBJECT_ID
from collector.adapters.snmp.octets import TEXT, display_text
from collector.adapters.snmp.parser import Fragment, MibParser
from collector.adapters.snmp.profile import Profile, ProfileRegistry
from collector.adapters.snmp.reader import SnmpReader, SnmpTimeoutError
from collector.adapters.snmp.values import Oid, Value, format_oid
from collector.adapters.snmp.view import MibView
from schemas.hashing import section_hash

log = logging.getLogger(__name__)

GET_BATCH = 16  # instances per GET request
# The schema's maxItems per list section: longer lists are cut rather than rejected whole.
LIST_LIMITS = {
    "ports": 4096,
    "modules": 4096,
    "neighbors": 4096,
    "forwarding": 65536,
    "softwares": 50000,
    "volumes": 1024,
    "networks": 1024,
    "supplies": 256,
}
# What a parser may trip over on data no MIB allows; it loses its sections, not the device.
_PARSER_FAULTS = (ValueError, TypeError, KeyError, IndexError, ArithmeticError, AttributeError)


@dataclass
class Collection:
    """What was read from the device, and which requested OIDs timed out."""

    varbinds: dict[Oid, Value] = field(default_factory=dict)
    failed: list[Oid] = field(default_factory=list)

    def lost(self, parser: MibParser) -> Oid | None:
        """The first failed OID overlapping one of the parser's bases, None when all arrived."""
        for base in parser.bases:
            for oid in self.failed:
                if base[: len(oid)] == oid or oid[: len(base)] == base:
                    return oid
        return None


async def observe_device(
    reader: SnmpReader,
    registry: ProfileRegistry,
    *,
    target: str,
    site: str | None,
    collected_at: datetime,
    submission_id: str,
    poller_version: str | None = None,
) -> dict[str, Any]:
    """The observation document (schema v1, source kind "snmp") of the device behind reader.

    Raises SnmpTimeoutError when the device does not answer the first GET (it is dead or
    ignores the credential); later timeouts only cost the parsers that needed the data.
    ValueError for a collected_at without a time zone (the schema needs the offset).
    """
    if collected_at.tzinfo is None:
        raise ValueError("collected_at harus memuat zona waktu")
    system = await reader.get(SCALARS)
    profile = await choose_profile(reader, registry, system)
    parsers = registry.parsers(profile)
    collection = Collection(dict(system))
    await collect(reader, _requests(parsers, profile), collection)
    view = MibView(collection.varbinds.items())
    fragments, errors = run_parsers(parsers, view, collection)
    fragments.append(fields_fragment(profile, view))
    source = {
        "kind": "snmp",
        "agent_version": poller_version,
        "collected_at": collected_at.isoformat(timespec="seconds"),
        "submission_id": submission_id,
        "full": True,
        "target": target,
        "site": site,
    }
    return build_document(profile, fragments, source, errors)


async def choose_profile(
    reader: SnmpReader, registry: ProfileRegistry, system: dict[Oid, Value]
) -> Profile:
    """The matching profile; for an unmatched device, the first fallback whose ``detect``
    subtree answers (e.g. Printer-MIB for an unknown printer), else generic."""
    oid = object_id(system.get(SYS_OBJECT_ID))
    profile = registry.match(oid, display_text(system.get(SYS_DESCR), TEXT))
    if profile is not registry.generic:
        return profile
    for fallback in registry.fallbacks:
        for base in fallback.detect:
            try:
                if await reader.walk(base):
                    return fallback
            except SnmpTimeoutError:
                log.info("detect %s timed out", format_oid(base))
    return profile


def _requests(parsers: Sequence[MibParser], profile: Profile) -> list[Oid]:
    wanted = [base for parser in parsers for base in parser.bases]
    wanted += [oid for _, oid in profile.fields]
    return list(dict.fromkeys(wanted))


async def collect(reader: SnmpReader, wanted: Iterable[Oid], collection: Collection) -> None:
    """GET the instances (OIDs ending in .0) and walk the subtrees among wanted, into collection.

    A subtree inside another wanted subtree is not walked twice; a request that times out is
    recorded in ``collection.failed`` and the others still run.
    """
    instances = [oid for oid in wanted if oid[-1] == 0 and oid not in collection.varbinds]
    for start in range(0, len(instances), GET_BATCH):
        batch = instances[start : start + GET_BATCH]
        try:
            collection.varbinds.update(await reader.get(batch))
        except SnmpTimeoutError:
            collection.failed.extend(batch)
    for base in outermost([oid for oid in wanted if oid[-1] != 0]):
        try:
            collection.varbinds.update(await reader.walk(base))
        except SnmpTimeoutError:
            collection.failed.append(base)


def outermost(bases: Iterable[Oid]) -> list[Oid]:
    """The bases that lie under no other base of the set, in OID order."""
    kept: list[Oid] = []
    for base in sorted(set(bases)):
        if not any(base[: len(outer)] == outer for outer in kept):
            kept.append(base)
    return kept


def run_parsers(
    parsers: Sequence[MibParser], view: MibView, collection: Collection
) -> tuple[list[Fragment], list[dict[str, str]]]:
    """Each parser's fragment, in order, and an error entry for each parser that lost data to a
    timeout (not run: half a table would read as removed rows) or failed on the data."""
    fragments: list[Fragment] = []
    errors: list[dict[str, str]] = []
    for parser in parsers:
        lost = collection.lost(parser)
        if lost is not None:
            message = f"waktu habis saat membaca {format_oid(lost)}; bagian ini dilewati"
            errors.append({"section": parser.name, "message": message})
            continue
        try:
            fragments.append(parser.parse(view))
        except _PARSER_FAULTS as exc:
            log.warning("parser %s failed: %r", parser.name, exc)
            errors.append({"section": parser.name, "message": f"data tidak dapat dibaca: {exc}"})
    return fragments, errors


def fields_fragment(profile: Profile, view: MibView) -> Fragment:
    """The profile's [fields]: each device field read from its instance as display text."""
    device = {name: clean_text(display_text(view.scalar(oid))) for name, oid in profile.fields}
    return {"device": device} if device else {}


def build_document(
    profile: Profile,
    fragments: Sequence[Fragment],
    source: dict[str, Any],
    errors: Sequence[dict[str, str]],
) -> dict[str, Any]:
    """The document from merged fragments: profile facts, identity, limits and hashes."""
    facts = {"device": {"vendor": profile.vendor, "os": profile.os}}
    merged = merge_fragments([facts, *fragments])
    identity = settle_device(merged, kind=profile.kind, profile=profile.id)
    sections = {name: _limited(name, value) for name, value in sorted(merged.items())}
    source = {**source, "section_hashes": {n: section_hash(v) for n, v in sections.items()}}
    if errors:
        source["errors"] = list(errors)[:64]
    return {"schema_version": 1, "source": source, "identity": identity, **sections}


def _limited(name: str, value: Any) -> Any:
    limit = LIST_LIMITS.get(name)
    return value[:limit] if limit is not None and isinstance(value, list) else value
