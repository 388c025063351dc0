"""Every action from every status: an allowed move lands where the table says, with an event;
a refused one is a 409 that changes neither the ticket nor its events."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select, update

from collector.adapters.db.models import TicketEventRow, TicketRow
from collector.bootstrap import Services
from collector.domain.tickets import MOVES, Action, Status
from collector.errors import Refused
from collector.services.users import Role, Viewer
from tests.collector.tickets.fleet import add_asset, add_site, set_findings, ticket_service

OPS = Viewer(user_id=0, name="rina", role=Role.OPERATOR, site_id=None)
EXTRA: dict[Action, dict[str, Any]] = {
    Action.REJECT: {"reason": "bukan masalah"},
    Action.ASSIGN: {"pic": "Budi (TU)"},
}


def _state(services: Services, ticket_id: int) -> tuple[Any, ...]:
    with services.sessions() as session:
        row = session.get_one(TicketRow, ticket_id)
        events = session.scalar(select(func.count()).where(TicketEventRow.ticket_id == ticket_id))
        return (row.status, row.pic, row.reason, row.merged_into, row.resolved_at, events)


def test_every_action_from_every_status(services: Services) -> None:
    asset = add_asset(services, add_site(services), "pc-01")
    set_findings(services, asset, [("r.move", "subject", 1), ("r.target", "t", 1)])
    tickets = ticket_service(services)
    tickets.evaluate([asset])
    with services.sessions() as session:
        ticket_id, target_id = session.scalars(select(TicketRow.id).order_by(TicketRow.id))
    allowed = refused = 0
    for action in Action:
        for status in Status:
            with services.sessions.begin() as session:  # put the ticket in the status
                session.execute(update(TicketRow).where(TicketRow.id == ticket_id).values(
                    status=status.value, merged_into=None, resolved_at=None))  # fmt: skip
            before = _state(services, ticket_id)
            extra = {"into": target_id} if action is Action.MERGE else EXTRA.get(action, {})
            body = {"ids": [ticket_id], "action": action.value, "comment": "uji", **extra}
            expected = MOVES[action].get(status)
            if expected is None:
                with pytest.raises(Refused) as caught:
                    tickets.act(OPS, body)
                assert caught.value.status == 409, (action, status)
                assert _state(services, ticket_id) == before, (action, status)
                refused += 1
            else:
                assert tickets.act(OPS, body) == [ticket_id]
                after = _state(services, ticket_id)
                assert after[0] == expected.value, (action, status)
                assert after[5] == before[5] + 1  # one event
                allowed += 1
    assert allowed == sum(len(m) for m in MOVES.values())
    assert refused == len(Action) * len(Status) - allowed


def test_a_bulk_action_with_one_bad_ticket_changes_none(services: Services) -> None:
    asset = add_asset(services, add_site(services), "pc-01")
    set_findings(services, asset, [("r", "a", 1), ("r", "b", 1)])
    tickets = ticket_service(services)
    tickets.evaluate([asset])
    with services.sessions() as session:
        first, second = session.scalars(select(TicketRow.id).order_by(TicketRow.id))
    tickets.act(OPS, {"ids": [second], "action": "review", "comment": "dilihat"})
    before = (_state(services, first), _state(services, second))
    with pytest.raises(Refused) as caught:  # review is fine for the first, not the second
        tickets.act(OPS, {"ids": [first, second], "action": "review", "comment": "dua"})
    assert caught.value.status == 409
    assert (_state(services, first), _state(services, second)) == before


def test_viewers_cannot_act_and_reject_needs_a_reason(services: Services) -> None:
    asset = add_asset(services, add_site(services), "pc-01")
    set_findings(services, asset, [("r", "a", 1)])
    tickets = ticket_service(services)
    tickets.evaluate([asset])
    with services.sessions() as session:
        ticket_id = session.scalars(select(TicketRow.id)).one()
    before = _state(services, ticket_id)
    viewer = Viewer(user_id=0, name="tamu", role=Role.VIEWER, site_id=None)
    cases: list[tuple[Viewer, dict[str, Any], int]] = [
        (viewer, {"ids": [ticket_id], "action": "review", "comment": "x"}, 403),
        (OPS, {"ids": [ticket_id], "action": "reject", "comment": "x"}, 400),
        (OPS, {"ids": [ticket_id], "action": "reject", "comment": "x", "reason": "  "}, 400),
        (OPS, {"ids": [ticket_id], "action": "review"}, 400),
        (OPS, {"ids": [ticket_id], "action": "assign", "comment": "x"}, 400),
        (OPS, {"ids": [ticket_id], "action": "merge", "comment": "x", "into": ticket_id}, 409),
        (OPS, {"ids": [ticket_id], "action": "merge", "comment": "x", "into": 99999}, 404),
        (OPS, {"ids": [ticket_id], "action": "merge", "comment": "x", "into": "1"}, 400),
        (OPS, {"ids": [99999], "action": "review", "comment": "x"}, 404),
        (OPS, {"ids": [], "action": "review", "comment": "x"}, 400),
        (OPS, {"ids": [True], "action": "review", "comment": "x"}, 400),
        (OPS, {"ids": [ticket_id], "action": "delete", "comment": "x"}, 400),
    ]
    for who, body, status in cases:
        with pytest.raises(Refused) as caught:
            tickets.act(who, body)
        assert caught.value.status == status, body
        assert _state(services, ticket_id) == before, body
