"""``asetik-collector plan generate``: make the work orders of active plans ahead of time."""

from __future__ import annotations

import argparse
from typing import Any

from collector.bootstrap import Services
from collector.services.work_orders import DEFAULT_HORIZON_DAYS


def add_commands(commands: Any) -> None:
    """Add ``plan generate`` to the command-line parser."""
    plan = commands.add_parser("plan", help="maintenance plans (SOP 2-3)").add_subparsers(
        dest="action", required=True
    )
    generate = plan.add_parser("generate", help="make the work orders due within the horizon")
    generate.add_argument("--horizon", type=int, default=DEFAULT_HORIZON_DAYS, metavar="DAYS",
                          help=f"days ahead (default {DEFAULT_HORIZON_DAYS})")  # fmt: skip


def plan_generate(services: Services, args: argparse.Namespace) -> None:
    """Generate and print how many work orders were new (running it again makes none)."""
    made = services.work_orders.generate(args.horizon)
    print(f"perintah kerja baru: {made} (cakrawala {args.horizon} hari)")
