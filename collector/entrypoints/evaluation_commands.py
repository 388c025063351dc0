"""``asetik-collector evaluation record|show``: the M&E record (SOP 4) of a site and period
from the command line, through the same checks as the API."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from collector.bootstrap import Services
from collector.config import ConfigError
from collector.services.evaluations import MAX_CONCLUSIONS, evaluation_json
from collector.services.users import CLI_ADMIN, Role, Viewer

MAX_FILE_BYTES = 4 * MAX_CONCLUSIONS  # UTF-8 needs at most four bytes a character


def add_commands(commands: Any) -> None:
    """Add ``evaluation record`` and ``evaluation show`` to the command-line parser."""
    evaluation = commands.add_parser("evaluation", help="the M&E record (monev) of a period")
    actions = evaluation.add_subparsers(dest="action", required=True)
    record = actions.add_parser("record", help="write or replace a site's M&E record")
    show = actions.add_parser("show", help="print a site's M&E record as JSON")
    for command in (record, show):
        command.add_argument("--site", required=True, help="site code")
        command.add_argument("--period", required=True, help="2026, 2026-H2, 2026-Q3, 2026-07")
    record.add_argument("--evaluator", required=True, help="the evaluator's name")
    record.add_argument("--nip", help="the evaluator's NIP (18 digits)")
    record.add_argument("--title", help="the evaluator's position (jabatan)")
    record.add_argument("--date", required=True, help="the evaluation's date, YYYY-MM-DD")
    record.add_argument("--conclusions-file", required=True, help="UTF-8 text file")
    record.add_argument(
        "--follow-ups-file", help='JSON file: [{"action": ..., "pic": ..., "due": "YYYY-MM-DD"}]'
    )
    record.add_argument("--by", default="cli", help="who records it (kept with the record)")


def _read(path_text: str, option: str) -> str:
    path = Path(path_text)
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"{option}: {path} tidak dapat dibaca ({exc.strerror})") from None
    if len(raw) > MAX_FILE_BYTES:
        raise ConfigError(f"{option}: {path} lebih dari {MAX_FILE_BYTES} bita")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(f"{option}: {path} bukan teks UTF-8") from None


def evaluation_record(services: Services, args: argparse.Namespace) -> None:
    """Check and store the record; refusals raise Refused/ConfigError (exit status 2)."""
    body: dict[str, Any] = {
        "evaluator": args.evaluator,
        "evaluated_on": args.date,
        "conclusions": _read(args.conclusions_file, "--conclusions-file"),
    }
    if args.nip is not None:
        body["evaluator_nip"] = args.nip
    if args.title is not None:
        body["evaluator_title"] = args.title
    if args.follow_ups_file:
        try:
            body["follow_ups"] = json.loads(_read(args.follow_ups_file, "--follow-ups-file"))
        except json.JSONDecodeError as exc:
            raise ConfigError(f"--follow-ups-file: JSON tidak sah ({exc.msg})") from None
    writer = Viewer(user_id=0, name=args.by[:64], role=Role.ADMIN, site_id=None)
    stored = services.evaluations.record(writer, args.site, args.period, body)
    print(f"catatan monev {stored.site_code} periode {stored.period_code} disimpan")


def evaluation_show(services: Services, args: argparse.Namespace) -> None:
    """Print the stored record as JSON."""
    reader = CLI_ADMIN
    found = services.evaluations.get(reader, args.site, args.period)
    print(json.dumps(evaluation_json(found), ensure_ascii=False, indent=2, default=str))
