"""Debian/Ubuntu installed packages: dpkg's status database, and `dpkg-query -W` output.

The status file is read directly (no subprocess): on a host with ~900 packages parsing it takes
a few milliseconds. Which packages count as installed: every package whose files are on disk,
i.e. every state except ``not-installed`` and ``config-files`` (a removed package of which only
configuration files remain, "rc" in `dpkg -l`). That is exactly what `dpkg-query -W` lists,
less its config-files rows.
"""

from __future__ import annotations

from agent.junk import clean_text
from agent.probes.linux.packages import MAX_SOFTWARE, Software, short_text

STATUS_FILE = "/var/lib/dpkg/status"
INFO_DIR = "/var/lib/dpkg/info"
# `dpkg-query -W -f=...` format that parse_dpkg_query reads (one package per line).
DPKG_QUERY_FORMAT = r"${Package}\t${Version}\t${Architecture}\t${Status}\n"

_NOT_ON_DISK = frozenset({"not-installed", "config-files"})
_FIELDS = ("Package", "Status", "Version", "Architecture", "Maintainer")
_NEEDLES = tuple((f"\n{name}:", len(name) + 2) for name in _FIELDS)


def is_installed(status: str | None) -> bool:
    """True when a dpkg Status value ("want flag state") says the package's files are on disk."""
    if status == " install ok installed":  # the usual case, spelled as dpkg writes it
        return True
    words = (status or "").split()
    return len(words) == 3 and words[2] not in _NOT_ON_DISK


def _stanza_fields(block: str) -> list[str | None]:
    """The _FIELDS values of one stanza (None where absent), in _FIELDS order.

    A field name is always at the start of a line (continuation lines start with a space),
    so a search for "\nName:" finds it without splitting the stanza into lines.
    """
    stanza = f"\n{block}\n"
    values: list[str | None] = []
    for needle, size in _NEEDLES:
        start = stanza.find(needle)
        if start < 0:
            values.append(None)
            continue
        start += size
        values.append(stanza[start : stanza.find("\n", start)])
    return values


def _publisher(maintainer: str | None, known: dict[str, str | None]) -> str | None:
    """The maintainer's name without the e-mail address ("Debian X Team <x@debian.org>").

    ``known`` remembers the answers: a few hundred maintainers share a thousand packages.
    """
    if not maintainer:
        return None
    if maintainer not in known:
        name = maintainer.split("<", 1)[0].strip() or maintainer.strip(" <>")
        known[maintainer] = short_text(clean_text(name))
    return known[maintainer]


def parse_dpkg_status(text: str) -> list[Software]:
    """Installed packages from the text of /var/lib/dpkg/status (install_date left None).

    Only the needed single-line fields are looked up in each blank-line separated stanza (a
    field name is always at the start of a line; continuation lines start with a space).
    Multi-arch packages installed for two architectures give two items with the same name.
    """
    found: list[Software] = []
    publishers: dict[str, str | None] = {}
    for block in text.split("\n\n"):
        package, status, version, arch, maintainer = _stanza_fields(block)
        name = short_text(package)
        if name is None or not is_installed(status):
            continue
        found.append(
            {
                "name": name,
                "version": short_text(version),
                "arch": short_text(arch),
                "publisher": _publisher(maintainer, publishers),
                "install_date": None,
                "source": "dpkg",
            }
        )
    return found[:MAX_SOFTWARE]


def parse_dpkg_query(text: str) -> list[Software]:
    """Installed packages from `dpkg-query -W -f='DPKG_QUERY_FORMAT'` output.

    A fallback where the status file cannot be read directly (the same packages, without
    maintainer); lines that do not have the four tab-separated columns are skipped.
    """
    found: list[Software] = []
    for line in text.splitlines():
        columns = line.split("\t")
        if len(columns) != 4 or not is_installed(columns[3]):
            continue
        name = short_text(columns[0])
        if name is None:
            continue
        found.append(
            {
                "name": name,
                "version": short_text(columns[1]),
                "arch": short_text(columns[2]),
                "publisher": None,
                "install_date": None,
                "source": "dpkg",
            }
        )
    return found[:MAX_SOFTWARE]


def list_file_names(item: Software) -> tuple[str, ...]:
    """The names dpkg may give a package's file list in INFO_DIR, likeliest first.

    dpkg writes ``<name>:<arch>.list`` for "Multi-Arch: same" packages (most libraries, never
    arch "all"), ``<name>.list`` otherwise; its mtime is when that version was unpacked
    (installed or last upgraded).
    """
    plain = f"{item['name']}.list"
    if item["arch"] in (None, "all"):
        return (plain,)
    return f"{item['name']}:{item['arch']}.list", plain
