"""Reading the register over HTTP, on SQLite and PostgreSQL: the asset list (filters, pages,
sorting, site scope), one asset's detail, health, metrics and the OpenAPI description.

One register per database kind is built for the module (six assets over two sites, a
site-scoped user made with the CLI) and only read by the tests; the ingest counter test
writes, so it gets a database of its own.
"""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, redirect_stdout
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client.parser import text_string_to_metric_families

from collector.bootstrap import Services, build_services
from collector.config import load_config
from collector.entrypoints.cli import main as collector_cli
from collector.entrypoints.http import build_app
from tests.collector.conftest import FixedClock
from tests.collector.databases import PostgresDatabases, SqliteDatabases, fresh_database
from tests.collector.documents import WITHOUT_KEYS, laptop, observation, renewed

SBY, MDN = "BBPOM-SBY", "BBPOM-MDN"
ASSETS = "/api/v1/assets"
HTTP_METHODS = frozenset({"get", "put", "post", "delete", "patch", "options", "head", "trace"})


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    text: str

    def json(self) -> Any:
        return json.loads(self.text)


def call(
    services: Services,
    method: str,
    path: str,
    token: str | None = None,
    body: bytes = b"",
) -> Answer:
    """One request to ``build_app(services)`` served on 127.0.0.1 for the length of it."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if body:
        headers["Content-Type"] = "application/json"

    async def exchange() -> Answer:
        async with (
            TestClient(TestServer(build_app(services))) as client,
            client.request(method, path, data=body, headers=headers) as response,
        ):
            return Answer(response.status, response.content_type, await response.text())

    return asyncio.run(exchange())


def listed(services: Services, token: str, query: str = "") -> dict[str, Any]:
    """The asset list's JSON for a query string; fails the test unless it is a 200."""
    answer = call(services, "GET", f"{ASSETS}?{query}", token)
    assert answer.status == 200, answer.text
    page: dict[str, Any] = answer.json()
    return page


def names(page: Mapping[str, Any]) -> list[str]:
    return [item["name"] for item in page["items"]]


@dataclass(frozen=True)
class Register:
    """A register of two sites, with the tokens of a Pusdatin admin and of a UPT user."""

    services: Services
    admin: str
    upt: str
    ids: dict[str, int]  # asset id by name
    by_last_seen: list[str]  # names, least recently seen first


def cli_token(url: str, data_dir: Path, *args: str) -> str:
    """Run ``asetik-collector`` in-process on the database; the last line it printed."""
    printed = io.StringIO()
    with redirect_stdout(printed):
        assert collector_cli(["--db", url, "--data-dir", str(data_dir), *args]) == 0
    return printed.getvalue().strip().splitlines()[-1]


def enrolled(services: Services, site: str, kind: str = "agent") -> str:
    """A new agent's (or poller's) credential at the site."""
    token = services.enrolment.create_token(site, timedelta(days=1))
    credential, _ = services.enrolment.enrol(token, kind, None)
    return credential


def ingest(services: Services, credential: str, document: dict[str, Any]) -> int:
    caller = services.enrolment.authenticate(credential)
    return services.ingest.ingest(document, caller, len(json.dumps(document))).asset_id


def fill_register(services: Services, clock: FixedClock) -> tuple[dict[str, int], list[str]]:
    """Six assets arriving an hour apart, the first laptop coming back last with one package
    fewer: (asset id by name, names least recently seen first)."""
    services.enrolment.create_site(SBY, "Balai Besar POM di Surabaya")
    services.enrolment.create_site(MDN, "Balai Besar POM di Medan")
    office = observation("linux")  # lpt-pusdatin-042
    clone_of = laptop(1)["identity"]["machine_id"]
    arrivals = [
        (SBY, "agent", office),
        (SBY, "agent", observation("windows", hostname="pd-pusdatin-017",
                                   mac_addresses=["f8:bc:12:4a:5b:6d"])),
        (SBY, "poller", observation("printer", hostname="prn-tu-lt2")),
        (SBY, "agent", observation("linux", hostname="localhost", **WITHOUT_KEYS)),
        (MDN, "agent", laptop(1, hostname="lpt-mdn-01")),
        (MDN, "agent", laptop(2, hostname="lpt-mdn-02", machine_id=clone_of)),
    ]  # fmt: skip
    ids: dict[str, int] = {}
    senders: list[str] = []
    for site, kind, document in arrivals:
        clock.now += timedelta(hours=1)
        senders.append(enrolled(services, site, kind))
        ids[document["identity"]["hostname"]] = ingest(services, senders[-1], document)
    clock.now += timedelta(hours=1)
    ingest(services, senders[0], renewed({**office, "softwares": office["softwares"][:-1]}))
    order = [document["identity"]["hostname"] for _, _, document in arrivals[1:]]
    return ids, [*order, "lpt-pusdatin-042"]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def register(
    request: pytest.FixtureRequest,
    _sqlite_databases: SqliteDatabases,
    _postgres_databases: PostgresDatabases,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Register]:
    """The filled register, once per database kind, shared by the module's read-only tests."""
    database = contextmanager(fresh_database)
    with database(request.param, _sqlite_databases, _postgres_databases) as url:
        data_dir = tmp_path_factory.mktemp("data")
        clock = FixedClock()
        services = build_services(load_config({}, db=url, data_dir=data_dir), clock)
        try:
            ids, by_last_seen = fill_register(services, clock)
            services.users.create("pusdatin-ops", "admin", None, None)
            admin = services.users.issue_token("pusdatin-ops")
            cli_token(url, data_dir, "user", "create", "--name", "upt-sby", "--role", "viewer",
                      "--site", SBY)  # fmt: skip
            upt = cli_token(url, data_dir, "user", "token", "--name", "upt-sby")
            yield Register(services, admin, upt, ids, by_last_seen)
        finally:
            services.close()


