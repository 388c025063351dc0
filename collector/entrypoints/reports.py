"""``asetik-collector report maintenance|evaluation``: an SOP report for a site and period
written to a file (or to standard output with ``--output -``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from collector.bootstrap import Services
from collector.services.reports import ReportKind, ReportRequest
from collector.services.users import CLI_ADMIN

# The command line acts as Pusdatin's administrator: every site.


def add_commands(commands: Any) -> None:
    """Add ``report maintenance`` and ``report evaluation`` to the command-line parser."""
    report = commands.add_parser("report", help="SOP reports (PDF, XLSX, CSV)").add_subparsers(
        dest="action", required=True
    )
    helps = {ReportKind.MAINTENANCE: "Laporan Pemeliharaan TIK",
             ReportKind.EVALUATION: "Hasil Monitoring dan Evaluasi Pemeliharaan TIK"}  # fmt: skip
    for kind, text in helps.items():
        command = report.add_parser(kind.value, help=text)
        command.add_argument("--site", required=True, help="site code")
        command.add_argument("--period", required=True, help="2026, 2026-H2, 2026-Q3, 2026-07")
        command.add_argument("--format", default="pdf", help="pdf (default), xlsx or csv")
        command.add_argument("--language", help="id (default) or en")
        command.add_argument("--output", help="file to write, - for standard output "
                             "(default: the report's own name in this directory)")  # fmt: skip


def write_report(services: Services, args: argparse.Namespace) -> None:
    """Render the report and write it; refused requests raise Refused (exit status 2)."""
    wanted = ReportRequest(args.action, args.site, args.period, args.format, args.language)
    report = services.reports.render(CLI_ADMIN, wanted)
    if args.output == "-":
        sys.stdout.buffer.write(report.body)
        sys.stdout.flush()
        print(f"laporan ditulis ({len(report.body)} bita)", file=sys.stderr)
        return
    path = Path(args.output or report.filename)
    path.write_bytes(report.body)
    print(f"laporan ditulis ke {path} ({len(report.body)} bita)")
