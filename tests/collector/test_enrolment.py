"""Sites, enrolment tokens, agent credentials, users and API tokens, on SQLite and PostgreSQL.

What is refused changes nothing; secrets handed out (enrolment tokens, agent credentials, API
tokens, passwords) are stored only in a form that cannot be turned back into them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, inspect, select, table, text, update

from collector.adapters.db.models import (
    ApiTokenRow,
    CredentialRow,
    EnrolmentTokenRow,
    SiteRow,
    UserRow,
)
from collector.bootstrap import Services
from collector.errors import Refused, RegisterError
from collector.services.users import Role
from tests.collector.conftest import FixedClock

SITE = "BBPOM-SBY"
DAY = timedelta(days=1)


def every_value(engine: Engine) -> Iterator[tuple[str, str]]:
    """(table, value as text) for every non-null value of every row of every table."""
    with engine.connect() as connection:
        for name in inspect(engine).get_table_names():
            for row in connection.execute(select(text("*")).select_from(table(name))):
                yield from ((name, str(value)) for value in row if value is not None)


def assert_stored_nowhere(engine: Engine, secret: str) -> None:
    leaks = [name for name, value in every_value(engine) if secret in value]
    assert leaks == [], f"the secret is stored in plain text in {leaks}"


def as_utc(moment: datetime) -> datetime:
    """A stored time in UTC (SQLite gives it back naive, PostgreSQL in the session's zone)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def count(services: Services, model: type[object]) -> int:
    with services.engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(model)) or 0)


def test_a_site_code_is_checked_and_unique(services: Services) -> None:
    sites = services.enrolment
    for code in ["", "bad code", "-BBPOM", "BBPOM/SBY", "B" * 33, "bpom.sby", "ÄBC"]:
        with pytest.raises(RegisterError, match="kode situs"):
            sites.create_site(code, "Balai")
    with pytest.raises(RegisterError, match="nama"):
        sites.create_site(SITE, "   ")
    with pytest.raises(RegisterError, match="tidak dikenal"):
        sites.create_site("LOKA-POM-X", "Loka", parent="NOWHERE")
    assert count(services, SiteRow) == 0
    parent = sites.create_site(" bbpom-sby ", "Balai Besar POM di Surabaya")
    with pytest.raises(RegisterError, match="sudah ada"):
        sites.create_site("BBPOM-SBY", "Another name")
    child = sites.create_site("LOKA-POM-KDR", "Loka POM di Kediri", parent="bbpom-sby")
    with services.engine.connect() as connection:
        rows = connection.execute(select(SiteRow.id, SiteRow.code, SiteRow.parent_id))
        stored = sorted(tuple(row) for row in rows)
    assert stored == [(parent, SITE, None), (child, "LOKA-POM-KDR", parent)]


@pytest.mark.parametrize(
    ("ttl", "max_uses", "site"),
    [
        pytest.param(timedelta(0), None, SITE, id="zero-ttl"),
        pytest.param(-DAY, None, SITE, id="negative-ttl"),
        pytest.param(timedelta(days=365, seconds=1), None, SITE, id="over-a-year"),
        pytest.param(DAY, 0, SITE, id="zero-uses"),
        pytest.param(DAY, -3, SITE, id="negative-uses"),
        pytest.param(DAY, None, "NOWHERE", id="unknown-site"),
    ],
)
def test_a_token_outside_the_bounds_is_refused(
    services: Services, ttl: timedelta, max_uses: int | None, site: str
) -> None:
    services.enrolment.create_site(SITE, "Balai Besar POM di Surabaya")
    with pytest.raises(RegisterError):
        services.enrolment.create_token(site, ttl, max_uses)
    assert count(services, EnrolmentTokenRow) == 0


def test_tokens_at_the_bounds_are_issued_with_their_expiry(
    services: Services, clock: FixedClock
) -> None:
    services.enrolment.create_site(SITE, "Balai Besar POM di Surabaya")
    shortest = services.enrolment.create_token(SITE.lower(), timedelta(seconds=1), max_uses=1)
    longest = services.enrolment.create_token(SITE, timedelta(days=365))
    assert shortest.startswith("asetik-enr-") and longest.startswith("asetik-enr-")
    assert shortest != longest and len(shortest) > 40
    with services.engine.connect() as connection:
        lifetimes = sorted(
            as_utc(row.expires_at) - clock.now
            for row in connection.execute(select(EnrolmentTokenRow.expires_at))
        )
    assert lifetimes == [timedelta(seconds=1), timedelta(days=365)]


def test_enrolment_gives_a_working_credential_stored_only_as_a_hash(services: Services) -> None:
    enrolment = services.enrolment
    enrolment.create_site(SITE, "Balai Besar POM di Surabaya")
    token = enrolment.create_token(SITE, DAY, max_uses=2)
    credential, credential_id = enrolment.enrol(token, "agent", "lpt-pusdatin-042")
    poller_credential, _ = enrolment.enrol(token, "poller", None)
    assert credential.startswith("asetik-agt-") and credential != poller_credential
    caller = enrolment.authenticate(credential)
    assert (caller.credential_id, caller.site_code, caller.kind) == (credential_id, SITE, "agent")
    assert caller.asset_id is None
    assert enrolment.authenticate(poller_credential).kind == "poller"
    for secret in (token, credential, poller_credential):
        assert_stored_nowhere(services.engine, secret)
    with services.engine.connect() as connection:
        hashes = connection.execute(select(CredentialRow.secret_hash)).scalars().all()
        used = connection.scalar(select(EnrolmentTokenRow.used_count))
    assert len(hashes) == 2 and all(len(h) == 64 and int(h, 16) >= 0 for h in hashes)
    assert used == 2
    with pytest.raises(Refused) as refused:
        enrolment.enrol(token, "agent", None)
    assert (refused.value.status, refused.value.code) == (401, "token_used_up")
    assert count(services, CredentialRow) == 2


