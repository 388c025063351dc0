"""What ``pip install asetik`` puts on 20,000 hosts: a wheel whose only runtime dependency is
psutil, carrying the observation schema and its examples and the ``asetik-agent`` script."""

from __future__ import annotations

import ast
import configparser
import re
import shutil
import subprocess
import sys
import zipfile
from email.message import Message
from email.parser import HeaderParser

import pytest

from tests.peers import REPO

# Copied into a scratch tree so the build leaves no build/ or *.egg-info in the work tree.
SOURCES = ("pyproject.toml", "README.md", "agent", "collector", "schemas")
SENTINEL_EXAMPLE = "schemas/examples/zz-packaging-sentinel.json"
# schemas: the wire contract, shipped in the same wheel.
AGENT_MAY_IMPORT = frozenset({"agent", "psutil", "schemas"})


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    """The wheel built by ``pip wheel --no-deps`` from a copy of the tree (plus one sentinel
    example, so the examples glob is checked even while the repo has no example yet)."""
    tree = tmp_path_factory.mktemp("tree")
    for name in SOURCES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, tree / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.is_file():
            shutil.copy2(source, tree / name)
    (tree / SENTINEL_EXAMPLE).parent.mkdir(parents=True, exist_ok=True)
    (tree / SENTINEL_EXAMPLE).write_text("{}\n", encoding="utf-8")
    out = tmp_path_factory.mktemp("wheel")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(tree)],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert built.returncode == 0, built.stderr[-3000:]
    (path,) = out.glob("asetik-*.whl")
    return zipfile.ZipFile(path)


def _dist_info(wheel: zipfile.ZipFile, name: str) -> str:
    (member,) = [n for n in wheel.namelist() if re.fullmatch(rf"asetik-[^/]+\.dist-info/{name}", n)]
    return wheel.read(member).decode("utf-8")


def _metadata(wheel: zipfile.ZipFile) -> Message:
    return HeaderParser().parsestr(_dist_info(wheel, "METADATA"))


def _requirement_name(requirement: str) -> str:
    match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
    assert match is not None, requirement
    return match.group(0).lower().replace("_", "-")


@pytest.mark.slow
def test_runtime_dependency_is_psutil_alone(wheel: zipfile.ZipFile) -> None:
    requirements = _metadata(wheel).get_all("Requires-Dist") or []
    runtime = [r for r in requirements if "extra ==" not in r.replace('"', "").replace("'", "")]
    extras = [r for r in requirements if r not in runtime]
    assert [_requirement_name(r) for r in runtime] == ["psutil"]
    # The filter above must really see the extras, or it would pass on anything.
    assert "aiohttp" in {_requirement_name(r) for r in extras}
    assert {"collector", "dev"} <= set(_metadata(wheel).get_all("Provides-Extra") or [])


@pytest.mark.slow
def test_wheel_carries_schema_and_examples(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    assert "schemas/observation-v1.schema.json" in names
    assert SENTINEL_EXAMPLE in names
    examples = {p.relative_to(REPO).as_posix() for p in (REPO / "schemas/examples").glob("*.json")}
    assert examples <= names, sorted(examples - names)
    schema = wheel.read("schemas/observation-v1.schema.json")
    assert schema == (REPO / "schemas/observation-v1.schema.json").read_bytes()


@pytest.mark.slow
def test_wheel_holds_the_agent_but_not_the_tests(wheel: zipfile.ZipFile) -> None:
    names = wheel.namelist()
    assert "agent/cli.py" in names
    assert "agent/sources/host.py" in names
    assert not [n for n in names if n.startswith("tests/")]


@pytest.mark.slow
def test_console_script_is_declared(wheel: zipfile.ZipFile) -> None:
    entry_points = configparser.ConfigParser()
    entry_points.read_string(_dist_info(wheel, "entry_points.txt"))
    assert entry_points["console_scripts"]["asetik-agent"].strip() == "agent.cli:main"


def _top_level_imports(source: str) -> set[str]:
    imported: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            imported.add(node.module.split(".")[0])
    return imported


def test_agent_imports_only_stdlib_and_psutil() -> None:
    modules = sorted([*(REPO / "agent").rglob("*.py"), *(REPO / "schemas").rglob("*.py")])
    assert len(modules) >= 5
    outside = {
        f"{module.relative_to(REPO)}: {name}"
        for module in modules
        for name in _top_level_imports(module.read_text(encoding="utf-8"))
        if name not in sys.stdlib_module_names and name not in AGENT_MAY_IMPORT
    }
    assert not outside, sorted(outside)


def test_import_scan_sees_third_party_imports() -> None:
    found = _top_level_imports("import os\nfrom aiohttp import web\nfrom . import x\nimport a.b\n")
    assert found == {"os", "aiohttp", "a"}
