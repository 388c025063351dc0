"""The collector's fast section hash equals the wire contract's on every value it can meet."""

from __future__ import annotations

import enum
import json
import math
import random
import struct
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

from agent.probes.linux.dpkg import parse_dpkg_query, parse_dpkg_status
from collector.ingest.hashing import hash_section
from schemas import EXAMPLES_DIR
from schemas.hashing import section_hash
from tests.peers import FIXTURES, corpus_dir


def _canonical(value: Any) -> bytes:
    """The contract's canonical form, written out here (not imported) to compare bytes."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def _example_sections() -> list[tuple[str, Any]]:
    found = []
    for path in sorted(EXAMPLES_DIR.glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        found += [(f"{path.stem}:{name}", value) for name, value in document.items()]
        found.append((f"{path.stem}:(whole document)", document))
    return found


EXAMPLE_SECTIONS = _example_sections()


def test_every_schema_example_is_covered() -> None:
    stems = {name.split(":")[0] for name, _ in EXAMPLE_SECTIONS}
    assert stems == {path.stem for path in Path(EXAMPLES_DIR).glob("*.json")}
    assert len(stems) >= 5


@pytest.mark.parametrize(("name", "value"), EXAMPLE_SECTIONS, ids=[n for n, _ in EXAMPLE_SECTIONS])
def test_orjson_writes_the_canonical_bytes_of_every_example_section(name: str, value: Any) -> None:
    """The premise of the fast path, byte for byte, and the hash that follows from it."""
    assert orjson.dumps(value, option=orjson.OPT_SORT_KEYS) == _canonical(value), name
    assert hash_section(value) == section_hash(value)


def test_real_package_lists_hash_alike() -> None:
    listed = corpus_dir("updates") / "dpkg-query-installed.debian12.tsv"
    packages = parse_dpkg_query(listed.read_text("utf-8"))
    assert len(packages) > 800
    status = parse_dpkg_status((FIXTURES / "linux/dpkg-status.debian12.txt").read_text("utf-8"))
    assert any(item["publisher"] for item in status)
    for section in (packages, status):
        assert orjson.dumps(section, option=orjson.OPT_SORT_KEYS) == _canonical(section)
        assert hash_section(section) == section_hash(section)


def test_every_unicode_character_is_written_alike() -> None:
    characters = [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF]
    text = "".join(characters)
    assert orjson.dumps(text) == _canonical(text)
    keyed = {c: i for i, c in enumerate(characters[::997])}  # key order by code point
    assert orjson.dumps(keyed, option=orjson.OPT_SORT_KEYS) == _canonical(keyed)
    assert hash_section({"s": text}) == section_hash({"s": text})


def _random_floats(count: int) -> list[float]:
    rng = random.Random(20261128)  # noqa: S311 - repeatable variety, not secrecy
    values: list[float] = []
    while len(values) < count:
        value = struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))[0]
        if math.isfinite(value):  # JSON has no NaN or infinity
            values.append(value)
            values.append(rng.random() * 10.0 ** rng.randint(-12, 20))
    return values


def test_floats_of_every_magnitude_hash_alike() -> None:
    floats = _random_floats(20_000)
    floats += [1e-4, 9.99e-5, 1e-5, 1.25e-7, 5e-324, 1e16, 1e22, 0.0, -0.0, 1.5e300]
    floats += [10.0**e for e in range(-30, 30)] + [-(10.0**e) for e in range(-30, 30)]
    for value in floats:
        for section in (value, [value], {"v": value}, {"a": [1, {"t": value}], "b": "x"}):
            assert hash_section(section) == section_hash(section), repr(section)


def test_integers_beyond_64_bits_and_odd_types_hash_alike() -> None:
    class Level(enum.IntEnum):
        HIGH = 3

    class Kind(enum.StrEnum):
        DPKG = "dpkg"

    for value in (2**63, 2**64 - 1, 2**64, -(2**63) - 1, 10**30, [Level.HIGH, Kind.DPKG],
                  {"k": Kind.DPKG}, (1, 2), True, None, "", [], {}):  # fmt: skip
        assert hash_section(value) == section_hash(value), repr(value)


def test_values_json_refuses_are_refused_alike() -> None:
    when = datetime(2026, 11, 28, tzinfo=UTC)
    for value in ({"at": when}, {1: "x", "a": "y"}, {"s": {1, 2}}):
        with pytest.raises(TypeError):
            section_hash(value)
        with pytest.raises(TypeError):
            hash_section(value)
