"""The HTTP client against the fake collector over loopback: headers, gzip, retries, TLS."""

from __future__ import annotations

import gzip
import json
import random
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from agent import __version__
from agent.document import Collected, build_observation
from agent.spool import compress_document
from agent.transport import (
    Answer,
    CollectorClient,
    Delivery,
    Enrolment,
    EnrolmentFailure,
    Outcome,
    RetryPolicy,
    enrolment_outcome,
    observation_outcome,
    with_retries,
)
from tests.fakes.collector import FakeCollector, make_tls_files, server_tls_context

IDENTITY = {"hostname": "pc-keuangan-01", "machine_id": "4c4c4544004b3610804bb4c04f564e32"}


@pytest.fixture
def collector() -> Iterator[FakeCollector]:
    fake = FakeCollector().start()
    yield fake
    fake.stop()


def seeded(seed: int) -> random.Random:
    """Reproducible jitter for the retry tests."""
    return random.Random(seed)  # noqa: S311 - jitter, not cryptography


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _document() -> dict[str, Any]:
    sections = {
        "identity": IDENTITY,
        "status": {"uptime_seconds": 3600},
        "operatingsystem": {"family": "linux", "name": "Debian GNU/Linux 12 (bookworm)"},
    }
    return build_observation(
        Collected(sections), collected_at=datetime(2025, 3, 1, tzinfo=UTC), site="PUSAT"
    )


def _enrolled(client: CollectorClient) -> Enrolment:
    result = enrolment_outcome(client.enroll("good-token", IDENTITY))
    assert isinstance(result, Enrolment)
    return result


def test_enrolment_returns_a_credential(collector: FakeCollector) -> None:
    client = CollectorClient(collector.url)
    answer = client.enroll("good-token", IDENTITY)
    assert answer.status == 201
    result = enrolment_outcome(answer)
    assert isinstance(result, Enrolment)
    assert collector.credentials[result.credential] == result.agent_id
    assert collector.enrolments == [
        {"token": "good-token", "identity": IDENTITY, "agent_version": __version__}
    ]
    assert result.credential not in repr(result)


def test_enrolment_with_a_bad_token_is_refused(collector: FakeCollector) -> None:
    answer = CollectorClient(collector.url).enroll("stolen-token", IDENTITY)
    result = enrolment_outcome(answer)
    assert result == EnrolmentFailure(
        refused=True, detail="HTTP 401 invalid_token: unknown or expired enrolment token"
    )
    assert collector.credentials == {}


def test_observation_is_sent_gzipped_with_bearer_and_validates(collector: FakeCollector) -> None:
    client = CollectorClient(collector.url)
    enrolment = _enrolled(client)
    document = _document()
    body = compress_document(document)
    answer = client.send_observation(body, enrolment.credential)
    assert answer.status == 202
    assert observation_outcome(answer) == Delivery(Outcome.ACCEPTED, full_required=False)
    assert collector.problems == []
    (received,) = collector.received
    assert received.document == document
    assert received.wire_bytes == len(body)
    assert received.headers["Content-Encoding"] == "gzip"
    assert received.headers["Content-Type"] == "application/json"
    assert received.headers["Authorization"] == f"Bearer {enrolment.credential}"
    assert received.headers["User-Agent"] == f"asetik-agent/{__version__}"
    assert received.agent_id == enrolment.agent_id


def test_same_submission_twice_is_a_duplicate(collector: FakeCollector) -> None:
    client = CollectorClient(collector.url)
    credential = _enrolled(client).credential
    body = compress_document(_document())
    client.send_observation(body, credential)
    delivery = observation_outcome(client.send_observation(body, credential))
    assert delivery.outcome is Outcome.DUPLICATE
    assert delivery.delivered
    assert collector.statuses() == [202, 409]


def test_unknown_credential_is_unauthorized(collector: FakeCollector) -> None:
    answer = CollectorClient(collector.url).send_observation(
        compress_document(_document()), "forged"
    )
    assert observation_outcome(answer).outcome is Outcome.UNAUTHORIZED
    assert not answer.transient


def test_schema_violation_is_rejected_with_the_collector_message(
    collector: FakeCollector,
) -> None:
    client = CollectorClient(collector.url)
    document = _document()
    document["operatingsystem"]["family"] = "beos"
    answer = client.send_observation(compress_document(document), _enrolled(client).credential)
    delivery = observation_outcome(answer)
    assert delivery.outcome is Outcome.REJECTED
    assert delivery.detail.startswith(
        "HTTP 422 schema_violation: $.operatingsystem.family: 'beos' is not one of"
    )


def test_plain_json_body_is_caught_by_the_fake(collector: FakeCollector) -> None:
    """The fake really checks the encoding: a body that is not gzip is refused."""
    client = CollectorClient(collector.url)
    body = json.dumps(_document()).encode()
    answer = client.send_observation(body, _enrolled(client).credential)
    assert answer.status == 400
    assert collector.problems == ["undecodable body: Not a gzipped file (b'{\"')"]


def test_closed_port_is_transient() -> None:
    answer = CollectorClient(f"http://127.0.0.1:{closed_port()}").send_observation(b"x", "c")
    assert answer.status is None
    assert answer.transient
    assert "ConnectionRefusedError" in answer.describe()
    assert observation_outcome(answer).outcome is Outcome.UNAVAILABLE


def test_redirect_is_not_followed(collector: FakeCollector) -> None:
    client = CollectorClient(collector.url)
    credential = _enrolled(client).credential
    collector.redirect_to = "http://127.0.0.1:1/elsewhere"
    answer = client.send_observation(compress_document(_document()), credential)
    assert answer.status == 307
    assert "redirected to http://127.0.0.1:1/elsewhere" in answer.describe()
    assert observation_outcome(answer).outcome is Outcome.UNAVAILABLE
    assert collector.statuses() == [307]


