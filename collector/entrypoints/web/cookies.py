"""The web UI's cookies and form tokens: the session, the pre-login CSRF token and the language.

Every cookie is HttpOnly and SameSite=Lax (not sent on cross-site POSTs), and Secure when the
request came over TLS or the collector is told TLS ends in front of it (ASETIK_COOKIE_SECURE).
Form tokens are compared in constant time.
"""

from __future__ import annotations

import hmac
import secrets

from aiohttp import web

from collector.entrypoints.web.app_keys import WEB_SETTINGS
from collector.entrypoints.web.messages import DEFAULT_LANGUAGE, LANGUAGES

SESSION_COOKIE = "asetik_session"
LOGIN_CSRF_COOKIE = "asetik_login_csrf"
LANGUAGE_COOKIE = "asetik_lang"
CSRF_FIELD = "csrf_token"
YEAR = 365 * 24 * 3600


def set_cookie(
    request: web.Request, response: web.StreamResponse, name: str, value: str,
    max_age: int | None = None,
) -> None:  # fmt: skip
    """Set one of the UI's cookies with the flags above."""
    secure = request.secure or request.app[WEB_SETTINGS].cookie_secure
    response.set_cookie(name, value, path="/", httponly=True, samesite="Lax", secure=secure,
                        max_age=max_age)  # fmt: skip


def forget_cookie(request: web.Request, response: web.StreamResponse, name: str) -> None:
    """Remove a cookie from the browser (same path and flags it was set with)."""
    set_cookie(request, response, name, "", max_age=0)


def new_form_token() -> str:
    return secrets.token_urlsafe(32)


def tokens_match(expected: str | None, sent: object) -> bool:
    """Whether the form's token is the expected one (constant time; missing never matches)."""
    if not expected or not isinstance(sent, str) or not sent:
        return False
    return hmac.compare_digest(expected.encode(), sent.encode())


def language_of(request: web.Request) -> str:
    """The page language: ``?lang=`` first, then the cookie, then Bahasa Indonesia."""
    for chosen in (request.query.get("lang"), request.cookies.get(LANGUAGE_COOKIE)):
        if chosen in LANGUAGES:
            return chosen
    return DEFAULT_LANGUAGE


def remember_language(request: web.Request, response: web.StreamResponse) -> None:
    """Keep a language chosen with ``?lang=`` for the next pages."""
    chosen = request.query.get("lang")
    if chosen in LANGUAGES and chosen != request.cookies.get(LANGUAGE_COOKIE):
        set_cookie(request, response, LANGUAGE_COOKIE, chosen, max_age=YEAR)
