"""The plans API under /api/v1/plans: plans and their moves, items (by hand, from tickets,
from templates), work orders, execution records and attachments.

Handlers are thin, like the rest of the API: read the request, call one service in a worker
thread, shape the answer. Ids in paths are digits only (anything else is the router's 404).
An attachment streams to a temporary file with its size counted as it comes, so a large body
is stopped at the limit without being held in memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import asdict
from typing import Any
from urllib.parse import quote

from aiohttp import BodyPartReader, web

from collector.entrypoints.http import (
    MAX_SETTINGS_BODY,
    SERVICES,
    _call,
    _json,
    _json_body,
    _viewer,
)
from collector.errors import Refused
from collector.services.evaluations import evaluation_json
from collector.services.work_orders import DEFAULT_HORIZON_DAYS

log = logging.getLogger("asetik.collector.plans")
PLANS = "/api/v1/plans"
ID = r"{%s:\d{1,18}}"
CHUNK = 1 << 16


def _id(request: web.Request, name: str) -> int:
    return int(request.match_info[name])


async def list_plans(request: web.Request) -> web.Response:
    viewer = await _viewer(request)
    found = await _call(request.app[SERVICES].plans.list_plans, viewer,
                        request.query.get("site"), request.query.get("state"))  # fmt: skip
    return _json({"items": [asdict(p) for p in found]})


async def create_plan(request: web.Request) -> web.Response:
    viewer = await _viewer(request)
    body = await _json_body(request, MAX_SETTINGS_BODY)
    made = await _call(request.app[SERVICES].plans.create, viewer, body)
    return _json(asdict(made), 201)


async def get_plan(request: web.Request) -> web.Response:
    viewer = await _viewer(request)
    plans, plan_id = request.app[SERVICES].plans, _id(request, "plan_id")
    plan, items = await _call(plans.detail, viewer, plan_id)
    deadlines = await _call(plans.deadlines, viewer, plan_id)
    return _json({"plan": asdict(plan), "items": [asdict(i) for i in items],
                  "deadlines": asdict(deadlines)})  # fmt: skip


async def move_plan(request: web.Request) -> web.Response:
    viewer = await _viewer(request)
    body = await _json_body(request, MAX_SETTINGS_BODY)
    moved = await _call(request.app[SERVICES].plans.move, viewer, _id(request, "plan_id"), body)
    return _json(asdict(moved))


def _item_adder(method: str) -> Any:
    async def add(request: web.Request) -> web.Response:
        viewer = await _viewer(request)
        body = await _json_body(request, MAX_SETTINGS_BODY)
        service = request.app[SERVICES].plans
        made = await _call(getattr(service, method), viewer, _id(request, "plan_id"), body)
        return _json({"items": [asdict(i) for i in made]}, 201)

    return add


async def list_work_orders(request: web.Request) -> web.Response:
    viewer = await _viewer(request)
    wanted = {k: request.query.get(k) for k in ("plan", "site", "status", "due_before")}
    found = await _call(request.app[SERVICES].work_orders.list_orders, viewer, wanted)
    return _json({"items": [asdict(w) for w in found]})


async def generate_work_orders(request: web.Request) -> web.Response:
    viewer = await _viewer(request)
    body = await _json_body(request, MAX_SETTINGS_BODY) if request.can_read_body else {}
    horizon = body.get("horizon_days", DEFAULT_HORIZON_DAYS)
    if type(horizon) is not int:
        raise Refused(422, "invalid_field", "horizon_days: harus bilangan bulat")
    made = await _call(request.app[SERVICES].work_orders.generate_as, viewer, horizon)
    return _json({"created": made, "horizon_days": horizon})


async def get_work_order(request: web.Request) -> web.Response:
    viewer = await _viewer(request)
    services, order_id = request.app[SERVICES], _id(request, "work_order_id")
    order = await _call(services.work_orders.detail, viewer, order_id)
    execution = await _call(services.executions.show, viewer, order_id)
    files = await _call(services.attachments.list_for, viewer, order_id)
    return _json({"work_order": asdict(order),
                  "execution": asdict(execution) if execution else None,
                  "attachments": [asdict(f) for f in files]})  # fmt: skip


async def record_execution(request: web.Request) -> web.Response:
    viewer = await _viewer(request)
    body = await _json_body(request, MAX_SETTINGS_BODY)
    service = request.app[SERVICES].executions
    done = await _call(service.record, viewer, _id(request, "work_order_id"), body)
    return _json(asdict(done), 201)


async def upload_attachment(request: web.Request) -> web.Response:
    viewer = await _viewer(request)
    store, order_id = request.app[SERVICES].attachments, _id(request, "work_order_id")
    await _call(store.check_target, viewer, order_id)
    if request.content_type != "multipart/form-data":
        raise Refused(415, "unsupported_media_type", "kirim multipart/form-data, bagian 'file'")
    if request.content_length is not None and request.content_length > store.limit + CHUNK:
        raise Refused(413, "file_too_large", f"lampiran melebihi {store.limit} bita")
    part = await _file_part(request)
    upload = store.begin()
    try:
        while chunk := await part.read_chunk(CHUNK):
            upload.write(chunk)
        upload.finish()
    except BaseException:
        upload.discard()
        raise
    saved = await _call(store.save, viewer, order_id, upload, part.filename or "lampiran")
    return _json(asdict(saved), 201)


async def _file_part(request: web.Request) -> BodyPartReader:
    """The multipart body's part named "file"; 400 when there is none."""
    try:
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if isinstance(part, BodyPartReader) and part.name == "file":
                return part
            if isinstance(part, BodyPartReader):
                await part.release()
    except (ValueError, AssertionError) as exc:  # aiohttp's parser on a malformed body
        raise Refused(400, "bad_multipart", f"badan multipart rusak: {exc}") from None
    raise Refused(400, "missing_file", "bagian multipart bernama 'file' wajib ada")


