"""``asetik-collector calendar show|override``: the working-day calendar and its overrides."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from collector.bootstrap import Services
from collector.config import ConfigError
from collector.domain.human_dates import tanggal
from collector.services.workday_calendar import working_days_in

_DAYS = ("Sen", "Sel", "Rab", "Kam", "Jum", "Sab", "Min")


def add_commands(commands: Any) -> None:
    """Add ``calendar show`` and ``calendar override`` to the command-line parser."""
    calendar = commands.add_parser("calendar", help="working days (hari kerja)").add_subparsers(
        dest="action", required=True
    )
    show = calendar.add_parser("show", help="a year's holidays, cuti bersama and overrides")
    show.add_argument("--year", type=int, required=True)
    override = calendar.add_parser("override", help="declare a date (not) a working day")
    override.add_argument("--date", required=True, help="YYYY-MM-DD")
    which = override.add_mutually_exclusive_group(required=True)
    which.add_argument("--off", action="store_true", help="not a working day")
    which.add_argument("--on", action="store_true", help="a working day")
    which.add_argument("--remove", action="store_true", help="drop the date's override")
    override.add_argument("--reason", help="why (required with --off/--on)")
    override.add_argument("--by", default="cli", help="who decided (recorded)")


def parse_day(text: str) -> date:
    """A YYYY-MM-DD date; ConfigError naming the text otherwise."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"tanggal tidak sah: {text[:40]!r} (bentuk YYYY-MM-DD)") from None


def calendar_show(services: Services, args: argparse.Namespace) -> None:
    """Print the year's working-day count and one line per holiday or override."""
    if not 1990 <= args.year <= 2100:
        raise ConfigError("--year harus 1990..2100")
    workdays, entries = services.calendar.year(args.year)
    print(f"hari kerja {args.year}: {working_days_in(workdays, args.year)}")
    for entry in entries:
        state = "kerja" if entry.working else "libur"
        source = f"pengecualian oleh {entry.override_by}: " if entry.override_by else ""
        print(f"{entry.day.isoformat()}\t{_DAYS[entry.day.weekday()]}\t{state}\t"
              f"{tanggal(entry.day)}\t{source}{entry.why}")  # fmt: skip


def calendar_override(services: Services, args: argparse.Namespace) -> None:
    """Record, replace or remove one date's override."""
    day = parse_day(args.date)
    if args.remove:
        services.calendar.remove_override(day)
        print(f"pengecualian {day.isoformat()} dihapus")
        return
    if not args.reason:
        raise ConfigError("--reason wajib diisi dengan --off/--on")
    services.calendar.override(day, bool(args.on), args.reason, args.by)
    print(f"{day.isoformat()} kini {'hari kerja' if args.on else 'hari libur'}")
