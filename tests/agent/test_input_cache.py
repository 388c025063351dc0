"""A costly probe's result is re-used only while its inputs are unchanged and fresh."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from agent.probes.input_cache import cached_by_inputs
from agent.sources.commands import RecordedCommandRunner
from agent.sources.host import Host
from agent.sources.stats import RecordedStats


class CountingProbe:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, host: Host) -> Any:
        self.calls += 1
        return {"pending": self.calls}


def _host(root: Path, cache: Path | None) -> Host:
    return Host("linux", root, RecordedCommandRunner({}), RecordedStats(), cache_dir=cache)


def test_result_reused_until_an_input_changes(tmp_path: Path) -> None:
    root, cache = tmp_path / "root", tmp_path / "cache"
    (root / "var/lib/dpkg").mkdir(parents=True)
    status = root / "var/lib/dpkg/status"
    status.write_text("Package: a\n")
    probe = CountingProbe()
    host = _host(root, cache)
    inputs = ["/var/lib/dpkg/status", "/var/lib/apt/lists"]

    assert cached_by_inputs(host, "updates", inputs, probe) == {"pending": 1}
    assert cached_by_inputs(host, "updates", inputs, probe) == {"pending": 1}
    assert probe.calls == 1

    status.write_text("Package: a\n\nPackage: b\n")
    assert cached_by_inputs(host, "updates", inputs, probe) == {"pending": 2}
    (root / "var/lib/apt/lists").mkdir(parents=True)  # an input that appears counts as a change
    assert cached_by_inputs(host, "updates", inputs, probe) == {"pending": 3}
    assert probe.calls == 3


def test_stale_or_corrupt_cache_runs_the_probe(tmp_path: Path) -> None:
    probe = CountingProbe()
    host = _host(tmp_path, tmp_path / "cache")
    cached_by_inputs(host, "updates", ["/x"], probe)
    assert cached_by_inputs(host, "updates", ["/x"], probe, max_age_s=0) == {"pending": 2}
    (tmp_path / "cache" / "updates.cache.json").write_text("{not json")
    assert cached_by_inputs(host, "updates", ["/x"], probe) == {"pending": 3}
    assert probe.calls == 3


def test_without_cache_dir_every_call_computes(tmp_path: Path) -> None:
    probe = CountingProbe()
    host = _host(tmp_path, None)
    cached_by_inputs(host, "updates", ["/x"], probe)
    cached_by_inputs(host, "updates", ["/x"], probe)
    assert probe.calls == 2
    assert not any(tmp_path.iterdir())


def test_unwritable_cache_dir_still_returns_the_result(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    probe = CountingProbe()
    assert cached_by_inputs(_host(tmp_path, blocker / "cache"), "u", ["/x"], probe) == {
        "pending": 1
    }
    assert blocker.is_file()
