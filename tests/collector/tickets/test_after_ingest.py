"""Evaluation after ingest: an observation that changed a section brings the asset's tickets
up to date in the same call; a pure unchanged check-in does not evaluate."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import timedelta

from collector.bootstrap import Services
from collector.domain.rules.findings import Finding, Maintenance, Severity, Snapshot, Thresholds
from collector.services.rules_config import default_rules
from collector.services.tickets import TicketService
from tests.collector.conftest import FixedClock
from tests.collector.documents import delta, laptop, renewed
from tests.collector.tickets.fleet import tickets_of


def pending_reboot(snapshot: Snapshot, thresholds: Thresholds) -> Iterable[Finding]:
    """A fake family over a real section: a finding while a reboot is pending."""
    system = snapshot.sections.get("operatingsystem") or {}
    if system.get("pending_reboot"):
        evidence = {"kernel": system.get("kernel")}
        yield Finding("os.pending_reboot", "", Severity.WARNING, "perlu mulai ulang",
                      "reboot pending", evidence, Maintenance.REBOOT)  # fmt: skip


def test_a_changed_observation_evaluates_an_unchanged_check_in_does_not(
    services: Services, clock: FixedClock
) -> None:
    tickets = TicketService(services.sessions, services.clock, default_rules(),
                            [("os", pending_reboot)])  # fmt: skip
    services = dataclasses.replace(services, tickets=tickets)
    services.enrolment.create_site("BBPOM-SBY", "Balai Besar POM di Surabaya")
    token = services.enrolment.create_token("BBPOM-SBY", timedelta(days=1))
    credential, _ = services.enrolment.enrol(token, "agent", "lpt-01")
    first = laptop(1)
    result = services.ingest_observation(first, services.enrolment.authenticate(credential), 9000)
    assert result.sections_changed
    [ticket] = tickets_of(services, result.asset_id)
    assert (ticket["rule"], ticket["evidence"]) == (
        "os.pending_reboot",
        {"kernel": "6.1.0-18-amd64"},
    )
    opened = ticket["last_seen"]

    clock.now += timedelta(hours=1)
    status = {**first["status"], "uptime_seconds": first["status"]["uptime_seconds"] + 3600}
    check_in = delta(renewed({**first, "status": status}, clock.now))
    unchanged = services.ingest_observation(
        check_in, services.enrolment.authenticate(credential), 600
    )
    assert not unchanged.sections_changed
    assert tickets_of(services, result.asset_id)[0]["last_seen"] == opened  # not evaluated

    clock.now += timedelta(hours=1)
    system = {**first["operatingsystem"], "pending_reboot": False, "pending_reboot_reasons": []}
    rebooted = renewed({**first, "operatingsystem": system}, clock.now)
    changed = services.ingest_observation(
        rebooted, services.enrolment.authenticate(credential), 9000
    )
    assert changed.sections_changed
    [ticket] = tickets_of(services, result.asset_id)
    assert (ticket["status"], ticket["resolved_at"]) == ("auto_resolved", clock.now)
