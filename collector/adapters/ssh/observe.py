"""Building one device's observation document from what its commands printed (pure).

Each command of the profile is read by its parser (through its ntc-templates template when the
parser wants rows); the fragments are merged in profile order (later facts win), the profile's
facts added, and the ``source`` block written. Output that no parser recognises, whose
template fails or finds nothing, is kept verbatim in ``source.unparsed`` with a warning in
``source.errors``: an unknown firmware's answer stays visible instead of silently vanishing.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from collector.adapters.device_facts import DEVICE_FIELDS as BASE_DEVICE_FIELDS
from collector.adapters.device_facts import settle_device
from collector.adapters.snmp.merge import merge_fragments
from collector.adapters.ssh.parser import CliParser, CommandOutput, Fragment
from collector.adapters.ssh.profile import CommandSpec, SshProfile
from collector.adapters.ssh.templates import TemplateError, template_rows
from schemas.hashing import section_hash

if TYPE_CHECKING:
    from collector.adapters.ssh.hostkeys import HostKey

log = logging.getLogger(__name__)

MAX_UNPARSED = 32
MAX_UNPARSED_TEXT = 65536
MAX_ERRORS = 64
MAX_MODULES = 4096
DEVICE_FIELDS = (*BASE_DEVICE_FIELDS, "ssh_host_key")
# What a parser may trip over on text no device should print; it loses its command only.
_PARSER_FAULTS = (ValueError, TypeError, KeyError, IndexError, ArithmeticError, AttributeError)


@dataclass(frozen=True)
class SessionOutputs:
    """What one SSH session brought back: text per command, failure message per command."""

    outputs: Mapping[str, str]
    failures: Mapping[str, str] = field(default_factory=dict)
    host_key: HostKey | None = None  # the host key the session saw (pinned on first contact)


@dataclass(frozen=True)
class Where:
    """The source facts of one poll."""

    target: str
    site: str | None
    collected_at: datetime
    submission_id: str
    poller_version: str | None = None


@dataclass
class Reading:
    """Fragments, warnings and raw text gathered while the outputs are read."""

    fragments: list[Fragment] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)
    unparsed: list[dict[str, str]] = field(default_factory=list)

    def keep_raw(self, command: str, text: str, why: str) -> None:
        """Keep a command's text verbatim, with a warning saying why."""
        self.errors.append({"section": command[:256], "message": why[:1024]})
        self.unparsed.append({"command": command[:256], "text": text[:MAX_UNPARSED_TEXT]})


def observe_outputs(
    profile: SshProfile,
    catalogue: Mapping[str, CliParser],
    session: SessionOutputs,
    where: Where,
) -> dict[str, Any]:
    """The observation document (schema v1, source kind "ssh") of one device's outputs.

    ValueError for a collected_at without a time zone (the schema needs the offset).
    """
    if where.collected_at.tzinfo is None:
        raise ValueError("collected_at harus memuat zona waktu")
    reading = Reading()
    for spec in profile.commands:
        if spec.command in session.failures:
            message = f"perintah gagal: {session.failures[spec.command]}"
            reading.errors.append({"section": spec.command[:256], "message": message[:1024]})
        elif spec.command in session.outputs:
            read_command(
                profile, catalogue[spec.parser], spec, session.outputs[spec.command], reading
            )
    fingerprint = session.host_key.fingerprint if session.host_key else None
    return build_document(profile, reading, fingerprint, where)


def read_command(
    profile: SshProfile, parser: CliParser, spec: CommandSpec, text: str, reading: Reading
) -> None:
    """Parse one command's text into ``reading``: a fragment, or the raw text and a warning."""
    rows: list[dict[str, Any]] = []
    if parser.template:
        try:
            rows = template_rows(profile.template_platform, spec.template, text)
        except TemplateError as exc:
            reading.keep_raw(spec.command, text, f"templat gagal membaca keluaran: {exc}")
            return
    output = CommandOutput(spec.command, text, rows, dict(spec.fields))
    try:
        fragment = parser.parse(output)
    except _PARSER_FAULTS as exc:
        log.warning("parser %s failed on %r: %r", parser.name, spec.command, exc)
        reading.keep_raw(spec.command, text, f"parser {parser.name} gagal: {exc}")
        return
    if not fragment:
        reading.keep_raw(spec.command, text, "keluaran tidak dikenali; disimpan sebagai teks")
        return
    reading.fragments.append(fragment)


def build_document(
    profile: SshProfile, reading: Reading, host_key: str | None, where: Where
) -> dict[str, Any]:
    """The document from the merged fragments: profile facts, identity, limits and hashes."""
    facts = {"device": {"vendor": profile.vendor, "os": profile.os}}
    merged = merge_fragments([facts, *reading.fragments])
    identity = settle_device(merged, kind=profile.kind, profile=profile.id, fields=DEVICE_FIELDS)
    merged["device"]["ssh_host_key"] = host_key
    if "modules" in merged:
        merged["modules"] = merged["modules"][:MAX_MODULES]
    sections = dict(sorted(merged.items()))
    source = source_block(where, reading.errors, reading.unparsed)
    source["section_hashes"] = {name: section_hash(value) for name, value in sections.items()}
    return {"schema_version": 1, "source": source, "identity": identity, **sections}


def source_block(
    where: Where, errors: Sequence[dict[str, str]], unparsed: Sequence[dict[str, str]]
) -> dict[str, Any]:
    """The ``source`` block of an SSH observation (hashes added by the caller)."""
    source: dict[str, Any] = {
        "kind": "ssh",
        "agent_version": where.poller_version,
        "collected_at": where.collected_at.isoformat(timespec="seconds"),
        "submission_id": where.submission_id,
        "full": True,
        "target": where.target,
        "site": where.site,
    }
    if errors:
        source["errors"] = list(errors)[:MAX_ERRORS]
    if unparsed:
        source["unparsed"] = list(unparsed)[:MAX_UNPARSED]
    return source
