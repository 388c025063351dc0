"""SNMP credentials and targets over the API, on SQLite and PostgreSQL: secrets sealed in the
database and never shown, a site admin limited to their site, bad input refused with nothing
changed, and the poller's plan read back from what was stored."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text

from collector.adapters.snmp.credentials import AuthProtocol, Community, V3User
from collector.bootstrap import Services
from tests.collector.test_api_assets import Answer, call

SBY, MDN = "BBPOM-SBY", "BBPOM-MDN"
CREDENTIALS = "/api/v1/snmp/credentials"
TARGETS = "/api/v1/snmp/targets"


@dataclass(frozen=True)
class Tokens:
    central: str
    sby_admin: str
    viewer: str


@pytest.fixture
def tokens(services: Services) -> Iterator[Tokens]:
    for code in (SBY, MDN):
        services.enrolment.create_site(code, f"Balai {code}")
    users = services.users
    users.create("pusdatin", "admin", None, None)
    users.create("admin-sby", "admin", SBY, None)
    users.create("lihat", "viewer", None, None)
    yield Tokens(users.issue_token("pusdatin"), users.issue_token("admin-sby"),
                 users.issue_token("lihat"))  # fmt: skip


def _put(services: Services, path: str, token: str, body: object) -> Answer:
    return call(services, "PUT", path, token, json.dumps(body).encode())


def _rows(services: Services, table: str) -> list[tuple[object, ...]]:
    with services.engine.connect() as connection:
        rows = connection.execute(text(f"SELECT * FROM {table} ORDER BY id"))  # noqa: S608
        return [tuple(row) for row in rows]


V3 = {"user": "asetik", "auth_protocol": "sha512", "auth_key": "kunci-auth-123",
      "priv_protocol": "aes256", "priv_key": "kunci-priv-456"}  # fmt: skip


def test_credentials_are_sealed_and_targets_become_the_pollers_plan(
    services: Services, tokens: Tokens
) -> None:
    stored = _put(
        services, f"{CREDENTIALS}/printer", tokens.central, {"community": "cetak-rahasia"}
    )
    assert stored.status == 200, stored.text
    assert _put(services, f"{CREDENTIALS}/core-v3", tokens.central, V3).status == 200
    listed = call(services, "GET", CREDENTIALS, tokens.central)
    assert "rahasia" not in listed.text and "kunci" not in listed.text
    assert [(c["name"], c["version"], c["auth_protocol"]) for c in listed.json()["items"]] == [
        ("core-v3", "v3", "sha512"), ("printer", "v2c", None),
    ]  # fmt: skip
    at_rest = json.dumps(_rows(services, "poll_credentials"), default=str)
    assert "rahasia" not in at_rest and "kunci" not in at_rest and "enc:" in at_rest

    body = {"targets": ["127.0.0.1:16100", "127.0.0.8/30"], "credentials": ["core-v3", "printer"]}
    answer = _put(services, f"{TARGETS}/{SBY}", tokens.sby_admin, body)
    assert answer.status == 200, answer.text
    assert [t["target"] for t in answer.json()["items"]] == ["127.0.0.1:16100", "127.0.0.8/30"]

    (site,) = services.poll_targets.plan().sites
    assert site.code == SBY
    assert site.addresses == (("127.0.0.1", 16100), ("127.0.0.9", 161), ("127.0.0.10", 161))
    assert site.credentials[1] == Community("cetak-rahasia", name="printer")
    first = site.credentials[0]
    assert isinstance(first, V3User)
    assert (first.user, first.auth_protocol, first.auth_key, first.priv_key) == (
        "asetik", AuthProtocol.SHA512, "kunci-auth-123", "kunci-priv-456",
    )  # fmt: skip
    assert first.priv_protocol.value == "aes256"

    in_use = call(services, "DELETE", f"{CREDENTIALS}/printer", tokens.central)
    assert in_use.status == 409 and "masih dipakai" in in_use.text


COMMUNITY = {"community": "c"}
LOCAL = {"targets": ["127.0.0.1"], "credentials": ["x"]}
WIDE = {"targets": ["10.0.0.0/8"], "credentials": ["x"]}
Case = tuple[str, str, object, tuple[int, str]]  # who, path, body, (status, error code)
BAD: list[Case] = [
    ("viewer", f"{CREDENTIALS}/x", COMMUNITY, (403, "forbidden")),
    ("sby_admin", f"{CREDENTIALS}/x", COMMUNITY, (403, "forbidden")),
    ("central", f"{CREDENTIALS}/Bad Name!", COMMUNITY, (400, "bad_name")),
    ("central", f"{CREDENTIALS}/x", {}, (400, "bad_credential")),
    ("central", f"{CREDENTIALS}/x", {**V3, "auth_protocol": "md5"}, (400, "bad_credential")),
    ("central", f"{TARGETS}/{SBY}", {**WIDE, "credentials": []}, (400, "bad_body")),
    ("central", f"{TARGETS}/{SBY}", WIDE, (400, "bad_target")),
    (
        "central",
        f"{TARGETS}/{SBY}",
        {**LOCAL, "credentials": ["nope"]},
        (400, "unknown_credential"),
    ),
    ("sby_admin", f"{TARGETS}/{MDN}", LOCAL, (404, "not_found")),
    ("central", f"{TARGETS}/NOWHERE", LOCAL, (404, "not_found")),
]


@pytest.mark.parametrize("case", BAD)
def test_bad_requests_are_refused_and_change_nothing(
    services: Services, tokens: Tokens, case: Case
) -> None:
    who, path, body, refusal = case
    assert _put(services, f"{CREDENTIALS}/x", tokens.central, {"community": "c"}).status == 200
    before = (_rows(services, "poll_credentials"), _rows(services, "poll_targets"))
    answer = _put(services, path, getattr(tokens, who), body)
    assert (answer.status, answer.json()["error"]["code"]) == refusal, answer.text
    assert (_rows(services, "poll_credentials"), _rows(services, "poll_targets")) == before


def test_a_site_admin_sees_only_their_sites_targets(services: Services, tokens: Tokens) -> None:
    assert _put(services, f"{CREDENTIALS}/x", tokens.central, {"community": "c"}).status == 200
    for site in (SBY, MDN):
        body = {"targets": [f"127.0.0.{len(site)}"], "credentials": ["x"]}
        assert _put(services, f"{TARGETS}/{site}", tokens.central, body).status == 200
    seen = call(services, "GET", TARGETS, tokens.sby_admin).json()["items"]
    assert [item["site"] for item in seen] == [SBY]
    assert len(call(services, "GET", TARGETS, tokens.central).json()["items"]) == 2
    assert call(services, "GET", TARGETS, tokens.viewer).status == 403


def test_the_secret_key_file_is_made_only_when_a_secret_is_sealed(
    services: Services, tokens: Tokens, tmp_path: Path
) -> None:
    assert call(services, "GET", TARGETS, tokens.central).status == 200
    assert not (tmp_path / "data" / "secret.key").exists()
    assert _put(services, f"{CREDENTIALS}/x", tokens.central, {"community": "c"}).status == 200
    assert (tmp_path / "data" / "secret.key").exists()