def test_explicit_proxy_is_used(collector: FakeCollector) -> None:
    """With a proxy configured, even a reachable collector is reached only through it."""
    client = CollectorClient(collector.url, proxy=f"http://127.0.0.1:{closed_port()}")
    answer = client.enroll("good-token", IDENTITY)
    assert answer.status is None
    assert "ConnectionRefusedError" in answer.problem
    assert collector.requests == []


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (Answer(202, {"status": "accepted", "full_required": False}), Outcome.ACCEPTED),
        (Answer(200, {}), Outcome.ACCEPTED),
        (Answer(409, {"error": {"code": "duplicate_submission"}}), Outcome.DUPLICATE),
        (Answer(409, {"error": {"code": "conflict"}}), Outcome.REJECTED),
        (Answer(401, {"error": {"code": "revoked"}}), Outcome.UNAUTHORIZED),
        (Answer(400), Outcome.REJECTED),
        (Answer(413), Outcome.REJECTED),
        (Answer(422), Outcome.REJECTED),
        (Answer(403), Outcome.UNAVAILABLE),
        (Answer(404), Outcome.UNAVAILABLE),
        (Answer(429, transient=True), Outcome.UNAVAILABLE),
        (Answer(500, transient=True), Outcome.UNAVAILABLE),
        (Answer(503, transient=True), Outcome.UNAVAILABLE),
        (Answer(None, problem="timed out", transient=True), Outcome.UNAVAILABLE),
    ],
)
def test_observation_outcomes(answer: Answer, expected: Outcome) -> None:
    assert observation_outcome(answer).outcome is expected


def test_full_required_is_read_from_the_answer() -> None:
    assert observation_outcome(Answer(202, {"full_required": True})).full_required
    assert not observation_outcome(Answer(202, {"full_required": "yes"})).full_required


@pytest.mark.parametrize(
    ("answer", "refused"),
    [
        (Answer(401, {"error": {"code": "invalid_token", "message": "expired"}}), True),
        (Answer(422), True),
        (Answer(429, transient=True), False),
        (Answer(500, transient=True), False),
        (Answer(None, problem="ConnectionRefusedError", transient=True), False),
        (Answer(201, {"credential": "", "agent_id": "a"}), False),
    ],
)
def test_enrolment_failures(answer: Answer, refused: bool) -> None:
    result = enrolment_outcome(answer)
    assert isinstance(result, EnrolmentFailure)
    assert result.refused is refused


class Script:
    """Answers handed out in order, counting calls."""

    def __init__(self, *answers: Answer) -> None:
        self.answers = list(answers)
        self.calls = 0

    def __call__(self) -> Answer:
        self.calls += 1
        return self.answers.pop(0)


def test_transient_failures_are_retried_with_full_jitter() -> None:
    slept: list[float] = []
    script = Script(Answer(503, transient=True), Answer(None, transient=True), Answer(202))
    answer = with_retries(script, RetryPolicy(), slept.append, seeded(7))
    assert answer.status == 202
    assert script.calls == 3
    assert len(slept) == 2
    assert 0 <= slept[0] <= 2.0
    assert 0 <= slept[1] <= 4.0
    assert slept != [2.0, 4.0]  # jittered, not the bare exponential


def test_retries_stop_after_the_attempts() -> None:
    slept: list[float] = []
    script = Script(*[Answer(500, transient=True)] * 5)
    answer = with_retries(script, RetryPolicy(attempts=3), slept.append, seeded(1))
    assert answer.status == 500
    assert script.calls == 3
    assert len(slept) == 2


def test_permanent_answers_are_not_retried() -> None:
    slept: list[float] = []
    script = Script(Answer(413), Answer(202))
    assert with_retries(script, RetryPolicy(), slept.append, seeded(1)).status == 413
    assert (script.calls, slept) == (1, [])


def test_backoff_is_capped() -> None:
    policy = RetryPolicy(attempts=10, base_delay_s=2.0, max_delay_s=5.0)
    rand = seeded(3)
    assert max(policy.delay(retry, rand) for retry in range(10) for _ in range(50)) <= 5.0


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_tls_files(tmp_path_factory.mktemp("tls"))


def test_tls_is_verified_and_the_ca_bundle_is_honoured(tls_files: tuple[Path, Path]) -> None:
    cert, key = tls_files
    fake = FakeCollector(ssl_context=server_tls_context(cert, key)).start()
    try:
        untrusted = CollectorClient(fake.url).enroll("good-token", IDENTITY)
        assert untrusted.status is None
        assert not untrusted.transient  # retrying cannot make the certificate trusted
        assert "TLS verification failed" in untrusted.problem
        assert fake.requests == []
        trusted = CollectorClient(fake.url, ca_bundle=cert)
        enrolment = _enrolled(trusted)
        body = compress_document(_document())
        assert trusted.send_observation(body, enrolment.credential).status == 202
        assert (
            gzip.decompress(body)
            == json.dumps(
                fake.received[0].document, ensure_ascii=False, separators=(",", ":")
            ).encode()
        )
    finally:
        fake.stop()


def test_fake_forgets_nothing_across_a_restart() -> None:
    fake = FakeCollector().start()
    port = fake.port
    client = CollectorClient(fake.url)
    credential = _enrolled(client).credential
    fake.stop()
    assert client.send_observation(b"", credential).status is None
    fake.start(port)
    try:
        answer = client.send_observation(compress_document(_document()), credential)
        assert answer.status == 202
    finally:
        fake.stop()
    assert fake.statuses("/api/v1/enroll") == [201]
    assert fake.statuses() == [202]  # the refused attempt never reached it
