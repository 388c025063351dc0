"""The OpenAPI description of /api/v1/plans (part of /api/v1/openapi.json)."""

from __future__ import annotations

from typing import Any

_ERROR = {
    "description": "Refused; nothing changed",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}
_BEARER: list[dict[str, list[str]]] = [{"bearer": []}]


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def _body(name: str) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": _ref(name)}}}


def _id(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


def _query(name: str, description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": {"type": "string"}}  # fmt: skip


def _op(summary: str, answer: str, errors: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {"summary": summary, "security": _BEARER, **more,
            "responses": {"200" if answer.startswith("200") else "201": {"description": answer},
                          **errors, "403": _ERROR}}  # fmt: skip


def plan_paths(errors: dict[str, Any]) -> dict[str, Any]:
    """Every plan endpoint with its parameters, bodies and answers."""
    plan, order = [_id("plan_id")], [_id("work_order_id")]
    items = "201 the items added"
    evaluation = [
        {**_query("site", "site code"), "required": True},
        {**_query("period", "2026, 2026-H2, 2026-Q3 or 2026-07"), "required": True},
    ]
    return {
        "/api/v1/plans": {
            "get": _op("Maintenance plans within the caller's site, newest first", "200 plans",
                       errors, parameters=[_query("site", "site code"), _query(
                           "state", "draft, submitted, approved, active or closed")]),
            "post": _op("Create a draft plan for a site and period (planner, admin)",
                        "201 the plan", errors, requestBody=_body("PlanCreate")),
        },
        "/api/v1/plans/{plan_id}": {"get": _op(
            "A plan with its items and its SOP deadlines in working days (approval ≤ 10 HK, "
            "M&E ≤ 5 HK after the period, identification → plan ≤ 10 HK per ticket item: "
            "taken, or left as '3 HK lagi' / '2 HK terlambat')", "200 plan, items, deadlines",
            errors, parameters=plan)},
        "/api/v1/plans/{plan_id}/transitions": {"post": _op(
            "Move a plan: submit, return, approve, activate (makes its work orders), close; "
            "409 for a move its state does not allow (planner, admin)", "200 the plan", errors,
            parameters=plan, requestBody=_body("PlanMove"))},
        "/api/v1/plans/{plan_id}/items": {"post": _op(
            "Add items by hand: one per asset, same maintenance and terms (draft plans)",
            items, errors, parameters=plan, requestBody=_body("ItemsManual"))},
        "/api/v1/plans/{plan_id}/items/from-tickets": {"post": _op(
            "Add an item per approved ticket; each ticket moves to scheduled with an event",
            items, errors, parameters=plan, requestBody=_body("ItemsFromTickets"))},
        "/api/v1/plans/{plan_id}/items/from-templates": {"post": _op(
            "Add preventive items from the templates for the site's assets of the kinds "
            "asked (none twice)", items, errors, parameters=plan,
            requestBody=_body("ItemsFromTemplates"))},
        "/api/v1/plans/evaluations": {
            "get": _op("The M&E record (SOP 4) of a site and reporting period; 404 when none",
                       "200 the record", errors, parameters=evaluation),
            "put": _op("Write or replace the M&E record of a site and period: evaluator, "
                       "date (period start..today), conclusions, follow-ups (planner, admin)",
                       "200 the record as stored", errors, parameters=evaluation,
                       requestBody=_body("Evaluation")),
        },
        "/api/v1/plans/work-orders": {"get": _op(
            "Work orders within the caller's site by due date, with working days left",
            "200 work orders", errors, parameters=[
                _query("plan", "plan id"), _query("site", "site code"),
                _query("status", "open or done"), _query("due_before", "YYYY-MM-DD")])},
        "/api/v1/plans/work-orders/generate": {"post": _op(
            "Make the work orders due within horizon_days for active plans; never twice "
            "(planner, admin)", "200 how many were new", errors, requestBody={
                "required": False, "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"horizon_days": {
                        "type": "integer", "minimum": 0, "maximum": 366}}}}}})},
        "/api/v1/plans/work-orders/{work_order_id}": {"get": _op(
            "A work order with its execution record and attachments", "200 the work order",
            errors, parameters=order)},
        "/api/v1/plans/work-orders/{work_order_id}/execution": {"post": _op(
            "Record what was done; sets the asset's kondisi and finishes the ticket "
            "(operator and above)", "201 the record", errors, parameters=order,
            requestBody=_body("Execution"))},
        "/api/v1/plans/work-orders/{work_order_id}/attachments": {"post": _op(
            "Upload evidence (multipart/form-data, part 'file'): JPEG, PNG, WebP or PDF told "
            "by content, size-limited; SHA-256 recorded (operator and above)",
            "201 the attachment", errors, parameters=order, requestBody={
                "required": True, "content": {"multipart/form-data": {"schema": {
                    "type": "object", "required": ["file"], "properties": {
                        "file": {"type": "string", "format": "binary"}}}}}})},
        "/api/v1/plans/work-orders/{work_order_id}/attachments/{attachment_id}": {"get": _op(
            "Download an attachment", "200 the file", errors,
            parameters=[*order, _id("attachment_id")])},
    }  # fmt: skip


