"""The one ingest path: every source's observation goes through :meth:`IngestService.ingest`.

validate → reconcile identity → compare sections → record changes → store, in one transaction
per observation. A submission id already stored is refused (409) and changes nothing, so an
agent replaying its spool is safe. Pollers call the same method, not a copy of it.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from collector.adapters.db.register import RegisterRepository, StoredSection
from collector.domain.changes import ChangeKind, diff_sections
from collector.domain.identity import (
    Candidate,
    IdentityKey,
    KeyKind,
    Outcome,
    describe_conflict,
    identity_keys,
    lookup_keys,
    reconcile,
)
from collector.domain.installations import Installed, numbered
from collector.domain.register import classify_asset
from collector.errors import Refused
from collector.ingest.hashing import hash_section
from collector.ingest.validate import Validator
from collector.services.enrolment import Caller
from collector.services.projection import asset_summary, derived_rows

Clock = Callable[[], datetime]
NOT_SECTIONS = frozenset({"schema_version", "source"})
# Sections re-read every run whose churn is not history (uptime, usage, who is logged in).
NO_HISTORY = frozenset({"status", "users", "disk_health", "updates"})


@dataclass(frozen=True)
class IngestResult:
    """What became of an observation: the asset it landed on and whether a full one is due."""

    asset_id: int
    created: bool
    full_required: bool
    changes: int
    conflicts: int
    # Whether anything the rules read may have moved (a section other than the always-new
    # status, a new asset, a conflict): the ticket service evaluates the asset only then.
    sections_changed: bool = False


class IngestService:
    """Stores observations from agents and pollers into the register."""

    def __init__(self, engine: Engine, validate: Validator, clock: Clock):
        self._engine = engine
        self._validate = validate
        self._clock = clock
        self._catalogue: dict[str, int] = {}
        self._catalogue_lock = threading.Lock()

    def ingest(self, document: dict[str, Any], caller: Caller, size_bytes: int) -> IngestResult:
        """Store one observation; Refused (4xx) for a bad or replayed one, nothing changed."""
        self._validate(document)
        learned: dict[str, int] = {}
        try:
            with self._engine.begin() as connection:
                repo = RegisterRepository(connection)
                result = self._store(repo, document, caller, size_bytes, learned)
        except IntegrityError as exc:  # a concurrent replay of the same submission id won
            if "submission_id" in str(exc.orig) or "observations" in str(exc.orig):
                raise _duplicate(document) from exc
            raise
        # Catalogue ids are remembered only once committed: a rolled-back insert has none.
        with self._catalogue_lock:
            self._catalogue.update(learned)
        return result

    def _store(
        self,
        repo: RegisterRepository,
        document: dict[str, Any],
        caller: Caller,
        size: int,
        learned: dict[str, int],
    ) -> IngestResult:
        # A replayed submission id fails on the observations' unique key at the end, and the
        # whole transaction rolls back: no separate look-up on every request.
        source = document["source"]
        now = self._clock()
        sent = _hashed_sections(document)
        bound, known = repo.bound_sections(caller.credential_id)
        if (
            caller.kind == "agent"
            and bound is not None
            and (known.get("identity") == sent["identity"].hash)
        ):
            # Same agent, same identity as last time: the same asset, keys and site.
            asset_id, created, settled = bound, False, True
            conflicts: list[dict[str, Any]] = []
            observed: frozenset[IdentityKey] = frozenset()  # keys stay as stored
        else:
            caller = dataclasses.replace(caller, asset_id=bound)
            observed = identity_keys(document.get("identity") or {}, caller.site_code)
            asset_id, created, conflicts = self._place(repo, document, caller, observed, now)
            known = {} if created else repo.section_hashes(asset_id)
            settled = False
        full_required = _omitted_mismatch(document, known) or (created and not source["full"])
        changed = {n: s for n, s in sent.items() if known.get(n) != s.hash or n == "status"}
        summary = {**asset_summary(document), "last_seen": now, "last_source": source["kind"]}
        if settled and list(changed) == ["status"]:  # the unchanged check-in, most of them
            observation = _observation(document, asset_id, caller, size, now)
            repo.check_in(asset_id, changed["status"], summary, observation, now)
            return IngestResult(asset_id, False, full_required, 0, 0)
        old = repo.section_contents(
            asset_id, [n for n in changed if n in known and n not in NO_HISTORY]
        )
        changes = [] if created else _history(old, changed, source["kind"], now)
        if not created and not settled:
            changes += self._moved(repo, asset_id, caller, source["kind"], now)
        if created:
            changes.append(_event(ChangeKind.ASSET_DISCOVERED, source["kind"], now, f"#{asset_id}"))
        repo.save_sections(asset_id, changed, source["kind"], now)
        self._project(repo, asset_id, {n: s.content for n, s in changed.items()}, learned)
        if not settled:
            repo.replace_keys(asset_id, source["kind"], {(k.kind.value, k.value) for k in observed})
        repo.update_asset(asset_id, summary)
        repo.add_changes(asset_id, changes)
        repo.add_conflicts(asset_id, conflicts)
        repo.add_observation(_observation(document, asset_id, caller, size, now))
        if caller.kind == "agent" and bound != asset_id:
            # An agent's credential belongs to one machine; a poller's serves many devices.
            repo.bind_credential(caller.credential_id, asset_id, now)
        moved = created or bool(conflicts) or any(name != "status" for name in changed)
        return IngestResult(asset_id, created, full_required, len(changes), len(conflicts), moved)

    def _place(
        self,
        repo: RegisterRepository,
        document: dict[str, Any],
        caller: Caller,
        observed: frozenset[IdentityKey],
        now: datetime,
    ) -> tuple[int, bool, list[dict[str, Any]]]:
        """The asset the observation (with identity keys ``observed``) belongs to: (id, newly
        created, conflict rows)."""
        owners = repo.keys_sharing((key.kind.value, key.value) for key in lookup_keys(observed))
        candidates = [
            Candidate(asset, frozenset(IdentityKey(KeyKind(k), v) for k, v in keys))
            for asset, keys in owners.items()
        ]
        shared = {
            key: sum(1 for keys in owners.values() if (key.kind.value, key.value) in keys)
            for key in observed
        }
        decision = reconcile(observed, candidates, shared)
        rows = [
            {"reason": c.reason,
             "other_asset_ids": [a for a in c.asset_ids if a != decision.asset_id],
             "keys": [[k.kind.value, k.value] for k in c.keys],
             "detail": describe_conflict(c), "created_at": now}
            for c in decision.conflicts
        ]  # fmt: skip
        if decision.outcome is Outcome.MATCHED and decision.asset_id is not None:
            return decision.asset_id, False, rows
        review = decision.outcome is Outcome.CONFLICT
        held = _held_asset(repo, caller, owners) if review or not observed else None
        if held is not None:
            return held, False, rows
        kind = classify_asset(document).value
        asset = repo.create_asset(caller.site_id, kind, document["source"]["kind"], now, review)
        return asset, True, rows

    @staticmethod
    def _moved(
        repo: RegisterRepository, asset_id: int, caller: Caller, source: str, now: datetime
    ) -> list[dict[str, Any]]:
        """An agent enrolled again at another site moves its asset there (recorded in history);
        a poller's site says where it polls from, not where the device is, so it moves nothing."""
        site_id, code = repo.site_of(asset_id)
        if caller.kind != "agent" or site_id == caller.site_id:
            return []
        repo.update_asset(asset_id, {"site_id": caller.site_id})
        return [
            _event(
                ChangeKind.SITE_CHANGED, source, now, "site", before=code, after=caller.site_code
            )
        ]

    def _project(
        self,
        repo: RegisterRepository,
        asset_id: int,
        present: Mapping[str, Any],
        learned: dict[str, int],
    ) -> None:
        """Rewrite the derived tables (installations, disks, interfaces) a section changed."""
        rows = derived_rows(present)
        if rows.installations is not None:
            ids = self._software_ids(repo, rows.installations, learned)
            repo.replace_installations(asset_id, numbered(rows.installations, ids))
        if rows.disks is not None:
            repo.replace_disks(asset_id, rows.disks)
        if rows.interfaces is not None:
            repo.replace_interfaces(asset_id, rows.interfaces)

    def _software_ids(
        self, repo: RegisterRepository, items: Sequence[Installed], learned: dict[str, int]
    ) -> dict[str, int]:
        """Catalogue ids for the items' products: from the process's memory of committed ids,
        else from the database (adding new products); the latter are ``learned`` for after
        commit."""
        known: dict[str, int] = {}
        missing: dict[str, tuple[str, str | None]] = {}
        with self._catalogue_lock:
            for item in items:
                software_id = self._catalogue.get(item.key)
                if software_id is None:
                    missing[item.key] = (item.name, item.publisher)
                else:
                    known[item.key] = software_id
        if missing:
            found = repo.software_ids(missing)
            learned.update(found)
            known.update(found)
        return known


