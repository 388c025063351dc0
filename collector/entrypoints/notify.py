"""``asetik-collector notify``: per-site notification settings, and a delivery pass on demand."""

from __future__ import annotations

import argparse
import asyncio
import os

from collector.adapters.webhook import AiohttpPoster
from collector.bootstrap import Services, build_dispatcher, build_services
from collector.config import CollectorConfig
from collector.domain.digest import wib_time
from collector.domain.notifications import Language, SettingsError
from collector.services.notification_settings import SettingsChange, SiteNotifications


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``notify set``, ``notify show`` and ``notify send`` to the command-line parser."""
    notify = commands.add_parser("notify", help="webhook and e-mail for new critical tickets")
    actions = notify.add_subparsers(dest="action", required=True)
    put = actions.add_parser("set", help="a site's webhook, e-mail recipients and language")
    put.add_argument("--site", required=True)
    put.add_argument("--webhook", metavar="URL", help="http(s) URL the signed JSON is posted to")
    put.add_argument("--webhook-secret-env", metavar="VAR",
                     help="environment variable holding the webhook signing secret")  # fmt: skip
    put.add_argument("--email", metavar="LIST", help="comma-separated digest recipients")
    put.add_argument("--language", help="id (default) or en")
    put.add_argument("--no-webhook", action="store_true", help="switch the webhook off")
    put.add_argument("--no-email", action="store_true", help="switch the e-mail digest off")
    show = actions.add_parser("show", help="settings (secret as set/unset) and deliveries")
    show.add_argument("--site")
    actions.add_parser("send", help="one delivery pass now (webhooks and due digests)")


def run_notify(config: CollectorConfig, args: argparse.Namespace) -> int:
    """Run one ``notify`` action; SettingsError/RegisterError reach main (exit status 2)."""
    if args.action == "set":
        change = _change(args)  # before the database: a missing variable changes nothing
        services = build_services(config)
        try:
            shown = services.notification_settings.set_site(args.site, change)
        finally:
            services.close()
        print(f"pengaturan notifikasi {shown.site} disimpan")
        print(_describe(shown))
        return 0
    services = build_services(config)
    try:
        if args.action == "show":
            return _show(services, args.site)
        return _send(config, services)
    finally:
        services.close()


def _change(args: argparse.Namespace) -> SettingsChange:
    secret = None
    if args.webhook_secret_env:
        secret = os.environ.get(args.webhook_secret_env)
        if not secret:
            raise SettingsError(
                f"variabel lingkungan {args.webhook_secret_env} kosong atau tidak ada"
            )
    emails = args.email.split(",") if args.email is not None else None
    return SettingsChange(args.webhook, secret, emails, args.language, args.no_webhook,
                          args.no_email)  # fmt: skip


def _show(services: Services, site: str | None) -> int:
    found = services.notification_settings.show(site)
    if not found:
        print("belum ada situs dengan pengaturan notifikasi")
    for shown in found:
        print(_describe(shown))
    return 0


def _send(config: CollectorConfig, services: Services) -> int:
    async def one_pass() -> str:
        poster = AiohttpPoster()
        try:
            counts = await build_dispatcher(config, services, poster).deliver_once()
        finally:
            await poster.close()
        return counts.line()

    print(asyncio.run(one_pass()))
    return 0


def _describe(shown: SiteNotifications) -> str:
    """A site's settings for people: the secret only as set/unset."""
    on = {True: "aktif", False: "mati"}
    last = wib_time(shown.digest_sent_at, Language.ID) if shown.digest_sent_at else "belum pernah"
    lines = [
        f"{shown.site}  bahasa {shown.language}",
        f"  webhook  {on[shown.webhook_enabled]}  {shown.webhook_url or '-'}  "
        f"rahasia: {shown.webhook_secret}",
        f"  e-mail   {on[shown.email_enabled]}  {', '.join(shown.emails) or '-'}  "
        f"ringkasan terakhir: {last}",
    ]
    for channel, states in sorted(shown.deliveries.items()):
        counted = ", ".join(f"{state} {count}" for state, count in sorted(states.items()))
        lines.append(f"  pengiriman {channel}: {counted}")
    lines.extend(
        f"  gagal: tiket {f.ticket_id} via {f.channel} setelah {f.attempts} percobaan: "
        f"{f.last_error}"
        for f in shown.failed
    )
    return "\n".join(lines)
