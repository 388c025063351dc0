"""The plans API on both databases, through a real aiohttp server on 127.0.0.1: a plan from
approved tickets to an executed work order with an attachment, and the hostile cases first
(unknown ids 404, other site 404, wrong state 409, bad dates and recurrence 422, roles 403,
attachments over the limit 413 or of a type off the list 415, each leaving nothing behind)."""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from aiohttp import FormData
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from collector.adapters.db.models import PlanItemRow, PlanRow, WorkAttachmentRow
from collector.bootstrap import Services
from collector.entrypoints.http import build_app
from collector.services.attachments import AttachmentStore
from tests.collector.conftest import FixedClock
from tests.collector.plans.setup import PLANNER as PLANNER_VIEW
from tests.collector.plans.setup import Fleet, approved_fleet
from tests.collector.test_api_assets import Answer, call

PLANS = "/api/v1/plans"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(200)
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n" + b" " * 100
TERMS: dict[str, Any] = {"pic": "Siti", "executor": "vendor", "vendor": "PT Sinar",
                         "contract_ref": "SPK-17/2026", "estimated_cost": 750000,
                         "schedule": {"start": "2026-11-30"}}  # fmt: skip


def _tokens(services: Services) -> dict[str, str]:
    tokens = {}
    for name, role, site in (
        ("budi", "planner", None),
        ("rina", "operator", None),
        ("upt", "planner", "BBPOM-MDN"),
        ("tamu", "viewer", None),
    ):
        services.users.create(name, role, site, None)
        tokens[name] = services.users.issue_token(name)
    return tokens


def _post(services: Services, path: str, token: str, body: Any) -> Answer:
    return call(services, "POST", path, token, json.dumps(body).encode())


def _upload(services: Services, path: str, token: str, data: bytes, *, name: str = "foto.png",
            field: str = "file", content_type: str = "image/png") -> Answer:  # fmt: skip
    form = FormData()
    form.add_field(field, data, filename=name, content_type=content_type)

    async def exchange() -> Answer:
        async with (
            TestClient(TestServer(build_app(services))) as client,
            client.post(path, data=form, headers={"Authorization": f"Bearer {token}"}) as response,
        ):
            return Answer(response.status, response.content_type, await response.text())

    return asyncio.run(exchange())


def _download(services: Services, path: str, token: str) -> tuple[int, str, bytes]:
    async def exchange() -> tuple[int, str, bytes]:
        async with (
            TestClient(TestServer(build_app(services))) as client,
            client.get(path, headers={"Authorization": f"Bearer {token}"}) as response,
        ):
            return response.status, response.content_type, await response.read()

    return asyncio.run(exchange())


def _active_plan(services: Services, tokens: dict[str, str], fleet: Fleet) -> tuple[int, int]:
    """An active Q4 plan from the pc's ticket; (plan id, its work order's id)."""
    made = _post(
        services,
        PLANS,
        tokens["budi"],
        {"site": "bbpom-sby", "period": "2026-Q4", "title": "Pemeliharaan Q4"},
    )
    assert made.status == 201, made.text
    plan_id = made.json()["id"]
    added = _post(services, f"{PLANS}/{plan_id}/items/from-tickets", tokens["budi"],
                  {**TERMS, "ticket_ids": [fleet.tickets[0]]})  # fmt: skip
    assert added.status == 201, added.text
    for move in ("submit", "approve", "activate"):
        moved = _post(services, f"{PLANS}/{plan_id}/transitions", tokens["budi"], {"move": move})
        assert moved.status == 200, moved.text
    listed = call(services, "GET", f"{PLANS}/work-orders?plan={plan_id}", tokens["rina"])
    [order] = listed.json()["items"]
    return plan_id, order["id"]