def _held_asset(repo: RegisterRepository, caller: Caller, owners: Mapping[int, Any]) -> int | None:
    """Where an ambiguous (or identity-less) observation goes without adding yet another asset.

    The agent's own asset when its credential is bound to one of the tied candidates (or the
    observation has no usable key at all); else an asset already waiting for review among the
    candidates. None: create one asset, marked for review. A NEW decision (a clone, say) never
    comes here: a clone carrying a copied credential must not fold into the original.
    """
    mine = caller.asset_id if caller.kind == "agent" else None
    if mine is not None and (mine in owners or not owners):
        return mine
    waiting = repo.under_review(owners)
    return waiting[0] if waiting else None


def _duplicate(document: dict[str, Any]) -> Refused:
    return Refused(
        409,
        "duplicate_submission",
        f"submission_id {document['source']['submission_id']} sudah diterima sebelumnya",
    )


def _omitted_mismatch(document: Mapping[str, Any], known: Mapping[str, str | None]) -> bool:
    """True when a section left out as unchanged is not what the register holds: the agent's
    view and ours have drifted, so it must send everything next time."""
    hashes: Mapping[str, str] = document["source"]["section_hashes"]
    return any(known.get(name) != digest for name, digest in hashes.items() if name not in document)


def _hashed_sections(document: Mapping[str, Any]) -> dict[str, StoredSection]:
    """The sections the document carries with their content hashes, computed here: a declared
    hash that does not match its section is refused (the two sides would never agree again)."""
    declared: Mapping[str, str] = document["source"]["section_hashes"]
    sections: dict[str, StoredSection] = {}
    for name, value in document.items():
        if name in NOT_SECTIONS:
            continue
        digest = hash_section(value)
        if name in declared and declared[name] != digest:
            raise Refused(422, "hash_mismatch", f"hash bagian {name} tidak cocok dengan isinya")
        sections[name] = StoredSection(digest, value)
    return sections


