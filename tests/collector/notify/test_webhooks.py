"""Signed webhooks for tickets that become critical, on SQLite and PostgreSQL, posted to a
real receiver on 127.0.0.1 that checks each signature as a receiver would."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from collector.bootstrap import Services
from collector.domain.notifications import RetryPolicy
from collector.services.notification_settings import SettingsChange
from tests.collector.conftest import FixedClock
from tests.collector.notify.dispatching import SECRET, deliveries, run_pass
from tests.collector.notify.peers import free_port, webhook_receiver
from tests.collector.tickets.fleet import add_asset, add_site, set_findings, ticket_service

SITE = "BBPOM-SBY"


def _hook(services: Services, url: str) -> None:
    services.notification_settings.set_site(SITE, SettingsChange(url, SECRET))


def _critical_asset(services: Services, name: str = "pc-01", value: int = 12) -> int:
    asset = add_asset(services, SITE, name)
    set_findings(services, asset, [("disk.reallocated", "SERIAL1", value)])
    ticket_service(services).evaluate([asset])
    return asset


def test_a_new_critical_ticket_is_posted_once_with_a_valid_signature(
    services: Services, clock: FixedClock
) -> None:
    add_site(services, SITE)
    with webhook_receiver(SECRET, clock.now.timestamp()) as receiver:
        _hook(services, receiver.url)
        asset = _critical_asset(services)
        first = run_pass(services)
        second = run_pass(services)
    [hit] = receiver.received
    assert hit.signature_ok
    assert hit.headers["X-Asetik-Event"] == "ticket.critical"
    body = hit.json
    assert (body["event"], body["severity"], body["rule"], body["subject"]) == (
        "ticket.critical", "critical", "disk.reallocated", "SERIAL1")  # fmt: skip
    assert body["asset"] == {"id": asset, "name": "pc-01", "kind": "workstation"}
    assert body["site"] == SITE and body["evidence"] == {"value": 12}
    assert body["sentence"] == {"id": "nilai 12 pada SERIAL1", "en": "value 12 on SERIAL1"}
    assert body["link"] == f"/api/v1/tickets/{body['ticket_id']}"
    [row] = deliveries(services)
    assert hit.headers["X-Asetik-Delivery"] == row.delivery_id
    assert (row.state, row.attempts) == ("delivered", 1)
    assert first.webhooks == {"delivered": 1} and second.webhooks == {}
    sample = services.registry.get_sample_value(
        "asetik_notifications_total", {"channel": "webhook", "result": "delivered"}
    )
    assert sample == 1.0


def test_a_tampered_body_or_old_signature_fails_the_receivers_check(
    services: Services, clock: FixedClock
) -> None:
    add_site(services, SITE)
    with webhook_receiver(SECRET, clock.now.timestamp() + 3600) as late:
        _hook(services, late.url)
        _critical_asset(services)
        run_pass(services)
    assert [r.signature_ok for r in late.received] == [False]  # an hour old: a replay


def test_a_warning_is_not_posted_and_its_escalation_is_posted_once(
    services: Services, clock: FixedClock
) -> None:
    add_site(services, SITE)
    with webhook_receiver(SECRET, clock.now.timestamp()) as receiver:
        _hook(services, receiver.url)
        asset = _critical_asset(services, value=3)  # warning
        run_pass(services)
        assert receiver.received == []
        set_findings(services, asset, [("disk.reallocated", "SERIAL1", 14)])  # → critical
        ticket_service(services).evaluate([asset])
        run_pass(services)
        run_pass(services)
    [hit] = receiver.received
    assert hit.signature_ok and hit.json["evidence"] == {"value": 14}


def test_a_reopened_critical_ticket_is_posted_again(services: Services, clock: FixedClock) -> None:
    add_site(services, SITE)
    with webhook_receiver(SECRET, clock.now.timestamp()) as receiver:
        _hook(services, receiver.url)
        asset = _critical_asset(services)
        run_pass(services)
        set_findings(services, asset, [])
        clock.now += timedelta(hours=1)
        ticket_service(services).evaluate([asset])  # auto-resolved
        run_pass(services)
        set_findings(services, asset, [("disk.reallocated", "SERIAL1", 20)])
        clock.now += timedelta(hours=1)
        ticket_service(services).evaluate([asset])  # reopened, critical
        run_pass(services)
        run_pass(services)
    first, second = receiver.received
    assert first.json["ticket_id"] == second.json["ticket_id"]
    assert (first.json["occurrence"], second.json["occurrence"]) == (0, 1)
    assert first.headers["X-Asetik-Delivery"] != second.headers["X-Asetik-Delivery"]


def test_a_ticket_critical_before_the_webhook_was_set_is_not_posted(
    services: Services, clock: FixedClock
) -> None:
    add_site(services, SITE)
    asset = _critical_asset(services)
    clock.now += timedelta(hours=1)
    with webhook_receiver(SECRET, clock.now.timestamp()) as receiver:
        _hook(services, receiver.url)
        set_findings(services, asset, [("disk.reallocated", "SERIAL1", 13)])  # evidence only
        ticket_service(services).evaluate([asset])
        counts = run_pass(services)
    assert receiver.received == []
    assert counts.discovered["skipped"] == 1
    assert [r.state for r in deliveries(services)] == ["skipped"]


def test_a_site_without_settings_gets_nothing(services: Services, clock: FixedClock) -> None:
    add_site(services, SITE)
    add_site(services, "BPOM-JKT")
    with webhook_receiver(SECRET, clock.now.timestamp()) as receiver:
        services.notification_settings.set_site("BPOM-JKT", SettingsChange(receiver.url, SECRET))
        _critical_asset(services)  # at BBPOM-SBY
        run_pass(services)
    assert receiver.received == []
    assert deliveries(services) == []


def test_a_500_is_retried_after_its_backoff_and_delivered_once(
    services: Services, clock: FixedClock
) -> None:
    add_site(services, SITE)
    with webhook_receiver(SECRET, clock.now.timestamp(), (500,)) as receiver:
        _hook(services, receiver.url)
        _critical_asset(services)
        failed = run_pass(services)
        [row] = deliveries(services)
        assert (row.state, row.attempts, row.last_error) == ("pending", 1, "HTTP 500")
        assert row.next_attempt_at == clock.now + timedelta(seconds=30)
        early = run_pass(services)  # not due yet
        clock.now += timedelta(seconds=30)
        receiver.now = clock.now.timestamp()
        later = run_pass(services)
        run_pass(services)
    assert [r.answered for r in receiver.received] == [500, 200]
    assert all(r.signature_ok for r in receiver.received)
    assert len({r.headers["X-Asetik-Delivery"] for r in receiver.received}) == 1
    assert (failed.webhooks, early.webhooks, later.webhooks) == (
        {"retry": 1}, {}, {"delivered": 1})  # fmt: skip
    [row] = deliveries(services)
    assert (row.state, row.attempts, row.last_error) == ("delivered", 2, None)


def test_a_400_fails_at_once_and_is_not_retried(services: Services, clock: FixedClock) -> None:
    add_site(services, SITE)
    with webhook_receiver(SECRET, clock.now.timestamp(), (400,)) as receiver:
        _hook(services, receiver.url)
        _critical_asset(services)
        run_pass(services)
        clock.now += timedelta(hours=2)
        run_pass(services)
    assert [r.answered for r in receiver.received] == [400]
    [row] = deliveries(services)
    assert (row.state, row.attempts, row.last_error) == ("failed", 1, "HTTP 400")
    [shown] = services.notification_settings.show(SITE)
    assert shown.deliveries == {"webhook": {"failed": 1}}
    assert [(f.channel, f.attempts, f.last_error) for f in shown.failed] == [
        ("webhook", 1, "HTTP 400")
    ]


def test_an_unreachable_receiver_is_retried_with_backoff_and_nothing_is_lost(
    services: Services, clock: FixedClock, tmp_path: Path
) -> None:
    add_site(services, SITE)
    _hook(services, f"http://127.0.0.1:{free_port()}/hook")
    _critical_asset(services)
    policy = RetryPolicy(attempts=5, first=timedelta(seconds=30))
    waits = []
    for _ in range(3):
        counts = run_pass(services, tmp_path / "data", policy)
        assert counts.webhooks == {"retry": 1}
        [row] = deliveries(services)
        assert row.state == "pending" and row.last_error
        waits.append(row.next_attempt_at - clock.now)
        clock.now = row.next_attempt_at
    assert waits == [timedelta(seconds=30), timedelta(seconds=60), timedelta(seconds=120)]
    with webhook_receiver(SECRET, clock.now.timestamp()) as receiver:
        _hook(services, receiver.url)  # the receiver is back (at a new address)
        run_pass(services, tmp_path / "data", policy)
    [hit] = receiver.received
    assert hit.signature_ok
    [row] = deliveries(services)
    assert (row.state, row.attempts) == ("delivered", 4)


def test_a_receiver_that_never_answers_well_is_given_up_after_the_attempts(
    services: Services, clock: FixedClock, tmp_path: Path
) -> None:
    add_site(services, SITE)
    _hook(services, f"http://127.0.0.1:{free_port()}/hook")
    _critical_asset(services)
    policy = RetryPolicy(attempts=2, first=timedelta(seconds=10))
    assert run_pass(services, tmp_path / "data", policy).webhooks == {"retry": 1}
    clock.now += timedelta(seconds=10)
    assert run_pass(services, tmp_path / "data", policy).webhooks == {"failed": 1}
    clock.now += timedelta(days=1)
    assert run_pass(services, tmp_path / "data", policy).webhooks == {}
    [row] = deliveries(services)
    assert (row.state, row.attempts) == ("failed", 2)
