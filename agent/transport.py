"""Talking to the collector over HTTPS with the standard library only (urllib, ssl).

One request is one :class:`Answer`; what an answer means for enrolment or for a document is
decided by the pure ``*_outcome`` functions, and :func:`with_retries` repeats transient failures
with exponential backoff and full jitter so 20,000 agents do not retry in step.
"""

from __future__ import annotations

import json
import logging
import random
import ssl
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from http.client import HTTPException
from pathlib import Path
from typing import Any
from urllib.error import HTTPError, URLError

from agent import __version__

log = logging.getLogger("asetik.agent.transport")

TIMEOUT_S = 30.0
MAX_ANSWER_BYTES = 64 * 1024
ENROLL_PATH = "/api/v1/enroll"
OBSERVATIONS_PATH = "/api/v1/observations"
USER_AGENT = f"asetik-agent/{__version__}"


@dataclass(frozen=True)
class Answer:
    """One HTTP exchange: the status (None when no response came), the JSON object sent back,
    a readable description of what went wrong, and whether trying again soon may help."""

    status: int | None
    data: Mapping[str, Any] = field(default_factory=dict)
    problem: str = ""
    transient: bool = False

    @property
    def error_code(self) -> str:
        """The collector's ``error.code`` ('' when there is none)."""
        error = self.data.get("error")
        return str(error.get("code", "")) if isinstance(error, dict) else ""

    def describe(self) -> str:
        """One line for the log: status, error code and message or the connection problem."""
        if self.status is None:
            return self.problem
        error = self.data.get("error")
        message = str(error.get("message", "")) if isinstance(error, dict) else self.problem
        code = f" {self.error_code}" if self.error_code else ""
        return f"HTTP {self.status}{code}" + (f": {message[:300]}" if message else "")


class Outcome(StrEnum):
    """What became of a document sent to the collector."""

    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"  # already stored under this submission id: delivered
    UNAUTHORIZED = "unauthorized"  # credential unknown or revoked
    REJECTED = "rejected"  # the document itself is bad: it would never succeed
    UNAVAILABLE = "unavailable"  # try again later (spool)


@dataclass(frozen=True)
class Delivery:
    """The outcome of sending one document, whether the collector wants a full one next, and
    the answer's description for the log."""

    outcome: Outcome
    full_required: bool = False
    detail: str = ""

    @property
    def delivered(self) -> bool:
        """The collector holds the document (accepted now or earlier)."""
        return self.outcome in (Outcome.ACCEPTED, Outcome.DUPLICATE)


@dataclass(frozen=True)
class Enrolment:
    """The agent's identity at the collector. The credential is a secret: not in repr."""

    credential: str = field(repr=False)
    agent_id: str


@dataclass(frozen=True)
class EnrolmentFailure:
    """Why enrolment failed; ``refused`` when the collector said no (4xx), so retrying the same
    token is pointless, rather than being unreachable."""

    refused: bool
    detail: str


_REJECTED = frozenset({400, 409, 413, 415, 422})


def observation_outcome(answer: Answer) -> Delivery:
    """What an answer to ``POST /api/v1/observations`` means for the document."""
    status = answer.status
    if status is not None and 200 <= status < 300:
        return Delivery(Outcome.ACCEPTED, answer.data.get("full_required") is True)
    if status == 409 and answer.error_code == "duplicate_submission":
        return Delivery(Outcome.DUPLICATE, detail=answer.describe())
    if status == 401:
        return Delivery(Outcome.UNAUTHORIZED, detail=answer.describe())
    if status in _REJECTED:
        return Delivery(Outcome.REJECTED, detail=answer.describe())
    return Delivery(Outcome.UNAVAILABLE, detail=answer.describe())


