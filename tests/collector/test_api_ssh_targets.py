"""SSH credentials and targets, and the pollers' findings, over the API on SQLite and
PostgreSQL: passwords and passphrases sealed and never shown, the stored plan the poller reads,
a site admin kept to their site, bad input refused with nothing changed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import text

from collector.bootstrap import Services
from tests.collector.test_api_assets import Answer, call

SBY, MDN = "BBPOM-SBY", "BBPOM-MDN"
CREDENTIALS = "/api/v1/ssh/credentials"
TARGETS = "/api/v1/ssh/targets"
FINDINGS = "/api/v1/poll/findings"
SECRET = "sandi-rahasia-ssh"  # a test value, looked for in every answer


@dataclass(frozen=True)
class Tokens:
    central: str
    sby_admin: str
    viewer: str
    sby_viewer: str


@pytest.fixture
def tokens(services: Services) -> Iterator[Tokens]:
    for code in (SBY, MDN):
        services.enrolment.create_site(code, f"Balai {code}")
    users = services.users
    users.create("pusdatin", "admin", None, None)
    users.create("admin-sby", "admin", SBY, None)
    users.create("lihat", "viewer", None, None)
    users.create("lihat-sby", "viewer", SBY, None)
    yield Tokens(*(users.issue_token(n) for n in ("pusdatin", "admin-sby", "lihat", "lihat-sby")))


def _send(services: Services, method: str, path: str, token: str, body: object) -> Answer:
    return call(services, method, path, token, json.dumps(body).encode())


def _rows(services: Services, table: str) -> list[tuple[object, ...]]:
    with services.engine.connect() as connection:
        rows = connection.execute(text(f"SELECT * FROM {table} ORDER BY id"))  # noqa: S608
        return [tuple(row) for row in rows]


def _state(services: Services) -> tuple[object, ...]:
    return tuple(_rows(services, t) for t in ("poll_credentials", "poll_targets", "poll_findings"))


PASSWORD = {"username": "netops", "password": SECRET}
KEY = {"username": "root", "key_file": "/etc/asetik/ssh/id_ed25519", "passphrase": SECRET,
       "legacy_algorithms": True}  # fmt: skip


def test_ssh_credentials_are_sealed_and_targets_become_ssh_groups(
    services: Services, tokens: Tokens
) -> None:
    for name, body in (("netops", PASSWORD), ("kunci", KEY)):
        stored = _send(services, "PUT", f"{CREDENTIALS}/{name}", tokens.central, body)
        assert stored.status == 200, stored.text
        assert SECRET not in stored.text
    listed = call(services, "GET", CREDENTIALS, tokens.central)
    assert SECRET not in listed.text
    assert [(c["name"], c["kind"], c["username"], c["key_file"], c["legacy_algorithms"])
            for c in listed.json()["items"]] == [
        ("kunci", "key", "root", "/etc/asetik/ssh/id_ed25519", True),
        ("netops", "password", "netops", None, False),
    ]  # fmt: skip
    assert call(services, "GET", "/api/v1/snmp/credentials", tokens.central).json() == {"items": []}
    at_rest = json.dumps(_rows(services, "poll_credentials"), default=str)
    assert SECRET not in at_rest and "enc:" in at_rest

    targets: dict[str, object] = {"targets": [
        {"target": "127.0.0.1:2222", "device_type": "cisco_ios", "credentials": ["netops"]},
        {"target": "127.0.0.8/30", "device_type": "autodetect",
         "credentials": ["kunci", "netops"]},
    ]}  # fmt: skip
    answer = _send(services, "PUT", f"{TARGETS}/{SBY}", tokens.sby_admin, targets)
    assert answer.status == 200, answer.text
    assert [(t["target"], t["device_type"]) for t in answer.json()["items"]] == [
        ("127.0.0.1:2222", "cisco_ios"), ("127.0.0.8/30", "autodetect"),
    ]  # fmt: skip
    assert call(services, "GET", "/api/v1/snmp/targets", tokens.central).json() == {"items": []}

    plan = services.poll_targets.plan()
    assert plan.sites == ()
    ios, ranged = plan.ssh
    assert (ios.code, ios.addresses, ios.device_type) == (SBY, (("127.0.0.1", 2222),), "cisco_ios")
    assert [(c.name, c.password) for c in ios.credentials] == [("netops", SECRET)]
    assert ranged.addresses == (("127.0.0.9", 22), ("127.0.0.10", 22))
    key = ranged.credentials[0]
    assert (str(key.key_file), key.passphrase, key.legacy_algorithms) == (
        "/etc/asetik/ssh/id_ed25519", SECRET, True,
    )  # fmt: skip

    in_use = call(services, "DELETE", f"{CREDENTIALS}/netops", tokens.central)
    assert in_use.status == 409 and "masih dipakai" in in_use.text
    not_snmp = call(services, "DELETE", "/api/v1/snmp/credentials/netops", tokens.central)
    assert not_snmp.status == 404


ONE = {"target": "127.0.0.1", "device_type": "cisco_ios", "credentials": ["x"]}
Case = tuple[str, str, str, object, tuple[int, str]]  # who, method, path, body, refusal
BAD: list[Case] = [
    ("viewer", "PUT", f"{CREDENTIALS}/y", PASSWORD, (403, "forbidden")),
    ("sby_admin", "PUT", f"{CREDENTIALS}/y", PASSWORD, (403, "forbidden")),
    ("central", "PUT", f"{CREDENTIALS}/Bad Name!", PASSWORD, (400, "bad_name")),
    ("central", "PUT", f"{CREDENTIALS}/y", {"username": "u"}, (400, "bad_credential")),
    ("central", "PUT", f"{CREDENTIALS}/y", {**PASSWORD, "key_file": "/k"}, (400, "bad_credential")),
    ("central", "PUT", f"{CREDENTIALS}/y", {**PASSWORD, "pasword": "p"}, (400, "bad_credential")),
    ("central", "PUT", f"{CREDENTIALS}/y", {**KEY, "key_file": "rel/k"}, (400, "bad_credential")),
    (
        "central",
        "PUT",
        f"{CREDENTIALS}/y",
        {**PASSWORD, "legacy_algorithms": "ya"},
        (400, "bad_credential"),
    ),
    ("central", "PUT", f"{CREDENTIALS}/snmp-x", PASSWORD, (409, "name_taken")),
    ("central", "PUT", "/api/v1/snmp/credentials/x", {"community": "c"}, (409, "name_taken")),
    ("central", "PUT", f"{TARGETS}/{SBY}", {"targets": []}, (400, "bad_body")),
    ("central", "PUT", f"{TARGETS}/{SBY}", {"targets": ["127.0.0.1"]}, (400, "bad_body")),
    ("central", "PUT", f"{TARGETS}/{SBY}", {"targets": [{**ONE, "port": 22}]}, (400, "bad_body")),
    (
        "central",
        "PUT",
        f"{TARGETS}/{SBY}",
        {"targets": [{**ONE, "target": "10.0.0.0/8"}]},
        (400, "bad_target"),
    ),
    (
        "central",
        "PUT",
        f"{TARGETS}/{SBY}",
        {"targets": [{**ONE, "device_type": "cisco_ioss"}]},
        (400, "bad_target"),
    ),
    (
        "central",
        "PUT",
        f"{TARGETS}/{SBY}",
        {"targets": [{**ONE, "credentials": []}]},
        (400, "bad_body"),
    ),
    (
        "central",
        "PUT",
        f"{TARGETS}/{SBY}",
        {"targets": [{**ONE, "credentials": ["snmp-x"]}]},
        (400, "unknown_credential"),
    ),
    (
        "central",
        "PUT",
        f"{TARGETS}/{SBY}",
        {"targets": [ONE, {**ONE, "target": "127.0.0.0/30", "device_type": "autodetect"}]},
        (400, "duplicate_target"),
    ),
    ("viewer", "PUT", f"{TARGETS}/{SBY}", {"targets": [ONE]}, (403, "forbidden")),
    ("sby_admin", "PUT", f"{TARGETS}/{MDN}", {"targets": [ONE]}, (404, "not_found")),
    ("central", "PUT", f"{TARGETS}/NOWHERE", {"targets": [ONE]}, (404, "not_found")),
    ("viewer", "GET", TARGETS, None, (403, "forbidden")),
    ("viewer", "GET", CREDENTIALS, None, (403, "forbidden")),
    ("viewer", "GET", f"{FINDINGS}?state=closed", None, (400, "bad_parameter")),
    ("viewer", "POST", f"{FINDINGS}/1/accept", {"fingerprint": "SHA256:baru"}, (403, "forbidden")),
    ("central", "POST", f"{FINDINGS}/1/accept", {}, (400, "bad_body")),
    (
        "central",
        "POST",
        f"{FINDINGS}/1/accept",
        {"fingerprint": "SHA256:lain"},
        (409, "fingerprint_mismatch"),
    ),
    (
        "central",
        "POST",
        f"{FINDINGS}/999/accept",
        {"fingerprint": "SHA256:baru"},
        (404, "not_found"),
    ),
    ("central", "POST", f"{FINDINGS}/x/accept", {"fingerprint": "SHA256:baru"}, (404, "not_found")),
    (
        "sby_admin",
        "POST",
        f"{FINDINGS}/2/accept",
        {"fingerprint": "SHA256:baru"},
        (404, "not_found"),
    ),
]


@pytest.mark.parametrize("case", BAD, ids=lambda c: f"{c[0]}-{c[1]}-{c[2]}-{c[4][1]}")
def test_bad_requests_are_refused_and_change_nothing(
    services: Services, tokens: Tokens, case: Case
) -> None:
    who, method, path, body, refusal = case
    assert _send(services, "PUT", f"{CREDENTIALS}/x", tokens.central, PASSWORD).status == 200
    snmp = _send(services, "PUT", "/api/v1/snmp/credentials/snmp-x", tokens.central,
                 {"community": SECRET})  # fmt: skip
    assert snmp.status == 200
    findings = services.poll_findings
    for expected_id, site in ((1, SBY), (2, MDN)):  # the ids the cases name
        keys = ("SHA256:lama", "SHA256:baru")
        assert findings.record_host_key_change(site, ("127.0.0.1", 22), *keys) == expected_id
    before = _state(services)
    token = getattr(tokens, who)
    answer = call(services, method, path, token) if body is None else _send(
        services, method, path, token, body
    )  # fmt: skip
    assert (answer.status, answer.json()["error"]["code"]) == refusal, answer.text
    assert SECRET not in answer.text
    assert _state(services) == before


def test_findings_are_seen_within_the_site_and_accepted_by_its_admin(
    services: Services, tokens: Tokens
) -> None:
    findings = services.poll_findings
    sby = findings.record_host_key_change(SBY, ("127.0.0.1", 22), "SHA256:lama", "SHA256:baru")
    findings.record_host_key_change(MDN, ("::1", 2222), "SHA256:lama", "SHA256:baru")
    everything = call(services, "GET", FINDINGS, tokens.viewer).json()["items"]
    assert sorted((f["site"], f["address"]) for f in everything) == [
        (MDN, "[::1]:2222"), (SBY, "127.0.0.1:22"),
    ]  # fmt: skip
    mine = call(services, "GET", FINDINGS, tokens.sby_viewer).json()["items"]
    assert [(f["id"], f["pinned"], f["seen"], f["resolved_at"]) for f in mine] == [
        (sby, "SHA256:lama", "SHA256:baru", None),
    ]  # fmt: skip
    assert call(services, "GET", f"{FINDINGS}?site={MDN}", tokens.sby_viewer).json() == {
        "items": []
    }
    accepted = _send(services, "POST", f"{FINDINGS}/{sby}/accept", tokens.sby_admin,
                     {"fingerprint": "SHA256:baru"})  # fmt: skip
    assert accepted.status == 200, accepted.text
    assert (accepted.json()["accepted"], accepted.json()["resolved_by"]) == (
        "SHA256:baru", "admin-sby",
    )  # fmt: skip
    assert call(services, "GET", FINDINGS, tokens.sby_viewer).json() == {"items": []}
    resolved = call(services, "GET", f"{FINDINGS}?state=resolved", tokens.sby_viewer).json()
    assert [f["id"] for f in resolved["items"]] == [sby]
    assert findings.accepted_key(SBY, ("127.0.0.1", 22)) == "SHA256:baru"


def test_a_site_admin_sees_only_their_sites_ssh_targets(services: Services, tokens: Tokens) -> None:
    assert _send(services, "PUT", f"{CREDENTIALS}/x", tokens.central, PASSWORD).status == 200
    for site, host in ((SBY, "127.0.0.1"), (MDN, "127.0.0.2")):
        body = {"targets": [{**ONE, "target": host}]}
        assert _send(services, "PUT", f"{TARGETS}/{site}", tokens.central, body).status == 200
    [mine] = call(services, "GET", TARGETS, tokens.sby_admin).json()["items"]
    assert (mine["site"], mine["target"], mine["device_type"], mine["credentials"]) == (
        SBY, "127.0.0.1", "cisco_ios", ["x"],
    )  # fmt: skip
    assert len(call(services, "GET", TARGETS, tokens.central).json()["items"]) == 2
    assert [g.code for g in services.poll_targets.plan().ssh] == [MDN, SBY]
