"""A cookie-keeping client for the web UI tests: the real app on 127.0.0.1, one request at a
time, redirects not followed (the tests look at them)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

from aiohttp import CookieJar
from aiohttp.test_utils import TestClient, TestServer

from collector.bootstrap import Services
from collector.entrypoints.http import build_app

PASSWORD = "kata-sandi-panjang-1"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass(frozen=True)
class Page:
    status: int
    text: str
    headers: Mapping[str, str]
    set_cookies: SimpleCookie

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")

    def csrf(self) -> str:
        """The page's CSRF token (the hidden field); fails the test when there is none."""
        found = _CSRF.search(self.text)
        assert found is not None, self.text
        return found.group(1)


@dataclass
class Browser:
    """Requests against ``build_app(services)`` with a cookie jar kept between them."""

    services: Services
    cookie_secure: bool = False
    cookies: dict[str, str] = field(default_factory=dict)

    def get(self, path: str) -> Page:
        return self.request("GET", path)

    def post(self, path: str, form: Mapping[str, str]) -> Page:
        return self.request("POST", path, form)

    def request(self, method: str, path: str, form: Mapping[str, str] | None = None) -> Page:
        return asyncio.run(self._exchange(method, path, form))

    async def _exchange(self, method: str, path: str, form: Mapping[str, str] | None) -> Page:
        app = build_app(self.services, cookie_secure=self.cookie_secure)
        async with TestClient(TestServer(app), cookie_jar=CookieJar(unsafe=True)) as client:
            client.session.cookie_jar.update_cookies(self.cookies)
            async with client.request(method, path, data=form, allow_redirects=False) as answer:
                text = await answer.text()
                jar = SimpleCookie()
                for header in answer.headers.getall("Set-Cookie", []):
                    jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
            return Page(answer.status, text, answer.headers, jar)

    def log_in(self, name: str, password: str = PASSWORD) -> Page:
        """Open the login form and send it with its token; the answer to the POST."""
        token = self.get("/ui/login").csrf()
        return self.post("/ui/login", {"csrf_token": token, "name": name, "password": password})
