"""``asetik-agent``: ``inventory`` prints one observation document, ``run`` enrols and sends."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from agent import __version__


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="asetik-agent",
        description="asetik endpoint agent: ICT asset inventory (aset TIK) of this machine.",
    )
    parser.add_argument("--version", action="version", version=f"asetik-agent {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    commands = parser.add_subparsers(dest="command", required=True)
    inventory = commands.add_parser(
        "inventory", help="collect and print one observation document; sends nothing"
    )
    inventory.add_argument("--output", type=Path, help="write the document to FILE, not stdout")
    inventory.add_argument("--pretty", action="store_true", help="indent the JSON for reading")
    inventory.add_argument(
        "--cache-dir",
        type=Path,
        help="re-use costly results (pending updates) kept here while their inputs are unchanged",
    )
    run = commands.add_parser(
        "run", help="enrol if needed, collect and send to the collector, on an interval"
    )
    run.add_argument("--once", action="store_true", help="one collect-and-send cycle, then exit")
    run.add_argument("--config", type=Path, help="TOML configuration file")
    return parser


def _inventory(output: Path | None, pretty: bool, cache_dir: Path | None) -> int:
    from agent.document import build_observation  # noqa: PLC0415 - keep --help fast
    from agent.inventory import collect_sections  # noqa: PLC0415
    from agent.sources.host import live_host  # noqa: PLC0415

    collected = collect_sections(live_host(cache_dir=cache_dir))
    document = build_observation(collected, collected_at=datetime.now(UTC))
    text = json.dumps(document, ensure_ascii=False, indent=2 if pretty else None)
    if output is None:
        sys.stdout.write(text + "\n")
        return 0
    temporary = output.with_name(output.name + ".tmp")
    temporary.write_text(text + "\n", encoding="utf-8")
    temporary.replace(output)
    return 0


def _run(config_path: Path | None, once: bool) -> int:
    from agent.config import ConfigError, load_config  # noqa: PLC0415
    from agent.runner import run_agent  # noqa: PLC0415

    try:
        config = load_config(config_path, os.environ)
    except ConfigError as exc:
        logging.getLogger("asetik.agent").error("konfigurasi tidak valid: %s", exc)
        return 2
    return run_agent(config, once=once)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``asetik-agent``; returns the process exit status."""
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if args.command == "inventory":
        return _inventory(args.output, args.pretty, args.cache_dir)
    return _run(args.config, args.once)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
