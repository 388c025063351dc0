"""The tickets API on both databases: list filters and site scope, detail with events, bulk
actions, and bad input refused with a 4xx JSON error and nothing changed."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from collector.adapters.db.models import TicketEventRow, TicketRow
from collector.bootstrap import Services
from tests.collector.conftest import FixedClock
from tests.collector.test_api_assets import call
from tests.collector.tickets.fleet import add_asset, add_site, set_findings, ticket_service

TICKETS = "/api/v1/tickets"


def _setup(services: Services, clock: FixedClock) -> dict[str, Any]:
    sby, mdn = add_site(services, "BBPOM-SBY"), add_site(services, "BBPOM-MDN")
    pc = add_asset(services, sby, "pc-sby")
    printer = add_asset(services, mdn, "prn-mdn", kind="printer")
    set_findings(services, pc, [("disk.reallocated", "S1", 3), ("volume.full", "/", 12)])
    tickets = ticket_service(services)
    tickets.evaluate([pc])
    clock.now += timedelta(days=10)
    set_findings(services, printer, [("printer.toner", "black", 2)])
    tickets.evaluate([printer])
    tokens = {}
    for name, role, site in (("ops", "operator", None), ("upt", "operator", "BBPOM-MDN"),
                             ("tamu", "viewer", None)):  # fmt: skip
        services.users.create(name, role, site, None)
        tokens[name] = services.users.issue_token(name)
    return {"tokens": tokens, "pc": pc, "printer": printer}


def _get(services: Services, token: str, query: str = "") -> dict[str, Any]:
    answer = call(services, "GET", f"{TICKETS}?{query}", token)
    assert answer.status == 200, answer.text
    page: dict[str, Any] = answer.json()
    return page


def _subjects(page: dict[str, Any]) -> list[str]:
    return sorted(item["subject"] for item in page["items"])


def _snapshot(services: Services) -> tuple[Any, ...]:
    with services.sessions() as session:
        rows = session.execute(
            select(TicketRow.id, TicketRow.status, TicketRow.pic).order_by(TicketRow.id)
        ).all()
        return (tuple(rows), session.scalar(select(func.count(TicketEventRow.id))))


def test_list_filters_sort_and_site_scope(services: Services, clock: FixedClock) -> None:
    made = _setup(services, clock)
    ops, upt = made["tokens"]["ops"], made["tokens"]["upt"]
    assert _get(services, ops)["total"] == 3
    assert _subjects(_get(services, ops, "site=bbpom-sby")) == ["/", "S1"]
    assert _subjects(_get(services, ops, "kind=printer")) == ["black"]
    assert _subjects(_get(services, ops, "severity=critical")) == ["/"]
    assert _subjects(_get(services, ops, "rule=disk.reallocated")) == ["S1"]
    assert _subjects(_get(services, ops, "age=5")) == ["/", "S1"]  # the printer's is 0 days old
    assert _subjects(_get(services, upt)) == ["black"]  # a UPT user sees only their site
    assert _get(services, upt, "site=BBPOM-SBY")["total"] == 0
    by_severity = _get(services, ops, "sort=-severity")["items"]
    assert by_severity[0]["severity"] == "critical"
    page = _get(services, ops, "per_page=2&page=2&sort=id")
    assert (len(page["items"]), page["total"]) == (1, 3)
    item = _get(services, ops, "kind=printer")["items"][0]
    assert (item["status_id"], item["status_en"], item["site"]) == ("Baru", "New", "BBPOM-MDN")


def test_closed_tickets_are_hidden_unless_asked(services: Services, clock: FixedClock) -> None:
    made = _setup(services, clock)
    set_findings(services, made["printer"], [])
    ticket_service(services).evaluate([made["printer"]])  # auto-resolved
    ops = made["tokens"]["ops"]
    assert _get(services, ops)["total"] == 2
    assert _subjects(_get(services, ops, "status=auto_resolved")) == ["black"]
    assert _get(services, ops, "status=all")["total"] == 3
    assert _get(services, ops, "status=new,auto_resolved")["total"] == 3


def test_detail_shows_events_and_the_asset(services: Services, clock: FixedClock) -> None:
    made = _setup(services, clock)
    ops = made["tokens"]["ops"]
    ticket_id = _get(services, ops, "kind=printer")["items"][0]["id"]
    body = json.dumps({"ids": [ticket_id], "action": "assign", "comment": "tolong ganti",
                       "pic": "Siti"}).encode()  # fmt: skip
    moved = call(services, "POST", f"{TICKETS}/actions", ops, body)
    assert moved.status == 200, moved.text
    detail = call(services, "GET", f"{TICKETS}/{ticket_id}", ops).json()
    assert detail["ticket"]["pic"] == "Siti"
    assert detail["ticket"]["asset_name"] == "prn-mdn"
    assert [(e["actor"], e["to_status"]) for e in detail["events"]] == [
        ("system", "new"), ("ops", "new")]  # fmt: skip
    assert detail["events"][1]["note"] == "tolong ganti"
    upt_sby = call(services, "GET", f"{TICKETS}/{ticket_id}", made["tokens"]["upt"])
    assert upt_sby.status == 200
    pc_ticket = _get(services, ops, "site=BBPOM-SBY")["items"][0]["id"]
    hidden = call(services, "GET", f"{TICKETS}/{pc_ticket}", made["tokens"]["upt"])
    assert hidden.status == 404


def test_bad_input_is_a_4xx_and_changes_nothing(services: Services, clock: FixedClock) -> None:
    made = _setup(services, clock)
    ops, upt, guest = made["tokens"]["ops"], made["tokens"]["upt"], made["tokens"]["tamu"]
    pc_ticket = _get(services, ops, "site=BBPOM-SBY")["items"][0]["id"]
    before = _snapshot(services)
    gets = [("", None, 401), ("status=open", ops, 400), ("severity=high", ops, 400),
            ("kind=toaster", ops, 400), ("sort=secret", ops, 400), ("per_page=0", ops, 400),
            ("page=-1", ops, 400), ("age=abc", ops, 400),
            ("rule=" + "x" * 100, ops, 400)]  # fmt: skip
    for query, token, status in gets:
        answer = call(services, "GET", f"{TICKETS}?{query}", token)
        assert answer.status == status, (query, answer.text)
        assert answer.json()["error"]["code"]
    for path in ("/abc", "/99999999", "/1" + "0" * 30):
        assert call(services, "GET", f"{TICKETS}{path}", ops).status == 404
    posts: list[tuple[bytes, str | None, int]] = [
        (b"{not json", ops, 400),
        (b"[]", ops, 422),  # the JSON body checks every endpoint shares
        (json.dumps({"ids": [pc_ticket], "action": "review"}).encode(), ops, 400),
        (json.dumps({"ids": [pc_ticket], "action": "review", "comment": "x"}).encode(), guest,
         403),
        (json.dumps({"ids": [pc_ticket], "action": "review", "comment": "x"}).encode(), upt, 404),
        (json.dumps({"ids": [pc_ticket], "action": "approve", "comment": "x"}).encode(), ops,
         409),
        (json.dumps({"ids": list(range(1, 600)), "action": "review", "comment": "x"}).encode(),
         ops, 400),
        (json.dumps({"ids": [pc_ticket], "action": "review", "comment": "x\u0000"}).encode(),
         ops, 422),
        (json.dumps({"ids": [pc_ticket], "action": "review", "comment": "x"}).encode(), None, 401),
    ]  # fmt: skip
    for body, token, status in posts:
        answer = call(services, "POST", f"{TICKETS}/actions", token, body)
        assert answer.status == status, (body[:80], answer.text)
        assert answer.json()["error"]["code"]
    assert _snapshot(services) == before


def test_patch_moves_one_ticket_and_refuses_what_bulk_refuses(
    services: Services, clock: FixedClock
) -> None:
    made = _setup(services, clock)
    ops, upt = made["tokens"]["ops"], made["tokens"]["upt"]
    pc_ticket = _get(services, ops, "site=BBPOM-SBY&sort=id")["items"][0]["id"]
    before = _snapshot(services)
    refused: list[tuple[dict[str, Any], str | None, int]] = [
        ({"action": "review"}, ops, 400),  # no comment
        ({"action": "approve", "comment": "x"}, ops, 409),  # not from Baru
        ({"action": "review", "comment": "x"}, upt, 404),  # another site's ticket
        ({"action": "review", "comment": "x", "ids": [1, 2]}, ops, 400),
        ({"action": "review", "comment": "x"}, None, 401),
    ]
    for body, token, status in refused:
        answer = call(services, "PATCH", f"{TICKETS}/{pc_ticket}", token, json.dumps(body).encode())
        assert answer.status == status, (body, answer.text)
        assert answer.json()["error"]["code"]
    assert call(services, "PATCH", f"{TICKETS}/x1", ops, b"{}").status == 404
    assert _snapshot(services) == before
    review = json.dumps({"action": "review", "comment": "dicek di lokasi"}).encode()
    answer = call(services, "PATCH", f"{TICKETS}/{pc_ticket}", ops, review)
    assert answer.status == 200, answer.text
    detail = answer.json()
    assert detail["ticket"]["status"] == "reviewed"
    assert (detail["events"][-1]["actor"], detail["events"][-1]["note"]) == (
        "ops", "dicek di lokasi")  # fmt: skip
    others = [t for t in _get(services, ops, "status=all")["items"] if t["id"] != pc_ticket]
    assert {t["status"] for t in others} == {"new"}
