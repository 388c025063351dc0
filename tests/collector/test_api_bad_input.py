"""Hostile and broken input at the HTTP API, on SQLite and PostgreSQL.

Every refusal must be a 4xx carrying ``{"error": {"code", "message"}}`` with a message a person
can act on, never a 5xx or a stack trace, and must leave the database exactly as it was: every
row of every table (so every row count and the highest observation id) is compared before and
after the request.
"""

from __future__ import annotations

import asyncio
import dataclasses
import gzip
import json
import struct
import time
import zlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import Engine, inspect, select, table, text

from collector.bootstrap import Services, build_services
from collector.config import load_config
from collector.entrypoints.http import build_app
from tests.collector.conftest import FixedClock
from tests.collector.databases import PostgresDatabases, SqliteDatabases, fresh_database
from tests.collector.documents import observation, renewed

SITE = "BBPOM-SBY"
JSON = {"Content-Type": "application/json"}
GZIP = {"Content-Encoding": "gzip"}
OBSERVATIONS = "/api/v1/observations"
ENROLL = "/api/v1/enroll"
ASSETS = "/api/v1/assets"


@dataclass(frozen=True)
class Request:
    """One HTTP request; ``omit`` names headers the client must not add on its own."""

    method: str
    path: str
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    omit: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    text: str


def post(path: str, body: bytes, headers: Mapping[str, str]) -> Request:
    return Request("POST", path, body, headers)


def get(path: str, token: str | None = None) -> Request:
    return Request("GET", path, headers={"Authorization": f"Bearer {token}"} if token else {})


def call(services: Services, request: Request) -> Answer:
    """Send the request to ``build_app(services)``, served on 127.0.0.1 for the length of it."""

    async def exchange() -> Answer:
        async with (
            TestClient(TestServer(build_app(services))) as client,
            client.request(
                request.method,
                request.path,
                data=request.body,
                headers=dict(request.headers),
                skip_auto_headers=request.omit,
            ) as response,
        ):
            return Answer(response.status, response.content_type, await response.text())

    return asyncio.run(exchange())


def database_state(engine: Engine) -> dict[str, list[str]]:
    """Every row of every table, in a form that compares equal exactly when nothing was
    written."""
    names = sorted(inspect(engine).get_table_names())
    with engine.connect() as connection:
        return {
            name: sorted(
                repr(tuple(row))
                for row in connection.execute(select(text("*")).select_from(table(name)))
            )
            for name in names
        }


def assert_refused(answer: Answer, status: int, code: str) -> str:
    """Check the shape of a refusal; returns its message, for tests that check the wording."""
    assert answer.status == status, answer.text
    assert answer.content_type == "application/json"
    assert "Traceback" not in answer.text and 'File "' not in answer.text
    body = json.loads(answer.text)
    assert list(body) == ["error"] and sorted(body["error"]) == ["code", "message"]
    assert body["error"]["code"] == code
    message = body["error"]["message"]
    assert isinstance(message, str) and message.strip()
    return message


def refused_unchanged(services: Services, request: Request, status: int, code: str) -> str:
    """Send a request that must be refused; assert the refusal and an unchanged database."""
    before = database_state(services.engine)
    message = assert_refused(call(services, request), status, code)
    assert database_state(services.engine) == before
    return message


def encoded(document: Mapping[str, Any]) -> bytes:
    return json.dumps(document).encode()


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}", **JSON}


@cache
def gzip_bomb(megabytes: int = 200) -> bytes:
    """``megabytes`` MB of zeros as one valid gzip stream of about 1/1000 the size, made without
    holding the zeros: after a full flush deflate starts afresh, so one compressed megabyte
    repeats; the trailer (CRC-32, length) is written for the whole stream."""
    chunk = bytes(1 << 20)
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    first = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)  # carries the gzip header
    repeated = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
    final_block = packer.flush()[:-8]
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(chunk, crc)
    trailer = struct.pack("<II", crc, (megabytes << 20) & 0xFFFFFFFF)
    return first + repeated * (megabytes - 1) + final_block + trailer


