"""``asetik-collector``: serve the API, migrate the database, manage sites, tokens and users,
explain smartctl verdicts."""

from __future__ import annotations

import argparse
import functools
import json
import logging
import multiprocessing
import os
import signal
import ssl
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path
from typing import Any

from aiohttp import web

from collector.adapters.db.engine import open_engine
from collector.adapters.db.grafana_role import check_role_name, ensure_grafana_role
from collector.adapters.db.migrate import OutdatedSchemaError, require_current, upgrade
from collector.adapters.sealing import SealError
from collector.adapters.snmp.targets import TargetsError
from collector.bootstrap import Services, build_dispatcher, build_services, prepare_data_dir
from collector.config import CollectorConfig, ConfigError, load_config
from collector.domain.notifications import SettingsError
from collector.entrypoints.calendar_commands import add_commands as add_calendar_commands
from collector.entrypoints.calendar_commands import calendar_override, calendar_show
from collector.entrypoints.eol import add_commands as add_eol_commands
from collector.entrypoints.eol import run_eol_refresh
from collector.entrypoints.evaluation_commands import add_commands as add_evaluation_commands
from collector.entrypoints.evaluation_commands import evaluation_record, evaluation_show
from collector.entrypoints.explain_smart import add_command as add_explain_smart
from collector.entrypoints.explain_smart import run_explain_smart
from collector.entrypoints.notify import add_commands as add_notify_commands
from collector.entrypoints.notify import run_notify
from collector.entrypoints.notify_loop import notification_loop
from collector.entrypoints.plan_commands import add_commands as add_plan_commands
from collector.entrypoints.plan_commands import plan_generate
from collector.entrypoints.poll import add_commands as add_poll_commands
from collector.entrypoints.poll import (
    run_accept_key,
    run_list_findings,
    run_poll,
    run_secret_seal,
)
from collector.entrypoints.reports import add_commands as add_report_commands
from collector.entrypoints.reports import write_report
from collector.errors import Refused, RegisterError
from collector.services.register import AssetFilter
from collector.services.register_io import export_assets, import_bmn
from collector.services.retention import KEEP_DAYS, prune_observations
from collector.services.tickets import counts_line
from collector.services.users import CLI_ADMIN

log = logging.getLogger("asetik.collector")
WORK_ORDER_INTERVAL = 6 * 3600.0  # serve makes the work orders due ahead this often (seconds)


def _add_evaluate(commands: Any) -> None:
    evaluate = commands.add_parser("evaluate", help="re-run the maintenance rules, update tickets")
    evaluate.add_argument("--site", help="only this site's assets")
    evaluate.add_argument("--asset", type=int, help="only this asset (id)")
    evaluate.add_argument(
        "--workers", type=int, default=min(os.cpu_count() or 1, 4),
        help="processes evaluating in parallel (default: the CPUs, at most 4)",
    )  # fmt: skip


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="asetik-collector", description="asetik collector: register aset TIK (ICT assets)"
    )
    parser.add_argument("--db", help="database URL (default: SQLite in the data directory)")
    parser.add_argument("--data-dir", help="data directory (ASETIK_DATA_DIR)")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the API, web UI and /metrics")
    serve.add_argument("--listen", help="HOST:PORT (default 127.0.0.1:8080; ASETIK_LISTEN)")
    serve.add_argument("--workers", type=int, default=1, help="server processes (one per core)")
    serve.add_argument("--tls-cert", type=Path, help="PEM certificate chain (ASETIK_TLS_CERT)")
    serve.add_argument("--tls-key", type=Path, help="PEM private key (ASETIK_TLS_KEY)")
    db = commands.add_parser("db", help="database schema").add_subparsers(
        dest="action", required=True
    )
    db.add_parser("upgrade", help="apply the migrations up to the newest")
    prune = db.add_parser("prune", help="delete observation records older than --keep-days")
    prune.add_argument("--keep-days", type=int, default=KEEP_DAYS)
    grafana = db.add_parser(
        "grafana-role", help="PostgreSQL: a login role that may only SELECT the grafana_* views"
    )
    grafana.add_argument("--name", required=True, help="role name (lower case, digits, _)")
    grafana.add_argument(
        "--password-env",
        required=True,
        metavar="VAR",
        help="environment variable holding the password",
    )
    site = commands.add_parser("site", help="sites and units").add_subparsers(
        dest="action", required=True
    )
    create_site = site.add_parser("create", help="add a site or unit")
    create_site.add_argument("--code", required=True)
    create_site.add_argument("--name", required=True)
    create_site.add_argument("--parent")
    token = commands.add_parser("token", help="enrolment tokens").add_subparsers(
        dest="action", required=True
    )
    create_token = token.add_parser("create", help="print a new enrolment token for a site")
    create_token.add_argument("--site", required=True)
    create_token.add_argument(
        "--expires", type=int, default=7, metavar="DAYS", help="days valid (7)"
    )
    create_token.add_argument("--max-uses", type=int)
    user = commands.add_parser("user", help="operators").add_subparsers(
        dest="action", required=True
    )
    create_user = user.add_parser("create", help="add a user")
    create_user.add_argument("--name", required=True)
    create_user.add_argument(
        "--role", required=True, choices=["viewer", "operator", "planner", "admin"]
    )
    create_user.add_argument("--site", help="limit the user to one site (UPT staff)")
    create_user.add_argument(
        "--password-env", metavar="VAR", help="environment variable holding the password"
    )
    user_token = user.add_parser("token", help="print a new API token for a user")
    user_token.add_argument("--name", required=True)
    assets = commands.add_parser("assets", help="the register as CSV/XLSX (BMN)").add_subparsers(
        dest="action", required=True
    )
    export = assets.add_parser("export", help="write the register to a CSV or XLSX file")
    export.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    export.add_argument("--delimiter", choices=[",", ";", "tab"], default=",")
    export.add_argument("--site")
    export.add_argument("--kind")
    export.add_argument("--status")
    export.add_argument("--output", required=True)
    bmn_import = assets.add_parser("import", help="reconcile BMN columns from a CSV or XLSX file")
    bmn_import.add_argument("file")
    bmn_import.add_argument("--format", choices=["csv", "xlsx"])
    bmn_import.add_argument("--dry-run", action="store_true")
    _add_evaluate(commands)
    for add_more in (
        add_poll_commands,
        add_explain_smart,
        add_eol_commands,
        add_calendar_commands,
        add_plan_commands,
        add_report_commands,
        add_notify_commands,
        add_evaluation_commands,
    ):
        add_more(commands)
    return parser  # fmt: skip


