"""The API's OpenAPI 3.1 description, served at /api/v1/openapi.json."""

from __future__ import annotations

from typing import Any

from collector.entrypoints.plan_openapi import plan_paths, plan_schemas

_ERROR = {
    "description": "Refused; nothing changed",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}


def _json_body(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _query(name: str, description: str, kind: str = "string") -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": {"type": kind}}  # fmt: skip


def openapi_document() -> dict[str, Any]:
    """Every endpoint, its parameters, bodies and answers."""
    errors = {str(code): _ERROR for code in (400, 401, 404, 409, 413, 415, 422)}
    return {
        "openapi": "3.1.0",
        "info": {"title": "asetik collector API", "version": "1"},
        "components": _components(),
        "paths": {
            "/": {"get": {"summary": "To the web UI (/ui/, HTML pages not described here)",
                          "responses": {"302": {"description": "redirect to /ui/"}}}},
            "/healthz": {"get": {"summary": "Liveness and database health",
                                 "responses": {"200": {"description": "healthy"},
                                               "503": {"description": "database down"}}}},
            "/api/v1/openapi.json": {"get": {"summary": "This description",
                                             "responses": {"200": {"description": "OpenAPI"}}}},
            "/metrics": {"get": {"summary": "Prometheus metrics",
                                 "responses": {"200": {"description": "text exposition"}}}},
            "/api/v1/enroll": {"post": {
                "summary": "Exchange an enrolment token for an agent or poller credential",
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Enrolment"}}}},
                "responses": {"201": _json_body({"$ref": "#/components/schemas/Credential"},
                                                "enrolled"), **errors}}},
            "/api/v1/observations": {"post": {
                "summary": "Submit one observation document (gzip accepted)",
                "security": [{"bearer": []}],
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"description": "schemas/observation-v1.schema.json"}}}},
                "responses": {"202": _json_body({"$ref": "#/components/schemas/Accepted"},
                                                "stored"), **errors}}},
            "/api/v1/assets": {"get": {
                "summary": "List assets (filtered, sorted, paginated, within the caller's site)",
                "security": [{"bearer": []}],
                "parameters": [
                    _query("site", "site code"), _query("kind", "asset kind"),
                    _query("status", "asset status"), _query("q", "text in name/serial/model"),
                    _query("page", "page number from 1", "integer"),
                    _query("per_page", "1..500", "integer"),
                    _query("sort", "id, name, kind, site, first_seen, last_seen; '-' descends"),
                ],
                "responses": {"200": {"description": "a page of assets"}, **errors}}},
            "/api/v1/assets/export": {"get": {
                "summary": "The register as CSV or XLSX (BMN columns kept as text)",
                "security": [{"bearer": []}],
                "parameters": [
                    _query("format", "csv (default) or xlsx"),
                    _query("delimiter", "CSV: comma (default), semicolon or tab"),
                    _query("site", "site code"), _query("kind", "asset kind"),
                    _query("status", "asset status"), _query("q", "text in name/serial/model"),
                ],
                "responses": {"200": {"description": "the file"}, **errors}}},
            "/api/v1/assets/import": {"post": {
                "summary": "Reconcile BMN columns from a CSV/XLSX sheet (planner or admin)",
                "security": [{"bearer": []}],
                "parameters": [_query("dry_run", "1: report only, change nothing")],
                "requestBody": {"required": True, "content": {
                    "text/csv": {"schema": {"type": "string"}},
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
                        {"schema": {"type": "string", "format": "binary"}}}},
                "responses": {"200": {"description": "import report"}, **errors,
                              "403": _ERROR}}},
            "/api/v1/assets/{asset_id}": {"get": {
                "summary": "One asset with its sections, history and open conflicts",
                "security": [{"bearer": []}],
                "parameters": [{"name": "asset_id", "in": "path", "required": True,
                                "schema": {"type": "integer"}}],
                "responses": {"200": {"description": "the asset"}, **errors}}},
            "/api/v1/snmp/credentials": {"get": {
                "summary": "SNMP credentials the pollers try, without their secrets (admin)",
                "security": [{"bearer": []}],
                "responses": {"200": {"description": "the credentials"}, **errors,
                              "403": _ERROR}}},
            "/api/v1/snmp/credentials/{name}": {
                "put": {
                    "summary": "Create or replace a credential; secrets sealed (central admin)",
                    "security": [{"bearer": []}],
                    "parameters": [_path("name")],
                    "requestBody": {"required": True, "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/SnmpCredential"}}}},
                    "responses": {"200": {"description": "stored (no secrets shown)"},
                                  **errors, "403": _ERROR}},
                "delete": {
                    "summary": "Remove a credential no target uses (central admin)",
                    "security": [{"bearer": []}],
                    "parameters": [_path("name")],
                    "responses": {"204": {"description": "removed"}, **errors,
                                  "403": _ERROR}}},
            "/api/v1/snmp/targets": {"get": {
                "summary": "SNMP targets per site, within the caller's site (admin)",
                "security": [{"bearer": []}],
                "parameters": [_query("site", "site code")],
                "responses": {"200": {"description": "the targets"}, **errors,
                              "403": _ERROR}}},
            "/api/v1/snmp/targets/{site}": {"put": {
                "summary": "Replace a site's SNMP targets (hosts, HOST:PORT, ranges) (admin)",
                "security": [{"bearer": []}],
                "parameters": [_path("site")],
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/SnmpTargets"}}}},
                "responses": {"200": {"description": "the site's targets"}, **errors,
                              "403": _ERROR}}},
            **_ssh_paths(errors),
            **_finding_paths(errors),
            **_ticket_paths(errors),
            **_report_paths(errors),
            **plan_paths(errors),
        },
    }  # fmt: skip