ALL = ["lpt-pusdatin-042", "pd-pusdatin-017", "prn-tu-lt2", "localhost", "lpt-mdn-01",
       "lpt-mdn-02"]  # fmt: skip


def test_pusdatin_sees_every_asset_in_id_order(register: Register) -> None:
    page = listed(register.services, register.admin)
    assert names(page) == ALL
    assert [item["id"] for item in page["items"]] == [register.ids[name] for name in ALL]
    assert (page["total"], page["page"], page["per_page"]) == (6, 1, 50)
    first = page["items"][0]
    assert (first["site_code"], first["kind"], first["status"]) == (SBY, "laptop", "active")
    assert first["serial"] == "PF3K2ABC" and first["last_source"] == "agent"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (f"site={MDN}", ["lpt-mdn-01", "lpt-mdn-02"]),
        ("site=bbpom-mdn", ["lpt-mdn-01", "lpt-mdn-02"]),
        ("site=BPOM-NOWHERE", []),
        ("kind=printer", ["prn-tu-lt2"]),
        ("kind=workstation", ["pd-pusdatin-017"]),
        ("kind=laptop", ["lpt-pusdatin-042", "localhost", "lpt-mdn-01", "lpt-mdn-02"]),
        ("status=review", ["localhost"]),
        ("status=active", [n for n in ALL if n != "localhost"]),
        ("q=PUSDATIN", ["lpt-pusdatin-042", "pd-pusdatin-017"]),
        ("q=vnb3k", ["prn-tu-lt2"]),  # the printer's serial
        ("q=%25", []),  # '%' and '_' are text, not LIKE wildcards
        ("q=_", []),
        (f"site={SBY}&kind=laptop&status=active", ["lpt-pusdatin-042"]),
    ],
)
def test_the_list_is_filtered(register: Register, query: str, expected: list[str]) -> None:
    page = listed(register.services, register.admin, query)
    assert names(page) == expected
    assert page["total"] == len(expected)


