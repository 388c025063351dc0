"""The overview page on SQLite and PostgreSQL: per-site counts for a site-less user, only its
own site for a UPT user, numbers and dates written the Indonesian way, the English switch, and
user data escaped."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from collector.adapters.db.models import AssetRow, SiteRow
from collector.bootstrap import Services
from tests.collector.conftest import FixedClock
from tests.collector.grafana_seed import MDN, SBY, seed_grafana_register
from tests.collector.web.browser import Browser

BIG = "BBPOM-BIG"


@pytest.fixture
def seeded(services: Services, clock: FixedClock) -> Services:
    """The Grafana seed (SBY: 3 active assets, 2 stale, 1 critical and 6 warning tickets open,
    1 overdue work order; MDN: one switch), a site of 1,234 assets, and two users."""
    seed_grafana_register(services.engine, clock.now)
    with services.sessions.begin() as session:
        _many_assets(session, clock, 1234)
    services.users.create("kepala", "viewer", None, "kata-sandi-panjang-1")
    services.users.create("upt-mdn", "operator", MDN, "kata-sandi-panjang-1")
    return services


def _many_assets(session: Session, clock: FixedClock, count: int) -> None:
    site = SiteRow(code=BIG, name="Balai Besar", created_at=clock.now)
    session.add(site)
    session.flush()
    session.add_all(
        AssetRow(site_id=site.id, kind="workstation", status="active", name=f"pc-{n}",
                 first_seen=clock.now, last_seen=clock.now, last_source="agent",
                 needs_review=False)
        for n in range(count)
    )  # fmt: skip


def _row(html: str, code: str) -> list[str]:
    """The cells of a site's row (the numbers as shown)."""
    found = re.search(rf'<span class="code">{re.escape(code)}</span>.*?</tr>', html, re.S)
    assert found is not None, f"{code} not on the page"
    return re.findall(r'<td class="n">([^<]*)</td>', found.group(0))


def _signed_in(services: Services, name: str) -> Browser:
    browser = Browser(services)
    assert browser.log_in(name).status == 303
    return browser


def test_a_site_less_user_sees_every_site_counted(seeded: Services) -> None:
    page = _signed_in(seeded, "kepala").get("/ui/")
    assert page.status == 200
    # active, stale, open tickets, critical, warning, info, overdue work orders
    assert _row(page.text, SBY) == ["3", "2", "7", "1", "6", "0", "1"]
    assert _row(page.text, MDN) == ["1", "0", "0", "0", "0", "0", "0"]
    assert _row(page.text, BIG) == ["1.234", "0", "0", "0", "0", "0", "0"]
    assert "1.238" in page.text  # the total, grouped the Indonesian way
    assert "27 Nov 2026" in page.text


def test_a_upt_user_sees_only_its_own_site(seeded: Services) -> None:
    page = _signed_in(seeded, "upt-mdn").get("/ui/")
    assert page.status == 200
    assert _row(page.text, MDN) == ["1", "0", "0", "0", "0", "0", "0"]
    assert SBY not in page.text
    assert BIG not in page.text
    assert "1.234" not in page.text


def test_stale_counts_follow_the_clock(seeded: Services, clock: FixedClock) -> None:
    clock.now += timedelta(days=8)  # every workstation past 7 days, the switch past 2
    browser = _signed_in(seeded, "kepala")
    page = browser.get("/ui/")
    assert _row(page.text, MDN)[1] == "1"
    assert _row(page.text, BIG)[1] == "1.234"


def test_english_is_one_switch_away_and_is_remembered(seeded: Services) -> None:
    browser = _signed_in(seeded, "kepala")
    assert "<title>Ringkasan · asetik</title>" in browser.get("/ui/").text
    english = browser.get("/ui/?lang=en")
    assert "<title>Overview · asetik</title>" in english.text
    assert '<html lang="en">' in english.text
    assert "1,234" in english.text
    assert "Overview by site" in browser.get("/ui/").text  # the cookie keeps the choice
    back = browser.get("/ui/?lang=id")
    assert "Ringkasan per situs" in back.text


def test_user_data_is_escaped(services: Services) -> None:
    services.enrolment.create_site("BBPOM-XSS", "<script>alert(1)</script> Balai")
    services.users.create("kepala", "viewer", None, "kata-sandi-panjang-1")
    page = _signed_in(services, "kepala").get("/ui/")
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Balai" in page.text


def test_every_page_has_a_title_and_labelled_inputs(seeded: Services) -> None:
    login = Browser(seeded).get("/ui/login")
    for field in ("name", "password"):
        assert f'<label for="{field}">' in login.text
        assert f'id="{field}"' in login.text
    assert '<meta name="viewport"' in login.text
    browser = _signed_in(seeded, "kepala")
    for path in ("/ui/", "/ui/tickets", "/ui/assets", "/ui/plans"):
        page = browser.get(path)
        assert page.status == 200, path
        assert re.search(r"<title>[^<]+ · asetik</title>", page.text), path


def test_the_stylesheet_is_served(seeded: Services) -> None:
    answer = Browser(seeded).get("/ui/static/ui.css")
    assert answer.status == 200
    assert "@media" in answer.text
