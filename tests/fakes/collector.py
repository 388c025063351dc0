"""A small in-process collector speaking our agent API (enrol, observations) for agent tests.

It implements the contract the real collector will (``POST /api/v1/enroll``,
``POST /api/v1/observations``), checks what the agent sends (gzip, Bearer credential, schema),
and can be told to fail in scripted ways. It runs on 127.0.0.1 in a background thread with its
own event loop, so the synchronous agent talks to it over real HTTP (or HTTPS).
"""

from __future__ import annotations

import asyncio
import gzip
import json
import secrets
import socket
import ssl
import subprocess
import threading
import uuid
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from tests.schema_check import schema_errors

ENROLL = "/api/v1/enroll"
OBSERVATIONS = "/api/v1/observations"
MAX_BODY = 8 * 1024 * 1024


def make_tls_files(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1/localhost and its key, made now with openssl.

    Returns (certificate, key); the certificate doubles as the CA bundle that trusts it.
    """
    cert, key = directory / "collector-cert.pem", directory / "collector-key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "ec",
            "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ],
        check=True,
        capture_output=True,
        timeout=30,
    )  # fmt: skip
    return cert, key


def server_tls_context(cert: Path, key: Path) -> ssl.SSLContext:
    """The fake's server-side TLS context for a certificate from :func:`make_tls_files`."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def _error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"error": {"code": code, "message": message}}, status=status)


@dataclass
class Received:
    """One accepted observation: the request headers, the document and its size on the wire."""

    headers: dict[str, str]
    document: dict[str, Any]
    wire_bytes: int
    agent_id: str


@dataclass
class Scripted:
    """A canned answer for the next observation request(s)."""

    status: int
    code: str = "scripted"
    message: str = "scripted failure"


@dataclass
class FakeCollector:
    """The fake's memory survives a stop/start, like a real collector's database."""

    tokens: set[str] = field(default_factory=lambda: {"good-token"})
    ssl_context: ssl.SSLContext | None = None
    credentials: dict[str, str] = field(default_factory=dict)
    enrolments: list[dict[str, Any]] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    requests: list[tuple[str, int]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    script: deque[Scripted] = field(default_factory=deque)
    ask_full_next: bool = False
    redirect_to: str | None = None
    stored_ids: set[str] = field(default_factory=set)
    hashes: dict[str, dict[str, str]] = field(default_factory=dict)
    port: int = 0
    _loop: asyncio.AbstractEventLoop | None = None
    _thread: threading.Thread | None = None
    _runner: web.AppRunner | None = None

    # -- control from the test ----------------------------------------------------------

    @property
    def url(self) -> str:
        """The base URL the agent is configured with."""
        scheme = "https" if self.ssl_context else "http"
        return f"{scheme}://127.0.0.1:{self.port}"

    def fail_next(self, status: int, code: str = "scripted", times: int = 1) -> None:
        """Answer the next ``times`` observation requests with this status and error code."""
        self.script.extend(Scripted(status, code) for _ in range(times))

    def revoke_all(self) -> None:
        """Forget every credential, as an operator revoking agents would."""
        self.credentials.clear()

    def statuses(self, path: str = OBSERVATIONS) -> list[int]:
        """The status of every request made to ``path``, in order."""
        return [status for seen, status in self.requests if seen == path]

    def start(self, port: int = 0) -> FakeCollector:
        """Listen on 127.0.0.1:``port`` (0 = any free port) in a background thread."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))
        sock.listen(64)
        self.port = int(sock.getsockname()[1])
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._thread = threading.Thread(target=loop.run_forever, name="fake-collector", daemon=True)
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._serve(sock), loop).result(timeout=10)
        return self

    def stop(self) -> None:
        """Stop listening (the port is closed); the memory is kept for a later ``start``."""
        loop, runner, thread = self._loop, self._runner, self._thread
        if loop is None or thread is None:
            return
        if runner is not None:
            asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
        self._loop = self._thread = self._runner = None

    async def _serve(self, sock: socket.socket) -> None:
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_post(ENROLL, self._enroll)
        app.router.add_post(OBSERVATIONS, self._observation)
        # auto_decompress off: the fake checks the gzip body itself.
        self._runner = web.AppRunner(app, access_log=None, auto_decompress=False)
        await self._runner.setup()
        await web.SockSite(self._runner, sock, ssl_context=self.ssl_context).start()

    # -- the API --------------------------------------------------------------------------

    async def _enroll(self, request: web.Request) -> web.Response:
        response = self._enroll_answer(await request.read())
        self.requests.append((ENROLL, response.status))
        return response

    def _enroll_answer(self, body: bytes) -> web.Response:
        try:
            payload = json.loads(body)
        except ValueError:
            return _error(400, "bad_json", "body is not JSON")
        if not isinstance(payload, dict) or payload.get("token") not in self.tokens:
            return _error(401, "invalid_token", "unknown or expired enrolment token")
        if not isinstance(payload.get("identity"), dict):
            return _error(422, "bad_identity", "identity must be an object")
        self.enrolments.append(payload)
        credential = secrets.token_urlsafe(24)
        agent_id = str(uuid.uuid4())
        self.credentials[credential] = agent_id
        return web.json_response({"credential": credential, "agent_id": agent_id}, status=201)

    async def _observation(self, request: web.Request) -> web.Response:
        body = await request.read()
        response = self._observation_answer(dict(request.headers), body)
        self.requests.append((OBSERVATIONS, response.status))
        return response

    def _observation_answer(self, headers: dict[str, str], body: bytes) -> web.Response:
        auth = headers.get("Authorization", "")
        agent_id = self.credentials.get(auth.removeprefix("Bearer ")) if auth else None
        if agent_id is None:
            return _error(401, "invalid_credential", "unknown or revoked credential")
        if self.redirect_to:
            return web.Response(status=307, headers={"Location": self.redirect_to})
        if self.script:
            canned = self.script.popleft()
            return _error(canned.status, canned.code, canned.message)
        document = self._unpack(headers, body)
        if isinstance(document, web.Response):
            return document
        submission_id = document["source"]["submission_id"]
        if submission_id in self.stored_ids:
            return _error(409, "duplicate_submission", "this submission is already stored")
        self.stored_ids.add(submission_id)
        self.received.append(Received(headers, document, len(body), agent_id))
        full_required = self._store_hashes(agent_id, document) or self.ask_full_next
        self.ask_full_next = False
        return web.json_response({"status": "accepted", "full_required": full_required}, status=202)

    def _unpack(self, headers: dict[str, str], body: bytes) -> dict[str, Any] | web.Response:
        if headers.get("Content-Encoding") != "gzip":
            self.problems.append("Content-Encoding is not gzip")
            return _error(400, "gzip_required", "send the document gzip'ed")
        if headers.get("Content-Type") != "application/json":
            self.problems.append(f"Content-Type {headers.get('Content-Type')}")
        try:
            document = json.loads(gzip.decompress(body))
        except (OSError, ValueError) as exc:
            self.problems.append(f"undecodable body: {exc}")
            return _error(400, "bad_body", "body is not gzip'ed JSON")
        errors = schema_errors(document)
        if errors:
            self.problems.extend(errors)
            return _error(422, "schema_violation", "; ".join(errors)[:500])
        assert isinstance(document, dict)
        return document

    def _store_hashes(self, agent_id: str, document: dict[str, Any]) -> bool:
        """Keep the agent's section hashes; True when an omitted section does not match the
        stored one (the collector cannot know that section's value: it asks for a full one)."""
        source = document["source"]
        hashes: dict[str, str] = source["section_hashes"]
        stored = self.hashes.get(agent_id, {})
        mismatch = any(
            stored.get(name) != value for name, value in hashes.items() if name not in document
        )
        self.hashes[agent_id] = dict(hashes)
        return mismatch
