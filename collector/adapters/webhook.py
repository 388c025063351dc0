"""Outbound webhook POSTs over aiohttp's client: one signed request, its answer reduced to a
status (or None when no answer came: timeout, refused or reset connection, TLS failure)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import aiohttp

from collector.domain.webhook_signature import signature_header

USER_AGENT = "asetik-collector"


@dataclass(frozen=True)
class Answer:
    """What came back: the HTTP status, or None with the reason nothing did."""

    status: int | None
    error: str | None = None


class WebhookPoster(Protocol):
    async def __call__(
        self, url: str, body: bytes, headers: dict[str, str], timeout: float
    ) -> Answer: ...


class AiohttpPoster:
    """Posts over one client session (opened on first use, closed by ``close``)."""

    def __init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None

    async def __call__(
        self, url: str, body: bytes, headers: dict[str, str], timeout: float
    ) -> Answer:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(headers={"User-Agent": USER_AGENT})
        try:
            async with self._session.post(
                url, data=body, headers=headers, allow_redirects=False,
                timeout=aiohttp.ClientTimeout(total=timeout),
            ) as response:  # fmt: skip
                await response.read()
                return Answer(response.status)
        except TimeoutError:
            return Answer(None, f"tidak ada jawaban dalam {timeout:g} detik")
        except aiohttp.ClientError as exc:
            return Answer(None, f"{type(exc).__name__}: {str(exc)[:200]}")

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


def signed_headers(
    secret: str, body: bytes, delivery_id: str, event: str, now: int
) -> dict[str, str]:
    """The headers of one webhook request: JSON, the event, the delivery id the receiver
    dedupes on, and the signature made at ``now`` (unix seconds)."""
    return {"Content-Type": "application/json", "X-Asetik-Event": event,
            "X-Asetik-Delivery": delivery_id,
            "X-Asetik-Signature": signature_header(secret, body, now)}  # fmt: skip


__all__ = ["AiohttpPoster", "Answer", "WebhookPoster", "signed_headers"]