@pytest.mark.parametrize("size", [1, 2, 4, 6, 500])
def test_pages_cover_the_list_once(register: Register, size: int) -> None:
    seen: list[str] = []
    pages = -(-len(ALL) // size)
    for number in range(1, pages + 2):
        page = listed(register.services, register.admin, f"per_page={size}&page={number}")
        assert (page["total"], page["page"], page["per_page"]) == (6, number, size)
        expected = min(size, len(ALL) - len(seen)) if number <= pages else 0
        assert len(page["items"]) == expected
        seen += names(page)
    assert seen == ALL


def test_the_list_sorts_by_name_and_by_last_seen(register: Register) -> None:
    services, admin = register.services, register.admin
    assert names(listed(services, admin, "sort=name")) == sorted(ALL)
    assert names(listed(services, admin, "sort=-name")) == sorted(ALL, reverse=True)
    assert names(listed(services, admin, "sort=last_seen")) == register.by_last_seen
    newest_first = names(listed(services, admin, "sort=-last_seen"))
    assert newest_first == register.by_last_seen[::-1]
    assert newest_first[0] == "lpt-pusdatin-042"  # came back last


def test_a_site_user_sees_only_their_site(register: Register) -> None:
    services, upt = register.services, register.upt
    page = listed(services, upt)
    assert names(page) == ["lpt-pusdatin-042", "pd-pusdatin-017", "prn-tu-lt2", "localhost"]
    assert page["total"] == 4
    assert listed(services, upt, f"site={MDN}") == {"items": [], "total": 0, "page": 1,
                                                     "per_page": 50}  # fmt: skip
    elsewhere = call(services, "GET", f"{ASSETS}/{register.ids['lpt-mdn-01']}", upt)
    assert elsewhere.status == 404 and elsewhere.json()["error"]["code"] == "not_found"
    own = call(services, "GET", f"{ASSETS}/{register.ids['prn-tu-lt2']}", upt)
    assert own.status == 200 and own.json()["asset"]["name"] == "prn-tu-lt2"


def test_an_asset_detail_has_sections_and_history_newest_first(register: Register) -> None:
    asset_id = register.ids["lpt-pusdatin-042"]
    answer = call(register.services, "GET", f"{ASSETS}/{asset_id}", register.admin)
    assert answer.status == 200, answer.text
    detail = answer.json()
    assert detail["asset"]["id"] == asset_id and detail["asset"]["site_code"] == SBY
    assert {"identity", "hardware", "operatingsystem", "softwares", "networks"} <= set(
        detail["sections"]
    )
    assert detail["sections"]["hardware"]["serial"] == "PF3K2ABC"
    assert len(detail["sections"]["softwares"]) == len(observation("linux")["softwares"]) - 1
    history = detail["history"]
    moments = [datetime.fromisoformat(entry["at"]) for entry in history]
    assert moments == sorted(moments, reverse=True) and moments[0] > moments[-1]
    assert history[0]["kind"] == "software_removed" and "tzdata" in history[0]["subject"]
    assert history[-1]["kind"] == "asset_discovered"
    assert detail["conflicts"] == []


def test_an_asset_detail_shows_its_identity_conflicts(register: Register) -> None:
    clone, original = register.ids["lpt-mdn-02"], register.ids["lpt-mdn-01"]
    detail = call(register.services, "GET", f"{ASSETS}/{clone}", register.admin).json()
    [conflict] = detail["conflicts"]
    assert (conflict["reason"], conflict["other_asset_ids"]) == ("clone_machine_id", [original])
    assert f"#{original}" in conflict["detail"]


def test_healthz_reports_the_database(register: Register) -> None:
    answer = call(register.services, "GET", "/healthz")
    assert answer.status == 200
    assert answer.json() == {"status": "ok", "database": True}


def samples(text: str, name: str) -> dict[frozenset[tuple[str, str]], float]:
    """The values of one metric in a Prometheus exposition, by label set."""
    return {
        frozenset(sample.labels.items()): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name
    }


def test_metrics_count_assets_by_site_and_kind(register: Register) -> None:
    answer = call(register.services, "GET", "/metrics")
    assert answer.status == 200 and answer.content_type == "text/plain"
    assert samples(answer.text, "asetik_assets") == {  # active ones
        frozenset({("site", SBY), ("kind", "laptop")}): 1.0,
        frozenset({("site", SBY), ("kind", "workstation")}): 1.0,
        frozenset({("site", SBY), ("kind", "printer")}): 1.0,
        frozenset({("site", MDN), ("kind", "laptop")}): 2.0,
    }
    assert samples(answer.text, "asetik_assets_by_status") == {
        frozenset({("kind", "laptop"), ("status", "active")}): 3.0,
        # the clone whose identity conflicts waits for review
        frozenset({("kind", "laptop"), ("status", "review")}): 1.0,
        frozenset({("kind", "workstation"), ("status", "active")}): 1.0,
        frozenset({("kind", "printer"), ("status", "active")}): 1.0,
    }


def test_metrics_count_ingests_by_source_and_result(services: Services) -> None:
    services.enrolment.create_site(SBY, "Balai Besar POM di Surabaya")
    credential = enrolled(services, SBY)
    body = json.dumps(observation("linux")).encode()
    assert call(services, "POST", "/api/v1/observations", credential, body).status == 202
    assert call(services, "POST", "/api/v1/observations", credential, body).status == 409
    text = call(services, "GET", "/metrics").text
    ingested = samples(text, "asetik_ingest_total")
    assert ingested == {
        frozenset({("source", "agent"), ("result", "accepted")}): 1.0,
        frozenset({("source", "agent"), ("result", "duplicate_submission")}): 1.0,
    }
    assert samples(text, "asetik_ingest_duration_seconds_count") == {
        frozenset({("source", "agent")}): 1.0
    }
    assert samples(text, "asetik_assets") == {frozenset({("site", SBY), ("kind", "laptop")}): 1.0}


def test_openapi_describes_every_route_the_app_serves(register: Register) -> None:
    answer = call(register.services, "GET", "/api/v1/openapi.json")
    assert answer.status == 200
    spec = answer.json()
    described = {
        (path, method.upper())
        for path, operations in spec["paths"].items()
        for method in operations
        if method in HTTP_METHODS
    }
    served = {
        (route.resource.canonical, route.method)
        for route in build_app(register.services).router.routes()
        if route.resource is not None and route.method != "HEAD"
        and not route.resource.canonical.startswith("/ui")  # the web UI's HTML pages
    }  # fmt: skip
    assert served == described