def _ssh_paths(errors: dict[str, Any]) -> dict[str, Any]:
    return {
        "/api/v1/ssh/credentials": {"get": {
            "summary": "SSH credentials the pollers try, without password or passphrase (admin)",
            "security": [{"bearer": []}],
            "responses": {"200": {"description": "the credentials"}, **errors, "403": _ERROR}}},
        "/api/v1/ssh/credentials/{name}": {
            "put": {
                "summary": "Create or replace an SSH credential; secrets sealed (central admin)",
                "security": [{"bearer": []}],
                "parameters": [_path("name")],
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/SshCredential"}}}},
                "responses": {"200": {"description": "stored (no secrets shown)"}, **errors,
                              "403": _ERROR}},
            "delete": {
                "summary": "Remove an SSH credential no target uses (central admin)",
                "security": [{"bearer": []}],
                "parameters": [_path("name")],
                "responses": {"204": {"description": "removed"}, **errors, "403": _ERROR}}},
        "/api/v1/ssh/targets": {"get": {
            "summary": "SSH targets per site with their device types (admin, own site)",
            "security": [{"bearer": []}],
            "parameters": [_query("site", "site code")],
            "responses": {"200": {"description": "the targets"}, **errors, "403": _ERROR}}},
        "/api/v1/ssh/targets/{site}": {"put": {
            "summary": "Replace a site's SSH targets (host, HOST:PORT, range; device type) (admin)",
            "security": [{"bearer": []}],
            "parameters": [_path("site")],
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/SshTargets"}}}},
            "responses": {"200": {"description": "the site's SSH targets"}, **errors,
                          "403": _ERROR}}},
    }  # fmt: skip


