"""The register aggregates behind the /metrics gauges, read on both databases from a seeded
register with today Friday 27 November 2026 (WIB): what each gauge counts, what it leaves out
(finished tickets, done work, plans past approval, evaluated periods), the sparse cases (a site
or a plan with nothing to report has no series) and a day off that moves an SOP count."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from collector.adapters.db.models import (
    AssetRow,
    CalendarOverrideRow,
    EvaluationRow,
    PlanItemRow,
    PlanRow,
    SiteRow,
    TicketRow,
    WorkOrderRow,
)
from collector.bootstrap import Services
from collector.domain.fleet import EMPTY_SUMMARY, FleetSummary, Need, StaleAfter
from collector.domain.kpis import WIB
from collector.services.fleet_summary import read_fleet_summary
from tests.collector.conftest import FixedClock
from tests.collector.tickets.fleet import add_asset, add_site

SBY, MDN, QUIET = "BBPOM-SBY", "BBPOM-MDN", "BBPOM-AMB"
STALE = StaleAfter(frozenset({"workstation"}), 7, 2)


def _wib(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=WIB).astimezone(UTC)


def _ticket(session: Session, asset: int, rule: str, status: str, first_seen: datetime,
            *, subject: str = "", severity: str = "warning") -> int:  # fmt: skip
    row = TicketRow(asset_id=asset, rule=rule, subject=subject, severity=severity,
                    maintenance="inspect", message_id=rule, message_en=rule, evidence={},
                    status=status, first_seen=first_seen, last_seen=first_seen,
                    updated_at=first_seen, reopened=0)  # fmt: skip
    session.add(row)
    session.flush()
    return row.id


def _plan(session: Session, site_id: int, period: str, state: str, created: datetime, *,
          ends_on: date = date(2026, 12, 31)) -> int:  # fmt: skip
    row = PlanRow(site_id=site_id, period=period, starts_on=date(2026, 1, 1), ends_on=ends_on,
                  title=f"Rencana {period}", state=state, created_by="uji", created_at=created,
                  updated_at=created)  # fmt: skip
    session.add(row)
    session.flush()
    return row.id


def _item(session: Session, plan: int, asset: int, ticket: int | None = None) -> int:
    row = PlanItemRow(plan_id=plan, asset_id=asset, ticket_id=ticket, maintenance="inspect",
                      source="ticket" if ticket else "manual", starts_on=date(2026, 11, 1),
                      on_non_working="next", pic="Budi", executor="own", estimated_cost=0,
                      created_by="uji", created_at=datetime(2026, 11, 1, tzinfo=UTC))  # fmt: skip
    session.add(row)
    session.flush()
    return row.id


def _orders(session: Session, item: int, *due_status: tuple[date, str]) -> None:
    for due, status in due_status:
        session.add(WorkOrderRow(item_id=item, occurs_on=due, due_on=due, status=status,
                                 created_at=datetime(2026, 11, 1, tzinfo=UTC)))  # fmt: skip


def _site_id(services: Services, code: str) -> int:
    with services.sessions() as session:
        found = session.scalar(select(SiteRow.id).where(SiteRow.code == code))
    assert found is not None
    return found


def _seed(services: Services, clock: FixedClock) -> dict[str, int]:
    for code in (SBY, MDN, QUIET):
        add_site(services, code)
    ids = {"pc": add_asset(services, SBY, "pc-1"), "prn": add_asset(services, SBY, "prn-1",
           kind="printer"), "srv": add_asset(services, MDN, "srv-1", kind="server")}  # fmt: skip
    sby, mdn = _site_id(services, SBY), _site_id(services, MDN)
    now = clock.now
    with services.sessions.begin() as session:
        pc, prn, srv = ids["pc"], ids["prn"], ids["srv"]
        # needs: the printer twice low (one asset), once low but closed; the pc with both
        # update rules (one asset); the server end of life; MDN no printer need at all
        _ticket(session, prn, "printer.supply_low", "new", now, subject="Black")
        _ticket(session, prn, "printer.supply_low", "scheduled", now, subject="Cyan")
        _ticket(session, prn, "printer.supply_low", "closed", now, subject="Magenta")
        _ticket(session, pc, "software.pending_updates", "reviewed", now)
        _ticket(session, pc, "software.security_updates", "new", now, severity="critical")
        _ticket(session, srv, "software.os_eol", "new", now - timedelta(days=3),
                severity="critical")  # fmt: skip
        _ticket(session, srv, "software.firmware_eol", "auto_resolved", now)
        # unreviewed: SBY's oldest new critical is 5 days old (the 9-day one was reviewed)
        _ticket(session, pc, "disk.smart_failed", "new", now - timedelta(days=5),
                severity="critical", subject="sda")  # fmt: skip
        _ticket(session, pc, "disk.reallocated", "reviewed", now - timedelta(days=9),
                severity="critical", subject="sdb")  # fmt: skip
        # identification → plan (10 HK): approved on the 17th (WIB) is at risk, the 18th not,
        # one already in a plan item not, a new one of the 1st is not a pending step
        _ticket(session, pc, "volume.almost_full", "approved", _wib(date(2026, 11, 17), 23, 30),
                subject="/")  # fmt: skip
        _ticket(session, pc, "volume.filling", "approved", _wib(date(2026, 11, 18), 0, 30),
                subject="/")  # fmt: skip
        planned = _ticket(session, srv, "volume.almost_full", "approved",
                          _wib(date(2026, 11, 2), 9), subject="/data")  # fmt: skip
        _ticket(session, srv, "volume.filling", "new", _wib(date(2026, 11, 1), 9), subject="/")
        # plan approval (10 HK): a draft of the 17th and a submitted one of the 1st at risk,
        # a draft of the 18th not yet, an approved one of the 1st done
        _plan(session, sby, "2027-01", "draft", _wib(date(2026, 11, 17), 23, 30))
        _plan(session, sby, "2027-02", "submitted", _wib(date(2026, 11, 1), 9))
        _plan(session, mdn, "2027-01", "draft", _wib(date(2026, 11, 18), 0, 30))
        _plan(session, mdn, "2027-02", "approved", _wib(date(2026, 11, 1), 9))
        # M&E (5 HK after the period): October ended unevaluated (overdue); S1 ended and was
        # evaluated as H1; November has not ended
        _plan(session, sby, "2026-10", "closed", now, ends_on=date(2026, 10, 31))
        _plan(session, mdn, "2026-S1", "closed", now, ends_on=date(2026, 6, 30))
        session.add(EvaluationRow(site_id=mdn, period="2026-H1", evaluator="Ani",
                                  evaluated_on=date(2026, 7, 6), conclusions="baik",
                                  follow_ups=[], recorded_by="uji", recorded_at=now))  # fmt: skip
        # work: SBY's active plan, 1 of 4 done, two open ones overdue (yesterday and 1 Nov),
        # one due today; MDN's active plan only done work; a draft plan's orders don't count
        active = _plan(session, sby, "2026", "active", now)
        _orders(session, _item(session, active, pc),
                (date(2026, 11, 26), "open"), (date(2026, 11, 1), "open"),
                (date(2026, 11, 27), "open"), (date(2026, 11, 2), "done"))  # fmt: skip
        mdn_active = _plan(session, mdn, "2026-Q4", "active", now)
        _item(session, mdn_active, srv, planned)
        _orders(session, _item(session, mdn_active, srv), (date(2026, 10, 5), "done"))
        _plan(session, mdn, "2026-Q3", "active", now)  # no work orders: no ratio
    return ids


def _read(services: Services, clock: FixedClock) -> FleetSummary:
    return read_fleet_summary(services.engine, clock.now, STALE)


def test_needs_by_site_count_distinct_assets(services: Services, clock: FixedClock) -> None:
    _seed(services, clock)
    assert _read(services, clock).needs == {
        (Need.SUPPLY_LOW, SBY): 1,
        (Need.UPDATES_PENDING, SBY): 1,
        (Need.END_OF_LIFE, MDN): 1,
    }


def test_tickets_by_site_severity_and_nationally_by_rule(
    services: Services, clock: FixedClock
) -> None:
    _seed(services, clock)
    summary = _read(services, clock)
    assert summary.open_tickets == {(SBY, "warning"): 5, (SBY, "critical"): 3,
                                    (MDN, "critical"): 1, (MDN, "warning"): 2}  # fmt: skip
    assert summary.open_by_rule[("printer.supply_low", "warning", "new")] == 1
    assert summary.open_by_rule[("printer.supply_low", "warning", "scheduled")] == 1
    assert ("software.firmware_eol", "warning", "auto_resolved") not in summary.open_by_rule
    assert sum(summary.open_by_rule.values()) == 11
    five_days_ago = (clock.now - timedelta(days=5)).timestamp()
    three_days_ago = (clock.now - timedelta(days=3)).timestamp()
    assert summary.unreviewed_oldest == {SBY: five_days_ago, MDN: three_days_ago}


def test_work_orders_overdue_and_plan_completion(services: Services, clock: FixedClock) -> None:
    _seed(services, clock)
    summary = _read(services, clock)
    assert summary.work_orders_overdue == {SBY: 2}
    assert summary.plan_completion == {(SBY, "2026"): 0.25, (MDN, "2026-Q4"): 1.0}


def test_sop_deadlines_at_risk(services: Services, clock: FixedClock) -> None:
    _seed(services, clock)
    assert _read(services, clock).deadlines_at_risk == {
        (SBY, "plan"): 2,
        (SBY, "evaluation"): 1,
        (SBY, "identification_to_plan"): 1,
    }


def test_a_day_off_moves_the_working_day_count(services: Services, clock: FixedClock) -> None:
    """Friday the 20th declared a day off: what started on the 17th is due a working day
    later (the 2nd, 3 HK left) and leaves the count; older ones stay."""
    _seed(services, clock)
    with services.sessions.begin() as session:
        session.add(CalendarOverrideRow(day=date(2026, 11, 20), working=False, reason="uji",
                                        created_by="uji", created_at=clock.now))  # fmt: skip
    assert _read(services, clock).deadlines_at_risk == {
        (SBY, "plan"): 1,
        (SBY, "evaluation"): 1,
    }


def test_an_empty_register_has_no_series(services: Services, clock: FixedClock) -> None:
    add_site(services, QUIET)
    summary = _read(services, clock)
    assert summary == EMPTY_SUMMARY


def test_rejected_merged_and_never_approved_work_is_not_counted(
    services: Services, clock: FixedClock
) -> None:
    """A rejected or merged ticket keeps its key but is nobody's work; a plan that was never
    approved was never carried out, so its ended period owes no M&E record."""
    _seed(services, clock)
    before = _read(services, clock)
    mdn = _site_id(services, MDN)
    with services.sessions.begin() as session:
        asset = session.scalars(select(AssetRow.id).where(AssetRow.site_id == mdn)).first()
        assert asset is not None
        _ticket(session, asset, "software.os_eol", "rejected", clock.now, severity="critical",
                subject="ditolak")  # fmt: skip
        _ticket(session, asset, "printer.supply_low", "merged", clock.now, subject="digabung")
        _plan(session, mdn, "2026-09", "draft", clock.now, ends_on=date(2026, 9, 30))
        _plan(session, mdn, "2026-08", "submitted", clock.now, ends_on=date(2026, 8, 31))
    after = _read(services, clock)
    assert after.open_tickets == before.open_tickets
    assert after.open_by_rule == before.open_by_rule
    assert after.needs == before.needs
    assert after.deadlines_at_risk == before.deadlines_at_risk
    with services.sessions.begin() as session:
        _plan(session, mdn, "2026-07", "closed", clock.now, ends_on=date(2026, 7, 31))
    assert _read(services, clock).deadlines_at_risk[MDN, "evaluation"] == 1  # carried out: owed
