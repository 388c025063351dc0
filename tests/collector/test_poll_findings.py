"""Host-key findings in the register, on SQLite and PostgreSQL: one open row per device however
often the changed key is met, accepted only as the very key seen, and the poller's pin policy
letting exactly that key through."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import paramiko
import pytest

from collector.adapters.ssh.hostkeys import HostKeyChangedError, HostKeyStore, key_of
from collector.adapters.ssh.key_approvals import AcceptedKeyChanges
from collector.bootstrap import Services
from collector.errors import Refused
from collector.services.users import Role, Viewer
from tests.collector.conftest import FixedClock

SBY, MDN = "BBPOM-SBY", "BBPOM-MDN"
DEVICE = ("127.0.0.5", 2222)
OLD, NEW, OTHER = "SHA256:lama", "SHA256:baru", "SHA256:lain"
CENTRAL = Viewer(user_id=0, name="pusdatin", role=Role.ADMIN, site_id=None)


@pytest.fixture
def sites(services: Services) -> dict[str, int]:
    return {code: services.enrolment.create_site(code, f"Balai {code}") for code in (SBY, MDN)}


def test_a_repeated_change_updates_one_open_finding(
    services: Services, sites: dict[str, int], clock: FixedClock
) -> None:
    findings = services.poll_findings
    first = findings.record_host_key_change(SBY, DEVICE, OLD, NEW)
    started = clock.now
    clock.now += timedelta(minutes=15)
    assert findings.record_host_key_change(SBY, DEVICE, OLD, NEW) == first
    other = findings.record_host_key_change(MDN, DEVICE, OLD, NEW)  # same address, other site
    assert other != first
    by_site = {f.site: f for f in findings.list_findings(CENTRAL)}
    sby = by_site[SBY]
    assert (sby.address, sby.pinned, sby.seen, sby.occurrences) == ("127.0.0.5:2222", OLD, NEW, 2)
    assert (sby.first_seen, sby.last_seen) == (started, clock.now)
    assert by_site[MDN].occurrences == 1
    mdn_viewer = Viewer(user_id=9, name="lihat", role=Role.VIEWER, site_id=sites[MDN])
    assert [f.site for f in findings.list_findings(mdn_viewer)] == [MDN]
    assert findings.list_findings(mdn_viewer, site=SBY) == []
    with pytest.raises(Refused, match="tidak ditemukan"):
        findings.record_host_key_change("NOWHERE", DEVICE, OLD, NEW)
    with pytest.raises(Refused, match="state"):
        findings.list_findings(CENTRAL, state="closed")


def test_accepting_resolves_and_only_the_seen_key_counts(
    services: Services, sites: dict[str, int], clock: FixedClock
) -> None:
    findings = services.poll_findings
    finding = findings.record_host_key_change(SBY, DEVICE, OLD, NEW)
    assert findings.accepted_key(SBY, DEVICE) is None  # open: nothing accepted yet
    viewer = Viewer(user_id=9, name="lihat", role=Role.VIEWER, site_id=None)
    mdn_admin = Viewer(user_id=8, name="admin-mdn", role=Role.ADMIN, site_id=sites[MDN])
    for who, fingerprint, refusal in (
        (viewer, NEW, "forbidden"), (mdn_admin, NEW, "not_found"),
        (CENTRAL, OTHER, "fingerprint_mismatch"),
    ):  # fmt: skip
        with pytest.raises(Refused) as refused:
            findings.accept_host_key(who, finding, fingerprint)
        assert refused.value.code == refusal
    assert findings.accepted_key(SBY, DEVICE) is None

    done = findings.accept_host_key(CENTRAL, finding, NEW)
    assert (done.accepted, done.resolved_by, done.resolved_at) == (NEW, "pusdatin", clock.now)
    assert findings.accepted_key(SBY, DEVICE) == NEW
    with pytest.raises(Refused, match="sudah diselesaikan"):
        findings.accept_host_key(CENTRAL, finding, NEW)
    findings.record_host_key_change(SBY, DEVICE, NEW, OTHER)  # changed again: a new finding
    assert findings.accepted_key(SBY, DEVICE) is None
    assert len(findings.list_findings(CENTRAL, state="all")) == 2


def test_the_pin_policy_lets_through_exactly_the_accepted_key(
    services: Services, sites: dict[str, int], tmp_path: Path
) -> None:
    findings = services.poll_findings
    old, new, other = (key_of(paramiko.ECDSAKey.generate()) for _ in range(3))
    store = HostKeyStore(tmp_path / "pins.json")
    policy = AcceptedKeyChanges(store, findings.accepted_key)
    assert policy.verify(SBY, DEVICE, old) is True  # first use
    with pytest.raises(HostKeyChangedError):
        policy.verify(SBY, DEVICE, new)
    finding = findings.record_host_key_change(SBY, DEVICE, old.fingerprint, new.fingerprint)
    findings.accept_host_key(CENTRAL, finding)
    with pytest.raises(HostKeyChangedError):  # not the accepted key
        policy.verify(SBY, DEVICE, other)
    assert store.pinned(SBY, DEVICE) == old.fingerprint
    assert policy.expected(SBY, DEVICE) == (old,)
    assert policy.verify(SBY, DEVICE, new) is True
    reread = HostKeyStore(tmp_path / "pins.json")  # written to file, the whole key
    assert reread.pinned(SBY, DEVICE) == new.fingerprint
    assert reread.expected(SBY, DEVICE) == (new,)
    assert policy.verify(SBY, DEVICE, new) is False
    with pytest.raises(HostKeyChangedError):  # the old key is not accepted back
        policy.verify(SBY, DEVICE, old)
    assert policy.verify(MDN, DEVICE, other) is True  # its own pin
