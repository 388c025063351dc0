"""The spool: order, caps (bytes, count, age), damaged files, atomic writes."""

from __future__ import annotations

import gzip
import json
import logging
import os
import secrets
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from agent.document import Collected, build_observation
from agent.spool import (
    BAD_DIR,
    NAME_PATTERN,
    CorruptSpoolError,
    Spool,
    SpoolLimits,
    compress_document,
    decompress_document,
)

START = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


class Clock:
    """A settable clock for the spool's time stamps."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def _document(padding: int = 0) -> dict[str, Any]:
    sections: dict[str, Any] = {
        "identity": {"hostname": "pc-01"},
        "status": {"uptime_seconds": 10},
        # Random names compress badly: a document of a predictable size on disk.
        "softwares": [{"name": secrets.token_hex(8)} for _ in range(padding)],
    }
    return build_observation(
        Collected(sections), collected_at=START, submission_id=str(uuid.uuid4())
    )


def _ids(spool: Spool) -> list[str]:
    return [str(spool.load(p).document["source"]["submission_id"]) for p in spool.files()]


def _submission(document: dict[str, Any]) -> str:
    return str(document["source"]["submission_id"])


def test_files_are_named_by_time_and_submission_and_replayed_oldest_first(
    tmp_path: Path,
) -> None:
    clock = Clock()
    spool = Spool(tmp_path / "spool", clock=clock)
    documents = []
    for _ in range(3):
        documents.append(_document())
        spool.put(documents[-1])
        clock.advance(seconds=1)
    names = [p.name for p in spool.pending()]
    assert names[0].startswith("20250301T080000.000000Z-")
    assert all(NAME_PATTERN.match(name) for name in names)
    assert _ids(spool) == [_submission(d) for d in documents]
    loaded = spool.load(spool.files()[0])
    assert loaded.document == documents[0]
    assert gzip.decompress(loaded.body).startswith(b'{"schema_version":1')


def test_clock_stepped_back_still_sorts_after(tmp_path: Path) -> None:
    clock = Clock()
    spool = Spool(tmp_path, clock=clock)
    first, second = _document(), _document()
    spool.put(first)
    clock.advance(hours=-2)
    spool.put(second)
    assert _ids(spool) == [_submission(first), _submission(second)]
    assert spool.files()[1].name.startswith("20250301T080000.000001Z-")


def test_count_cap_drops_the_oldest(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock()
    spool = Spool(tmp_path, SpoolLimits(max_files=3), clock)
    documents = []
    for _ in range(5):
        documents.append(_document())
        spool.put(documents[-1])
        clock.advance(minutes=1)
    assert _ids(spool) == [_submission(d) for d in documents[2:]]
    assert "dropped 1 oldest document(s)" in caplog.text


def test_byte_cap_drops_the_oldest_until_it_fits(tmp_path: Path) -> None:
    clock = Clock()
    spool = Spool(tmp_path, SpoolLimits(max_bytes=10_000), clock)
    documents = []
    for _ in range(4):
        documents.append(_document(padding=250))  # about 3 KiB each on disk
        spool.put(documents[-1])
        clock.advance(minutes=1)
    sizes = [p.stat().st_size for p in spool.files()]
    assert 2_500 < sizes[0] < 5_000
    assert sum(sizes) <= 10_000
    assert len(sizes) in (2, 3)
    assert _ids(spool) == [_submission(d) for d in documents[-len(sizes) :]]


def test_age_cap_drops_documents_older_than_the_limit(tmp_path: Path) -> None:
    clock = Clock()
    spool = Spool(tmp_path, SpoolLimits(max_age=timedelta(days=14)), clock)
    old, middle = _document(), _document()
    spool.put(old)
    clock.advance(days=10)
    spool.put(middle)
    clock.advance(days=4, seconds=1)
    assert len(spool.files()) == 2
    spool.pending()  # applies the caps: old is 14 days and 1 s old now
    assert _ids(spool) == [_submission(middle)]
    clock.advance(days=10)
    assert spool.pending() == []


def test_document_alone_over_the_byte_cap_is_not_kept(tmp_path: Path) -> None:
    spool = Spool(tmp_path, SpoolLimits(max_bytes=1_000), Clock())
    spool.put(_document(padding=200))
    assert spool.files() == []


def test_corrupt_files_move_to_bad_and_bad_is_bounded(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    clock = Clock()
    spool = Spool(tmp_path, SpoolLimits(max_bad_files=2), clock)
    for _ in range(3):
        path = spool.put(_document())
        path.write_bytes(b"not gzip at all")
        clock.advance(seconds=1)
    good = _document()
    spool.put(good)
    kept = []
    for path in spool.pending():
        try:
            kept.append(spool.load(path).document)
        except CorruptSpoolError as exc:
            spool.quarantine(path, str(exc))
    assert kept == [good]
    assert len(spool.files()) == 1
    bad = sorted(p.name for p in (tmp_path / BAD_DIR).iterdir())
    assert len(bad) == 2  # the oldest of three damaged files was discarded
    assert "is corrupt" in caplog.text
    assert "BadGzipFile" in caplog.text


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "JSONDecodeError"),
        (gzip.compress(b'{"a": 1}' * 50)[:-10], "EOFError"),
        (b"\x1f\x8b\x08\x00garbage", "Error"),
        (gzip.compress(b"{not json"), "JSONDecodeError"),
        (gzip.compress(b"[1, 2]"), "not a JSON object"),
        (gzip.compress(b"\x80abc"), "UnicodeDecodeError"),
    ],
)
def test_decompress_rejects_damaged_bodies(body: bytes, reason: str) -> None:
    with pytest.raises(CorruptSpoolError, match=reason):
        decompress_document(body)


def test_compressed_body_round_trips() -> None:
    document = _document(padding=3)
    body = compress_document(document)
    assert body[:2] == b"\x1f\x8b"
    assert decompress_document(body) == document
    assert json.loads(gzip.decompress(body)) == document


def test_leftover_temporary_is_never_a_document_and_stale_ones_are_cleaned(
    tmp_path: Path,
) -> None:
    clock = Clock()
    spool = Spool(tmp_path, clock=clock)
    real = _document()
    spool.put(real)
    # What a crash between write and rename leaves: a half-written temporary file.
    stale = tmp_path / ".20250301T075959.000000Z-0f0e0d0c-0000-4000-8000-000000000000.json.gz.tmp"
    stale.write_bytes(compress_document(_document())[:40])
    fresh = tmp_path / ".20250301T080001.000000Z-1f0e0d0c-0000-4000-8000-000000000000.json.gz.tmp"
    fresh.write_bytes(b"\x1f\x8b")
    hour_ago = time.time() - 3600
    os.utime(stale, (hour_ago, hour_ago))
    assert _ids(spool) == [_submission(real)]
    spool.prune()
    assert not stale.exists()
    assert fresh.exists()  # young: may belong to a writer still at work
    assert _ids(spool) == [_submission(real)]


def test_files_are_private(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool", clock=Clock())
    path = spool.put(_document())
    assert path.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "spool").stat().st_mode & 0o777 == 0o700


def test_missing_directory_is_an_empty_spool(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "not-yet", clock=Clock())
    assert spool.pending() == []
    assert not (tmp_path / "not-yet").exists()


def test_warning_names_the_dropped_files(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="asetik.agent.spool")
    clock = Clock()
    spool = Spool(tmp_path, SpoolLimits(max_files=1), clock)
    first = spool.put(_document())
    clock.advance(seconds=1)
    spool.put(_document())
    assert first.name in caplog.text