@dataclass(frozen=True)
class World:
    """A site with one enrolled agent that has sent an observation, and an API user."""

    services: Services
    credential: str
    credential_id: int
    api_token: str


def populate(services: Services) -> World:
    """A site, an enrolled agent that has sent one observation, and an admin with a token."""
    services.enrolment.create_site(SITE, "Balai Besar POM di Surabaya")
    token = services.enrolment.create_token(SITE, timedelta(days=1))
    credential, credential_id = services.enrolment.enrol(token, "agent", "pd-pusdatin-017")
    services.users.create("pusdatin-ops", "admin", None, None)
    api_token = services.users.issue_token("pusdatin-ops")
    caller = services.enrolment.authenticate(credential)
    services.ingest.ingest(observation("windows"), caller, 9000)
    return World(services, credential, credential_id, api_token)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(
    request: pytest.FixtureRequest,
    _sqlite_databases: SqliteDatabases,
    _postgres_databases: PostgresDatabases,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[World]:
    """One populated database per kind, shared by the module's refused requests: each of them
    checks that it changed nothing, so sharing cannot hide a write."""
    database = contextmanager(fresh_database)
    with database(request.param, _sqlite_databases, _postgres_databases) as url:
        config = load_config({}, db=url, data_dir=tmp_path_factory.mktemp("data"))
        services = build_services(config, FixedClock())
        try:
            yield populate(services)
        finally:
            services.close()


@pytest.fixture
def fresh_world(services: Services) -> World:
    """A populated database of its own, for a test whose set-up writes (revoke, replay...)."""
    return populate(services)


# --- the observation body --------------------------------------------------------------------


Body = Callable[[dict[str, Any]], bytes]


def _truncated_gzip(document: dict[str, Any]) -> bytes:
    packed = gzip.compress(encoded(document))
    return packed[: len(packed) // 2]


def _gzip_without_trailer(document: dict[str, Any]) -> bytes:
    return gzip.compress(encoded(document))[:-8]


def _gzip_bad_checksum(document: dict[str, Any]) -> bytes:
    packed = bytearray(gzip.compress(encoded(document)))
    packed[-8] ^= 0xFF
    return bytes(packed)


def _gzip_magic_then_garbage(_document: dict[str, Any]) -> bytes:
    return b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + b"this is not deflate data" * 10


@pytest.mark.parametrize(
    ("make_body", "headers", "status", "code"),
    [
        pytest.param(lambda _: b'{"schema_version": 1, "source": {', {}, 400, "malformed_json",
                     id="malformed-json"),
        pytest.param(lambda _: b"", {}, 400, "malformed_json", id="empty-body"),
        pytest.param(lambda _: b'\xff\xfe{"a": 1}', {}, 400, "malformed_json", id="not-utf8"),
        pytest.param(lambda _: b"[1, 2, 3]", {}, 422, "schema_violation", id="json-array"),
        pytest.param(lambda _: b'"a string"', {}, 422, "schema_violation", id="json-string"),
        pytest.param(lambda _: b"null", {}, 422, "schema_violation", id="json-null"),
        pytest.param(encoded, {"Content-Type": "text/plain"}, 415, "unsupported_media_type",
                     id="text-plain"),
        pytest.param(encoded, {"Content-Encoding": "br"}, 415, "unsupported_encoding",
                     id="brotli"),
        pytest.param(_truncated_gzip, GZIP, 400, "bad_gzip", id="truncated-gzip"),
        pytest.param(_gzip_without_trailer, GZIP, 400, "bad_gzip", id="gzip-without-trailer"),
        pytest.param(_gzip_bad_checksum, GZIP, 400, "bad_gzip", id="gzip-bad-checksum"),
        pytest.param(encoded, GZIP, 400, "bad_gzip", id="plain-json-labelled-gzip"),
        pytest.param(_gzip_magic_then_garbage, GZIP, 400, "bad_gzip", id="gzip-magic-garbage"),
    ],
)  # fmt: skip
def test_a_broken_body_is_refused(
    world: World, make_body: Body, headers: dict[str, str], status: int, code: str
) -> None:
    body = make_body(observation("linux"))
    request = post(OBSERVATIONS, body, {**bearer(world.credential), **headers})
    refused_unchanged(world.services, request, status, code)


def test_a_body_without_content_type_is_refused(world: World) -> None:
    body = encoded(observation("linux"))
    headers = {"Authorization": f"Bearer {world.credential}"}
    request = Request("POST", OBSERVATIONS, body, headers, omit=("Content-Type",))
    refused_unchanged(world.services, request, 415, "unsupported_media_type")


def _drop_source(document: dict[str, Any]) -> None:
    del document["source"]


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """A change to the document: ``value`` at the slash-separated ``path``."""

    def change(document: dict[str, Any]) -> None:
        *parents, leaf = path.split("/")
        target = document
        for part in parents:
            target = target[part]
        target[leaf] = value

    return change


@pytest.mark.parametrize(
    ("change", "named"),
    [
        pytest.param(_drop_source, "source", id="missing-source"),
        pytest.param(_set("source/submission_id", "not-a-uuid"), "submission_id",
                     id="bad-submission-id"),
        pytest.param(_set("schema_version", 2), "schema_version", id="future-schema-version"),
        pytest.param(_set("registry_dump", {"HKLM": 1}), "registry_dump", id="unknown-section"),
        pytest.param(_set("identity/mac_addresses", "f8:bc:12:4a:5b:6c"), "mac_addresses",
                     id="string-for-list"),
        pytest.param(_set("hardware/memory_total_bytes", "16 GB"), "memory_total_bytes",
                     id="string-for-number"),
        pytest.param(_set("source/full", "yes"), "full", id="string-for-boolean"),
        pytest.param(_set("identity/hostname", "h" * 257), "hostname", id="over-long-string"),
        pytest.param(_set("source/section_hashes", {"networks": "xyz"}), "section_hashes",
                     id="bad-section-hash"),
    ],
)  # fmt: skip
def test_a_schema_violation_is_refused_and_named(
    world: World, change: Callable[[dict[str, Any]], None], named: str
) -> None:
    document = observation("linux")
    change(document)
    request = post(OBSERVATIONS, encoded(document), bearer(world.credential))
    message = refused_unchanged(world.services, request, 422, "schema_violation")
    assert named in message


def _nul_in_software_name(document: dict[str, Any]) -> None:
    document["softwares"][0]["name"] = "vim\u0000evil"


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(_nul_in_software_name, id="software-name"),
        pytest.param(_set("identity/hostname", "host\u0000"), id="hostname"),
        pytest.param(_set("operatingsystem/name", "\u0000"), id="os-name"),
    ],
)
def test_a_nul_character_in_text_is_refused(
    world: World, change: Callable[[dict[str, Any]], None]
) -> None:
    document = observation("linux")
    change(document)
    request = post(OBSERVATIONS, encoded(renewed(document)), bearer(world.credential))
    message = refused_unchanged(world.services, request, 422, "nul_character")
    assert "NUL" in message


