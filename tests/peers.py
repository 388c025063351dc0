"""Finding the real peers the tests use, and skipping (or failing, in CI) when one is missing."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"


def missing_peer(reason: str) -> None:
    """Skip on a developer machine; fail under CI=true, where nothing may be silently left out."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"required test peer missing in CI: {reason}")
    pytest.skip(reason)


def corpus_dir(*parts: str) -> Path:
    """A folder of the shared recorded corpus (ASETIK_CORPUS, default ../shared/corpus)."""
    base = Path(os.environ.get("ASETIK_CORPUS", REPO.parent / "shared" / "corpus"))
    folder = base.joinpath(*parts)
    if not folder.is_dir():
        missing_peer(f"recorded corpus not found at {folder} (set ASETIK_CORPUS)")
    return folder


def require_command(name: str) -> str:
    """The path of a system command the test needs (e.g. smartctl, dpkg-query)."""
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if found is None:
        missing_peer(f"{name} is not installed (Debian package providing it; .ci/run installs it)")
    assert found is not None
    return found


def dpkg_package_count() -> int:
    """Installed packages as `dpkg -l` counts them: dpkg-query -W less its rc/un/pn rows."""
    listed = subprocess.run(
        [require_command("dpkg-query"), "-W", "-f=${db:Status-Abbrev}\\n"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n")
    return sum(1 for status in listed if status and not status.startswith(("rc", "un", "pn")))