def enrolment_outcome(answer: Answer) -> Enrolment | EnrolmentFailure:
    """The credential from an answer to ``POST /api/v1/enroll``, or why there is none."""
    status = answer.status
    if status is not None and 200 <= status < 300:
        credential = answer.data.get("credential")
        agent_id = answer.data.get("agent_id")
        if isinstance(credential, str) and credential and isinstance(agent_id, str):
            return Enrolment(credential, agent_id)
        return EnrolmentFailure(False, f"HTTP {status} without a credential and agent_id")
    refused = status is not None and 400 <= status < 500 and status not in (408, 429)
    return EnrolmentFailure(refused, answer.describe())


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry a transient failure within one run."""

    attempts: int = 3
    base_delay_s: float = 2.0
    max_delay_s: float = 60.0

    def delay(self, retry: int, rand: random.Random) -> float:
        """Full jitter: uniform between 0 and base * 2**retry (capped)."""
        return rand.uniform(0.0, min(self.max_delay_s, self.base_delay_s * 2**retry))


def with_retries(
    call: Callable[[], Answer],
    policy: RetryPolicy,
    sleep: Callable[[float], None],
    rand: random.Random,
) -> Answer:
    """The first answer that is not transient, or the last one after ``policy.attempts`` tries."""
    answer = call()
    for retry in range(policy.attempts - 1):
        if not answer.transient:
            break
        delay = policy.delay(retry, rand)
        log.info("collector unavailable (%s); retrying in %.1f s", answer.describe(), delay)
        sleep(delay)
        answer = call()
    return answer


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is a misconfiguration; following it could send the credential elsewhere."""

    def redirect_request(  # noqa: PLR0917 - urllib's signature
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> None:
        return None


def tls_context(ca_bundle: Path | None) -> ssl.SSLContext:
    """Verification always on: the system trust store, or only ``ca_bundle`` when given."""
    context = ssl.create_default_context(cafile=str(ca_bundle) if ca_bundle else None)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def _transient_status(status: int) -> bool:
    return status >= 500 or status in (408, 429)


def _http_problem(exc: HTTPError) -> str:
    if 300 <= exc.code < 400:
        target = exc.headers.get("Location", "?") if exc.headers else "?"
        return f"redirected to {target}; set collector_url to the final address"
    return str(exc.reason or "")


def _read_json(raw: bytes) -> Mapping[str, Any]:
    try:
        data = json.loads(raw)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _connection_problem(exc: BaseException) -> Answer:
    reason = exc.reason if isinstance(exc, URLError) else exc
    if isinstance(reason, ssl.SSLCertVerificationError):
        # Not transient: retrying will not make an untrusted certificate trusted.
        return Answer(None, problem=f"TLS verification failed: {reason.verify_message}")
    return Answer(None, problem=f"{type(reason).__name__}: {reason}", transient=True)


class CollectorClient:
    """The collector's agent API (enrol, send observations) over urllib."""

    def __init__(
        self,
        base_url: str,
        *,
        ca_bundle: Path | None = None,
        proxy: str | None = None,
        timeout_s: float = TIMEOUT_S,
    ) -> None:
        # Without an explicit proxy, ProxyHandler honours HTTPS_PROXY / NO_PROXY.
        proxies = {"https": proxy, "http": proxy} if proxy else None
        self._base_url = base_url.rstrip("/")
        self._timeout_s = timeout_s
        self._opener = urllib.request.build_opener(
            urllib.request.ProxyHandler(proxies),
            urllib.request.HTTPSHandler(context=tls_context(ca_bundle)),
            _NoRedirect(),
        )

    def enroll(self, token: str, identity: Mapping[str, Any]) -> Answer:
        """``POST /api/v1/enroll`` with the enrolment token and this machine's identity."""
        payload = {"token": token, "identity": dict(identity), "agent_version": __version__}
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        return self._post(ENROLL_PATH, body, {"Content-Type": "application/json"})

    def send_observation(self, gzip_body: bytes, credential: str) -> Answer:
        """``POST /api/v1/observations`` with an already gzip'ed document."""
        headers = {
            "Content-Type": "application/json",
            "Content-Encoding": "gzip",
            "Authorization": f"Bearer {credential}",
        }
        return self._post(OBSERVATIONS_PATH, gzip_body, headers)

    def _post(self, path: str, body: bytes, headers: Mapping[str, str]) -> Answer:
        request = urllib.request.Request(  # noqa: S310 - the URL scheme is checked by config
            self._base_url + path,
            data=body,
            method="POST",
            headers={"User-Agent": USER_AGENT, "Accept": "application/json", **headers},
        )
        try:
            with self._opener.open(request, timeout=self._timeout_s) as response:
                status = int(response.status)
                data = _read_json(response.read(MAX_ANSWER_BYTES))
        except HTTPError as exc:
            with exc:
                data = _read_json(exc.read(MAX_ANSWER_BYTES))
            return Answer(exc.code, data, _http_problem(exc), _transient_status(exc.code))
        except (URLError, OSError, HTTPException) as exc:
            return _connection_problem(exc)
        return Answer(status, data)