def test_a_revoked_credential_stops_working(services: Services, clock: FixedClock) -> None:
    enrolment = services.enrolment
    enrolment.create_site(SITE, "Balai Besar POM di Surabaya")
    token = enrolment.create_token(SITE, DAY)
    credential, credential_id = enrolment.enrol(token, "agent", None)
    other, _ = enrolment.enrol(token, "agent", None)
    clock.now += timedelta(minutes=5)
    assert enrolment.revoke(credential_id) is True
    with pytest.raises(Refused) as refused:
        enrolment.authenticate(credential)
    assert (refused.value.status, refused.value.code) == (401, "invalid_credential")
    assert enrolment.authenticate(other).credential_id != credential_id
    assert enrolment.revoke(credential_id) is False  # already revoked
    assert enrolment.revoke(999_999) is False
    with services.engine.connect() as connection:
        revoked_at = connection.scalar(
            select(CredentialRow.revoked_at).where(CredentialRow.id == credential_id)
        )
    assert revoked_at is not None and as_utc(revoked_at) == clock.now


def test_a_revoked_enrolment_token_enrols_nobody(services: Services) -> None:
    services.enrolment.create_site(SITE, "Balai Besar POM di Surabaya")
    token = services.enrolment.create_token(SITE, DAY)
    with services.engine.begin() as connection:
        connection.execute(update(EnrolmentTokenRow).values(revoked_at=func.now()))
    with pytest.raises(Refused) as refused:
        services.enrolment.enrol(token, "agent", None)
    assert (refused.value.status, refused.value.code) == (401, "invalid_token")
    assert count(services, CredentialRow) == 0


def test_a_user_is_checked_before_it_is_created(services: Services) -> None:
    users = services.users
    services.enrolment.create_site(SITE, "Balai Besar POM di Surabaya")
    refused = [
        ("A", "viewer", None, None),  # too short
        ("Budi", "viewer", None, None),  # upper case
        ("budi santoso", "viewer", None, None),
        ("-budi", "viewer", None, None),
        ("b" * 65, "viewer", None, None),
        ("budi", "root", None, None),  # unknown role
        ("budi", "viewer", "NOWHERE", None),  # unknown site
        ("budi", "viewer", None, "short-pass"),  # under 12 characters
    ]
    for name, role, site, password in refused:
        with pytest.raises(RegisterError):
            users.create(name, role, site, password)
    assert count(services, UserRow) == 0
    users.create("budi", "operator", SITE.lower(), "kata-sandi-panjang-sekali")
    with pytest.raises(RegisterError, match="sudah ada"):
        users.create("budi", "viewer", None, None)
    assert count(services, UserRow) == 1
    assert_stored_nowhere(services.engine, "kata-sandi-panjang-sekali")
    with services.engine.connect() as connection:
        stored = connection.scalar(select(UserRow.password_hash))
    assert stored is not None and stored.startswith("$argon2")


def test_an_api_token_authenticates_its_user_with_role_and_site(services: Services) -> None:
    users = services.users
    site_id = services.enrolment.create_site(SITE, "Balai Besar POM di Surabaya")
    users.create("upt-sby", "viewer", SITE, None)
    users.create("pusdatin-ops", "admin", None, None)
    scoped, central = users.issue_token("upt-sby"), users.issue_token("pusdatin-ops")
    second = users.issue_token("upt-sby")
    assert scoped.startswith("asetik-api-") and len({scoped, central, second}) == 3
    viewer = users.authenticate(scoped)
    assert (viewer.name, viewer.role, viewer.site_id) == ("upt-sby", Role.VIEWER, site_id)
    assert users.authenticate(second).name == "upt-sby"
    assert (users.authenticate(central).role, users.authenticate(central).site_id) == (
        Role.ADMIN,
        None,
    )
    for secret in (scoped, central, second):
        assert_stored_nowhere(services.engine, secret)
    with pytest.raises(Refused) as refused:
        users.authenticate("asetik-api-" + "D" * 43)
    assert (refused.value.status, refused.value.code) == (401, "invalid_token")
    with pytest.raises(RegisterError, match="tidak dikenal"):
        users.issue_token("nobody")


def test_a_disabled_user_or_revoked_api_token_is_refused(services: Services) -> None:
    users = services.users
    users.create("ani", "planner", None, None)
    users.create("budi", "planner", None, None)
    ani, budi = users.issue_token("ani"), users.issue_token("budi")
    with services.engine.begin() as connection:
        connection.execute(
            update(UserRow).where(UserRow.name == "ani").values(disabled_at=func.now())
        )
        budi_id = connection.scalar(select(UserRow.id).where(UserRow.name == "budi"))
        connection.execute(
            update(ApiTokenRow).where(ApiTokenRow.user_id == budi_id).values(revoked_at=func.now())
        )
    for token in (ani, budi):
        with pytest.raises(Refused) as refused:
            users.authenticate(token)
        assert (refused.value.status, refused.value.code) == (401, "invalid_token")
    with pytest.raises(RegisterError):
        users.issue_token("ani")  # a disabled user gets no new token
    fresh = users.issue_token("budi")  # a revoked token does not disable its user
    assert users.authenticate(fresh).name == "budi"
