"""The e-mail digest per site through a real SMTP server (aiosmtpd on 127.0.0.1), on SQLite
and PostgreSQL: one message per site, in the site's language, none when nothing is new."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage

from collector.bootstrap import Services
from collector.services.notification_settings import SettingsChange
from tests.collector.conftest import FixedClock
from tests.collector.notify.dispatching import deliveries, run_pass
from tests.collector.notify.peers import smtp_server
from tests.collector.tickets.fleet import add_asset, add_site, set_findings, ticket_service


def _critical(services: Services, site: str, name: str, value: int = 12) -> int:
    asset = add_asset(services, site, name)
    set_findings(services, asset, [("disk.reallocated", "S1", value)])
    ticket_service(services).evaluate([asset])
    return asset


def _text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def test_one_digest_per_site_in_its_language_and_none_when_nothing_is_new(
    services: Services, clock: FixedClock
) -> None:
    for code in ("BBPOM-SBY", "BPOM-JKT", "LOKA-KPG"):
        add_site(services, code)
    settings = services.notification_settings
    settings.set_site(
        "BBPOM-SBY", SettingsChange(emails=["it@sby.pom.go.id", "kepala@sby.pom.go.id"])
    )
    settings.set_site("BPOM-JKT", SettingsChange(emails=["ops@pom.go.id"], language="en"))
    _critical(services, "BBPOM-SBY", "pc-sby-1")
    _critical(services, "BBPOM-SBY", "pc-sby-2")
    _critical(services, "BBPOM-SBY", "pc-sby-3", value=3)  # warning: not listed
    _critical(services, "BPOM-JKT", "srv-jkt-1")
    _critical(services, "LOKA-KPG", "pc-kpg-1")  # no settings: nothing
    with smtp_server() as (mailbox, port):
        counts = run_pass(services, smtp_port=port)
        again = run_pass(services, smtp_port=port)
        clock.now += timedelta(hours=2)
        quiet = run_pass(services, smtp_port=port)
    assert (counts.digests_sent, again.digests_sent, quiet.digests_sent) == (2, 0, 0)
    by_rcpt = {tuple(sorted(rcpt)): message for rcpt, message in mailbox.messages}
    assert set(by_rcpt) == {("it@sby.pom.go.id", "kepala@sby.pom.go.id"), ("ops@pom.go.id",)}
    sby = by_rcpt[("it@sby.pom.go.id", "kepala@sby.pom.go.id")]
    assert sby["Subject"] == "[asetik] BBPOM-SBY: 2 tiket kritis baru"
    text = _text(sby)
    assert "pc-sby-1" in text and "pc-sby-2" in text and "pc-sby-3" not in text
    assert "27 November 2026 08.00 WIB" in text  # 01:00 UTC
    assert "nilai 12 pada S1" in text
    html = sby.get_body(preferencelist=("html",))
    assert html is not None and "pc-sby-1" in str(html.get_content())
    jkt = by_rcpt[("ops@pom.go.id",)]
    assert jkt["Subject"] == "[asetik] BPOM-JKT: 1 new critical ticket"
    assert "value 12 on S1" in _text(jkt) and "27 November 2026 08:00 WIB" in _text(jkt)
    assert {r.state for r in deliveries(services)} == {"delivered"}


def test_a_ticket_after_the_digest_waits_for_the_interval(
    services: Services, clock: FixedClock
) -> None:
    add_site(services, "BBPOM-SBY")
    services.notification_settings.set_site(
        "BBPOM-SBY", SettingsChange(emails=["it@sby.pom.go.id"])
    )
    _critical(services, "BBPOM-SBY", "pc-1")
    with smtp_server() as (mailbox, port):
        assert run_pass(services, smtp_port=port).digests_sent == 1
        clock.now += timedelta(minutes=10)
        _critical(services, "BBPOM-SBY", "pc-2")
        assert run_pass(services, smtp_port=port).digests_sent == 0  # within the hour
        clock.now += timedelta(minutes=50)
        assert run_pass(services, smtp_port=port).digests_sent == 1
    assert len(mailbox.messages) == 2
    assert "pc-2" in _text(mailbox.messages[1][1]) and "pc-1" not in _text(mailbox.messages[1][1])


def test_an_unreachable_mail_server_keeps_the_tickets_for_the_next_digest(
    services: Services, clock: FixedClock
) -> None:
    add_site(services, "BBPOM-SBY")
    services.notification_settings.set_site(
        "BBPOM-SBY", SettingsChange(emails=["it@sby.pom.go.id"])
    )
    _critical(services, "BBPOM-SBY", "pc-1")
    with smtp_server() as (_mailbox, port):
        pass  # stopped: nothing listens on the port now
    failed = run_pass(services, smtp_port=port)
    assert (failed.digests_sent, failed.digests_failed) == (0, 1)
    [row] = deliveries(services)
    assert row.state == "pending" and row.last_error
    clock.now += timedelta(hours=1)
    with smtp_server() as (mailbox, port):
        assert run_pass(services, smtp_port=port).digests_sent == 1
    assert len(mailbox.messages) == 1 and "pc-1" in _text(mailbox.messages[0][1])