def _history(
    old: Mapping[str, Any], changed: Mapping[str, StoredSection], source: str, now: datetime
) -> list[dict[str, Any]]:
    """History entries for the sections whose content changed (first sight gives none)."""
    new = {name: s.content for name, s in changed.items() if name not in NO_HISTORY}
    return [
        {"at": now, "source": source, "kind": c.kind.value, "subject": c.subject[:300],
         "before": c.before, "after": c.after}
        for c in diff_sections(old, new)
    ]  # fmt: skip


def _event(
    kind: ChangeKind,
    source: str,
    now: datetime,
    subject: str,
    *,
    before: str | None = None,
    after: str | None = None,
) -> dict[str, Any]:
    """A history row the service records itself (discovery, a site move)."""
    return {"at": now, "source": source, "kind": kind.value, "subject": subject,
            "before": before, "after": after}  # fmt: skip


def _observation(
    document: Mapping[str, Any], asset_id: int, caller: Caller, size: int, now: datetime
) -> dict[str, Any]:
    source = document["source"]
    return {
        "submission_id": source["submission_id"],
        "asset_id": asset_id,
        "credential_id": caller.credential_id,
        "source_kind": source["kind"],
        "full": source["full"],
        "sections": sorted(k for k in document if k not in NOT_SECTIONS),
        "size_bytes": size,
        "collected_at": datetime.fromisoformat(source["collected_at"]).astimezone(UTC),
        "received_at": now,
    }
