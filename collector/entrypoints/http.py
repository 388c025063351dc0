"""The HTTP API (aiohttp): enrolment, observations, the register, health, metrics, OpenAPI.

Handlers are thin: read the request, call one service in a worker thread (the database layer
is synchronous), shape the answer. Every refusal is ``{"error": {"code", "message"}}`` with a
4xx status; an unexpected fault is a 500 with no stack trace in the body.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from typing import Any

import orjson
from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from collector.bootstrap import Services
from collector.entrypoints.openapi import openapi_document
from collector.errors import Refused
from collector.ingest.decode import BodyLimits, decode_document
from collector.services.enrolment import Caller
from collector.services.ingest import IngestResult
from collector.services.register import AssetFilter, Page
from collector.services.register_io import (
    CSV_MEDIA_TYPE,
    MAX_IMPORT_BYTES,
    XLSX_MEDIA_TYPE,
    export_assets,
    import_bmn,
)
from collector.services.reports import ReportRequest
from collector.services.ticket_queries import TicketFilter
from collector.services.users import Viewer

log = logging.getLogger("asetik.collector.http")
SERVICES = web.AppKey("services", Services)
INGEST_THREADS = web.AppKey("ingest_threads", ThreadPoolExecutor)
# Observations are CPU-bound Python in a worker thread (the database layer is synchronous).
# More threads than two per process only contend for the GIL: on the collector bench (two
# processes, eight client connections) six threads cost 11 ms of collector CPU per full
# inventory, two 9 ms, and two keep a thread running while the other waits on the database.
INGEST_THREAD_COUNT = 2
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _json(data: Any, status: int = 200) -> web.Response:
    return web.Response(
        body=orjson.dumps(data, default=_default), status=status, content_type="application/json"
    )


def _default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def _error(status: int, code: str, message: str) -> web.Response:
    return _json({"error": {"code": code, "message": message}}, status)


@web.middleware
async def errors_as_json(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Refusals and HTTP errors as the API's error object; faults logged, never shown."""
    try:
        return await handler(request)
    except Refused as exc:
        return _error(exc.status, exc.code, exc.message)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        code = {404: "not_found", 405: "method_not_allowed", 413: "body_too_large"}.get(
            exc.status, "http_error"
        )
        return _error(exc.status, code, exc.reason)
    except Exception:
        log.exception("unexpected fault on %s %s", request.method, request.path)
        return _error(500, "internal", "kesalahan internal; lihat log kolektor")


def _bearer(request: web.Request) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Refused(401, "missing_credential", "header Authorization: Bearer <token> diperlukan")
    return token.strip()


async def _call(function: Callable[..., Any], *args: Any) -> Any:
    return await asyncio.to_thread(function, *args)


