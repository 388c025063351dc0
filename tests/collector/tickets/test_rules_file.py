"""The rules file: the operator's override is laid over the defaults, and one that names an
unknown table or key or gives a value of the wrong type is refused, naming it: the collector
does not start on it and ``asetik-collector evaluate`` exits 2."""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from collector.bootstrap import build_services
from collector.config import load_config
from collector.entrypoints.cli import main as collector_cli
from collector.services.rules_config import (
    RULES_FILE,
    RulesFileError,
    default_rules,
    load_rules,
    merge_override,
)


def _write(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / RULES_FILE).write_text(text, encoding="utf-8")
    return folder


def test_without_an_override_the_defaults_apply(tmp_path: Path) -> None:
    rules = load_rules(tmp_path)
    assert (
        rules["tickets"]["reopen_window_days"] == default_rules()["tickets"]["reopen_window_days"]
    )


def test_an_override_changes_only_what_it_names(tmp_path: Path) -> None:
    rules = load_rules(_write(tmp_path, "[tickets]\nreopen_window_days = 30\n"))
    defaults = default_rules()["tickets"]
    assert rules["tickets"]["reopen_window_days"] == 30
    assert rules["tickets"]["trend_interval_hours"] == defaults["trend_interval_hours"]


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("[tikets]\nreopen_window_days = 3\n", "[tikets]"),
        ("[tickets]\nreopen_days = 3\n", "reopen_days"),
        ("[tickets]\nreopen_window_days = '14'\n", "reopen_window_days"),
        ("[tickets]\nreopen_window_days = true\n", "reopen_window_days"),
        ("[tickets]\nreopen_window_days = 1.5\n", "reopen_window_days"),
        ("tickets = 3\n", "[tickets]"),
        ("[tickets\n", "tidak terbaca"),
    ],
)
def test_a_broken_override_is_refused_naming_it(tmp_path: Path, text: str, named: str) -> None:
    with pytest.raises(RulesFileError) as refused:
        load_rules(_write(tmp_path, text))
    assert named in str(refused.value)


def test_types_nested_tables_and_lists_are_checked() -> None:
    base = {"disk": {"limit": 60.0, "names": ["a"], "inner": {"n": 1}}}
    merged = merge_override(base, {"disk": {"limit": 55, "names": ["b", "c"]}}, "rules.toml")
    assert merged["disk"] == {"limit": 55, "names": ["b", "c"], "inner": {"n": 1}}
    for bad in ({"disk": {"names": [1]}}, {"disk": {"inner": {"m": 1}}}, {"disk": {"inner": 2}}):
        with pytest.raises(RulesFileError):
            merge_override(base, bad, "rules.toml")


def test_the_collector_refuses_to_start_and_evaluate_exits_2(db_url: str, tmp_path: Path) -> None:
    data = _write(tmp_path / "data", "[tickets]\nreopen_window = 3\n")
    with pytest.raises(RulesFileError):
        build_services(load_config({}, db=db_url, data_dir=data))
    err = io.StringIO()
    with redirect_stderr(err):
        status = collector_cli(["--db", db_url, "--data-dir", str(data), "evaluate"])
    assert status == 2
    assert "reopen_window" in err.getvalue()


def test_evaluate_prints_its_counts_and_refuses_an_unknown_site(
    db_url: str, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    build_services(load_config({}, db=db_url, data_dir=data)).close()
    out = io.StringIO()
    with redirect_stdout(out):
        assert collector_cli(["--db", db_url, "--data-dir", str(data), "evaluate"]) == 0
    assert "dievaluasi 0, baru 0" in out.getvalue()
    err = io.StringIO()
    with redirect_stderr(err):
        status = collector_cli(["--db", db_url, "--data-dir", str(data), "evaluate",
                                "--site", "NOWHERE"])  # fmt: skip
    assert status == 2
    assert "NOWHERE" in err.getvalue()