def test_a_backslash_before_the_text_u0000_is_no_nul(fresh_world: World) -> None:
    document = observation("linux")
    document["softwares"][0]["name"] = "C:\\u0000dir"  # a backslash, then the text "u0000"
    request = post(OBSERVATIONS, encoded(renewed(document)), bearer(fresh_world.credential))
    answer = call(fresh_world.services, request)
    assert answer.status == 202, answer.text


@pytest.fixture
def small_services(db_url: str, tmp_path: Path, clock: FixedClock) -> Iterator[Services]:
    """Services whose request bodies may not exceed 4 KiB on the wire."""
    config = load_config({}, db=db_url, data_dir=tmp_path / "small")
    built = build_services(dataclasses.replace(config, max_body_bytes=4096), clock)
    yield built
    built.close()


def test_a_body_over_the_size_limit_is_refused(small_services: Services) -> None:
    services = small_services
    services.enrolment.create_site(SITE, "Balai Besar POM di Surabaya")
    token = services.enrolment.create_token(SITE, timedelta(days=1))
    credential, _ = services.enrolment.enrol(token, "agent", None)
    body = encoded(observation("linux"))
    assert len(body) > 4096
    refused_unchanged(services, post(OBSERVATIONS, body, bearer(credential)), 413,
                      "body_too_large")  # fmt: skip
    packed = gzip.compress(body)
    assert len(packed) <= 4096  # the limit is on the wire: the same document, gzipped, fits
    answer = call(services, post(OBSERVATIONS, packed, {**bearer(credential), **GZIP}))
    assert answer.status == 202, answer.text