async def _ingest_call(request: web.Request, function: Callable[..., Any], *args: Any) -> Any:
    """``function`` on the observation path's own few threads."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(request.app[INGEST_THREADS], function, *args)


async def _ingest_threads(app: web.Application) -> AsyncIterator[None]:
    with ThreadPoolExecutor(INGEST_THREAD_COUNT, thread_name_prefix="ingest") as threads:
        app[INGEST_THREADS] = threads
        yield


async def healthz(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    healthy = await _call(services.database_ok)
    return _json({"status": "ok" if healthy else "degraded", "database": healthy},
                 200 if healthy else 503)  # fmt: skip


async def openapi(request: web.Request) -> web.Response:
    return _json(openapi_document())


async def metrics(request: web.Request) -> web.Response:
    body = await _call(generate_latest, request.app[SERVICES].registry)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


async def enroll(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    body = await _json_body(request, 64 * 1024)
    token = body.get("token")
    if not isinstance(token, str) or not token:
        raise Refused(400, "missing_token", "isian 'token' (token pendaftaran) wajib ada")
    kind = body.get("kind", "agent")
    if kind not in ("agent", "poller"):
        raise Refused(400, "bad_kind", "kind harus 'agent' atau 'poller'")
    identity = body.get("identity")
    label = identity.get("hostname") if isinstance(identity, dict) else None
    label = label if isinstance(label, str) else None
    credential, agent_id = await _call(services.enrolment.enrol, token, kind, label)
    return _json({"credential": credential, "agent_id": str(agent_id)}, 201)


_SOURCE_KINDS = frozenset({"agent", "snmp", "ssh"})


async def observations(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    started = time.perf_counter()
    seen: dict[str, str] = {}
    try:
        token = _bearer(request)
        caller = services.enrolment.remembered(token) or await _ingest_call(
            request, services.enrolment.authenticate, token
        )
        raw = await request.read()
        # One trip to the ingest threads: inflating and parsing up to tens of MB must not
        # stall the event loop, and every hop between threads costs a busy collector.
        result = await _ingest_call(request, _decode_and_ingest, services, caller, raw,
                                    request.headers, seen)  # fmt: skip
    except Refused as exc:
        services.metrics.results.labels(seen.get("source", "unknown"), exc.code).inc()
        raise
    source = seen["source"]
    services.metrics.results.labels(source, "accepted").inc()
    services.metrics.duration.labels(source).observe(time.perf_counter() - started)
    return _json(
        {"status": "accepted", "asset_id": result.asset_id, "created": result.created,
         "full_required": result.full_required, "changes": result.changes,
         "conflicts": result.conflicts},
        202,
    )  # fmt: skip


def _decode_and_ingest(
    services: Services,
    caller: Caller,
    raw: bytes,
    headers: Mapping[str, str],
    seen: dict[str, str],
) -> IngestResult:
    """Decode the body and store the observation (in an ingest thread); ``seen["source"]``
    names the document's source kind for the metrics once it is known."""
    document = decode_document(raw, headers.get("Content-Type", ""),
                               headers.get("Content-Encoding", ""), services.limits)  # fmt: skip
    kind = (document.get("source") or {}).get("kind")
    seen["source"] = kind if kind in _SOURCE_KINDS else "unknown"  # labels stay a fixed set
    return services.ingest_observation(document, caller, len(raw))


async def _viewer(request: web.Request) -> Viewer:
    viewer: Viewer = await _call(request.app[SERVICES].users.authenticate, _bearer(request))
    return viewer


def _int(request: web.Request, name: str, default: int) -> int:
    text = request.query.get(name)
    if text is None:
        return default
    if not text.isdecimal() or len(text) > 9:
        raise Refused(400, "bad_parameter", f"parameter {name} harus bilangan bulat positif")
    return int(text)


async def list_assets(request: web.Request) -> web.Response:
    viewer = await _viewer(request)
    query = request.query
    sort = query.get("sort", "id")
    wanted = AssetFilter(query.get("site"), query.get("kind"), query.get("status"), query.get("q"))
    page = Page(_int(request, "page", 1), _int(request, "per_page", 50), sort.lstrip("-"),
                sort.startswith("-"))  # fmt: skip
    items, total = await _call(request.app[SERVICES].register.list_assets, viewer, wanted, page)
    return _json({"items": [asdict(a) for a in items], "total": total,
                  "page": page.number, "per_page": page.size})  # fmt: skip


async def get_asset(request: web.Request) -> web.Response:
    viewer = await _viewer(request)
    text = request.match_info["asset_id"]
    if not text.isdecimal() or len(text) > 18:
        raise Refused(404, "not_found", f"aset {text[:40]!r} tidak ditemukan")
    detail = await _call(request.app[SERVICES].register.asset_detail, viewer, int(text))
    return _json(asdict(detail))


async def _json_body(request: web.Request, limit: int) -> dict[str, Any]:
    """A small JSON object body (enrolment), through the same checks as observations."""
    raw = await request.read()
    limits = BodyLimits(max_body_bytes=limit, max_document_bytes=limit)
    return decode_document(raw, request.headers.get("Content-Type", ""), "", limits)


_DELIMITERS = {"comma": ",", "semicolon": ";", "tab": "\t"}


