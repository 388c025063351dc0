"""The web UI's keys on the aiohttp application (set once by add_web_routes)."""

from __future__ import annotations

from dataclasses import dataclass

import jinja2
from aiohttp import web


@dataclass(frozen=True)
class WebSettings:
    """``cookie_secure``: mark cookies Secure even on plain HTTP (TLS ends at a proxy)."""

    cookie_secure: bool = False


WEB_SETTINGS = web.AppKey("web_settings", WebSettings)
TEMPLATES = web.AppKey("web_templates", jinja2.Environment)
