"""What the agent remembers between runs: its credential and what the collector acknowledged.

Kept as one small JSON file, replaced atomically and readable only by the agent's user. A file
that cannot be understood is never fatal: the agent starts fresh (it re-enrols and sends a full
document), because crashing on every start would silence the machine for good.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

log = logging.getLogger("asetik.agent.state")

STATE_FILE = "state.json"
STATE_VERSION = 1


class CorruptStateError(ValueError):
    """The state file is not one this agent wrote."""


@dataclass(frozen=True)
class AgentState:
    """The agent's memory.

    ``acknowledged`` is None until the collector has accepted a document; after that it holds the
    section hashes of the last accepted one, which the next delta document is built against.
    """

    credential: str | None = field(default=None, repr=False)
    agent_id: str | None = None
    acknowledged: Mapping[str, str] | None = None
    runs_since_full: int = 0
    full_required: bool = False

    def enrolled(self, credential: str, agent_id: str) -> AgentState:
        """A new identity at the collector: nothing it knows of us can be assumed any more."""
        return AgentState(credential=credential, agent_id=agent_id)

    def forgotten(self) -> AgentState:
        """The credential was refused: drop it and everything acknowledged under it."""
        return AgentState()

    def accepted(self, hashes: Mapping[str, str], *, full: bool, full_required: bool) -> AgentState:
        """After the collector accepted a document with these section hashes.

        A pending request for a full document survives until a full one is accepted.
        """
        return replace(
            self,
            acknowledged=dict(hashes),
            runs_since_full=0 if full else self.runs_since_full + 1,
            full_required=(self.full_required and not full) or full_required,
        )

    def requiring_full(self) -> AgentState:
        """The next document must be full (a document was dropped, or the collector asked)."""
        return replace(self, full_required=True)

    def needs_full(self, full_every: int) -> bool:
        """Whether the next document must carry every section.

        True without an acknowledgement, when the collector asked for it, and on every
        ``full_every``-th run (the full one plus ``full_every - 1`` deltas).
        """
        return (
            self.acknowledged is None
            or self.full_required
            or self.runs_since_full + 1 >= full_every
        )


def encode_state(state: AgentState) -> str:
    """The state file's text."""
    return json.dumps(
        {
            "version": STATE_VERSION,
            "credential": state.credential,
            "agent_id": state.agent_id,
            "acknowledged": dict(state.acknowledged) if state.acknowledged is not None else None,
            "runs_since_full": state.runs_since_full,
            "full_required": state.full_required,
        },
        sort_keys=True,
        indent=1,
    )


def _optional_str(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise CorruptStateError("expected a string")


def _hashes(value: object) -> dict[str, str] | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise CorruptStateError("acknowledged must map section names to hashes")
    return dict(value)


def decode_state(text: str) -> AgentState:
    """The state from the file's text; ValueError (CorruptStateError or a JSON error) when it is
    not a state file this agent wrote."""
    raw: Any = json.loads(text)
    if not isinstance(raw, dict) or raw.get("version") != STATE_VERSION:
        raise CorruptStateError("not a version 1 state file")
    runs = raw.get("runs_since_full", 0)
    full_required = raw.get("full_required", False)
    if isinstance(runs, bool) or not isinstance(runs, int) or runs < 0:
        raise CorruptStateError("runs_since_full must be a non-negative integer")
    if not isinstance(full_required, bool):
        raise CorruptStateError("full_required must be true or false")
    return AgentState(
        credential=_optional_str(raw.get("credential")),
        agent_id=_optional_str(raw.get("agent_id")),
        acknowledged=_hashes(raw.get("acknowledged")),
        runs_since_full=runs,
        full_required=full_required,
    )


def write_atomically(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Replace ``path`` with ``data`` so a crash leaves either the old or the new file, whole.

    Writes a temporary file beside it (created with ``mode``), fsyncs it, renames it over the
    target and fsyncs the directory where the platform allows it.
    """
    temporary = path.with_name(f".{path.name}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    _sync_directory(path.parent)


def _sync_directory(directory: Path) -> None:
    if os.name != "posix":  # pragma: no cover - Windows has no directory fsync
        return
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class StateStore:
    """The state file in ``ASETIK_STATE_DIR``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.path = directory / STATE_FILE

    def load(self) -> AgentState:
        """The saved state; a fresh one when there is none or it is unreadable (with a warning)."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return AgentState()
        except (OSError, UnicodeDecodeError) as exc:
            log.warning("state file %s unreadable (%s); starting fresh", self.path, exc)
            return AgentState()
        try:
            return decode_state(text)
        except ValueError as exc:  # json.JSONDecodeError is a ValueError
            log.warning(
                "state file %s is corrupt (%s); starting fresh: the agent re-enrols", self.path, exc
            )
            return AgentState()

    def ensure_writable(self) -> None:
        """Raise OSError when the state could not be kept, before enrolling creates a credential
        that would be lost (and a new agent at the collector on every run)."""
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not os.access(self.directory, os.W_OK):
            raise PermissionError(
                errno.EACCES, "state directory is not writable", str(self.directory)
            )

    def save(self, state: AgentState) -> None:
        """Persist the state atomically, readable by the agent's user only (mode 0600)."""
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_atomically(self.path, encode_state(state).encode("utf-8"))
        if os.name == "posix":
            self.path.chmod(0o600)