async def export_register(request: web.Request) -> web.Response:
    viewer = await _viewer(request)
    services = request.app[SERVICES]
    fmt = request.query.get("format", "csv")
    delimiter = _DELIMITERS.get(request.query.get("delimiter", "comma"))
    if delimiter is None:
        raise Refused(400, "bad_delimiter", "delimiter harus comma, semicolon atau tab")
    query = request.query
    wanted = AssetFilter(query.get("site"), query.get("kind"), query.get("status"), query.get("q"))
    body = await _call(
        functools.partial(export_assets, delimiter=delimiter),
        services.sessions, viewer, fmt, wanted,
    )  # fmt: skip
    media = XLSX_MEDIA_TYPE if fmt == "xlsx" else CSV_MEDIA_TYPE
    name = f"aset-{services.clock():%Y%m%d}.{'xlsx' if fmt == 'xlsx' else 'csv'}"
    return web.Response(
        body=body,
        headers={"Content-Type": media, "Content-Disposition": f'attachment; filename="{name}"'},
    )


async def import_register(request: web.Request) -> web.Response:
    viewer = await _viewer(request)
    services = request.app[SERVICES]
    fmt = {"text/csv": "csv", XLSX_MEDIA_TYPE: "xlsx"}.get(request.content_type)
    if fmt is None:
        raise Refused(
            415, "unsupported_media_type", f"Content-Type harus text/csv atau {XLSX_MEDIA_TYPE}"
        )
    data = await _read_capped(request, MAX_IMPORT_BYTES)
    dry_run = request.query.get("dry_run", "0") in ("1", "true", "yes")
    report = await _call(
        functools.partial(import_bmn, dry_run=dry_run, now=services.clock()),
        services.sessions, viewer, data, fmt,
    )  # fmt: skip
    if report.error_count:
        message = f"{report.error_count} baris ditolak; tidak ada yang diubah"
        return _json({"error": {"code": "bmn_rows_invalid", "message": message},
                      "report": asdict(report)}, 422)  # fmt: skip
    return _json(asdict(report))


