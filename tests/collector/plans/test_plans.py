"""Plans on both databases: the state machine with who and when, items by hand, from approved
tickets (which move to Dijadwalkan with an event) and from preventive templates, and every
refusal leaving the database as it was."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from collector.adapters.db.models import PlanItemRow, PlanRow, SiteRow, TicketEventRow, TicketRow
from collector.bootstrap import Services
from collector.errors import Refused
from collector.services.users import Role, Viewer
from tests.collector.conftest import FixedClock
from tests.collector.plans.setup import OPERATOR, PLANNER, approved_fleet

TERMS: dict[str, Any] = {"pic": "Siti Rahma", "executor": "own", "estimated_cost": 250000,
                         "schedule": {"start": "2026-12-07"}}  # fmt: skip


def _plan(services: Services, site: str = "BBPOM-SBY", period: str = "2026-Q4") -> int:
    made = services.plans.create(PLANNER, {"site": site, "period": period, "title": "Rencana"})
    return made.id


def _state(services: Services) -> tuple[Any, ...]:
    with services.sessions() as session:
        return (
            tuple(session.execute(select(PlanRow.id, PlanRow.state).order_by(PlanRow.id))),
            session.scalar(select(func.count(PlanItemRow.id))),
            tuple(session.execute(select(TicketRow.id, TicketRow.status).order_by(TicketRow.id))),
            session.scalar(select(func.count(TicketEventRow.id))),
        )


def test_a_plan_moves_from_draft_to_closed_recording_who_and_when(
    services: Services, clock: FixedClock
) -> None:
    fleet = approved_fleet(services)
    plan_id = _plan(services)
    draft = services.plans.detail(PLANNER, plan_id)[0]
    assert (draft.state, draft.state_id, draft.period) == ("draft", "Konsep", "2026-Q4")
    assert (draft.starts_on, draft.ends_on) == (date(2026, 10, 1), date(2026, 12, 31))
    with pytest.raises(Refused) as empty:
        services.plans.move(PLANNER, plan_id, {"move": "submit"})
    assert (empty.value.status, empty.value.code) == (409, "empty_plan")
    services.plans.add_items(PLANNER, plan_id, {**TERMS, "asset_ids": [fleet.ups],
                                                "maintenance": "test_ups_battery"})  # fmt: skip
    chief = Viewer(user_id=0, name="kepala", role=Role.ADMIN, site_id=None)
    for who, move, state in (
        (PLANNER, "submit", "submitted"),
        (PLANNER, "return", "draft"),
        (PLANNER, "submit", "submitted"),
        (chief, "approve", "approved"),
        (chief, "activate", "active"),
        (chief, "close", "closed"),
    ):
        clock.now += timedelta(hours=1)
        moved = services.plans.move(who, plan_id, {"move": move})
        assert moved.state == state
    final = services.plans.detail(PLANNER, plan_id)[0]
    start = clock.now - timedelta(hours=6)
    assert (final.submitted_by, final.submitted_at) == ("budi", start + timedelta(hours=3))
    assert (final.approved_by, final.approved_at) == ("kepala", start + timedelta(hours=4))
    assert (final.activated_by, final.closed_by, final.closed_at) == ("kepala", "kepala", clock.now)


@pytest.mark.parametrize(("moves", "refused"), [
    ((), "approve"), ((), "activate"), ((), "close"), (("submit",), "submit"),
    (("submit", "approve"), "return"), (("submit", "approve", "activate"), "approve"),
])  # fmt: skip
def test_moves_out_of_order_are_refused_with_409(
    services: Services, moves: tuple[str, ...], refused: str
) -> None:
    fleet = approved_fleet(services)
    plan_id = _plan(services)
    services.plans.add_items(PLANNER, plan_id, {**TERMS, "asset_ids": [fleet.ups],
                                                "maintenance": "test_ups_battery"})  # fmt: skip
    for move in moves:
        services.plans.move(PLANNER, plan_id, {"move": move})
    before = _state(services)
    with pytest.raises(Refused) as caught:
        services.plans.move(PLANNER, plan_id, {"move": refused})
    assert (caught.value.status, caught.value.code) == (409, "bad_transition")
    assert refused in caught.value.message
    assert _state(services) == before


def test_items_from_approved_tickets_schedule_them_with_an_event(services: Services) -> None:
    fleet = approved_fleet(services)
    plan_id = _plan(services)
    body = {**TERMS, "ticket_ids": fleet.tickets, "executor": "vendor",
            "vendor": "PT Sinar Komputer", "contract_ref": "SPK-017/2026"}  # fmt: skip
    items = services.plans.add_from_tickets(PLANNER, plan_id, body)
    assert [(i.asset_id, i.ticket_id, i.source) for i in items] == [
        (fleet.pc, fleet.tickets[0], "ticket"),
        (fleet.printer, fleet.tickets[1], "ticket"),
    ]
    first = items[0]
    assert (first.maintenance, first.pic, first.executor, first.vendor, first.contract_ref) == (
        "replace_disk", "Siti Rahma", "vendor", "PT Sinar Komputer", "SPK-017/2026")  # fmt: skip
    assert (first.kode_barang, first.nup, first.estimated_cost) == ("3100102002", "000012", 250000)
    assert first.schedule["start"] == date(2026, 12, 7)
    with services.sessions() as session:
        statuses = session.scalars(select(TicketRow.status).where(TicketRow.id.in_(fleet.tickets)))
        assert set(statuses) == {"scheduled"}
        last = session.scalars(
            select(TicketEventRow)
            .where(TicketEventRow.ticket_id == fleet.tickets[0])
            .order_by(TicketEventRow.id.desc())
        ).first()
        assert last is not None
        assert (last.from_status, last.to_status, last.actor) == ("approved", "scheduled", "budi")
        assert f"rencana {plan_id}" in (last.note or "")
    plan = services.plans.detail(PLANNER, plan_id)[0]
    assert (plan.items, plan.estimated_cost) == (2, 500000)


@pytest.mark.parametrize(("change", "status", "code"), [
    ({"ticket_ids": "x"}, 422, "invalid_field"),
    ({"ticket_ids": [999999]}, 404, "not_found"),
    ({"other_site": True}, 404, "not_found"),
    ({"executor": "vendor"}, 422, "invalid_field"),  # no vendor / contract
    ({"schedule": {"start": "2027-01-04"}}, 422, "invalid_field"),  # outside the period
    ({"schedule": {"start": "2026-13-01"}}, 422, "invalid_field"),
    ({"schedule": {"start": "2026-10-05", "every": 2}}, 422, "invalid_field"),  # no unit
    ({"schedule": {"start": "2026-10-05", "every": 0, "unit": "weeks"}}, 422, "invalid_field"),
    ({"schedule": {"start": "2026-10-05", "every": 1, "unit": "fortnights"}}, 422,
     "invalid_field"),
    ({"schedule": {"start": "2026-11-05", "until": "2026-10-01", "every": 1, "unit": "days"}},
     422, "invalid_field"),
    ({"schedule": {"start": "2026-10-05", "on_non_working": "whenever"}}, 422, "invalid_field"),
    ({"estimated_cost": -5}, 422, "invalid_field"),
    ({"estimated_cost": 1.5}, 422, "invalid_field"),
    ({"pic": ""}, 422, "invalid_field"),
    ({"already_scheduled": True}, 409, "ticket_not_approved"),
])  # fmt: skip
def test_bad_ticket_items_are_refused_and_change_nothing(
    services: Services, change: dict[str, Any], status: int, code: str
) -> None:
    fleet = approved_fleet(services)
    plan_id = _plan(services)
    body: dict[str, Any] = {**TERMS, "ticket_ids": fleet.tickets, **change}
    if body.pop("other_site", False):
        body["ticket_ids"] = [fleet.tickets[0], fleet.other_ticket]
    if body.pop("already_scheduled", False):
        services.plans.add_from_tickets(
            PLANNER, plan_id, {**TERMS, "ticket_ids": [fleet.tickets[1]]}
        )
        body["ticket_ids"] = fleet.tickets
    before = _state(services)
    with pytest.raises(Refused) as caught:
        services.plans.add_from_tickets(PLANNER, plan_id, body)
    assert (caught.value.status, caught.value.code) == (status, code), caught.value.message
    assert _state(services) == before


def test_preventive_templates_add_recurring_items_once(services: Services) -> None:
    fleet = approved_fleet(services)
    plan_id = _plan(services, period="2026")
    made = services.plans.add_from_templates(
        PLANNER, plan_id, {"pic": "Tim TIK", "kinds": ["printer", "ups"]}
    )
    shown = {(i.asset_id, i.maintenance, i.schedule["every"], i.schedule["unit"]) for i in made}
    assert shown == {(fleet.printer, "clean_printer", 3, "months"),
                     (fleet.ups, "test_ups_battery", 6, "months")}  # fmt: skip
    printer = next(i for i in made if i.asset_id == fleet.printer)
    assert (printer.schedule["start"], printer.estimated_cost) == (date(2026, 1, 1), 150000)
    assert services.plans.add_from_templates(PLANNER, plan_id, {"pic": "Tim TIK"}) != []  # pcs
    assert services.plans.add_from_templates(PLANNER, plan_id, {"pic": "Tim TIK"}) == []


def test_roles_site_scope_and_states_guard_plans(services: Services) -> None:
    fleet = approved_fleet(services)
    plan_id = _plan(services)
    upt_planner = Viewer(user_id=0, name="andi", role=Role.PLANNER, site_id=_site_id(services))
    with pytest.raises(Refused) as denied:
        services.plans.create(OPERATOR, {"site": "BBPOM-SBY", "period": "2026", "title": "x"})
    assert denied.value.status == 403
    with pytest.raises(Refused) as denied:
        services.plans.move(OPERATOR, plan_id, {"move": "submit"})
    assert denied.value.status == 403
    with pytest.raises(Refused) as hidden:
        services.plans.detail(upt_planner, plan_id)
    assert hidden.value.status == 404
    with pytest.raises(Refused) as other:
        services.plans.create(upt_planner, {"site": "BBPOM-SBY", "period": "2026", "title": "x"})
    assert other.value.status == 404
    assert services.plans.list_plans(upt_planner, None, None) == []
    for period in ("2026-Q5", "26", "2026-13", "2026-S3", "1999"):
        with pytest.raises(Refused) as bad:
            services.plans.create(PLANNER, {"site": "BBPOM-SBY", "period": period, "title": "x"})
        assert bad.value.status == 422
    services.plans.add_items(PLANNER, plan_id, {**TERMS, "asset_ids": [fleet.ups],
                                                "maintenance": "test_ups_battery"})  # fmt: skip
    services.plans.move(PLANNER, plan_id, {"move": "submit"})
    with pytest.raises(Refused) as locked:
        services.plans.add_items(PLANNER, plan_id, {**TERMS, "asset_ids": [fleet.pc],
                                                    "maintenance": "inspect"})  # fmt: skip
    assert (locked.value.status, locked.value.code) == (409, "plan_not_editable")
    with pytest.raises(Refused) as far:
        services.plans.add_items(
            PLANNER,
            _plan(services),
            {**TERMS, "maintenance": "inspect", "asset_ids": [fleet.other_site_pc]},
        )
    assert far.value.status == 404


def _site_id(services: Services) -> int:
    with services.sessions() as session:
        found = session.scalar(select(SiteRow.id).where(SiteRow.code == "BBPOM-MDN"))
    assert found is not None
    return found