def _finding_paths(errors: dict[str, Any]) -> dict[str, Any]:
    return {
        "/api/v1/poll/findings": {"get": {
            "summary": "What the pollers met that ops must act on (changed SSH host keys), "
                       "within the caller's site",
            "security": [{"bearer": []}],
            "parameters": [_query("site", "site code"),
                           _query("state", "open (default), resolved or all")],
            "responses": {"200": _json_body({"type": "object", "properties": {"items": {
                "type": "array", "items": {"$ref": "#/components/schemas/PollFinding"}}}},
                "the findings, newest first"), **errors}}},
        "/api/v1/poll/findings/{finding_id}/accept": {"post": {
            "summary": "Accept the new host key an open finding saw, after a legitimate device "
                       "replacement; the poller pins it when the device presents it (admin)",
            "security": [{"bearer": []}],
            "parameters": [{"name": "finding_id", "in": "path", "required": True,
                            "schema": {"type": "integer"}}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["fingerprint"], "properties": {
                    "fingerprint": {"type": "string",
                                    "description": "SHA256:..., the key seen"}}}}}},
            "responses": {"200": _json_body({"$ref": "#/components/schemas/PollFinding"},
                                            "resolved"), **errors, "403": _ERROR}}},
    }  # fmt: skip


def _ticket_paths(errors: dict[str, Any]) -> dict[str, Any]:
    statuses = "new, reviewed, approved, rejected, merged, scheduled, in_progress, done, closed, "
    return {
        "/api/v1/tickets": {"get": {
            "summary": "Maintenance tickets within the caller's site (closed and auto-resolved "
                       "hidden unless status says so)",
            "security": [{"bearer": []}],
            "parameters": [
                _query("site", "site code"), _query("kind", "asset kind"),
                _query("rule", "rule id, e.g. disk.reallocated"),
                _query("severity", "info, warning or critical"),
                _query("status", statuses + "auto_resolved (comma-separated) or all"),
                _query("age", "first seen at least this many days ago", "integer"),
                _query("page", "page number from 1", "integer"),
                _query("per_page", "1..500", "integer"),
                _query("sort", "id, first_seen, last_seen, severity, status, rule; '-' descends "
                               "(default -last_seen)"),
            ],
            "responses": {"200": {"description": "a page of tickets"}, **errors}}},
        "/api/v1/tickets/actions": {"post": {
            "summary": "One action on several tickets, all or nothing (operator and above)",
            "security": [{"bearer": []}],
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/TicketAction"}}}},
            "responses": {"200": {"description": "the ids moved"}, **errors, "403": _ERROR}}},
        "/api/v1/tickets/{ticket_id}": {"get": {
            "summary": "A ticket with its events (who, when, why) and its asset's summary",
            "security": [{"bearer": []}],
            "parameters": [_path("ticket_id")],
            "responses": {"200": {"description": "the ticket"}, **errors}},
            "patch": {
            "summary": "One action on this ticket (as /tickets/actions without 'ids'; operator "
                       "and above); the ticket after the move",
            "security": [{"bearer": []}],
            "parameters": [_path("ticket_id")],
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/TicketPatch"}}}},
            "responses": {"200": {"description": "the ticket"}, **errors, "403": _ERROR}}},
    }  # fmt: skip


