"""``asetik-collector explain-smart FILE...``: the disk rules' verdict for smartctl JSON files.

Each file is what ``smartctl --json`` printed for one disk. It goes through the agent's own
parser (agent/probes/smart_parse.py), so the verdict is the one an ingested agent report of the
same disk would get, then through the disk rules with the thresholds of the shipped rules file.
Reads no database and writes nothing.
"""

from __future__ import annotations

import argparse
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from agent.probes.smart_parse import decode_json, parse_smartctl
from collector.config import CollectorConfig
from collector.domain.rules.disk import DiskAssessment, DiskVerdict, assess_disk
from collector.domain.rules.disk_view import DiskView
from collector.domain.rules.findings import Thresholds

EXIT_HELP = (
    "Status keluar / exit status: 0 bila setiap berkas terbaca (apa pun putusannya, termasuk "
    "UNKNOWN untuk berkas yang bukan JSON smartctl); 1 bila ada berkas yang tidak dapat dibaca "
    "(tidak ada, direktori, tanpa izin). 0 when every file could be read, whatever its verdict; "
    "1 when a file could not be read."
)
# Keys only a smartctl device document carries (the SCSI corpus file has no "smartctl" block).
_SMARTCTL_KEYS = ("smartctl", "json_format_version", "device", "smart_status")
_TEXT = {
    "scan": (
        "hasil pemindaian smartctl --scan, bukan data satu disk",
        "smartctl --scan output, not one disk's data",
    ),
    "not_json": (
        "bukan JSON (keluaran smartctl --json diharapkan)",
        "not JSON (smartctl --json output expected)",
    ),
    "not_smartctl": ("JSON ini bukan keluaran smartctl --json", "this JSON is not smartctl output"),
    "unreadable": ("berkas tidak dapat dibaca", "file cannot be read"),
}


def add_command(commands: Any) -> None:
    """Register ``explain-smart`` on the collector's sub-command parser."""
    explain = commands.add_parser(
        "explain-smart",
        help="verdict OK/WARN/CRIT/UNKNOWN per smartctl --json file",
        description="One line per FILE: FILE<TAB>OK|WARN|CRIT|UNKNOWN<TAB>reasons. " + EXIT_HELP,
    )
    explain.add_argument("files", nargs="+", metavar="FILE", help="smartctl --json output")
    explain.add_argument("--lang", choices=["id", "en"], default="id", help="reasons' language")


def default_thresholds() -> Thresholds:
    """The ``[disk]`` table of the rules file shipped with the collector."""
    text = resources.files("collector.domain.rules").joinpath("defaults.toml").read_text("utf-8")
    table = tomllib.loads(text)["disk"]
    if not isinstance(table, dict):
        raise TypeError("defaults.toml: [disk] must be a table")
    return table


def _unknown(key: str, lang: str, detail: str = "") -> tuple[DiskVerdict, list[str]]:
    text_id, text_en = _TEXT[key]
    return DiskVerdict.UNKNOWN, [(text_id if lang == "id" else text_en) + detail]


def explain_text(text: str, thresholds: Thresholds, lang: str) -> tuple[DiskVerdict, list[str]]:
    """The verdict and reasons for one file's text (pure: no file or database access)."""
    doc = decode_json(text)
    if doc is None:
        return _unknown("not_json", lang)
    if "devices" in doc and "device" not in doc:
        return _unknown("scan", lang)
    if not any(key in doc for key in _SMARTCTL_KEYS):
        return _unknown("not_smartctl", lang)
    view = DiskView(parse_smartctl(doc))
    assessment: DiskAssessment = assess_disk(view, thresholds)
    return assessment.verdict, assessment.reasons(lang)


def _line(*fields: str) -> str:
    return "\t".join(" ".join(text.split()) if i else text for i, text in enumerate(fields))


def run_explain_smart(config: CollectorConfig, args: argparse.Namespace) -> int:
    """Print one verdict line per file; exit 1 when any file could not be read, else 0."""
    thresholds = default_thresholds()
    status = 0
    for name in args.files:
        try:
            text = Path(name).read_bytes().decode("utf-8", errors="replace")
        except OSError as exc:
            verdict, reasons = _unknown("unreadable", args.lang, f": {exc.strerror or exc}")
            status = 1
        else:
            verdict, reasons = explain_text(text, thresholds, args.lang)
        print(_line(name, verdict.value, "; ".join(reasons)), flush=True)
    return status
