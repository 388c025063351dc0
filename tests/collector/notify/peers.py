"""Real peers for the notification tests: a webhook receiver (an aiohttp server on 127.0.0.1,
ours) that checks signatures the way a receiver would, and an SMTP server (aiosmtpd) that keeps
the messages it is given."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import orjson
from aiohttp import web
from aiosmtpd.controller import Controller

from collector.domain.webhook_signature import verify_signature


@dataclass(frozen=True)
class Received:
    headers: dict[str, str]
    body: bytes
    signature_ok: bool
    answered: int

    @property
    def json(self) -> Any:
        return orjson.loads(self.body)


class WebhookReceiver:
    """Answers each POST with the next scripted status (200 once the script is used up) and
    keeps what came; ``now`` is the receiver's clock for the signature check."""

    def __init__(self, secret: str, now: float, statuses: tuple[int, ...] = ()) -> None:
        self.secret = secret
        self.now = now
        self.statuses = deque(statuses)
        self.received: list[Received] = []
        self.url = ""
        self._lock = threading.Lock()

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        header = request.headers.get("X-Asetik-Signature", "")
        ok = verify_signature(self.secret, header, body, self.now, tolerance=300)
        with self._lock:
            status = self.statuses.popleft() if self.statuses else 200
            self.received.append(Received(dict(request.headers), body, ok, status))
        return web.Response(status=status, text="ok")

    def delivered(self) -> list[Received]:
        with self._lock:
            return [r for r in self.received if 200 <= r.answered < 300]


@contextmanager
def webhook_receiver(
    secret: str, now: float, statuses: tuple[int, ...] = ()
) -> Iterator[WebhookReceiver]:
    """A running receiver in a thread of its own (so dispatchers in other threads can post)."""
    receiver = WebhookReceiver(secret, now, statuses)
    loop = asyncio.new_event_loop()
    started = threading.Event()
    runner_box: list[web.AppRunner] = []

    async def start() -> None:
        app = web.Application()
        app.router.add_post("/hook", receiver.handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        receiver.url = f"http://127.0.0.1:{port}/hook"
        runner_box.append(runner)
        started.set()

    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(start(), loop).result(10)
    started.wait(10)
    try:
        yield receiver
    finally:
        asyncio.run_coroutine_threadsafe(runner_box[0].cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


def free_port() -> int:
    """A loopback TCP port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


class MailBox:
    """aiosmtpd handler keeping every message with its envelope recipients."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


@contextmanager
def smtp_server() -> Iterator[tuple[MailBox, int]]:
    """An SMTP server on 127.0.0.1 collecting messages; the mailbox and its port."""
    box = MailBox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()
