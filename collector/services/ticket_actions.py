"""People's moves on tickets, several at once: review, approve, reject, merge, assign, ...

A bulk action is all or nothing: every ticket is checked (exists, in the caller's site scope,
the move allowed from its status) before anything is written, in one transaction, so a refusal
leaves the database as it was. Every move is an event with who, when and why.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from collector.adapters.db.models import AssetRow, TicketEventRow, TicketRow
from collector.domain.tickets import FINISHED, Action, Status, allowed_move
from collector.errors import Refused
from collector.services.users import Role, Viewer

MAX_IDS = 500
MAX_TEXT = 2000
ACTORS = frozenset({Role.OPERATOR, Role.PLANNER, Role.ADMIN})


def act(session: Session, viewer: Viewer, body: Mapping[str, Any], now: datetime) -> list[int]:
    """Apply the action in ``body`` to every ticket it names; the ids moved. Refused (403,
    400, 404, 409) before any write when the caller, the body or any one ticket is wrong."""
    if viewer.role not in ACTORS:
        raise Refused(403, "forbidden", "tindakan tiket untuk peran operator ke atas")
    action, ids, comment = _parsed(body)
    extra = _extra(action, body)
    rows = {r.id: r for r in session.scalars(_in_scope(viewer, ids).with_for_update())}
    for ticket_id in ids:
        if ticket_id not in rows:
            raise Refused(404, "not_found", f"tiket {ticket_id} tidak ditemukan")
    if action is Action.MERGE:
        _check_target(session, viewer, extra["into"], ids)
    moves = {}
    for ticket_id in ids:
        current = Status(rows[ticket_id].status)
        after = allowed_move(action, current)
        if after is None:
            raise Refused(409, "bad_transition",
                          f"tiket {ticket_id}: {action.value} tidak boleh dari status "
                          f"{current.value}")  # fmt: skip
        moves[ticket_id] = (current, after)
    for ticket_id, (before, after) in moves.items():
        event = TicketEventRow(ticket_id=ticket_id, at=now, actor=viewer.name, note=comment,
                               from_status=before.value, to_status=after.value)  # fmt: skip
        session.add(_move(rows[ticket_id], after, extra, event))
    return ids


def _parsed(body: Mapping[str, Any]) -> tuple[Action, list[int], str]:
    try:
        action = Action(str(body.get("action")))
    except ValueError:
        names = ", ".join(a.value for a in Action)
        raise Refused(400, "bad_action", f"action harus salah satu dari: {names}") from None
    ids = body.get("ids")
    if (not isinstance(ids, list) or not 0 < len(ids) <= MAX_IDS
            or not all(type(i) is int and 0 < i < 2**62 for i in ids)):  # fmt: skip
        raise Refused(400, "bad_ids", f"ids harus daftar 1..{MAX_IDS} id tiket (bilangan bulat)")
    return action, list(dict.fromkeys(ids)), _text(body, "comment")


def _extra(action: Action, body: Mapping[str, Any]) -> dict[str, Any]:
    if action is Action.REJECT:
        return {"reason": _text(body, "reason")}
    if action is Action.ASSIGN:
        pic = _text(body, "pic")
        if len(pic) > 256:
            raise Refused(400, "bad_body", "pic maks. 256 karakter")
        return {"pic": pic}
    if action is Action.MERGE:
        into = body.get("into")
        if type(into) is not int or not 0 < into < 2**62:
            raise Refused(400, "bad_body", "isian 'into' (id tiket tujuan) wajib untuk merge")
        return {"into": into}
    return {}


def _text(body: Mapping[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.strip():
        raise Refused(400, "bad_body", f"isian '{name}' wajib diisi")
    if len(value) > MAX_TEXT or "\x00" in value:
        raise Refused(400, "bad_body", f"isian '{name}' maks. {MAX_TEXT} karakter, tanpa NUL")
    return value.strip()


def _in_scope(viewer: Viewer, ids: list[int]) -> Any:
    query = select(TicketRow).join(AssetRow, AssetRow.id == TicketRow.asset_id)
    query = query.where(TicketRow.id.in_(ids))
    if viewer.site_id is not None:
        query = query.where(AssetRow.site_id == viewer.site_id)
    return query


def _check_target(session: Session, viewer: Viewer, into: int, ids: list[int]) -> None:
    if into in ids:
        raise Refused(409, "bad_merge", f"tiket {into} tidak bisa digabung ke dirinya sendiri")
    target = session.scalar(_in_scope(viewer, [into]))
    if target is None:
        raise Refused(404, "not_found", f"tiket tujuan {into} tidak ditemukan")
    if Status(target.status) in FINISHED | {Status.MERGED, Status.REJECTED}:
        raise Refused(409, "bad_merge", f"tiket tujuan {into} berstatus {target.status}")


def _move(row: TicketRow, after: Status, extra: dict[str, Any], event: TicketEventRow
          ) -> TicketEventRow:  # fmt: skip
    """Write the move and its extras on the row; the event, with what the extras changed."""
    changes: dict[str, Any] = {}
    if "pic" in extra:
        changes["pic"] = [row.pic, extra["pic"]]
        row.pic = extra["pic"]
    if "reason" in extra:
        row.reason = changes["reason"] = extra["reason"]
    if "into" in extra:
        row.merged_into = changes["into"] = extra["into"]
    row.status, row.updated_at = after.value, event.at
    if after in FINISHED:
        row.resolved_at = event.at
    event.changes = changes or None
    return event