def _config(args: argparse.Namespace) -> CollectorConfig:
    data_dir = Path(args.data_dir) if args.data_dir else None
    return load_config(os.environ, db=args.db, listen=getattr(args, "listen", None),
                       data_dir=data_dir, tls_cert=getattr(args, "tls_cert", None),
                       tls_key=getattr(args, "tls_key", None))  # fmt: skip


def _serve(config: CollectorConfig, args: argparse.Namespace) -> int:
    workers = args.workers
    if workers < 1 or workers > 64:
        raise ConfigError("--workers harus 1..64")
    build_services(config).close()  # refuse an outdated schema before starting anything
    scheme = "https" if config.tls_cert else "http"
    print(f"asetik-collector: {scheme}://{config.host}:{config.port}/ (API /api/v1)", flush=True)
    if workers == 1:
        _serve_one(config, reuse_port=False)
        return 0
    # One process per core: the ingest path is CPU-bound Python, so threads would share one
    # core. The kernel spreads connections over the processes (SO_REUSEPORT).
    context = multiprocessing.get_context("fork")
    processes = [
        context.Process(target=_serve_one, args=(config, True), name=f"asetik-worker-{n}")
        for n in range(workers)
    ]
    for process in processes:
        process.start()

    def stop(_signal: int, _frame: object) -> None:
        for process in processes:
            process.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for process in processes:
        process.join()
    return 0 if all(p.exitcode in (0, -signal.SIGTERM) for p in processes) else 1


def _serve_one(config: CollectorConfig, reuse_port: bool) -> None:
    from collector.entrypoints.http import build_app  # noqa: PLC0415

    services = build_services(config)
    app = build_app(services, work_order_interval=WORK_ORDER_INTERVAL,
                    cookie_secure=config.cookie_secure)  # fmt: skip
    app.cleanup_ctx.append(notification_loop(functools.partial(build_dispatcher, config, services)))

    async def close(_app: web.Application) -> None:
        services.close()

    app.on_cleanup.append(close)
    web.run_app(app, host=config.host, port=config.port, print=None, access_log=None,
                reuse_port=reuse_port, ssl_context=_tls_context(config))  # fmt: skip


def _tls_context(config: CollectorConfig) -> ssl.SSLContext | None:
    """The server's TLS context (TLS 1.2 at least) when a certificate is configured."""
    if config.tls_cert is None or config.tls_key is None:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(config.tls_cert, config.tls_key)
    return context


def _db_upgrade(config: CollectorConfig, _args: argparse.Namespace) -> int:
    prepare_data_dir(config)
    engine = open_engine(config.db_url)
    upgrade(engine)
    engine.dispose()
    print("skema basis data mutakhir (database schema is current)")
    return 0


def _db_grafana_role(config: CollectorConfig, args: argparse.Namespace) -> int:
    check_role_name(args.name)
    password = os.environ.get(args.password_env)
    if not password:
        raise RegisterError(f"variabel lingkungan {args.password_env} kosong atau tidak ada")
    engine = open_engine(config.db_url)
    try:
        require_current(engine)
        created = ensure_grafana_role(engine, args.name, password)
    finally:
        engine.dispose()
    done = "dibuat" if created else "diperbarui"
    print(f"peran {args.name} {done}: hanya SELECT pada view grafana_* (read-only role)")
    return 0


def _with_services(action: Callable[[Services, argparse.Namespace], None]) -> Callable[..., int]:
    def run(config: CollectorConfig, args: argparse.Namespace) -> int:
        services = build_services(config)
        try:
            action(services, args)
        finally:
            services.close()
        return 0

    return run