async def download_attachment(request: web.Request) -> web.StreamResponse:
    viewer = await _viewer(request)
    store = request.app[SERVICES].attachments
    path, view = await _call(store.file_of, viewer, _id(request, "work_order_id"),
                             _id(request, "attachment_id"))  # fmt: skip
    return web.FileResponse(
        path,
        headers={
            "Content-Type": view.media_type,
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(view.file_name)}",
        },
    )


async def get_evaluation(request: web.Request) -> web.Response:
    viewer = await _viewer(request)
    query = request.query
    found = await _call(request.app[SERVICES].evaluations.get, viewer, query.get("site", ""),
                        query.get("period", ""))  # fmt: skip
    return _json(evaluation_json(found))


async def put_evaluation(request: web.Request) -> web.Response:
    viewer = await _viewer(request)
    body = await _json_body(request, MAX_SETTINGS_BODY)
    query = request.query
    stored = await _call(request.app[SERVICES].evaluations.record, viewer,
                         query.get("site", ""), query.get("period", ""), body)  # fmt: skip
    return _json(evaluation_json(stored))


def add_plan_routes(app: web.Application) -> None:
    """Register the plan routes (the fixed paths before the ones with an id)."""
    work = f"{PLANS}/work-orders"
    order = f"{work}/{ID % 'work_order_id'}"
    plan = f"{PLANS}/{ID % 'plan_id'}"
    app.router.add_get(PLANS, list_plans)
    app.router.add_post(PLANS, create_plan)
    app.router.add_get(f"{PLANS}/evaluations", get_evaluation)
    app.router.add_put(f"{PLANS}/evaluations", put_evaluation)
    app.router.add_get(work, list_work_orders)
    app.router.add_post(f"{work}/generate", generate_work_orders)
    app.router.add_get(order, get_work_order)
    app.router.add_post(f"{order}/execution", record_execution)
    app.router.add_post(f"{order}/attachments", upload_attachment)
    app.router.add_get(f"{order}/attachments/{ID % 'attachment_id'}", download_attachment)
    app.router.add_get(plan, get_plan)
    app.router.add_post(f"{plan}/transitions", move_plan)
    app.router.add_post(f"{plan}/items", _item_adder("add_items"))
    app.router.add_post(f"{plan}/items/from-tickets", _item_adder("add_from_tickets"))
    app.router.add_post(f"{plan}/items/from-templates", _item_adder("add_from_templates"))


def generate_in_background(interval: float) -> Any:
    """A cleanup context for ``serve``: generate work orders at start and then every
    ``interval`` seconds in a worker thread (several workers may: nothing is made twice)."""

    async def run(app: web.Application) -> AsyncIterator[None]:
        task = asyncio.create_task(_generate_forever(app, interval))
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    return run


async def _generate_forever(app: web.Application, interval: float) -> None:
    while True:
        try:
            made = await _call(app[SERVICES].work_orders.generate)
            if made:
                log.info("perintah kerja baru: %d", made)
        except Exception:
            log.exception("pembuatan perintah kerja gagal; dicoba lagi nanti")
        await asyncio.sleep(interval)
