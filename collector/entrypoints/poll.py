"""``asetik-collector poll`` and ``secret seal``: the SNMP poller from the command line.

``poll`` reads the targets file, polls every site's devices and ingests what they say through
the one ingest path, once (``--once``) or every interval. ``poll --snmp HOST[:PORT] ... --print``
polls one device and prints its observation document without touching the database.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from collector.adapters.sealing import SecretBox, load_key
from collector.adapters.snmp.credentials import (
    AuthProtocol,
    Community,
    Credential,
    PrivProtocol,
    V3User,
)
from collector.adapters.snmp.targets import SiteTargets, TargetPlan, expand, load_targets
from collector.bootstrap import Services, build_services, build_snmp_poller, prepare_data_dir
from collector.config import CollectorConfig, ConfigError
from collector.services.enrolment import Caller
from collector.services.polling import Deliver, PollOutcome, SnmpPoller

log = logging.getLogger("asetik.collector.poll")


def add_commands(commands: Any) -> None:
    """The ``poll`` and ``secret`` sub-commands."""
    poll = commands.add_parser("poll", help="poll SNMP devices and ingest what they report")
    poll.add_argument("--targets", type=Path, help="targets file (default DATA_DIR/targets.toml)")
    poll.add_argument("--once", action="store_true", help="one round, then exit")
    poll.add_argument("--concurrency", type=int, default=64, help="devices polled at once (64)")
    poll.add_argument("--snmp", metavar="HOST[:PORT]", help="poll this one device (with --print)")
    poll.add_argument("--print", action="store_true", help="print the document, store nothing")
    poll.add_argument("--timeout", type=float, default=2.0, help="seconds per request (--snmp)")
    poll.add_argument("--community", help="v2c community (shows in ps: prefer --community-env)")
    poll.add_argument("--community-env", metavar="VAR", help="variable holding the community")
    poll.add_argument("--v3-user", help="SNMPv3 user (authPriv)")
    poll.add_argument("--auth-protocol", default="sha256", choices=[p.value for p in AuthProtocol])
    poll.add_argument("--auth-key-env", metavar="VAR", help="variable holding the auth key")
    poll.add_argument("--priv-protocol", default="aes", choices=[p.value for p in PrivProtocol])
    poll.add_argument("--priv-key-env", metavar="VAR", help="variable holding the priv key")
    secret = commands.add_parser("secret", help="sealed secrets").add_subparsers(
        dest="action", required=True)  # fmt: skip
    seal = secret.add_parser("seal", help="seal a secret (stdin, or --env VAR) for targets files")
    seal.add_argument("--env", metavar="VAR", help="read the secret from this variable")


def run_poll(config: CollectorConfig, args: argparse.Namespace) -> int:
    if args.snmp:
        if not args.print:
            raise ConfigError("--snmp hanya bersama --print (satu perangkat, tanpa basis data)")
        return asyncio.run(_print_one(config, args))
    if args.print:
        raise ConfigError("--print perlu --snmp HOST[:PORT]")
    if not 1 <= args.concurrency <= 1024:
        raise ConfigError("--concurrency harus 1..1024")
    prepare_data_dir(config)
    box = SecretBox(load_key(config.secret_key, config.data_dir))
    plan = load_targets(args.targets or config.data_dir / "targets.toml", box.unseal, os.environ)
    services = build_services(config)
    try:
        return asyncio.run(_poll_rounds(config, services, plan, args))
    finally:
        services.close()


def run_secret_seal(config: CollectorConfig, args: argparse.Namespace) -> int:
    secret = os.environ.get(args.env, "") if args.env else sys.stdin.readline().rstrip("\n")
    if not secret:
        raise ConfigError("rahasia kosong: berikan lewat stdin atau --env VAR")
    prepare_data_dir(config)
    print(SecretBox(load_key(config.secret_key, config.data_dir)).seal(secret))
    return 0


async def _print_one(config: CollectorConfig, args: argparse.Namespace) -> int:
    address = next(expand(args.snmp)) if "/" not in args.snmp else None
    if address is None:
        raise ConfigError("--snmp menerima satu HOST[:PORT], bukan rentang")
    plan = TargetPlan((), timeout=args.timeout, retries=1)
    poller = build_snmp_poller(config, plan, remember=False)
    site = SiteTargets("-", (address,), (_one_credential(args),))
    printed: list[dict[str, Any]] = []

    async def show(document: dict[str, Any]) -> None:
        printed.append(document)

    outcome = (await poller.poll_site(site, show))[0]
    if outcome.result != "ok":
        print(f"asetik-collector: {args.snmp}: {outcome.message}", file=sys.stderr)
        return 1
    json.dump(printed[0], sys.stdout, ensure_ascii=False, indent=2)
    print()
    return 0


def _one_credential(args: argparse.Namespace) -> Credential:
    if args.v3_user:
        return V3User(args.v3_user, AuthProtocol(args.auth_protocol), _env(args.auth_key_env),
                      PrivProtocol(args.priv_protocol), _env(args.priv_key_env))  # fmt: skip
    if args.community_env:
        return Community(_env(args.community_env))
    if args.community:
        return Community(args.community)
    raise ConfigError("perlu --community/--community-env atau --v3-user")


def _env(name: str | None) -> str:
    value = os.environ.get(name or "", "")
    if not value:
        raise ConfigError(f"variabel lingkungan {name or '(tidak disebut)'} kosong")
    return value


async def _poll_rounds(
    config: CollectorConfig, services: Services, plan: TargetPlan, args: argparse.Namespace
) -> int:
    poller = build_snmp_poller(config, plan, concurrency=args.concurrency)
    callers = {site.code: services.enrolment.internal_poller(site.code) for site in plan.sites}
    while True:
        started = time.monotonic()
        outcomes = await _poll_all(poller, plan, lambda code: _ingester(services, callers[code]))
        counts = Counter(outcome.result for outcome in outcomes)
        summary = ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "tanpa target"
        line = f"putaran polling selesai dalam {time.monotonic() - started:.1f} s: {summary}"
        if args.once:
            print(line)
            return 0 if not counts.get("failed") else 1
        log.info("%s", line)
        await asyncio.sleep(max(1.0, plan.interval_minutes * 60 - (time.monotonic() - started)))


async def _poll_all(
    poller: SnmpPoller, plan: TargetPlan, deliver_for: Callable[[str], Deliver]
) -> list[PollOutcome]:
    outcomes: list[PollOutcome] = []
    for site in plan.sites:
        for outcome in await poller.poll_site(site, deliver_for(site.code)):
            if outcome.result != "ok":
                log.info("%s %s:%s: %s", site.code, *outcome.address, outcome.message)
            outcomes.append(outcome)
    return outcomes


def _ingester(services: Services, caller: Caller) -> Deliver:
    async def deliver(document: dict[str, Any]) -> int:
        size = len(json.dumps(document, ensure_ascii=False).encode())
        result = await asyncio.to_thread(services.ingest.ingest, document, caller, size)
        return result.asset_id

    return deliver
