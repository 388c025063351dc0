"""The pure decisions behind notifications: signatures, answers, backoff, what became critical,
settings checks, WIB times, SMTP configuration."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from collector.config import ConfigError, load_smtp
from collector.domain.digest import wib_time
from collector.domain.notifications import (
    Language,
    Outcome,
    RetryPolicy,
    SettingsError,
    TicketEventView,
    became_critical,
    checked_recipients,
    checked_webhook_url,
    judge_answer,
)
from collector.domain.webhook_signature import signature_header, verify_signature

BODY = b'{"event":"ticket.critical","ticket_id":7}'
T = 1_795_000_000


def test_a_signature_verifies_only_for_its_body_secret_and_time() -> None:
    header = signature_header("rahasia-123", BODY, T)
    assert header.startswith(f"t={T},v1=")
    assert verify_signature("rahasia-123", header, BODY, now=T + 10)
    assert not verify_signature("rahasia-124", header, BODY, now=T)
    assert not verify_signature("rahasia-123", header, BODY + b" ", now=T)
    assert not verify_signature("rahasia-123", header, BODY, now=T + 301, tolerance=300)
    forged_time = header.replace(f"t={T}", f"t={T + 100}")
    assert not verify_signature("rahasia-123", forged_time, BODY, now=T + 100)


@pytest.mark.parametrize("header", ["", "v1=abc", "t=abc,v1=00", "t=1,t=2,v1=00", "garbage"])
def test_a_malformed_signature_header_is_false_not_an_error(header: str) -> None:
    assert not verify_signature("rahasia-123", header, BODY, now=T)


@pytest.mark.parametrize(
    ("status", "outcome"),
    [(200, Outcome.DELIVERED), (204, Outcome.DELIVERED), (400, Outcome.FAILED),
     (401, Outcome.FAILED), (404, Outcome.FAILED), (302, Outcome.FAILED),
     (408, Outcome.RETRY), (429, Outcome.RETRY), (500, Outcome.RETRY), (503, Outcome.RETRY),
     (None, Outcome.RETRY)],
)  # fmt: skip
def test_answers_are_judged(status: int | None, outcome: Outcome) -> None:
    assert judge_answer(status) is outcome


def test_backoff_doubles_up_to_its_cap_and_gives_up() -> None:
    policy = RetryPolicy(attempts=6, first=timedelta(seconds=30), longest=timedelta(minutes=3))
    now = datetime(2026, 11, 27, tzinfo=UTC)
    waits = [policy.next_try(n, now) for n in range(1, 7)]
    assert [w - now if w else None for w in waits] == [
        timedelta(seconds=30), timedelta(seconds=60), timedelta(seconds=120),
        timedelta(minutes=3), timedelta(minutes=3), None,
    ]  # fmt: skip


def _event(minute: int, before: str | None, after: str, changes: object = None) -> TicketEventView:
    return TicketEventView(datetime(2026, 11, 27, 1, minute, tzinfo=UTC), before, after, changes)


def test_what_became_critical_after_the_channel_went_on() -> None:
    since = datetime(2026, 11, 27, 1, 30, tzinfo=UTC)
    opened_before = _event(0, None, "new")
    evidence_only = _event(40, "new", "new", {"evidence": [1, 2]})
    assert not became_critical([opened_before], since)
    assert not became_critical([opened_before, evidence_only], since)
    escalated = _event(40, "new", "new", {"severity": ["warning", "critical"]})
    assert became_critical([opened_before, escalated], since)
    calmed = _event(40, "new", "new", {"severity": ["critical", "warning"]})
    assert not became_critical([opened_before, calmed], since)
    assert became_critical([_event(31, None, "new")], since)
    assert became_critical([opened_before, _event(45, "auto_resolved", "new")], since)


@pytest.mark.parametrize(
    "url",
    ["ftp://x.example/h", "file:///etc/passwd", "http://", "hooks.example/h",
     "https://u:p@x.example/h", "https://x.example:99999/h", "javascript:alert(1)"],
)  # fmt: skip
def test_bad_webhook_urls_are_refused(url: str) -> None:
    with pytest.raises(SettingsError):
        checked_webhook_url(url)


def test_good_webhook_urls_and_addresses_pass() -> None:
    assert checked_webhook_url(" https://hooks.pom.go.id:8443/asetik?x=1 ").startswith("https://")
    # the domain is lower-cased, the local part kept (RFC 5321: it may be case-sensitive)
    assert checked_recipients(["it@Sby.POM.go.id", " ", "it@sby.pom.go.id", "b@y.go.id"]) == (
        "it@sby.pom.go.id", "b@y.go.id")  # fmt: skip
    for bad in (["a@"], ["@b.go.id"], ["a b@c.go.id"], [], [" "]):
        with pytest.raises(SettingsError):
            checked_recipients(bad)


def test_times_are_written_in_wib() -> None:
    moment = datetime(2026, 11, 28, 2, 15, tzinfo=UTC)
    assert wib_time(moment, Language.ID) == "28 November 2026 09.15 WIB"
    assert wib_time(datetime(2026, 7, 10, 20, 5, tzinfo=UTC), Language.ID) == (
        "11 Juli 2026 03.05 WIB")  # fmt: skip
    assert wib_time(moment, Language.EN) == "28 November 2026 09:15 WIB"


def test_smtp_settings_come_from_the_environment() -> None:
    assert load_smtp({}) is None
    smtp = load_smtp({"ASETIK_SMTP_HOST": "mail.pom.go.id", "ASETIK_SMTP_PORT": "587",
                      "ASETIK_SMTP_STARTTLS": "1", "ASETIK_SMTP_USER": "asetik",
                      "ASETIK_SMTP_PASSWORD": "pw-123"})  # fmt: skip
    assert smtp is not None
    assert (smtp.host, smtp.port, smtp.starttls, smtp.sender) == (
        "mail.pom.go.id", 587, True, "asetik@mail.pom.go.id")  # fmt: skip
    assert "pw-123" not in repr(smtp)
    for bad in ({"ASETIK_SMTP_PORT": "0"}, {"ASETIK_SMTP_STARTTLS": "maybe"}):
        with pytest.raises(ConfigError):
            load_smtp({"ASETIK_SMTP_HOST": "mail.pom.go.id", **bad})
