"""SOP deadlines in working days on a plan, on both databases: approval ≤ 10 HK from the
plan's creation, identification → plan ≤ 10 HK per item from a ticket, M&E ≤ 5 HK after the
period; pending ones as "N HK lagi / N HK terlambat", done ones with the HK taken."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from collector.bootstrap import Services
from collector.domain.kpis import SopStep
from tests.collector.conftest import FixedClock
from tests.collector.plans.setup import PLANNER, approved_fleet
from tests.collector.test_api_assets import call

TERMS = {"pic": "Siti", "executor": "own", "schedule": {"start": "2026-12-01"}}


def test_plan_deadlines_pending_overdue_and_done(services: Services, clock: FixedClock) -> None:
    fleet = approved_fleet(services)  # tickets first seen Friday 27 November 2026 (WIB)
    plan_id = services.plans.create(PLANNER, {"site": "BBPOM-SBY", "period": "2026-Q4",
                                              "title": "Rencana Q4"}).id  # fmt: skip
    clock.now += timedelta(days=4)  # Tuesday 1 December: 2 HK after identification
    services.plans.add_from_tickets(PLANNER, plan_id, {"ticket_ids": fleet.tickets, **TERMS})
    workdays = services.calendar.calendar(date(2026, 1, 1), date(2027, 12, 31))
    start = date(2026, 11, 27)
    fresh = services.plans.deadlines(PLANNER, plan_id)
    assert fresh.approval.due_on == workdays.add_working_days(start, 10) == date(2026, 12, 11)
    assert (fresh.approval.left_hk, fresh.approval.text_id) == (8, "8 HK lagi")
    assert fresh.approval.text_en == "8 WD left" and fresh.approval.within
    assert [(i.ticket_id, i.deadline.taken_hk, i.deadline.within) for i in fresh.items] == [
        (ticket, 2, True) for ticket in fleet.tickets]  # fmt: skip
    assert fresh.items[0].deadline.text_id == "selesai dalam 2 HK (standar ≤ 10 HK)"
    assert fresh.evaluation.step is SopStep.EVALUATION and fresh.evaluation.done_on is None
    assert fresh.evaluation.due_on == workdays.add_working_days(date(2026, 12, 31), 5)
    clock.now = datetime(2026, 12, 15, 2, tzinfo=UTC)  # Tuesday: 2 HK past the 11th
    late = services.plans.deadlines(PLANNER, plan_id).approval
    assert (late.left_hk, late.text_id, late.within) == (-2, "2 HK terlambat", False)
    for move in ("submit", "approve"):
        services.plans.move(PLANNER, plan_id, {"move": move})
    done = services.plans.deadlines(PLANNER, plan_id)
    assert (done.approval.taken_hk, done.approval.within) == (12, False)
    assert done.approval.text_id == "selesai dalam 12 HK (standar ≤ 10 HK)"
    services.evaluations.record(PLANNER, "BBPOM-SBY", "2026-Q4", {
        "evaluator": "Ahmad", "evaluated_on": "2026-12-15", "conclusions": "Baik."})  # fmt: skip
    evaluated = services.plans.deadlines(PLANNER, plan_id).evaluation
    assert evaluated.done_on == date(2026, 12, 15) and evaluated.within


def test_the_plan_detail_shows_its_deadlines(services: Services, clock: FixedClock) -> None:
    fleet = approved_fleet(services)
    plan_id = services.plans.create(PLANNER, {"site": "BBPOM-SBY", "period": "2026-Q4",
                                              "title": "Rencana Q4"}).id  # fmt: skip
    services.plans.add_from_tickets(PLANNER, plan_id, {"ticket_ids": fleet.tickets[:1], **TERMS})
    services.users.create("budi", "planner", None, None)
    answer = call(services, "GET", f"/api/v1/plans/{plan_id}", services.users.issue_token("budi"))
    assert answer.status == 200
    shown = answer.json()["deadlines"]
    assert shown["approval"]["text_id"] == "10 HK lagi"
    assert shown["approval"]["due_on"] == "2026-12-11"
    assert [i["deadline"]["taken_hk"] for i in shown["items"]] == [0]
    assert shown["evaluation"]["step"] == "evaluation" and shown["evaluation"]["left_hk"] > 0