def plan_schemas() -> dict[str, Any]:
    """The request bodies of the plan endpoints."""
    schedule = {"type": "object", "required": ["start"], "properties": {
        "start": {"type": "string", "format": "date"},
        "every": {"type": "integer", "minimum": 1, "maximum": 1000},
        "unit": {"enum": ["days", "weeks", "months", "years"]},
        "until": {"type": "string", "format": "date"},
        "on_non_working": {"enum": ["next", "previous", "skip", "keep"]}}}  # fmt: skip
    terms = {
        "schedule": schedule, "pic": {"type": "string"},
        "executor": {"enum": ["own", "vendor"]}, "vendor": {"type": "string"},
        "contract_ref": {"type": "string", "description": "required for a vendor"},
        "estimated_cost": {"type": "integer", "minimum": 0, "description": "rupiah"},
        "description": {"type": "string"},
    }  # fmt: skip
    ids = {"type": "array", "items": {"type": "integer"}, "maxItems": 500}
    return {
        "PlanCreate": {"type": "object", "required": ["site", "period", "title"], "properties": {
            "site": {"type": "string"}, "title": {"type": "string"},
            "period": {"type": "string", "description": "2026, 2026-S2, 2026-Q3 or 2026-07"}}},
        "PlanMove": {"type": "object", "required": ["move"], "properties": {
            "move": {"enum": ["submit", "return", "approve", "activate", "close"]}}},
        "ItemsManual": {"type": "object", "required": ["asset_ids", "maintenance", "schedule",
                                                       "pic"],
                        "properties": {"asset_ids": ids, "maintenance": {"type": "string"},
                                       **terms}},
        "ItemsFromTickets": {"type": "object", "required": ["ticket_ids", "schedule", "pic"],
                             "properties": {"ticket_ids": ids, **terms}},
        "ItemsFromTemplates": {"type": "object", "required": ["pic"], "properties": {
            "kinds": {"type": "array", "items": {"type": "string"}}, **terms}},
        "Evaluation": {"type": "object",
                       "required": ["evaluator", "evaluated_on", "conclusions"],
                       "properties": {
            "evaluator": {"type": "string"},
            "evaluator_nip": {"type": "string", "pattern": "^[0-9]{18}$"},
            "evaluator_title": {"type": "string"},
            "evaluated_on": {"type": "string", "format": "date"},
            "conclusions": {"type": "string", "maxLength": 20000},
            "follow_ups": {"type": "array", "maxItems": 100, "items": {
                "type": "object", "required": ["action"], "properties": {
                    "action": {"type": "string"}, "pic": {"type": "string"},
                    "due": {"type": "string", "format": "date"}}}}}},
        "Execution": {"type": "object",
                      "required": ["done_on", "summary", "outcome", "kondisi_after"],
                      "properties": {
            "done_on": {"type": "string", "format": "date"}, "summary": {"type": "string"},
            "outcome": {"enum": ["fixed", "partial", "not_fixed", "replaced"]},
            "cost": {"type": "integer", "minimum": 0, "description": "rupiah"},
            "kondisi_after": {"enum": ["Baik", "Rusak Ringan", "Rusak Berat"]},
            "notes": {"type": "string"},
            "parts": {"type": "array", "maxItems": 50, "items": {
                "type": "object", "required": ["name"], "properties": {
                    "name": {"type": "string"}, "serial_removed": {"type": "string"},
                    "serial_installed": {"type": "string"}}}}}},
    }  # fmt: skip
