"""Assets and findings for the ticket tests: a fake rule family (our own interface) that
reports whatever the asset's "fake_findings" section lists, so a test decides the findings by
writing that section the way ingest would."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select

from collector.adapters.db.models import AssetRow, AssetSectionRow, SiteRow, TicketRow
from collector.bootstrap import Services
from collector.domain.rules.findings import Finding, Maintenance, Severity, Snapshot, Thresholds
from collector.services.rules_config import default_rules
from collector.services.tickets import TicketService

SECTION = "fake_findings"


def fake_family(snapshot: Snapshot, thresholds: Thresholds) -> Iterable[Finding]:
    """A finding per entry of the snapshot's fake_findings section: (rule, subject, value);
    critical when the value reaches the table's ``critical_from``."""
    for rule, subject, value in snapshot.sections.get(SECTION) or ():
        severe = value >= thresholds["critical_from"]
        yield Finding(rule=rule, subject=subject,
                      severity=Severity.CRITICAL if severe else Severity.WARNING,
                      message_id=f"nilai {value} pada {subject}",
                      message_en=f"value {value} on {subject}", evidence={"value": value},
                      maintenance=Maintenance.REPLACE_DISK)  # fmt: skip


def ticket_service(services: Services, **changes: Any) -> TicketService:
    """A TicketService over the test database with the fake family and its table."""
    rules = {**default_rules(), "fake": {"critical_from": 10}}
    rules["tickets"] = {**rules["tickets"], **changes}
    return TicketService(services.sessions, services.clock, rules, [("fake", fake_family)])


def add_site(services: Services, code: str = "BBPOM-SBY") -> str:
    services.enrolment.create_site(code, f"Balai {code}")
    return code


def add_asset(services: Services, site: str, name: str, kind: str = "workstation") -> int:
    now = services.clock()
    with services.sessions.begin() as session:
        site_id = session.scalar(select(SiteRow.id).where(SiteRow.code == site))
        row = AssetRow(site_id=site_id, kind=kind, status="active", name=name, first_seen=now,
                       last_seen=now, last_source="agent", needs_review=False)  # fmt: skip
        session.add(row)
        session.flush()
        return row.id


def set_findings(services: Services, asset_id: int, found: Sequence[tuple[str, str, int]]) -> None:
    """What the fake family will report for the asset, stored as its section."""
    with services.sessions.begin() as session:
        row = session.get(AssetSectionRow, (asset_id, SECTION))
        content = [list(f) for f in found]
        if row is None:
            session.add(AssetSectionRow(asset_id=asset_id, name=SECTION, content=content,
                                        source="agent", updated_at=services.clock()))  # fmt: skip
        else:
            row.content = content


def tickets_of(services: Services, asset_id: int) -> list[dict[str, Any]]:
    """The asset's tickets as rows of plain values, oldest first."""
    with services.sessions() as session:
        rows = session.scalars(
            select(TicketRow).where(TicketRow.asset_id == asset_id).order_by(TicketRow.id)
        )
        return [
            {"id": r.id, "rule": r.rule, "subject": r.subject, "status": r.status,
             "severity": r.severity, "evidence": r.evidence, "last_seen": r.last_seen,
             "first_seen": r.first_seen, "reopened": r.reopened, "resolved_at": r.resolved_at,
             "pic": r.pic}
            for r in rows
        ]  # fmt: skip
