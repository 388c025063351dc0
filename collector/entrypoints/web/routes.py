"""Mounts the web UI on the collector's app: pages under /ui/, its stylesheet, / → /ui/."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from collector.entrypoints.web import login_pages, overview_page
from collector.entrypoints.web.app_keys import TEMPLATES, WEB_SETTINGS, WebSettings
from collector.entrypoints.web.rendering import template_environment

STATIC = Path(__file__).parent / "static"


async def to_ui(request: web.Request) -> web.StreamResponse:
    raise web.HTTPFound("/ui/")


def add_web_routes(app: web.Application, settings: WebSettings) -> None:
    """Add the UI's routes and its template environment to ``app``."""
    app[WEB_SETTINGS] = settings
    app[TEMPLATES] = template_environment()
    app.router.add_get("/", to_ui)
    app.router.add_get("/ui", to_ui)
    app.router.add_get("/ui/", overview_page.overview)
    app.router.add_get("/ui/login", login_pages.login_form)
    app.router.add_post("/ui/login", login_pages.login)
    app.router.add_post("/ui/logout", login_pages.logout)
    for section in ("tickets", "assets", "plans"):
        app.router.add_get(f"/ui/{section}", overview_page.not_ready)
    app.router.add_static("/ui/static", STATIC)
