"""Documents the collector could not take yet, kept on disk and replayed in order.

Why dropping the OLDEST document is the right thing when a cap is reached: every document
is built against the section hashes the collector last ACKNOWLEDGED, and nothing in the spool
has been acknowledged. So each newer spooled document carries every section that changed since
that acknowledgement, which includes everything an older spooled document had (only with
fresher values). Losing old documents loses intermediate history (earlier status readings, a
value that changed and changed back), never the current state of the machine.

Files are named ``<utc-time>-<submission_id>.json.gz`` so that lexical order is creation order,
and are written under a temporary name and renamed, so a crash never leaves a half document
that looks real. The submission id inside each document is kept, so a replay the collector has
already stored is recognised there (``409 duplicate_submission``) and not stored twice.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import logging
import re
import time
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from agent.state import write_atomically

log = logging.getLogger("asetik.agent.spool")

STAMP_FORMAT = "%Y%m%dT%H%M%S.%fZ"
NAME_PATTERN = re.compile(r"^(\d{8}T\d{6}\.\d{6}Z)-([0-9a-f-]{36})\.json\.gz$")
TEMPORARY_SUFFIX = ".tmp"
STALE_TEMPORARY = timedelta(minutes=10)
BAD_DIR = "bad"


class CorruptSpoolError(ValueError):
    """A spooled file that is not a gzip'ed JSON document."""


@dataclass(frozen=True)
class SpoolLimits:
    """Caps on the spool: total bytes, number of files, age of the oldest."""

    max_bytes: int = 50 * 1024 * 1024
    max_files: int = 500
    max_age: timedelta = timedelta(days=14)
    max_bad_files: int = 20


@dataclass(frozen=True)
class SpooledDocument:
    """One spooled document: its file, the gzip body as sent, and the parsed document."""

    path: Path
    body: bytes
    document: dict[str, Any]


def compress_document(document: Mapping[str, Any]) -> bytes:
    """The gzip'ed compact JSON of a document: the exact request body the collector receives."""
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def decompress_document(body: bytes) -> dict[str, Any]:
    """The document inside a gzip body; CorruptSpoolError unless it is gzip'ed JSON object."""
    try:
        document = json.loads(gzip.decompress(body))
    except (OSError, EOFError, zlib.error, ValueError) as exc:
        raise CorruptSpoolError(f"{type(exc).__name__}: {exc}") from None
    if not isinstance(document, dict):
        raise CorruptSpoolError("not a JSON object")
    return document


def _stamp_of(path: Path) -> datetime | None:
    match = NAME_PATTERN.match(path.name)
    if match is None:
        return None
    return datetime.strptime(match.group(1), STAMP_FORMAT).replace(tzinfo=UTC)


class Spool:
    """A bounded directory of documents waiting for the collector, oldest first."""

    def __init__(
        self,
        directory: Path,
        limits: SpoolLimits | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.directory = directory
        self.limits = limits or SpoolLimits()
        self._clock = clock

    def put(self, document: Mapping[str, Any]) -> Path:
        """Spool a document, then enforce the caps; returns the file it was written to."""
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        stamp = self._next_stamp()
        submission_id = str(document["source"]["submission_id"])
        path = self.directory / f"{stamp.strftime(STAMP_FORMAT)}-{submission_id}.json.gz"
        write_atomically(path, compress_document(document))
        self.prune()
        return path

    def _next_stamp(self) -> datetime:
        # A clock stepped backwards (NTP) must not put a new document before older ones.
        now = self._clock().astimezone(UTC)
        files = self.files()
        last = _stamp_of(files[-1]) if files else None
        if last is not None and last >= now:
            return last + timedelta(microseconds=1)
        return now

    def files(self) -> list[Path]:
        """The spooled documents, oldest first (temporary and foreign files ignored)."""
        if not self.directory.is_dir():
            return []
        return sorted(
            p for p in self.directory.iterdir() if p.is_file() and NAME_PATTERN.match(p.name)
        )

    def pending(self) -> list[Path]:
        """The documents to replay, oldest first, after the caps are applied."""
        self.prune()
        return self.files()

    def load(self, path: Path) -> SpooledDocument:
        """Read one spooled document; CorruptSpoolError when it is damaged."""
        body = path.read_bytes()
        return SpooledDocument(path, body, decompress_document(body))

    def remove(self, path: Path) -> None:
        """Forget a document (delivered, or refused for good by the collector)."""
        path.unlink(missing_ok=True)

    def quarantine(self, path: Path, reason: str) -> Path:
        """Move a damaged file to ``bad/`` (kept for inspection, bounded) so the queue moves on."""
        bad = self.directory / BAD_DIR
        bad.mkdir(mode=0o700, exist_ok=True)
        target = bad / path.name
        path.replace(target)
        log.warning("spooled file %s is corrupt (%s); moved to %s", path.name, reason, bad)
        kept = sorted(p for p in bad.iterdir() if p.is_file())
        for old in kept[: max(0, len(kept) - self.limits.max_bad_files)]:
            old.unlink(missing_ok=True)
        return target

    def prune(self) -> list[Path]:
        """Apply the caps, dropping the oldest documents first; returns what was dropped."""
        self._remove_stale_temporaries()
        files = self.files()
        sizes = {p: p.stat().st_size for p in files}
        oldest_allowed = self._clock().astimezone(UTC) - self.limits.max_age
        dropped: list[Path] = []
        total = sum(sizes.values())
        for path in files:
            stamp = _stamp_of(path)
            remaining = len(files) - len(dropped)
            too_old = stamp is not None and stamp < oldest_allowed
            if not (too_old or remaining > self.limits.max_files or total > self.limits.max_bytes):
                break
            self.remove(path)
            dropped.append(path)
            total -= sizes[path]
        if dropped:
            log.warning(
                "spool over its caps: dropped %d oldest document(s) (%s ... %s)",
                len(dropped),
                dropped[0].name,
                dropped[-1].name,
            )
        return dropped

    def _remove_stale_temporaries(self) -> None:
        # A temporary left by a crash is never a document; a young one may be another writer's.
        if not self.directory.is_dir():
            return
        limit = time.time() - STALE_TEMPORARY.total_seconds()
        for path in self.directory.glob(f"*{TEMPORARY_SUFFIX}"):
            with contextlib.suppress(OSError):
                if path.stat().st_mtime < limit:
                    path.unlink()