def test_a_plan_through_the_api_from_ticket_to_evidence(
    services: Services, clock: FixedClock
) -> None:
    fleet = approved_fleet(services)
    tokens = _tokens(services)
    plan_id, order_id = _active_plan(services, tokens, fleet)
    plan = call(services, "GET", f"{PLANS}/{plan_id}", tokens["tamu"]).json()
    assert plan["plan"]["state"] == "active"
    assert plan["plan"]["approved_by"] == "budi"
    assert plan["items"][0]["kode_barang"] == "3100102002"
    assert plan["items"][0]["contract_ref"] == "SPK-17/2026"
    order = call(services, "GET", f"{PLANS}/work-orders/{order_id}", tokens["rina"]).json()
    assert order["work_order"]["due_on"] == "2026-11-30"
    assert order["work_order"]["deadline_id"] == "1 HK lagi"  # Friday 27 → Monday 30
    report = {
        "done_on": "2026-11-27",
        "summary": "Ganti SSD",
        "outcome": "replaced",
        "cost": 900000,
        "kondisi_after": "Baik",
        "parts": [{"name": "SSD", "serial_removed": "A1", "serial_installed": "B2"}],
    }
    done = _post(services, f"{PLANS}/work-orders/{order_id}/execution", tokens["rina"], report)
    assert done.status == 201, done.text
    assert done.json()["ticket_status"] == "done"
    sent = _upload(services, f"{PLANS}/work-orders/{order_id}/attachments", tokens["rina"], PNG,
                   name="../../etc/bukti servis.png")  # fmt: skip
    assert sent.status == 201, sent.text
    stored = sent.json()
    assert (stored["media_type"], stored["size_bytes"]) == ("image/png", len(PNG))
    assert stored["sha256"] == hashlib.sha256(PNG).hexdigest()
    kept = services.attachments.folder / stored["sha256"][:2] / f"{stored['sha256']}.png"
    assert kept.read_bytes() == PNG
    assert stored["file_name"] == "bukti servis.png"
    pdf = _upload(services, f"{PLANS}/work-orders/{order_id}/attachments", tokens["rina"], PDF,
                  name="laporan-vendor.bin", content_type="application/octet-stream")  # fmt: skip
    assert pdf.json()["media_type"] == "application/pdf"
    detail = call(services, "GET", f"{PLANS}/work-orders/{order_id}", tokens["tamu"]).json()
    assert detail["execution"]["parts"][0]["serial_installed"] == "B2"
    assert [a["file_name"] for a in detail["attachments"]] == ["bukti servis.png",
                                                               "laporan-vendor.bin"]  # fmt: skip
    got = _download(
        services, f"{PLANS}/work-orders/{order_id}/attachments/{stored['id']}", tokens["tamu"]
    )
    assert got == (200, "image/png", PNG)
    ticket = call(services, "GET", f"/api/v1/tickets/{fleet.tickets[0]}", tokens["tamu"]).json()
    assert [e["to_status"] for e in ticket["events"]][-2:] == ["scheduled", "done"]


def _counts(services: Services) -> tuple[Any, ...]:
    with services.sessions() as session:
        return (session.scalar(select(func.count(PlanRow.id))),
                tuple(session.execute(select(PlanRow.id, PlanRow.state))),
                session.scalar(select(func.count(PlanItemRow.id))),
                session.scalar(select(func.count(WorkAttachmentRow.id))))  # fmt: skip


def test_hostile_requests_are_refused_and_change_nothing(services: Services) -> None:
    fleet = approved_fleet(services)
    tokens = _tokens(services)
    made = _post(services, PLANS, tokens["budi"], {"site": "BBPOM-SBY", "period": "2026-Q4",
                                                   "title": "x"})  # fmt: skip
    plan_id = made.json()["id"]
    before = _counts(services)
    cases = [
        ("GET", f"{PLANS}/999999", "budi", None, 404),
        ("GET", f"{PLANS}/abc", "budi", None, 404),
        ("GET", f"{PLANS}/{plan_id}", "upt", None, 404),  # another site's plan
        ("GET", f"{PLANS}/{plan_id}", None, None, 401),
        ("POST", f"{PLANS}/{plan_id}/transitions", "budi", {"move": "approve"}, 409),
        ("POST", f"{PLANS}/{plan_id}/transitions", "budi", {"move": "submit"}, 409),  # empty
        ("POST", f"{PLANS}/{plan_id}/transitions", "budi", {"move": "teleport"}, 422),
        ("POST", f"{PLANS}/{plan_id}/transitions", "rina", {"move": "submit"}, 403),
        ("POST", f"{PLANS}/{plan_id}/transitions", "upt", {"move": "submit"}, 404),
        ("POST", PLANS, "budi", {"site": "BBPOM-SBY", "period": "2026-Q9", "title": "x"}, 422),
        ("POST", PLANS, "upt", {"site": "BBPOM-SBY", "period": "2026", "title": "x"}, 404),
        ("POST", PLANS, "tamu", {"site": "BBPOM-SBY", "period": "2026", "title": "x"}, 403),
        ("POST", PLANS, "budi", [1, 2], 422),  # the shared body decoder: not an object
        ("POST", f"{PLANS}/{plan_id}/items/from-tickets", "budi",
         {**TERMS, "ticket_ids": [fleet.other_ticket]}, 404),
        ("POST", f"{PLANS}/{plan_id}/items/from-tickets", "budi",
         {**TERMS, "ticket_ids": fleet.tickets, "schedule": {"start": "2026-02-31"}}, 422),
        ("POST", f"{PLANS}/{plan_id}/items", "budi",
         {**TERMS, "asset_ids": [fleet.ups], "maintenance": "test_ups_battery",
          "schedule": {"start": "2026-10-01", "every": 2, "unit": "fortnights"}}, 422),
        ("POST", f"{PLANS}/{plan_id}/items", "budi",
         {**TERMS, "asset_ids": [fleet.ups], "maintenance": "polish"}, 422),
        ("POST", f"{PLANS}/{plan_id}/items/from-templates", "budi",
         {"pic": "x", "kinds": ["toaster"]}, 422),
        ("POST", f"{PLANS}/work-orders/777/execution", "rina", {"summary": "x"}, 404),
        ("GET", f"{PLANS}/work-orders/777", "rina", None, 404),
        ("GET", f"{PLANS}/work-orders?status=late", "rina", None, 400),
        ("POST", f"{PLANS}/work-orders/generate", "rina", {}, 403),
        ("POST", f"{PLANS}/work-orders/generate", "budi", {"horizon_days": 9999}, 422),
        ("POST", f"{PLANS}/work-orders/generate", "budi", {"horizon_days": "30"}, 422),
    ]  # fmt: skip
    for method, path, who, body, status in cases:
        raw = b"" if body is None else json.dumps(body).encode()
        answer = call(services, method, path, tokens[who] if who else None, raw)
        assert answer.status == status, (method, path, body, answer.text)
        assert set(answer.json()["error"]) == {"code", "message"}
    assert _counts(services) == before