def _site_create(services: Services, args: argparse.Namespace) -> None:
    site_id = services.enrolment.create_site(args.code, args.name, args.parent)
    print(f"situs {args.code.upper()} dibuat (id {site_id})")


def _token_create(services: Services, args: argparse.Namespace) -> None:
    token = services.enrolment.create_token(args.site, timedelta(days=args.expires), args.max_uses)
    print(f"token pendaftaran untuk {args.site.upper()}, berlaku {args.expires} hari:")
    print(token)


def _user_create(services: Services, args: argparse.Namespace) -> None:
    password = None
    if args.password_env:
        password = os.environ.get(args.password_env)
        if not password:
            raise RegisterError(f"variabel lingkungan {args.password_env} kosong atau tidak ada")
    services.users.create(args.name, args.role, args.site, password)
    print(f"pengguna {args.name} dibuat ({args.role})")


def _user_token(services: Services, args: argparse.Namespace) -> None:
    token = services.users.issue_token(args.name)
    print(f"token API untuk {args.name}:")
    print(token)


# The command line acts as Pusdatin's administrator: every site, every role.


def _assets_export(services: Services, args: argparse.Namespace) -> None:
    delimiter = "\t" if args.delimiter == "tab" else args.delimiter
    wanted = AssetFilter(args.site, args.kind, args.status)
    data = export_assets(services.sessions, CLI_ADMIN, args.format, wanted, delimiter=delimiter)
    Path(args.output).write_bytes(data)
    print(f"register ditulis ke {args.output} ({len(data)} bita)")


def _assets_import(services: Services, args: argparse.Namespace) -> None:
    path = Path(args.file)
    fmt = args.format or ("xlsx" if path.suffix.lower() == ".xlsx" else "csv")
    report = import_bmn(services.sessions, CLI_ADMIN, path.read_bytes(), fmt,
                        dry_run=args.dry_run, now=services.clock())  # fmt: skip
    print(json.dumps(asdict(report), ensure_ascii=False, indent=2, default=str))
    if report.error_count:
        raise RegisterError(f"{report.error_count} baris ditolak; tidak ada yang diubah")


def _db_prune(services: Services, args: argparse.Namespace) -> None:
    try:
        deleted = prune_observations(services.sessions, services.clock(), args.keep_days)
    except ValueError as exc:
        raise ConfigError(str(exc)) from exc
    print(f"{deleted} catatan observasi lama dihapus")


def _evaluate(services: Services, args: argparse.Namespace) -> None:
    if not 1 <= args.workers <= 64:
        raise ConfigError("--workers harus 1..64")
    started = time.perf_counter()
    counts = services.tickets.evaluate_scope(args.site, args.asset, workers=args.workers)
    closed, reopened = services.verification.after_evaluation(
        None if args.asset is None else [args.asset], args.site
    )
    print(f"{counts_line(counts)}, pemeliharaan dikonfirmasi {closed}, "
          f"dibuka lagi {reopened} ({time.perf_counter() - started:.1f} detik)")  # fmt: skip


COMMANDS: dict[tuple[str, str | None], Callable[[CollectorConfig, argparse.Namespace], int]] = {
    ("serve", None): _serve,
    ("db", "upgrade"): _db_upgrade,
    ("db", "prune"): _with_services(_db_prune),
    ("db", "grafana-role"): _db_grafana_role,
    ("site", "create"): _with_services(_site_create),
    ("token", "create"): _with_services(_token_create),
    ("user", "create"): _with_services(_user_create),
    ("user", "token"): _with_services(_user_token),
    ("assets", "export"): _with_services(_assets_export),
    ("assets", "import"): _with_services(_assets_import),
    ("evaluate", None): _with_services(_evaluate),
    ("poll", None): run_poll,
    ("secret", "seal"): run_secret_seal,
    ("ssh", "accept-key"): run_accept_key,
    ("ssh", "findings"): run_list_findings,
    ("explain-smart", None): run_explain_smart,
    ("eol", "refresh"): run_eol_refresh,
    ("report", "maintenance"): _with_services(write_report),
    ("report", "evaluation"): _with_services(write_report),
    ("calendar", "show"): _with_services(calendar_show),
    ("calendar", "override"): _with_services(calendar_override),
    ("plan", "generate"): _with_services(plan_generate),
    ("notify", "set"): run_notify,
    ("notify", "show"): run_notify,
    ("notify", "send"): run_notify,
    ("evaluation", "record"): _with_services(evaluation_record),
    ("evaluation", "show"): _with_services(evaluation_show),
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``asetik-collector``; returns the exit status (2 for refused input)."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")  # fmt: skip
    logging.getLogger("alembic").setLevel(logging.WARNING)
    command = COMMANDS[(args.command, getattr(args, "action", None))]
    try:
        return command(_config(args), args)
    except (ConfigError, RegisterError, OutdatedSchemaError, SealError, TargetsError,
            SettingsError) as exc:  # fmt: skip
        print(f"asetik-collector: {exc}", file=sys.stderr)
        return 2
    except Refused as exc:
        print(f"asetik-collector: {exc.message}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
