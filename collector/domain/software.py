"""Software as the catalogue keeps it: one name per product, not one per spelling.

Windows registry DisplayNames carry the version, the architecture and the installer's language
("Mozilla Firefox 128.0.2 (x64 id)"), so the same product arrives under many names. Package
managers (dpkg, rpm) and macOS package ids already name products canonically and are only
lower-cased. Publishers lose their legal form ("Microsoft Corporation" → "Microsoft").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

NAME_MAX = 256  # the observation schema's limit for names and versions
VERSION_MAX = 256

# Sources whose names are package ids: kept, lower-cased.
CANONICAL_SOURCES = frozenset({"dpkg", "rpm", "pkgutil"})

_ARCH_TOKENS = {
    "x64": "x64",
    "x86_64": "x64",
    "amd64": "x64",
    "64-bit": "x64",
    "x86": "x86",
    "32-bit": "x86",
    "arm64": "arm64",
    "aarch64": "arm64",
}
_BITNESS = re.compile(r"\b(32|64)[ -]?bit\b", re.IGNORECASE)
# Languages of installers seen in BPOM's estate and the usual international ones.
_LANGUAGE_CODES = frozenset(
    {
        *("en", "id", "ms", "jv", "su", "zh", "ja", "ko", "de", "fr", "es", "pt", "it", "nl"),
        *("ru", "ar", "th", "vi", "tr", "pl", "sv", "da", "fi", "nb", "cs", "hu", "el", "he"),
    }
)
_LOCALE = re.compile(r"([a-z]{2})[-_][a-z]{2,4}", re.IGNORECASE)
_LANGUAGE_NAMES = frozenset(
    {
        "indonesia",
        "indonesian",
        "bahasa indonesia",
        "english",
        "español",
        "deutsch",
        "français",
        "português",
        "italiano",
        "nederlands",
        "multilingual",
    }
)
_SCOPE_TOKENS = frozenset({"user"})  # "Microsoft Visual Studio Code (User)"
_VERSION = r"v?\d+(?:\.\d+)+[0-9A-Za-z.+~_-]*"
_VERSION_ONLY = re.compile(_VERSION, re.IGNORECASE)
_TRAILING_VERSION = re.compile(rf"\s+(?:(?:version|versi|release|build)\s+)?{_VERSION}$", re.I)
_QUALIFIED_VERSION = re.compile(rf"\s+{_VERSION}\s+(ESR|LTS)$", re.IGNORECASE)
_JAVA_UPDATE = re.compile(r"\s+Update\s+\d+$", re.IGNORECASE)  # "Java 8 Update 401"
_TRAILING_ARCH = re.compile(
    r"\s+((?:32|64)[ -]?bit|x86_64|x64|x86|amd64|arm64|aarch64)$", re.IGNORECASE
)
_TRAILING_GROUP = re.compile(r"\s*\(([^()]*)\)$")
_DASHES = re.compile(r"\s+[\u2013\u2014]\s+")  # en/em dash separators read as " - "
_SPACES = re.compile(r"\s+")

_LEGAL_SUFFIX = re.compile(
    r"[\s,]+(?:inc\.?|incorporated|llc\.?|l\.l\.c\.?|ltd\.?|limited|corporation|corp\.?|gmbh"
    r"|b\.v\.?|s\.a\.?|co\.|plc|pty|tbk|fz-llc|s\.r\.l\.?)$",
    re.IGNORECASE,
)
_LEGAL_PREFIX = re.compile(r"^PT\.?\s+")  # Indonesian "PT Xyz" (perseroan terbatas)
_EMAIL = re.compile(r"\s*<[^<>]*>$")
_PUBLISHER_ALIASES = {
    "microsoft": "Microsoft",
    "google": "Google",
    "mozilla": "Mozilla",
    "mozilla foundation": "Mozilla",
    "oracle": "Oracle",
    "oracle america": "Oracle",
    "adobe": "Adobe",
    "adobe systems": "Adobe",
    "red hat": "Red Hat",
    "hewlett-packard": "HP",
    "hewlett-packard company": "HP",
    "hp": "HP",
    "hp development company": "HP",
    "lenovo": "Lenovo",
    "lenovo group": "Lenovo",
    "dell technologies": "Dell",
    "nvidia": "NVIDIA",
    "intel": "Intel",
    "apple": "Apple",
}
_DISTRIBUTION_TEAMS = {"debian": "Debian", "ubuntu": "Ubuntu"}
_TEAM_WORDS = frozenset({"maintainers", "maintainer", "team", "developers", "group"})


@dataclass(frozen=True)
class SoftwareItem:
    """One installed product as the catalogue records it."""

    name: str  # normalised catalogue name
    display_name: str  # as the source reported it
    publisher: str | None  # normalised
    version: str | None
    arch: str | None
    source: str
    install_date: str | None


def collapse_spaces(text: str) -> str:
    """The text trimmed, with every run of whitespace made one space."""
    return _SPACES.sub(" ", text).strip()


def normalise_name(name: str, source: str) -> str:
    """The catalogue name of a product: one key whatever version, architecture or language the
    installer put into its display name, so installations group by product.

    Package ids (dpkg, rpm, pkgutil) are already canonical and only lower-cased. Display names
    lose trailing noise, repeatedly, until none is left: a version ("23.01", "- 14.38.33135",
    "version 2.44.0", "(11.2.0.11537)"), architecture ("(x64)", "(64-bit x64)", "- x86",
    "amd64"), locale ("(x64 id)", "- id-id", "- Indonesia"), install scope ("(User)") and
    Java's "Update 401". Examples (reported → catalogue name):

    ==================================================================  ========================
    Mozilla Firefox (x64 en-US)                                         Mozilla Firefox
    Mozilla Firefox 128.0.2 (x64 id)                                    Mozilla Firefox
    Mozilla Firefox 115.12.0 ESR (x64 en-US)                            Mozilla Firefox ESR
    7-Zip 23.01 (x64)                                                   7-Zip
    Microsoft Visual C++ 2015-2022 Redistributable (x64) - 14.38.33135  Microsoft Visual C++
                                                                        2015-2022 Redistributable
    Java 8 Update 401 (64-bit)                                          Java 8
    Microsoft 365 Apps for enterprise - id-id                           Microsoft 365 Apps for
                                                                        enterprise
    Adobe Acrobat Reader DC - Indonesia                                 Adobe Acrobat Reader DC
    Microsoft SQL Server 2019 (64-bit)                                  Microsoft SQL Server 2019
    TeamViewer 15                                                       TeamViewer 15
    1.0                                                                 1.0
    ==================================================================  ========================

    Kept on purpose: whole numbers (years and major releases such as "2019", "Java 8",
    "Microsoft 365" name different products), versions inside the name ("Python 3.12.1 Add to
    Path"), architecture words inside the name ("Visual C++ 2022 X64 Minimum Runtime"), and the
    original case. A name that is nothing but noise ("1.0", "(x64)") is kept as reported.
    """
    if source in CANONICAL_SOURCES:
        return collapse_spaces(name[:NAME_MAX]).lower()
    return strip_display_name(name)[0]


def strip_display_name(name: str) -> tuple[str, str | None]:
    """The display name without its trailing version/arch/locale noise (see normalise_name),
    and the architecture that noise named when it named exactly one (x64, x86 or arm64)."""
    return _strip_display_name(name[:NAME_MAX])


@lru_cache(maxsize=16384)  # the estate shares a few thousand display names
def _strip_display_name(name: str) -> tuple[str, str | None]:
    original = collapse_spaces(_DASHES.sub(" - ", name))
    text, archs = original, set[str]()
    changed = True
    while changed and text:
        changed = False
        for rule in _NAME_RULES:
            stripped = rule(text, archs)
            if stripped is not None:
                text, changed = stripped.rstrip(" -"), True
                break
    if not text:
        return original, None
    return text, archs.pop() if len(archs) == 1 else None


def _strip_group(text: str, archs: set[str]) -> str | None:
    """Drop a final "(x64 en-US)", "(64-bit)", "(User)" or "(11.2.0.11537)"."""
    match = _TRAILING_GROUP.search(text)
    if match is None:
        return None
    inner = _BITNESS.sub(r"\1-bit", match.group(1)).replace(",", " ")
    tokens = inner.split()
    if len(tokens) == 1 and _VERSION_ONLY.fullmatch(tokens[0]):
        return text[: match.start()]
    found = {_ARCH_TOKENS[t.casefold()] for t in tokens if t.casefold() in _ARCH_TOKENS}
    if not tokens or not all(_is_group_noise(t, bool(found)) for t in tokens):
        return None
    archs.update(found)
    return text[: match.start()]


def _is_group_noise(token: str, with_arch: bool) -> bool:
    """Whether a word inside parentheses is installer noise; bare language codes ("id") and
    "edition" only count next to an architecture ("(x64 id)", "(x64 edition)")."""
    folded = token.casefold()
    if folded in _ARCH_TOKENS or folded in _SCOPE_TOKENS or _is_locale(token):
        return True
    return with_arch and (folded in _LANGUAGE_CODES or folded == "edition")


def _is_locale(token: str) -> bool:
    """Whether the token is a language-region code of a known language (en-US, id-id, zh-Hans)."""
    match = _LOCALE.fullmatch(token)
    return match is not None and match.group(1).casefold() in _LANGUAGE_CODES


def _strip_dash_tail(text: str, archs: set[str]) -> str | None:
    """Drop a final " - 14.38.33135", " - id-id", " - x64" or " - Indonesia"."""
    head, separator, tail = text.rpartition(" - ")
    if not separator:
        return None
    folded = tail.casefold()
    if folded in _ARCH_TOKENS:
        archs.add(_ARCH_TOKENS[folded])
        return head
    if _VERSION_ONLY.fullmatch(tail) or _is_locale(tail) or folded in _LANGUAGE_NAMES:
        return head
    return None


def _strip_qualified_version(text: str, _archs: set[str]) -> str | None:
    """Turn "Mozilla Firefox 115.12.0 ESR" into "Mozilla Firefox ESR"."""
    match = _QUALIFIED_VERSION.search(text)
    return None if match is None else f"{text[: match.start()]} {match.group(1)}"


def _strip_pattern(pattern: re.Pattern[str]) -> Callable[[str, set[str]], str | None]:
    """A rule that drops what the pattern matches at the end of the name."""

    def strip(text: str, _archs: set[str]) -> str | None:
        match = pattern.search(text)
        return None if match is None or match.start() == 0 else text[: match.start()]

    return strip


def _strip_last_word(text: str, archs: set[str]) -> str | None:
    """Drop a final bare "x64", "64-bit", "64 bit" or "en-US"."""
    match = _TRAILING_ARCH.search(text)
    if match is not None and match.start() > 0:
        archs.add(_ARCH_TOKENS[_BITNESS.sub(r"\1-bit", match.group(1)).casefold()])
        return text[: match.start()]
    head, _, last = text.rpartition(" ")
    return head if head and _is_locale(last) else None


_NAME_RULES: tuple[Callable[[str, set[str]], str | None], ...] = (
    _strip_group,
    _strip_dash_tail,
    _strip_qualified_version,
    _strip_pattern(_JAVA_UPDATE),
    _strip_pattern(_TRAILING_VERSION),
    _strip_last_word,
)


def normalise_publisher(publisher: str | None) -> str | None:
    """The publisher without legal form, e-mail or distribution team name, so one vendor is one
    publisher ("Microsoft Corporation" → "Microsoft", "Debian OpenSSL Team" → "Debian");
    None when nothing is reported."""
    return None if publisher is None else _normalise_publisher(publisher[:NAME_MAX])


@lru_cache(maxsize=4096)
def _normalise_publisher(publisher: str) -> str | None:
    text = collapse_spaces(_EMAIL.sub("", collapse_spaces(publisher)))
    if not text:
        return None
    words = text.casefold().split()
    if len(words) > 1 and words[0] in _DISTRIBUTION_TEAMS and words[-1] in _TEAM_WORDS:
        return _DISTRIBUTION_TEAMS[words[0]]
    bare = _strip_legal_form(text)
    return _PUBLISHER_ALIASES.get(bare.casefold(), bare)


def _strip_legal_form(text: str) -> str:
    """The company name without "PT" in front and "Inc.", "Co., Ltd." ... behind; the text as
    given when nothing else would be left."""
    bare = _LEGAL_PREFIX.sub("", text)
    while True:
        shorter = _LEGAL_SUFFIX.sub("", bare).rstrip(" ,")
        if shorter == bare:
            break
        bare = shorter
    return bare or text


def normalise_version(version: str | None) -> str | None:
    """The version trimmed, spaces collapsed, without a leading "v" and at most 256 characters;
    epoch and revision ("1:2.36-9+deb12u4") are kept since they order package versions.
    None when nothing is reported."""
    if version is None:
        return None
    text = collapse_spaces(version[: VERSION_MAX * 4])
    if len(text) > 1 and text[0] in "vV" and text[1].isdigit():
        text = text[1:]
    return text[:VERSION_MAX].rstrip() or None


def normalise_software(item: Mapping[str, Any]) -> SoftwareItem:
    """One reported software entry (an observation's softwares item) as the catalogue keeps it.

    An architecture the display name states ("Microsoft Visual C++ ... (x86)") wins over the
    registry view's: installers of both architectures often register in the 32-bit view.
    Thousands of hosts report the same packages, so results are memoised by the raw fields.
    """
    return _normalise_fields(
        tuple([None if (value := item.get(key)) is None else str(value) for key in _FIELDS])
    )


_FIELDS = ("name", "source", "arch", "publisher", "version", "install_date")


@functools.lru_cache(maxsize=65536)
def _normalise_fields(fields: tuple[str | None, ...]) -> SoftwareItem:
    name, source, arch_text, publisher, version, install_date = fields
    item = {"publisher": publisher, "version": version, "install_date": install_date}
    reported = str(name or "")
    source = str(source or "other")
    arch = _optional_text(arch_text)
    if source in CANONICAL_SOURCES:
        name = normalise_name(reported, source)
    else:
        name, named_arch = strip_display_name(reported)
        arch = named_arch or arch
    return SoftwareItem(
        name=name,
        display_name=reported,
        publisher=normalise_publisher(_optional_text(item.get("publisher"))),
        version=normalise_version(_optional_text(item.get("version"))),
        arch=arch,
        source=source,
        install_date=_optional_text(item.get("install_date")),
    )


def _optional_text(value: object) -> str | None:
    """A reported value as trimmed text, None when absent or blank."""
    if value is None:
        return None
    return collapse_spaces(str(value)[:NAME_MAX]) or None


def normalise_softwares(items: Sequence[Mapping[str, Any]]) -> list[SoftwareItem]:
    """The software section as catalogue entries, sorted by name, arch and version.

    Entries whose name is blank are dropped (there is no product to file them under). Entries
    with the same name (case-insensitive), version and arch are one installation; the first
    reported wins. Different versions of one name are kept: several kernels are real.
    """
    return sorted(_unique(normalise_software(item) for item in items), key=software_order)


def _unique(items: Iterable[SoftwareItem]) -> list[SoftwareItem]:
    """The first item of each (name, version, arch) that has a name."""
    seen: set[tuple[str, str, str]] = set()
    kept: list[SoftwareItem] = []
    for item in items:
        key = (item.name.casefold(), item.version or "", item.arch or "")
        if item.name and key not in seen:
            seen.add(key)
            kept.append(item)
    return kept


def software_order(item: SoftwareItem) -> tuple[str, str, str, str]:
    """Sort key giving a stable catalogue order: name, arch, version, source."""
    return (item.name.casefold(), item.arch or "", item.version or "", item.source)