async def _read_capped(request: web.Request, limit: int) -> bytes:
    """The body, read past the app-wide limit (a BMN sheet may be larger) up to ``limit``."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.content.iter_chunked(1 << 16):
        size += len(chunk)
        if size > limit:
            raise Refused(413, "file_too_large", f"berkas melebihi {limit} bita")
        chunks.append(chunk)
    return b"".join(chunks)


MAX_SETTINGS_BODY = 64 * 1024


async def list_poll_credentials(request: web.Request) -> web.Response:
    viewer = await _viewer(request)
    found = await _call(request.app[SERVICES].poll_targets.list_credentials, viewer)
    return _json({"items": [asdict(item) for item in found]})


async def put_poll_credential(request: web.Request) -> web.Response:
    viewer = await _viewer(request)
    body = await _json_body(request, MAX_SETTINGS_BODY)
    service = request.app[SERVICES].poll_targets
    stored = await _call(service.put_credential, viewer, request.match_info["name"], body)
    return _json(asdict(stored))


async def delete_poll_credential(request: web.Request) -> web.Response:
    viewer = await _viewer(request)
    service = request.app[SERVICES].poll_targets
    await _call(service.delete_credential, viewer, request.match_info["name"])
    return web.Response(status=204)


async def list_poll_targets(request: web.Request) -> web.Response:
    viewer = await _viewer(request)
    service = request.app[SERVICES].poll_targets
    found = await _call(service.list_targets, viewer, request.query.get("site"))
    return _json({"items": found})


async def put_poll_targets(request: web.Request) -> web.Response:
    viewer = await _viewer(request)
    body = await _json_body(request, MAX_SETTINGS_BODY)
    service = request.app[SERVICES].poll_targets
    found = await _call(service.put_site_targets, viewer, request.match_info["site"],
                        body.get("targets"), body.get("credentials"))  # fmt: skip
    return _json({"items": found})


async def list_ssh_credentials(request: web.Request) -> web.Response:
    viewer = await _viewer(request)
    found = await _call(request.app[SERVICES].poll_targets.list_ssh_credentials, viewer)
    return _json({"items": [asdict(item) for item in found]})


async def put_ssh_credential(request: web.Request) -> web.Response:
    viewer = await _viewer(request)
    body = await _json_body(request, MAX_SETTINGS_BODY)
    service = request.app[SERVICES].poll_targets
    stored = await _call(service.put_ssh_credential, viewer, request.match_info["name"], body)
    return _json(asdict(stored))


async def delete_ssh_credential(request: web.Request) -> web.Response:
    viewer = await _viewer(request)
    service = request.app[SERVICES].poll_targets
    await _call(service.delete_credential, viewer, request.match_info["name"], "ssh")
    return web.Response(status=204)


async def list_ssh_targets(request: web.Request) -> web.Response:
    viewer = await _viewer(request)
    service = request.app[SERVICES].poll_targets
    found = await _call(service.list_targets, viewer, request.query.get("site"), "ssh")
    return _json({"items": found})


async def put_ssh_targets(request: web.Request) -> web.Response:
    viewer = await _viewer(request)
    body = await _json_body(request, MAX_SETTINGS_BODY)
    service = request.app[SERVICES].poll_targets
    found = await _call(service.put_site_ssh_targets, viewer, request.match_info["site"],
                        body.get("targets"))  # fmt: skip
    return _json({"items": found})


async def list_poll_findings(request: web.Request) -> web.Response:
    viewer = await _viewer(request)
    service = request.app[SERVICES].poll_findings
    found = await _call(service.list_findings, viewer, request.query.get("site"),
                        request.query.get("state", "open"))  # fmt: skip
    return _json({"items": [asdict(item) for item in found]})


async def accept_poll_finding(request: web.Request) -> web.Response:
    """Accept the new host key a finding saw: the body names it, so ops say which key."""
    viewer = await _viewer(request)
    text = request.match_info["finding_id"]
    if not text.isdecimal() or len(text) > 18:
        raise Refused(404, "not_found", f"temuan {text[:40]!r} tidak ditemukan")
    fingerprint = (await _json_body(request, MAX_SETTINGS_BODY)).get("fingerprint")
    if not isinstance(fingerprint, str) or not fingerprint.startswith("SHA256:"):
        raise Refused(
            400, "bad_body", "isian 'fingerprint' (SHA256:...) wajib: kunci yang disetujui"
        )
    service = request.app[SERVICES].poll_findings
    accepted = await _call(service.accept_host_key, viewer, int(text), fingerprint)
    return _json(asdict(accepted))


async def list_tickets(request: web.Request) -> web.Response:
    viewer = await _viewer(request)
    query = request.query
    sort = query.get("sort", "-last_seen")
    age = query.get("age")
    wanted = TicketFilter(query.get("site"), query.get("kind"), query.get("rule"),
                          query.get("severity"), query.get("status"),
                          None if age is None else _int(request, "age", 0))  # fmt: skip
    page = Page(_int(request, "page", 1), _int(request, "per_page", 50), sort.lstrip("-"),
                sort.startswith("-"))  # fmt: skip
    items, total = await _call(request.app[SERVICES].tickets.list_tickets, viewer, wanted, page)
    return _json({"items": [asdict(t) for t in items], "total": total,
                  "page": page.number, "per_page": page.size})  # fmt: skip


def _ticket_id(request: web.Request) -> int:
    text = request.match_info["ticket_id"]
    if not text.isdecimal() or len(text) > 18:
        raise Refused(404, "not_found", f"tiket {text[:40]!r} tidak ditemukan")
    return int(text)


async def get_ticket(request: web.Request) -> web.Response:
    viewer = await _viewer(request)
    detail = await _call(request.app[SERVICES].tickets.ticket_detail, viewer, _ticket_id(request))
    return _json(asdict(detail))


async def patch_ticket(request: web.Request) -> web.Response:
    """One action on one ticket (the bulk action with a single id); the ticket as it is now."""
    viewer = await _viewer(request)
    ticket_id = _ticket_id(request)
    body = await _json_body(request, MAX_SETTINGS_BODY)
    if "ids" in body:
        raise Refused(400, "bad_body", "id tiket ada di alamat; 'ids' hanya untuk /tickets/actions")
    tickets = request.app[SERVICES].tickets
    await _call(tickets.act, viewer, {**body, "ids": [ticket_id]})
    detail = await _call(tickets.ticket_detail, viewer, ticket_id)
    return _json(asdict(detail))


async def ticket_actions(request: web.Request) -> web.Response:
    viewer = await _viewer(request)
    body = await _json_body(request, MAX_SETTINGS_BODY)
    moved = await _call(request.app[SERVICES].tickets.act, viewer, body)
    return _json({"ids": moved, "action": body.get("action")})


async def get_report(request: web.Request) -> web.Response:
    """An SOP report as a file download (PDF, XLSX or CSV)."""
    viewer = await _viewer(request)
    query = request.query
    wanted = ReportRequest(request.match_info["kind"], query.get("site", ""),
                           query.get("period", ""), query.get("format", "pdf"),
                           query.get("language"))  # fmt: skip
    report = await _call(request.app[SERVICES].reports.render, viewer, wanted)
    disposition = f'attachment; filename="{report.filename}"'
    return web.Response(body=report.body, headers={"Content-Type": report.media_type,
                                                   "Content-Disposition": disposition})  # fmt: skip


def build_app(
    services: Services, *, work_order_interval: float | None = None, cookie_secure: bool = False
) -> web.Application:
    """The aiohttp application over ready services (the caller owns their lifetime): the JSON
    API and the web UI (``cookie_secure``: its cookies Secure even over plain HTTP); with
    ``work_order_interval`` (seconds) it also generates work orders in the background."""
    # The body stays compressed until decode_document inflates it under its own limit, so a
    # gzip bomb is stopped while inflating; client_max_size caps the bytes on the wire.
    app = web.Application(
        middlewares=[errors_as_json],
        client_max_size=services.limits.max_body_bytes,
        handler_args={"auto_decompress": False},
    )
    app[SERVICES] = services
    app.cleanup_ctx.append(_ingest_threads)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    app.router.add_get("/api/v1/openapi.json", openapi)
    app.router.add_post("/api/v1/enroll", enroll)
    app.router.add_post("/api/v1/observations", observations)
    app.router.add_get("/api/v1/assets", list_assets)
    app.router.add_get("/api/v1/assets/export", export_register)
    app.router.add_post("/api/v1/assets/import", import_register)
    app.router.add_get("/api/v1/assets/{asset_id}", get_asset)
    app.router.add_get("/api/v1/snmp/credentials", list_poll_credentials)
    app.router.add_put("/api/v1/snmp/credentials/{name}", put_poll_credential)
    app.router.add_delete("/api/v1/snmp/credentials/{name}", delete_poll_credential)
    app.router.add_get("/api/v1/snmp/targets", list_poll_targets)
    app.router.add_put("/api/v1/snmp/targets/{site}", put_poll_targets)
    app.router.add_get("/api/v1/ssh/credentials", list_ssh_credentials)
    app.router.add_put("/api/v1/ssh/credentials/{name}", put_ssh_credential)
    app.router.add_delete("/api/v1/ssh/credentials/{name}", delete_ssh_credential)
    app.router.add_get("/api/v1/ssh/targets", list_ssh_targets)
    app.router.add_put("/api/v1/ssh/targets/{site}", put_ssh_targets)
    app.router.add_get("/api/v1/poll/findings", list_poll_findings)
    app.router.add_post("/api/v1/poll/findings/{finding_id}/accept", accept_poll_finding)
    app.router.add_get("/api/v1/tickets", list_tickets)
    app.router.add_post("/api/v1/tickets/actions", ticket_actions)
    app.router.add_get("/api/v1/tickets/{ticket_id}", get_ticket)
    app.router.add_patch("/api/v1/tickets/{ticket_id}", patch_ticket)
    app.router.add_get("/api/v1/reports/{kind}", get_report)
    from collector.entrypoints.plan_routes import (  # noqa: PLC0415 - it imports this module
        add_plan_routes,
        generate_in_background,
    )
    from collector.entrypoints.web.app_keys import WebSettings  # noqa: PLC0415 - as above
    from collector.entrypoints.web.routes import add_web_routes  # noqa: PLC0415

    add_plan_routes(app)
    add_web_routes(app, WebSettings(cookie_secure=cookie_secure))
    if work_order_interval is not None:
        app.cleanup_ctx.append(generate_in_background(work_order_interval))
    return app