def test_attachments_over_the_limit_or_off_the_list_leave_nothing(
    services: Services, clock: FixedClock
) -> None:
    fleet = approved_fleet(services)
    tokens = _tokens(services)
    _, order_id = _active_plan(services, tokens, fleet)
    store = services.attachments
    small = dataclasses.replace(services, attachments=AttachmentStore(
        services.sessions, services.clock, store.folder, limit=4096))  # fmt: skip
    path = f"{PLANS}/work-orders/{order_id}/attachments"
    cases = [
        (PNG + bytes(5000), "file", "image/png", 413, "file_too_large"),
        (b"MZ\x90\x00" + bytes(300), "file", "image/png", 415, "unsupported_file_type"),  # an .exe
        (b"<html><script>alert(1)</script></html>", "file", "image/png", 415,
         "unsupported_file_type"),
        (b"", "file", "image/png", 415, "unsupported_file_type"),
        (PNG, "photo", "image/png", 400, "missing_file"),
    ]  # fmt: skip
    for data, field, media, status, code in cases:
        answer = _upload(small, path, tokens["rina"], data, field=field, content_type=media)
        assert (answer.status, answer.json()["error"]["code"]) == (status, code), answer.text
    not_multipart = call(small, "POST", path, tokens["rina"], PNG)
    assert not_multipart.status == 415
    viewer = _upload(small, path, tokens["tamu"], PNG)
    assert viewer.status == 403
    far = _upload(small, path, tokens["upt"], PNG)
    assert far.status == 404
    with services.sessions() as session:
        assert session.scalar(select(func.count(WorkAttachmentRow.id))) == 0
    leftovers = [p for p in store.folder.rglob("*") if p.is_file()] if store.folder.exists() else []
    assert leftovers == []
    assert _upload(small, path, tokens["rina"], PNG).status == 201


@pytest.mark.parametrize("when", [datetime(2026, 11, 27, 1, tzinfo=UTC)])
def test_work_orders_of_another_site_are_not_listed(
    services: Services, clock: FixedClock, when: datetime
) -> None:
    clock.now = when
    fleet = approved_fleet(services)
    tokens = _tokens(services)
    _active_plan(services, tokens, fleet)
    assert len(call(services, "GET", f"{PLANS}/work-orders", tokens["budi"]).json()["items"]) == 1
    assert call(services, "GET", f"{PLANS}/work-orders", tokens["upt"]).json()["items"] == []
    assert call(services, "GET", PLANS, tokens["upt"]).json()["items"] == []


def test_serve_generates_work_orders_in_the_background(services: Services) -> None:
    fleet = approved_fleet(services)
    tokens = _tokens(services)
    services.plans.on_activate = None  # nothing made at activation: the server must do it
    _active_plan_without_orders(services, tokens, fleet)

    async def serve_briefly() -> int:
        app = build_app(services, work_order_interval=3600)
        async with TestClient(TestServer(app)) as client:
            for _ in range(100):
                async with client.get(
                    f"{PLANS}/work-orders", headers={"Authorization": f"Bearer {tokens['budi']}"}
                ) as got:
                    found = len((await got.json())["items"])
                if found:
                    return found
                await asyncio.sleep(0.05)
        return 0

    assert asyncio.run(serve_briefly()) == 1


def _active_plan_without_orders(services: Services, tokens: dict[str, str], fleet: Fleet) -> None:
    made = _post(services, PLANS, tokens["budi"],
                 {"site": "BBPOM-SBY", "period": "2026-Q4", "title": "x"}).json()  # fmt: skip
    _post(services, f"{PLANS}/{made['id']}/items", tokens["budi"],
          {**TERMS, "asset_ids": [fleet.ups], "maintenance": "test_ups_battery"})  # fmt: skip
    for move in ("submit", "approve", "activate"):
        _post(services, f"{PLANS}/{made['id']}/transitions", tokens["budi"], {"move": move})
    assert services.work_orders.list_orders(PLANNER_VIEW, {}) == []
