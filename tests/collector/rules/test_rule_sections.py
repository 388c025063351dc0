"""RULE_SECTIONS, the sections the ticket service reads for the rules, names every section a
family or trend reader reads: each runs over snapshots whose sections record what is read."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from collector.domain.rules.catalogue import FAMILIES, RULE_SECTIONS, TREND_READERS
from tests.collector.rules.rule_inputs import shipped_thresholds, snapshot


class ReadSections(Mapping[str, Any]):
    """Sections that note every name looked up and refuse to be listed (a rule that walks
    every section could not be served a chosen few). Every name holds ``value``."""

    def __init__(self, value: Any) -> None:
        self.value = value
        self.read: set[str] = set()

    def __getitem__(self, name: str) -> Any:
        self.read.add(name)
        if self.value is None:
            raise KeyError(name)
        return self.value

    def __contains__(self, name: object) -> bool:
        self.read.add(str(name))
        return self.value is not None

    def __iter__(self) -> Iterator[str]:
        raise AssertionError("a rule listed every section")

    def __len__(self) -> int:
        raise AssertionError("a rule counted the sections")

    def __bool__(self) -> bool:
        return True  # not empty (``sections or {}`` keeps it)


SHAPES: tuple[Any, ...] = (None, {}, [])  # absent, an empty object, an empty list


@pytest.mark.parametrize("shape", SHAPES, ids=["absent", "object", "list"])
@pytest.mark.parametrize(("table", "family"), FAMILIES, ids=[t for t, _ in FAMILIES])
def test_a_family_reads_only_rule_sections(table: str, family: Any, shape: Any) -> None:
    sections = ReadSections(shape)
    list(family(snapshot(sections), shipped_thresholds(table)))
    assert sections.read <= RULE_SECTIONS


@pytest.mark.parametrize("shape", SHAPES, ids=["absent", "object", "list"])
@pytest.mark.parametrize("reader", TREND_READERS, ids=[r.__name__ for r in TREND_READERS])
def test_a_trend_reader_reads_only_rule_sections(reader: Any, shape: Any) -> None:
    sections = ReadSections(shape)
    reader(sections)
    assert sections.read <= RULE_SECTIONS


def test_the_recorder_sees_what_a_family_reads() -> None:
    """The check can fail: the volumes family reads volumes and status."""
    sections = ReadSections(None)
    volumes = dict(FAMILIES)["volumes"]
    list(volumes(snapshot(sections), shipped_thresholds("volumes")))
    assert {"volumes", "status"} <= sections.read
