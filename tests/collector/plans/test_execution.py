"""Execution records on both databases: the report with parts and serials, the asset's BMN
condition, the ticket moved to Selesai, and the next real inventory (through ingest) closing
the ticket when the finding is gone or reopening it when it is still there."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from collector.adapters.db.models import (
    AssetRow,
    ChangeRow,
    TicketEventRow,
    WorkExecutionRow,
    WorkOrderRow,
)
from collector.bootstrap import Services
from collector.errors import Refused
from collector.services.rules_config import default_rules
from collector.services.tickets import TicketService
from collector.services.users import Role, Viewer
from tests.collector.conftest import FixedClock
from tests.collector.documents import laptop, renewed
from tests.collector.plans.setup import OPERATOR, PLANNER, approved_fleet
from tests.collector.plans.test_work_orders import active_plan
from tests.collector.tickets.fleet import tickets_of
from tests.collector.tickets.test_after_ingest import pending_reboot

REPORT: dict[str, Any] = {
    "done_on": "2026-11-27", "summary": "Mulai ulang setelah pembaruan kernel",
    "outcome": "fixed", "cost": 0, "kondisi_after": "baik",
    "parts": [{"name": "SSD 512 GB", "serial_removed": "S4ENNX0N000001",
               "serial_installed": "S4EVNX0R123456"}],
}  # fmt: skip


def _events(services: Services, ticket_id: int) -> list[tuple[str | None, str, str]]:
    with services.sessions() as session:
        rows = session.execute(
            select(TicketEventRow.from_status, TicketEventRow.to_status, TicketEventRow.actor)
            .where(TicketEventRow.ticket_id == ticket_id).order_by(TicketEventRow.id))  # fmt: skip
        return [(a, b, c) for a, b, c in rows]


def _inventoried_and_planned(services: Services) -> tuple[Services, dict[str, Any], int, int]:
    """A laptop inventoried through ingest with a pending reboot (a ticket), the ticket
    approved and planned, its work order generated; (services, document, credential...)."""
    tickets = TicketService(services.sessions, services.clock, default_rules(),
                            [("os", pending_reboot)])  # fmt: skip
    services = dataclasses.replace(services, tickets=tickets)
    services.enrolment.create_site("BBPOM-SBY", "Balai Besar POM di Surabaya")
    token = services.enrolment.create_token("BBPOM-SBY", timedelta(days=1))
    credential, _ = services.enrolment.enrol(token, "agent", "lpt-01")
    first = laptop(1)
    result = services.ingest_observation(first, services.enrolment.authenticate(credential), 9000)
    [ticket] = tickets_of(services, result.asset_id)
    for action in ("review", "approve"):
        tickets.act(OPERATOR, {"ids": [ticket["id"]], "action": action, "comment": "perlu"})
    plan_id = services.plans.create(PLANNER, {"site": "BBPOM-SBY", "period": "2026-Q4",
                                              "title": "Rencana Q4"}).id  # fmt: skip
    services.plans.add_from_tickets(PLANNER, plan_id, {
        "ticket_ids": [ticket["id"]], "pic": "Siti", "executor": "vendor", "vendor": "PT Sinar",
        "contract_ref": "SPK-1/2026", "schedule": {"start": "2026-11-27"}})  # fmt: skip
    for move in ("submit", "approve", "activate"):
        services.plans.move(PLANNER, plan_id, {"move": move})
    [order] = services.work_orders.list_orders(PLANNER, {"plan": str(plan_id)})
    return services, {"doc": first, "credential": credential}, order.id, ticket["id"]


def test_execution_finishes_the_ticket_and_the_next_inventory_confirms_it(
    services: Services, clock: FixedClock
) -> None:
    services, sent, order_id, ticket_id = _inventoried_and_planned(services)
    clock.now += timedelta(hours=2)
    shown = services.executions.record(OPERATOR, order_id, REPORT)
    assert (shown.outcome, shown.kondisi_after, shown.ticket_status) == ("fixed", "Baik", "done")
    assert shown.parts[0].serial_installed == "S4EVNX0R123456"
    assert services.executions.show(PLANNER, order_id) == shown
    with services.sessions() as session:
        asset = session.scalar(select(AssetRow))
        assert asset is not None and asset.kondisi == "Baik"
        change = session.scalar(select(ChangeRow).where(ChangeRow.subject == "kondisi"))
        assert change is not None and (change.source, change.after) == ("work_order", "Baik")
        asset_id = asset.id
    assert _events(services, ticket_id)[-1] == ("scheduled", "done", "rina")
    # the next inventory: no reboot pending any more → closed, confirmed
    clock.now += timedelta(days=1)
    doc = sent["doc"]
    system = {**doc["operatingsystem"], "pending_reboot": False, "pending_reboot_reasons": []}
    caller = services.enrolment.authenticate(sent["credential"])
    services.ingest_observation(renewed({**doc, "operatingsystem": system}, clock.now), caller,
                                9000)  # fmt: skip
    [ticket] = tickets_of(services, asset_id)
    assert (ticket["status"], ticket["resolved_at"]) == ("closed", clock.now)
    assert _events(services, ticket_id)[-1] == ("done", "closed", "system")


def test_the_next_inventory_reopens_a_ticket_whose_finding_is_still_there(
    services: Services, clock: FixedClock
) -> None:
    services, sent, order_id, ticket_id = _inventoried_and_planned(services)
    clock.now += timedelta(hours=2)
    services.executions.record(OPERATOR, order_id, REPORT)
    evaluated_before = services.verification.after_evaluation()  # no inventory since: no verdict
    assert evaluated_before == (0, 0)
    clock.now += timedelta(days=1)
    doc = sent["doc"]
    system = {**doc["operatingsystem"], "kernel": "6.1.0-21-amd64"}  # still pending a reboot
    caller = services.enrolment.authenticate(sent["credential"])
    result = services.ingest_observation(renewed({**doc, "operatingsystem": system}, clock.now),
                                         caller, 9000)  # fmt: skip
    [ticket] = tickets_of(services, result.asset_id)
    assert (ticket["status"], ticket["reopened"]) == ("approved", 1)
    assert _events(services, ticket_id)[-1] == ("done", "approved", "system")


def test_not_fixed_keeps_the_ticket_scheduled(services: Services, clock: FixedClock) -> None:
    services, _, order_id, ticket_id = _inventoried_and_planned(services)
    shown = services.executions.record(
        OPERATOR, order_id, {**REPORT, "outcome": "not_fixed", "kondisi_after": "Rusak Ringan"}
    )
    assert shown.ticket_status == "scheduled"
    assert _events(services, ticket_id)[-1] == ("scheduled", "scheduled", "rina")


def _state(services: Services) -> tuple[Any, ...]:
    with services.sessions() as session:
        return (
            session.scalar(select(func.count(WorkExecutionRow.id))),
            tuple(session.execute(select(WorkOrderRow.id, WorkOrderRow.status))),
            tuple(session.execute(select(AssetRow.id, AssetRow.kondisi))),
            session.scalar(select(func.count(TicketEventRow.id))),
        )


@pytest.mark.parametrize(("change", "code"), [
    ({"done_on": "2026-11-28"}, "invalid_field"),  # tomorrow
    ({"done_on": "2026-09-30"}, "invalid_field"),  # before the plan's period
    ({"done_on": "27/11/2026"}, "invalid_field"),
    ({"outcome": "sort_of"}, "invalid_field"),
    ({"kondisi_after": "lumayan"}, "invalid_field"),
    ({"cost": -1}, "invalid_field"),
    ({"cost": "100"}, "invalid_field"),
    ({"summary": ""}, "invalid_field"),
    ({"parts": [{"serial_removed": "X"}]}, "invalid_field"),
    ({"parts": "SSD"}, "invalid_field"),
    ({"parts": [{"name": "x"}] * 51}, "invalid_field"),
])  # fmt: skip
def test_bad_reports_are_refused_and_change_nothing(
    services: Services, change: dict[str, Any], code: str
) -> None:
    fleet = approved_fleet(services)
    active_plan(services, [{"asset_ids": [fleet.ups], "maintenance": "test_ups_battery",
                            "schedule": {"start": "2026-11-27"}}], period="2026-Q4")  # fmt: skip
    [order] = services.work_orders.list_orders(PLANNER, {})
    before = _state(services)
    with pytest.raises(Refused) as caught:
        services.executions.record(OPERATOR, order.id, {**REPORT, **change})
    assert (caught.value.status, caught.value.code) == (422, code)
    assert _state(services) == before


def test_roles_scope_and_states_guard_execution(services: Services) -> None:
    fleet = approved_fleet(services)
    weekly = {"asset_ids": [fleet.ups], "maintenance": "inspect",
              "schedule": {"start": "2026-11-27", "every": 1, "unit": "weeks"}}  # fmt: skip
    plan_id = active_plan(services, [weekly], period="2026-Q4")
    first, second, *_ = services.work_orders.list_orders(PLANNER, {})
    assert first.due_on == date(2026, 11, 27)
    viewer = Viewer(user_id=0, name="tamu", role=Role.VIEWER, site_id=None)
    far = Viewer(user_id=0, name="upt", role=Role.OPERATOR, site_id=10**9)
    for who, status in ((viewer, 403), (far, 404)):
        with pytest.raises(Refused) as caught:
            services.executions.record(who, first.id, REPORT)
        assert caught.value.status == status
    with pytest.raises(Refused) as missing:
        services.executions.record(OPERATOR, 10**9, REPORT)
    assert missing.value.status == 404
    services.executions.record(OPERATOR, first.id, REPORT)
    with pytest.raises(Refused) as twice:
        services.executions.record(OPERATOR, first.id, REPORT)
    assert (twice.value.status, twice.value.code) == (409, "already_done")
    services.plans.move(PLANNER, plan_id, {"move": "close"})
    with pytest.raises(Refused) as closed:
        services.executions.record(OPERATOR, second.id, REPORT)
    assert (closed.value.status, closed.value.code) == (409, "plan_not_active")


def test_evaluate_decides_after_an_inventory_that_changed_nothing(
    services: Services, clock: FixedClock
) -> None:
    services, sent, order_id, _ = _inventoried_and_planned(services)
    clock.now += timedelta(hours=2)
    services.executions.record(OPERATOR, order_id, REPORT)
    clock.now += timedelta(days=1)
    caller = services.enrolment.authenticate(sent["credential"])
    again = services.ingest_observation(renewed(sent["doc"], clock.now), caller, 9000)
    assert not again.sections_changed  # the same inventory: not evaluated, no verdict yet
    assert tickets_of(services, again.asset_id)[0]["status"] == "done"
    services.tickets.evaluate_scope()  # what `asetik-collector evaluate` runs, and then:
    assert services.verification.after_evaluation(None, "BBPOM-MDN") == (0, 0)  # other site
    assert services.verification.after_evaluation(None, "BBPOM-SBY") == (0, 1)
    assert tickets_of(services, again.asset_id)[0]["status"] == "approved"
