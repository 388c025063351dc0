"""Logging in to the web UI on SQLite and PostgreSQL: the password check with one message for
every failure, the session cookie's flags, logout and idle expiry ending the session, CSRF on
every form, and the database-kept rate limit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from collector.adapters.db.models import LoginAttemptRow, WebSessionRow
from collector.bootstrap import Services
from collector.services.web_sessions import ABSOLUTE, IDLE
from tests.collector.conftest import FixedClock
from tests.collector.web.browser import PASSWORD, Browser

FAILED = "Nama pengguna atau kata sandi salah."


@pytest.fixture
def ops(services: Services) -> Services:
    """Services with one site-less admin, ``rina``."""
    services.users.create("rina", "admin", None, PASSWORD)
    return services


def _sessions(services: Services) -> int:
    with services.sessions() as session:
        return session.scalar(select(func.count()).select_from(WebSessionRow)) or 0


def test_a_right_password_opens_a_session_and_the_overview(ops: Services) -> None:
    browser = Browser(ops)
    answer = browser.log_in("rina")
    assert answer.status == 303
    assert answer.location == "/ui/"
    page = browser.get("/ui/")
    assert page.status == 200
    assert "<title>Ringkasan · asetik</title>" in page.text
    assert "rina" in page.text
    assert _sessions(ops) == 1


def test_the_session_token_is_stored_hashed(ops: Services) -> None:
    browser = Browser(ops)
    browser.log_in("rina")
    token = browser.cookies["asetik_session"]
    with ops.sessions() as session:
        stored = session.scalars(select(WebSessionRow.token_hash)).one()
    assert token not in stored
    assert len(stored) == 64


@pytest.mark.parametrize(("name", "password"), [("rina", "salah-sekali-123"),
                                                 ("tidak-ada", PASSWORD)])  # fmt: skip
def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(
    ops: Services, name: str, password: str
) -> None:
    browser = Browser(ops)
    answer = browser.log_in(name, password)
    assert answer.status == 401
    assert FAILED in answer.text
    assert "asetik_session" not in browser.cookies
    assert _sessions(ops) == 0


def test_the_session_cookie_is_httponly_lax_and_secure_when_told(ops: Services) -> None:
    plain = Browser(ops).log_in("rina").set_cookies["asetik_session"]
    assert plain["httponly"]
    assert plain["samesite"] == "Lax"
    assert not plain["secure"]
    secured = Browser(ops, cookie_secure=True).log_in("rina").set_cookies["asetik_session"]
    assert secured["secure"]


def test_logout_ends_the_session_and_the_old_cookie_no_longer_works(ops: Services) -> None:
    browser = Browser(ops)
    browser.log_in("rina")
    old = dict(browser.cookies)
    form = {"csrf_token": browser.get("/ui/").csrf()}
    answer = browser.post("/ui/logout", form)
    assert (answer.status, answer.location) == (303, "/ui/login")
    assert _sessions(ops) == 0
    replay = Browser(ops, cookies=old).get("/ui/")
    assert (replay.status, replay.location) == (303, "/ui/login")


def test_an_idle_session_expires_and_use_keeps_it_alive(ops: Services, clock: FixedClock) -> None:
    browser = Browser(ops)
    browser.log_in("rina")
    clock.now += IDLE - timedelta(minutes=5)
    assert browser.get("/ui/").status == 200  # used: the idle limit moves on
    clock.now += IDLE - timedelta(minutes=5)
    assert browser.get("/ui/").status == 200
    clock.now += IDLE
    answer = browser.get("/ui/")
    assert (answer.status, answer.location) == (303, "/ui/login")
    assert _sessions(ops) == 0


def test_a_session_ends_after_the_absolute_limit_even_when_used(
    ops: Services, clock: FixedClock
) -> None:
    browser = Browser(ops)
    browser.log_in("rina")
    used_until = clock.now + ABSOLUTE
    while clock.now + IDLE / 2 < used_until:
        clock.now += IDLE / 2
        assert browser.get("/ui/").status == 200
    clock.now = used_until
    assert browser.get("/ui/").status == 303


def test_an_anonymous_visitor_is_sent_to_the_login_page(ops: Services) -> None:
    answer = Browser(ops).get("/ui/")
    assert (answer.status, answer.location) == (303, "/ui/login")
    root = Browser(ops).get("/")
    assert (root.status, root.location) == (302, "/ui/")


@pytest.mark.parametrize("token", [None, "salah", ""])
def test_logout_without_the_right_csrf_token_is_refused_and_changes_nothing(
    ops: Services, token: str | None
) -> None:
    browser = Browser(ops)
    browser.log_in("rina")
    answer = browser.post("/ui/logout", {} if token is None else {"csrf_token": token})
    assert answer.status == 403
    assert _sessions(ops) == 1
    assert browser.get("/ui/").status == 200


@pytest.mark.parametrize("token", [None, "salah"])
def test_login_without_the_right_csrf_token_is_refused_and_changes_nothing(
    ops: Services, token: str | None
) -> None:
    browser = Browser(ops)
    browser.get("/ui/login")  # the pre-session cookie is set; the form's token is not sent
    form = {"name": "rina", "password": PASSWORD}
    answer = browser.post("/ui/login", form if token is None else {**form, "csrf_token": token})
    assert answer.status == 403
    assert _sessions(ops) == 0


def test_login_with_a_token_but_without_the_cookie_is_refused(ops: Services) -> None:
    token = Browser(ops).get("/ui/login").csrf()  # a forger can read a form, not our cookie
    form = {"csrf_token": token, "name": "rina", "password": PASSWORD}
    assert Browser(ops).post("/ui/login", form).status == 403
    assert _sessions(ops) == 0


def _attempts(services: Services) -> int:
    with services.sessions() as session:
        return session.scalar(select(func.sum(LoginAttemptRow.failures))) or 0


def test_five_failures_block_the_sixth_try_even_with_the_right_password(
    ops: Services, clock: FixedClock
) -> None:
    browser = Browser(ops)
    for _ in range(5):
        assert browser.log_in("rina", "salah-sekali-123").status == 401
    blocked = browser.log_in("rina")
    assert blocked.status == 429
    assert 0 < int(blocked.headers["Retry-After"]) <= 15 * 60
    assert "asetik_session" not in browser.cookies
    clock.now += timedelta(minutes=15)
    assert browser.log_in("rina").status == 303


def test_the_limit_is_per_name_and_address_and_counted_in_the_database(ops: Services) -> None:
    ops.users.create("budi", "viewer", None, PASSWORD)
    for _ in range(5):
        Browser(ops).log_in("rina", "salah-sekali-123")  # a fresh client each time
    assert _attempts(ops) == 5
    assert Browser(ops).log_in("rina").status == 429
    assert Browser(ops).log_in("budi").status == 303


def test_a_success_clears_the_failures(ops: Services) -> None:
    browser = Browser(ops)
    for _ in range(4):
        browser.log_in("rina", "salah-sekali-123")
    assert browser.log_in("rina").status == 303
    assert _attempts(ops) == 0
    for _ in range(4):
        assert Browser(ops).log_in("rina", "salah-sekali-123").status == 401
    assert Browser(ops).log_in("rina").status == 303


def test_failures_older_than_the_window_start_a_new_count(ops: Services, clock: FixedClock) -> None:
    for _ in range(4):
        Browser(ops).log_in("rina", "salah-sekali-123")
    clock.now += timedelta(minutes=16)
    for _ in range(4):
        assert Browser(ops).log_in("rina", "salah-sekali-123").status == 401
    assert Browser(ops).log_in("rina").status == 303


def test_counts_whose_window_passed_are_dropped_by_a_later_login(
    ops: Services, clock: FixedClock
) -> None:
    ops.users.create("budi", "viewer", None, PASSWORD)
    for _ in range(3):
        Browser(ops).log_in("rina", "salah-sekali-123")
    clock.now += timedelta(minutes=15)
    assert _attempts(ops) == 3
    assert Browser(ops).log_in("budi").status == 303
    assert _attempts(ops) == 0
