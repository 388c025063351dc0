"""The overview (/ui/): per site the active assets, stale ones, open tickets by severity and
overdue work orders; a UPT user sees only its own site."""

from __future__ import annotations

import asyncio

from aiohttp import web

from collector.bootstrap import Services
from collector.entrypoints.http import SERVICES
from collector.entrypoints.web.signed_in import page, require_user
from collector.services.overview import SEVERITIES, SiteOverview, read_overview
from collector.services.users import Viewer


async def overview(request: web.Request) -> web.Response:
    user = await require_user(request)
    services = request.app[SERVICES]
    sites = await asyncio.to_thread(_read, services, user.viewer)
    totals = SiteOverview("", "")
    for site in sites:
        totals.assets += site.assets
        totals.stale += site.stale
        totals.overdue_orders += site.overdue_orders
        for severity, count in site.tickets.items():
            totals.tickets[severity] = totals.tickets.get(severity, 0) + count
    context = {"sites": sites, "totals": totals, "severities": SEVERITIES,
               "as_of": services.clock()}  # fmt: skip
    return page(request, user, "overview.html", context)


def _read(services: Services, viewer: Viewer) -> list[SiteOverview]:
    with services.sessions() as session:
        return read_overview(session, viewer, services.clock(), services.stale_after)


async def not_ready(request: web.Request) -> web.Response:
    """Tickets, assets and plans: not built in the UI yet (the API has them)."""
    user = await require_user(request)
    return page(request, user, "not_ready.html", {})