def test_a_gzip_bomb_is_refused_quickly(world: World) -> None:
    bomb = gzip_bomb()
    assert len(bomb) < 300_000
    request = post(OBSERVATIONS, bomb, {**bearer(world.credential), **GZIP})
    started = time.perf_counter()
    refused_unchanged(world.services, request, 413, "document_too_large")
    assert time.perf_counter() - started < 3.0


# --- credentials -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer    ", "Basic dXNlcjpwYXNzd29yZA==", "asetik-agt-abc", "Token x"],
)
def test_a_missing_or_malformed_authorization_is_refused(
    world: World, authorization: str | None
) -> None:
    headers = dict(JSON)
    if authorization is not None:
        headers["Authorization"] = authorization
    request = post(OBSERVATIONS, encoded(observation("linux")), headers)
    refused_unchanged(world.services, request, 401, "missing_credential")


@pytest.mark.parametrize(
    "secret",
    [pytest.param("asetik-agt-" + "A" * 43, id="unknown"), pytest.param(None, id="user-token")],
)
def test_a_credential_that_is_not_an_agents_is_refused(world: World, secret: str | None) -> None:
    request = post(OBSERVATIONS, encoded(observation("linux")), bearer(secret or world.api_token))
    refused_unchanged(world.services, request, 401, "invalid_credential")


def test_a_revoked_credential_is_refused(fresh_world: World) -> None:
    assert fresh_world.services.enrolment.revoke(fresh_world.credential_id)
    request = post(OBSERVATIONS, encoded(observation("linux")), bearer(fresh_world.credential))
    refused_unchanged(fresh_world.services, request, 401, "invalid_credential")


def test_a_replayed_submission_is_refused(fresh_world: World) -> None:
    document = observation("linux")
    request = post(OBSERVATIONS, encoded(document), bearer(fresh_world.credential))
    first = call(fresh_world.services, request)
    assert first.status == 202, first.text
    message = refused_unchanged(fresh_world.services, request, 409, "duplicate_submission")
    assert document["source"]["submission_id"] in message


# --- enrolment -------------------------------------------------------------------------------


def _enrolment(token: str, kind: str = "agent") -> bytes:
    return json.dumps({"token": token, "kind": kind, "identity": {"hostname": "pc-tu-07"}}).encode()


def test_an_expired_enrolment_token_is_refused(fresh_world: World, clock: FixedClock) -> None:
    token = fresh_world.services.enrolment.create_token(SITE, timedelta(hours=1))
    clock.now += timedelta(hours=1, seconds=1)
    request = post(ENROLL, _enrolment(token), JSON)
    refused_unchanged(fresh_world.services, request, 401, "expired_token")