def _report_paths(errors: dict[str, Any]) -> dict[str, Any]:
    files = {
        media: {"schema": {"type": "string", "format": "binary"}}
        for media in (
            "application/pdf",
            "text/csv",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    }
    return {
        "/api/v1/reports/{kind}": {"get": {
            "summary": "An SOP report for a site and period: kind maintenance (Laporan "
                       "Pemeliharaan TIK) or evaluation (Hasil Monitoring dan Evaluasi "
                       "Pemeliharaan TIK), within the caller's site",
            "security": [{"bearer": []}],
            "parameters": [
                _path("kind"),
                {**_query("site", "site code"), "required": True},
                {**_query("period", "2026, 2026-H2, 2026-Q3 or 2026-07"), "required": True},
                _query("format", "pdf (default), xlsx or csv"),
                _query("language", "id (default) or en"),
            ],
            "responses": {"200": {"description": "the report file", "content": files},
                          **errors, "503": _ERROR}}},
    }  # fmt: skip


def _path(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


_TICKET_MOVE: dict[str, Any] = {
    "action": {"enum": ["review", "approve", "reject", "merge", "schedule", "start", "finish",
                        "close", "assign"]},
    "comment": {"type": "string", "description": "why (required)"},
    "reason": {"type": "string", "description": "reject: the reason (required)"},
    "into": {"type": "integer", "description": "merge: the ticket merged into"},
    "pic": {"type": "string", "description": "assign: the person in charge"},
}  # fmt: skip


def _components() -> dict[str, Any]:
    return {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "TicketAction": {"type": "object", "required": ["ids", "action", "comment"],
                             "properties": {
                "ids": {"type": "array", "items": {"type": "integer"}, "maxItems": 500},
                **_TICKET_MOVE}},
            "TicketPatch": {"type": "object", "required": ["action", "comment"],
                            "properties": _TICKET_MOVE},
            **plan_schemas(),
            "Error": {"type": "object", "required": ["error"], "properties": {"error": {
                "type": "object", "required": ["code", "message"],
                "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}},
            "Enrolment": {"type": "object", "required": ["token"], "properties": {
                "token": {"type": "string"}, "kind": {"enum": ["agent", "poller"]},
                "identity": {"type": "object"}, "agent_version": {"type": "string"}}},
            "Credential": {"type": "object", "properties": {
                "credential": {"type": "string"}, "agent_id": {"type": "string"}}},
            "Accepted": {"type": "object", "properties": {
                "status": {"const": "accepted"}, "asset_id": {"type": "integer"},
                "created": {"type": "boolean"}, "full_required": {"type": "boolean"},
                "changes": {"type": "integer"}, "conflicts": {"type": "integer"}}},
            "SnmpCredential": {"type": "object", "description": "v2c: community; v3 (authPriv): "
                               "user, auth_protocol, auth_key, priv_protocol, priv_key",
                               "properties": {
                "community": {"type": "string"}, "user": {"type": "string"},
                "auth_protocol": {"enum": ["sha", "sha224", "sha256", "sha384", "sha512"]},
                "auth_key": {"type": "string"},
                "priv_protocol": {"enum": ["aes", "aes192", "aes256"]},
                "priv_key": {"type": "string"}}},
            "SshCredential": {"type": "object", "required": ["username"],
                              "description": "password, or key_file (absolute path on the "
                              "poller) with an optional passphrase", "properties": {
                "username": {"type": "string"}, "password": {"type": "string"},
                "key_file": {"type": "string"}, "passphrase": {"type": "string"},
                "legacy_algorithms": {"type": "boolean", "description":
                                      "allow CBC ciphers and SHA-1/MD5 MACs (old gear)"}}},
            "SshTargets": {"type": "object", "required": ["targets"], "properties": {
                "targets": {"type": "array", "items": {
                    "type": "object", "required": ["target", "device_type", "credentials"],
                    "properties": {
                        "target": {"type": "string"},
                        "device_type": {"type": "string", "description": "a profile's netmiko "
                                        "device_type, linux_agentless or autodetect"},
                        "credentials": {"type": "array", "items": {"type": "string"}}}}}}},
            "PollFinding": {"type": "object", "properties": {
                "id": {"type": "integer"}, "site": {"type": "string"},
                "address": {"type": "string"}, "protocol": {"const": "ssh"},
                "kind": {"const": "host_key_changed"},
                "pinned": {"type": ["string", "null"]}, "seen": {"type": ["string", "null"]},
                "occurrences": {"type": "integer"},
                "first_seen": {"type": "string", "format": "date-time"},
                "last_seen": {"type": "string", "format": "date-time"},
                "resolved_at": {"type": ["string", "null"], "format": "date-time"},
                "resolved_by": {"type": ["string", "null"]},
                "accepted": {"type": ["string", "null"]}}},
            "SnmpTargets": {"type": "object", "required": ["targets", "credentials"],
                            "properties": {
                "targets": {"type": "array", "items": {"type": "string"}},
                "credentials": {"type": "array", "items": {"type": "string"}}}},
        },
    }  # fmt: skip
