"""Log in and log out.

The login form is guarded against cross-site request forgery with a **pre-session double-submit
token**: GET /ui/login sets a random token in an HttpOnly SameSite=Lax cookie and the same value
in a hidden field; POST accepts only when both are present and equal. We chose it over an
Origin check because it does not depend on browsers and proxies passing Origin/Referer on, and
a forged cross-site form can neither read nor (SameSite=Lax) send the cookie. Once signed in,
forms carry the session's own CSRF token instead (stored with the session).

A wrong password and an unknown user get the same message and the same status; after too many
failures (collector/services/login_limits) the answer is 429 with Retry-After.
"""

from __future__ import annotations

import asyncio

from aiohttp import web

from collector.entrypoints.http import SERVICES
from collector.entrypoints.web.app_keys import TEMPLATES
from collector.entrypoints.web.cookies import (
    CSRF_FIELD,
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    forget_cookie,
    language_of,
    new_form_token,
    remember_language,
    set_cookie,
    tokens_match,
)
from collector.entrypoints.web.messages import messages
from collector.entrypoints.web.rendering import render
from collector.entrypoints.web.signed_in import current_user, refuse_form
from collector.services.web_sessions import LoginRefused

HOME = "/ui/"
LOGIN = "/ui/login"


async def login_form(request: web.Request) -> web.StreamResponse:
    """The login page; a signed-in user goes straight to the overview."""
    if await current_user(request) is not None:
        raise web.HTTPSeeOther(HOME)
    return _login_page(request, error=None, status=200)


def _login_page(
    request: web.Request, error: str | None, status: int, name: str = ""
) -> web.Response:
    """The form with a fresh pre-session token (cookie and hidden field alike)."""
    token = new_form_token()
    language = language_of(request)
    context = {"csrf_token": token, "error": error, "name": name}
    response = render(request.app[TEMPLATES], "login.html", language, context, status)
    set_cookie(request, response, LOGIN_CSRF_COOKIE, token)
    remember_language(request, response)
    return response


async def login(request: web.Request) -> web.StreamResponse:
    """Check the form token, then the name and password; a session cookie on success."""
    form = await request.post()
    if not tokens_match(request.cookies.get(LOGIN_CSRF_COOKIE), form.get(CSRF_FIELD)):
        return refuse_form(request)
    name, password = str(form.get("name", "")).strip(), str(form.get("password", ""))
    sessions = request.app[SERVICES].web_sessions
    try:
        token = await asyncio.to_thread(sessions.login, name, password, request.remote or "?")
    except LoginRefused as refused:
        return _refused_login(request, refused, name)
    response = web.HTTPSeeOther(HOME)
    set_cookie(request, response, SESSION_COOKIE, token)
    forget_cookie(request, response, LOGIN_CSRF_COOKIE)
    raise response


def _refused_login(request: web.Request, refused: LoginRefused, name: str) -> web.Response:
    """The form again with the one generic message (or the wait, when rate limited)."""
    texts = messages(language_of(request))
    if refused.retry_after is None:
        return _login_page(request, texts["login_failed"], 401, name)
    minutes = (refused.retry_after + 59) // 60
    response = _login_page(request, texts["login_blocked"].format(minutes=minutes), 429, name)
    response.headers["Retry-After"] = str(refused.retry_after)
    return response


async def logout(request: web.Request) -> web.StreamResponse:
    """End the session (its row deleted) and go back to the login page."""
    user = await current_user(request)
    if user is None:
        raise web.HTTPSeeOther(LOGIN)
    form = await request.post()
    if not tokens_match(user.csrf_token, form.get(CSRF_FIELD)):
        return refuse_form(request)
    token = request.cookies[SESSION_COOKIE]
    await asyncio.to_thread(request.app[SERVICES].web_sessions.logout, token)
    response = web.HTTPSeeOther(LOGIN)
    forget_cookie(request, response, SESSION_COOKIE)
    raise response
