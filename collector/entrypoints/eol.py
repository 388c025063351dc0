"""``asetik-collector eol refresh``: rebuild the shipped end-of-life data file."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from collector.config import CollectorConfig
from collector.domain.eol import shipped_eol_path
from collector.services.eol_refresh import EolSourceError, refresh_eol

DEFAULT_SOURCE = "../shared/corpus/eol"  # the recorded endoflife.date snapshot beside the repo


def add_commands(commands: Any) -> None:
    """Add ``eol refresh`` to the command-line parser."""
    eol = commands.add_parser("eol", help="end-of-life data").add_subparsers(
        dest="action", required=True
    )
    refresh = eol.add_parser("refresh", help="rebuild the EOL data file from endoflife.date data")
    refresh.add_argument(
        "--from", dest="source", default=DEFAULT_SOURCE,
        help=f"directory or endoflife.date API v1 base URL (default: {DEFAULT_SOURCE})",
    )  # fmt: skip
    refresh.add_argument("--output", type=Path, help="file to write (default: the shipped one)")
    refresh.add_argument("--date", help="refresh date to record, YYYY-MM-DD (default: today UTC)")


def run_eol_refresh(_config: CollectorConfig, args: argparse.Namespace) -> int:
    """Rebuild the data file; 2 with a message and the file unchanged when the source fails."""
    try:
        day = datetime.strptime(args.date, "%Y-%m-%d").date() if args.date else None
    except ValueError:
        print(f"asetik-collector: --date {args.date!r} is not YYYY-MM-DD", file=sys.stderr)
        return 2
    output = args.output or shipped_eol_path()
    try:
        cycles = refresh_eol(args.source, output, refreshed=day or datetime.now(UTC).date())
    except EolSourceError as exc:
        print(f"asetik-collector: eol refresh: {exc} (file unchanged)", file=sys.stderr)
        return 2
    print(f"{output}: {cycles} cycles from {args.source}")
    return 0