def test_a_used_up_enrolment_token_is_refused(fresh_world: World) -> None:
    token = fresh_world.services.enrolment.create_token(SITE, timedelta(days=1), max_uses=1)
    request = post(ENROLL, _enrolment(token), JSON)
    first = call(fresh_world.services, request)
    assert first.status == 201, first.text
    refused_unchanged(fresh_world.services, request, 401, "token_used_up")


@pytest.mark.parametrize(
    ("body", "headers", "status", "code"),
    [
        pytest.param(_enrolment("asetik-enr-" + "B" * 43), JSON, 401, "invalid_token",
                     id="unknown-token"),
        pytest.param(b'{"kind": "agent"}', JSON, 400, "missing_token", id="no-token"),
        pytest.param(b'{"token": 12345}', JSON, 400, "missing_token", id="numeric-token"),
        pytest.param(_enrolment("asetik-enr-x", kind="admin"), JSON, 400, "bad_kind",
                     id="bad-kind"),
        pytest.param(b'{"token": ', JSON, 400, "malformed_json", id="malformed-json"),
        pytest.param(b'["token"]', JSON, 422, "schema_violation", id="json-array"),
        pytest.param(_enrolment("asetik-enr-x"), {"Content-Type": "text/plain"}, 415,
                     "unsupported_media_type", id="text-plain"),
        pytest.param(b'{"token": "' + b"x" * 100_000 + b'"}', JSON, 413, "body_too_large",
                     id="over-64-kib"),
    ],
)  # fmt: skip
def test_a_bad_enrolment_is_refused(
    world: World, body: bytes, headers: dict[str, str], status: int, code: str
) -> None:
    refused_unchanged(world.services, post(ENROLL, body, headers), status, code)


# --- reading the register --------------------------------------------------------------------


def test_the_asset_list_needs_a_user_token(world: World) -> None:
    services = world.services
    refused_unchanged(services, get(ASSETS), 401, "missing_credential")
    refused_unchanged(services, get(ASSETS, "asetik-api-" + "C" * 43), 401, "invalid_token")
    refused_unchanged(services, get(ASSETS, world.credential), 401, "invalid_token")
    allowed = call(services, get(ASSETS, world.api_token))
    assert allowed.status == 200 and json.loads(allowed.text)["total"] == 1


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("kind=bogus", "bad_filter"),
        ("status=deleted", "bad_filter"),
        ("page=0", "bad_page"),
        ("per_page=0", "bad_page"),
        ("per_page=100000", "bad_page"),
        ("page=-1", "bad_parameter"),
        ("page=1.5", "bad_parameter"),
        ("page=abc", "bad_parameter"),
        ("per_page=99999999999999999999", "bad_parameter"),
        ("sort=password", "bad_sort"),
        ("sort=-password", "bad_sort"),
    ],
)
def test_a_bad_asset_filter_is_refused(world: World, query: str, code: str) -> None:
    request = get(f"{ASSETS}?{query}", world.api_token)
    refused_unchanged(world.services, request, 400, code)


@pytest.mark.parametrize("asset_id", ["abc", "999999", "-1", "99999999999999999999", "1.0"])
def test_an_unknown_asset_is_not_found(world: World, asset_id: str) -> None:
    request = get(f"{ASSETS}/{asset_id}", world.api_token)
    refused_unchanged(world.services, request, 404, "not_found")


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("GET", "/api/v1/nothing-here", 404, "not_found"),
        ("GET", "/wp-login.php", 404, "not_found"),
        ("POST", "/api/v2/observations", 404, "not_found"),
        ("DELETE", ASSETS, 405, "method_not_allowed"),
        ("GET", OBSERVATIONS, 405, "method_not_allowed"),
        ("PUT", ENROLL, 405, "method_not_allowed"),
        ("POST", "/metrics", 405, "method_not_allowed"),
    ],
)
def test_an_unknown_route_or_method_is_a_json_error(
    world: World, method: str, path: str, status: int, code: str
) -> None:
    request = Request(method, path, b"{}", bearer(world.api_token))
    refused_unchanged(world.services, request, status, code)
