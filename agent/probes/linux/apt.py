"""Debian/Ubuntu pending updates, from an apt-get simulation or `apt list --upgradable`.

The probe runs ``apt-get -s dist-upgrade`` (APT_SIMULATE): `apt` itself warns that its CLI is
not stable for scripts, while apt-get's simulation ("Inst" lines) is what monitoring checks have
parsed for decades, and it names each candidate's release *label* too ("Debian-Security"),
which tells security updates apart even where the suite name does not. dist-upgrade rather
than upgrade, because upgrade silently keeps back updates that need a new package (a kernel
ABI bump, a renamed library), and those are pending updates all the same. Packages the
upgrade would newly install or remove are not pending updates and are left out: an item is
always an installed package with a newer candidate. Held packages are not offered by apt and
so are not listed.

Nothing here runs `apt-get update`: the result is only as fresh as the package lists.
"""

from __future__ import annotations

import re

from agent.probes.linux.packages import MAX_PENDING, PendingUpdate, short_text

APT_SIMULATE: tuple[str, ...] = ("apt-get", "-s", "-o", "Debug::NoLocking=1", "dist-upgrade")

# Inst name[:arch] [installed] (candidate Label:Version/Archive, ... [arch]) [...]
_INST = re.compile(
    r"^Inst (?P<name>\S+) \[(?P<old>[^\]\s]+)\] "
    r"\((?P<new>\S+) (?:(?P<releases>[^()\[\]]*?) )?\[(?P<arch>[^\]\s]+)\]\)",
    re.MULTILINE,
)
# name/archive[,archive...] candidate arch [upgradable from: installed]
_LISTED = re.compile(
    r"^(?P<name>[^/\s]+)/(?P<archives>\S+) (?P<new>\S+) (?P<arch>\S+) "
    r"\[upgradable from: (?P<old>[^\]\s]+)\]",
    re.MULTILINE,
)


def _archive(release: str) -> str:
    """The archive (suite) of one ``Label:Version/Archive`` release description."""
    if "/" in release:
        return release.rsplit("/", 1)[1]
    return release.split(":", 1)[-1]


def _item(name: str, old: str, new: str, arch: str, releases: list[str]) -> PendingUpdate | None:
    """One pending update; None when the package name is not usable."""
    clean_name = short_text(name.split(":", 1)[0])
    if clean_name is None:
        return None
    archives = dict.fromkeys(_archive(release).strip() for release in releases)
    return {
        "name": clean_name,
        "installed_version": short_text(old),
        "available_version": short_text(new),
        "arch": short_text(arch),
        "origin": short_text(",".join(archive for archive in archives if archive)),
        "security": any("security" in release.lower() for release in releases),
    }


def parse_apt_get_simulation(text: str) -> list[PendingUpdate]:
    """Upgrades of installed packages from `apt-get -s upgrade|dist-upgrade` output.

    One item per "Inst" line that has an installed version in brackets; "Conf"/"Remv" lines
    and newly installed packages are skipped. ``origin`` is the candidate's archives
    ("bookworm,bookworm-security"); ``security`` is true when any of its releases is a
    security one (label or archive containing "security").
    """
    found: list[PendingUpdate] = []
    for match in _INST.finditer(text):
        releases = (match["releases"] or "").split(", ")
        item = _item(match["name"], match["old"], match["new"], match["arch"], releases)
        if item is not None:
            found.append(item)
    return found[:MAX_PENDING]


def parse_apt_list_upgradable(text: str) -> list[PendingUpdate]:
    """Upgrades of installed packages from `apt list --upgradable` output.

    Same items as parse_apt_get_simulation; here only archive names are known, so
    ``security`` means an archive whose name contains "security" (e.g. bookworm-security).
    """
    found: list[PendingUpdate] = []
    for match in _LISTED.finditer(text):
        archives = match["archives"].split(",")
        item = _item(match["name"], match["old"], match["new"], match["arch"], archives)
        if item is not None:
            found.append(item)
    return found[:MAX_PENDING]
