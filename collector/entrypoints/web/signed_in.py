"""Who is signed in, for every page: the session cookie looked up in the database (so any
replica answers), an anonymous visitor sent to the login page, and the 403 for a bad form."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from collector.entrypoints.http import SERVICES
from collector.entrypoints.web.app_keys import TEMPLATES
from collector.entrypoints.web.cookies import (
    CSRF_FIELD,
    SESSION_COOKIE,
    language_of,
    remember_language,
)
from collector.entrypoints.web.rendering import render
from collector.services.web_sessions import WebUser

LOGIN = "/ui/login"


async def current_user(request: web.Request) -> WebUser | None:
    """The user of the request's session cookie; None without a live session."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    user: WebUser | None = await asyncio.to_thread(
        request.app[SERVICES].web_sessions.user_of, token
    )
    return user


async def require_user(request: web.Request) -> WebUser:
    """The signed-in user, or a redirect to the login page."""
    user = await current_user(request)
    if user is None:
        raise web.HTTPSeeOther(LOGIN)
    return user


def page(
    request: web.Request, user: WebUser, template: str, context: dict[str, Any],
    status: int = 200,
) -> web.Response:  # fmt: skip
    """A page in the signed-in layout (header with the user, nav, the logout form)."""
    language = language_of(request)
    layout = {"user": user, "csrf_field": CSRF_FIELD, "path": request.path}
    response = render(request.app[TEMPLATES], template, language, {**layout, **context}, status)
    remember_language(request, response)
    return response


def refuse_form(request: web.Request) -> web.Response:
    """403 for a form whose CSRF token is missing or wrong; nothing was changed."""
    return render(request.app[TEMPLATES], "refused.html", language_of(request), {}, 403)
