"""``asetik-collector poll``, ``secret seal`` and ``ssh accept-key``: the pollers from the
command line.

``poll`` reads the targets file (or the plan stored over the API), polls every site's SNMP and
SSH devices and ingests what they say through the one ingest path, once (``--once``) or every
interval; a changed SSH host key refuses that device's poll and is recorded as a finding,
which ``ssh accept-key`` resolves after a legitimate device replacement.
``poll --snmp HOST[:PORT] ... --print`` polls one device and prints its observation document
without touching the database; ``poll --ssh HOST[:PORT] --device-type TYPE --username U
(--password-env VAR | --key FILE) --print`` does the same over SSH (``--device-type
linux_agentless`` for a Linux host read without agent). Refused input, and a host key that
differs from ``--known-hosts``, exit 2; a device that cannot be polled exits 1.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import logging
import os
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from prometheus_client import start_http_server

from collector.adapters.metrics import PollMetrics
from collector.adapters.snmp.credentials import (
    AuthProtocol,
    Community,
    Credential,
    PrivProtocol,
    V3User,
)
from collector.adapters.snmp.targets import (
    SiteTargets,
    TargetPlan,
    TargetsError,
    expand,
    load_targets,
)
from collector.adapters.ssh.credentials import SshCredential
from collector.adapters.ssh.hostkeys import HostKeyError, KnownHostsFile
from collector.adapters.ssh.profile import SshProfileError
from collector.bootstrap import (
    Services,
    build_services,
    build_snmp_poller,
    build_ssh_poller,
    secret_box,
)
from collector.config import CollectorConfig, ConfigError, parse_listen
from collector.services.enrolment import Caller
from collector.services.polling import Deliver, PollOutcome, SnmpPoller
from collector.services.ssh_polling import HOST_KEY_CHANGED, SshPoller, SshSite, SshTarget
from collector.services.users import CLI_ADMIN

SSH_PORT = 22
SSH_THREADS = 32  # netmiko sessions at once: each is a thread
# The command line acts as Pusdatin's administrator.

log = logging.getLogger("asetik.collector.poll")


def add_commands(commands: Any) -> None:
    """The ``poll`` and ``secret`` sub-commands."""
    poll = commands.add_parser("poll", help="poll SNMP/SSH devices and ingest what they report")
    poll.add_argument("--targets", type=Path, help="targets file (default DATA_DIR/targets.toml)")
    poll.add_argument("--once", action="store_true", help="one round, then exit")
    poll.add_argument("--concurrency", type=int, default=64, help="devices polled at once (64)")
    poll.add_argument(
        "--metrics-listen", metavar="HOST:PORT", help="serve the poll metrics here (default off)"
    )
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
    poll.add_argument("--ssh", metavar="HOST[:PORT]", help="poll this one SSH device (--print)")
    poll.add_argument("--device-type", help="netmiko device_type, or linux_agentless (--ssh)")
    poll.add_argument("--username", help="SSH user (--ssh)")
    poll.add_argument("--password-env", metavar="VAR", help="variable holding the SSH password")
    poll.add_argument("--key", type=Path, metavar="FILE", help="SSH private key file")
    poll.add_argument(
        "--known-hosts",
        type=Path,
        metavar="FILE",
        help="accept only host keys listed here (default: trust on first use)",
    )
    poll.add_argument(
        "--legacy-algorithms",
        action="store_true",
        help="allow CBC ciphers and SHA-1/MD5 MACs for old devices (--ssh)",
    )
    secret = commands.add_parser("secret", help="sealed secrets").add_subparsers(
        dest="action", required=True)  # fmt: skip
    seal = secret.add_parser("seal", help="seal a secret (stdin, or --env VAR) for targets files")
    seal.add_argument("--env", metavar="VAR", help="read the secret from this variable")
    ssh = commands.add_parser("ssh", help="SSH host-key findings").add_subparsers(
        dest="action", required=True)  # fmt: skip
    accept = ssh.add_parser("accept-key", help="accept a device's new host key (after checking)")
    accept.add_argument("--site", required=True, help="site code")
    accept.add_argument("address", metavar="HOST[:PORT]", help="the device (port 22 by default)")
    accept.add_argument("--fingerprint", help="the SHA256:... key to accept (must be the one seen)")
    findings = ssh.add_parser("findings", help="list host-key findings")
    findings.add_argument("--site", help="site code")
    findings.add_argument("--state", default="open", choices=["open", "resolved", "all"])


def run_poll(config: CollectorConfig, args: argparse.Namespace) -> int:
    if args.ssh:
        if not args.print or args.snmp:
            raise ConfigError("--ssh hanya bersama --print (satu perangkat, tanpa basis data)")
        return asyncio.run(_print_one_ssh(config, args))
    if args.snmp:
        if not args.print:
            raise ConfigError("--snmp hanya bersama --print (satu perangkat, tanpa basis data)")
        return asyncio.run(_print_one(config, args))
    if args.print:
        raise ConfigError("--print perlu --snmp HOST[:PORT] atau --ssh HOST[:PORT]")
    if not 1 <= args.concurrency <= 1024:
        raise ConfigError("--concurrency harus 1..1024")
    read_plan = _file_plan(config, args.targets)
    where = parse_listen(args.metrics_listen) if args.metrics_listen else None
    services = build_services(config, register_gauges=False)
    try:
        if where is not None:
            start_http_server(where[1], where[0], registry=services.registry)
        return asyncio.run(
            _poll_rounds(config, services, read_plan or services.poll_targets.plan, args)
        )
    finally:
        services.close()


def _file_plan(config: CollectorConfig, targets: Path | None) -> Callable[[], TargetPlan] | None:
    """Each round's targets from the file given, or DATA_DIR/targets.toml when it exists
    (read once now, so a bad file stops here); None: use what was stored over the API."""
    path = targets or config.data_dir / "targets.toml"
    if targets is None and not path.exists():
        return None
    read = functools.partial(load_targets, path, secret_box(config).unseal, os.environ)
    read()
    return read


def run_secret_seal(config: CollectorConfig, args: argparse.Namespace) -> int:
    secret = os.environ.get(args.env, "") if args.env else sys.stdin.readline().rstrip("\n")
    if not secret:
        raise ConfigError("rahasia kosong: berikan lewat stdin atau --env VAR")
    print(secret_box(config).seal(secret))
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
    config: CollectorConfig,
    services: Services,
    read_plan: Callable[[], TargetPlan],
    args: argparse.Namespace,
) -> int:
    plan = read_plan()
    poller = build_snmp_poller(config, plan, concurrency=args.concurrency)
    ssh = build_ssh_poller(config, concurrency=min(args.concurrency, SSH_THREADS),
                           findings=services.poll_findings)  # fmt: skip
    deliver_for = functools.partial(_site_ingester, services)
    metrics = PollMetrics(services.registry)
    while True:
        started = time.monotonic()
        snmp_outcomes, ssh_outcomes = await asyncio.gather(
            _poll_all(poller, plan, deliver_for), _poll_ssh(ssh, plan, deliver_for)
        )
        for protocol, outcomes in (("snmp", snmp_outcomes), ("ssh", ssh_outcomes)):
            for outcome in outcomes:
                metrics.record(protocol, outcome.result, outcome.seconds)
        metrics.round_done(time.monotonic() - started)
        counts = Counter(outcome.result for outcome in snmp_outcomes + ssh_outcomes)
        summary = ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "tanpa target"
        line = f"putaran polling selesai dalam {time.monotonic() - started:.1f} s: {summary}"
        if args.once:
            print(line)
            return 1 if counts.get("failed") or counts.get(HOST_KEY_CHANGED) else 0
        log.info("%s", line)
        await asyncio.sleep(max(1.0, plan.interval_minutes * 60 - (time.monotonic() - started)))
        plan = _next_plan(read_plan, plan)


def _next_plan(read_plan: Callable[[], TargetPlan], current: TargetPlan) -> TargetPlan:
    """The targets for the next round; a file broken while polling keeps the last good plan."""
    try:
        return read_plan()
    except TargetsError as exc:
        log.error("target tidak dapat dibaca, putaran berikut memakai daftar lama: %s", exc)
        return current


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


async def _poll_ssh(
    poller: SshPoller, plan: TargetPlan, deliver_for: Callable[[str], Deliver]
) -> list[PollOutcome]:
    """Every SSH group of the plan at once (the poller bounds the sessions)."""
    groups = [
        SshSite(g.code, tuple(SshTarget(a, g.device_type) for a in g.addresses), g.credentials)
        for g in plan.ssh
    ]
    done = await asyncio.gather(*(poller.poll_site(g, deliver_for(g.code)) for g in groups))
    outcomes: list[PollOutcome] = []
    for group, results in zip(groups, done, strict=True):
        for outcome in results:
            if outcome.result != "ok":
                log.info("%s ssh %s:%s: %s", group.code, *outcome.address, outcome.message)
        outcomes.extend(results)
    return outcomes


def _site_ingester(services: Services, site: str) -> Deliver:
    return _ingester(services, services.enrolment.internal_poller(site))


def _ingester(services: Services, caller: Caller) -> Deliver:
    async def deliver(document: dict[str, Any]) -> int:
        size = len(json.dumps(document, ensure_ascii=False).encode())
        result = await asyncio.to_thread(services.ingest_observation, document, caller, size)
        return result.asset_id

    return deliver


async def _print_one_ssh(config: CollectorConfig, args: argparse.Namespace) -> int:
    """Poll one SSH device and print its document (nothing remembered, nothing stored)."""
    target = SshTarget(_ssh_address(args.ssh), args.device_type or "")
    if not args.device_type:
        raise ConfigError("--ssh perlu --device-type (mis. cisco_ios, linux_agentless)")
    try:
        pins = KnownHostsFile(args.known_hosts) if args.known_hosts else None
        poller = build_ssh_poller(config, remember=False, host_keys=pins)
        poller.profile_for(target)
    except (HostKeyError, SshProfileError) as exc:
        raise ConfigError(str(exc)) from exc
    printed: list[dict[str, Any]] = []

    async def show(document: dict[str, Any]) -> None:
        printed.append(document)

    site = SshSite("-", (target,), (_ssh_credential(args),))
    outcome = (await poller.poll_site(site, show))[0]
    if outcome.result != "ok":
        print(f"asetik-collector: {args.ssh}: {outcome.message}", file=sys.stderr)
        return 2 if outcome.result == HOST_KEY_CHANGED else 1
    json.dump(printed[0], sys.stdout, ensure_ascii=False, indent=2)
    print()
    return 0


def _ssh_address(text: str) -> tuple[str, int]:
    if "/" in text:
        raise ConfigError("--ssh menerima satu HOST[:PORT], bukan rentang")
    try:
        host, port = next(expand(text))
    except TargetsError as exc:
        raise ConfigError(str(exc)) from exc
    explicit = "]:" in text or (text.count(":") == 1 and not text.startswith("["))
    return host, port if explicit else SSH_PORT


def _ssh_credential(args: argparse.Namespace) -> SshCredential:
    if not args.username:
        raise ConfigError("--ssh perlu --username")
    if bool(args.password_env) == bool(args.key):
        raise ConfigError("--ssh perlu tepat satu: --password-env VAR atau --key FILE")
    if args.key and not args.key.is_file():
        raise ConfigError(f"berkas kunci {args.key} tidak ada")
    password = _env(args.password_env) if args.password_env else None
    return SshCredential("cli", args.username, password=password, key_file=args.key,
                         legacy_algorithms=args.legacy_algorithms)  # fmt: skip


def run_accept_key(config: CollectorConfig, args: argparse.Namespace) -> int:
    """Accept the key an open host-key finding saw; the poller pins it at its next contact."""
    address = _ssh_address(args.address)
    services = build_services(config)
    try:
        accepted = services.poll_findings.accept_host_key_at(
            CLI_ADMIN, args.site, address, args.fingerprint
        )
    finally:
        services.close()
    print(
        f"kunci {accepted.accepted} untuk {accepted.site} {accepted.address} disetujui; "
        "dipasang pada polling berikutnya bila perangkat menyajikan kunci ini"
    )
    return 0


def run_list_findings(config: CollectorConfig, args: argparse.Namespace) -> int:
    """One line per host-key finding: id, site, address, state, keys, last seen."""
    services = build_services(config)
    try:
        found = services.poll_findings.list_findings(CLI_ADMIN, args.site, args.state)
    finally:
        services.close()
    for item in found:
        state = f"selesai {item.resolved_at:%d-%m-%Y %H:%M}" if item.resolved_at else "terbuka"
        seen = f"{item.occurrences}x, terakhir {item.last_seen:%d-%m-%Y %H:%M}"
        print(f"{item.id}\t{item.site}\t{item.address}\t{state}\ttercatat {item.pinned}"
              f"\tterlihat {item.seen}\t{seen}")  # fmt: skip
    return 0
