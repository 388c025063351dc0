"""``asetik-agent run`` end to end: real HTTP over loopback to the fake collector.

A tiny recorded machine (a few files under a temporary root, read by a fixed probe set through
the Host) keeps cycles fast and lets a test change what a probe sees; one test runs the real
probes of this machine.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import random
import signal
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agent.config import AgentConfig, load_config
from agent.inventory import Probe
from agent.runner import (
    EXIT_CONFIG,
    EXIT_FAILED,
    EXIT_OK,
    INITIAL_SPLAY_MAX_S,
    initial_splay,
    next_delay,
    run_agent,
)
from agent.sources.commands import RecordedCommandRunner
from agent.sources.host import Host, live_host
from agent.sources.stats import RecordedStats
from agent.spool import Spool
from agent.state import AgentState, StateStore
from tests.fakes.collector import FakeCollector, make_tls_files, server_tls_context
from tests.schema_check import schema_errors

TOKEN = "good-token"
OS_RELEASE = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n'


def _identity(host: Host) -> dict[str, Any]:
    return {
        "hostname": host.read_text("/etc/hostname"),
        "machine_id": host.read_text("/etc/machine-id"),
    }


def _status(host: Host) -> dict[str, Any]:
    return {"uptime_seconds": int(float((host.read_text("/proc/uptime") or "0").split()[0]))}


def _operatingsystem(host: Host) -> dict[str, Any]:
    fields = dict(
        line.split("=", 1) for line in (host.read_text("/etc/os-release") or "").splitlines()
    )
    return {
        "family": "linux",
        "id": fields.get("ID"),
        "name": fields.get("PRETTY_NAME", "").strip('"'),
        "version": fields.get("VERSION_ID", "").strip('"'),
    }


def _hardware(host: Host) -> dict[str, Any]:
    return {
        "vendor": host.read_text("/sys/class/dmi/id/sys_vendor"),
        "model": host.read_text("/sys/class/dmi/id/product_name"),
    }


def _softwares(host: Host) -> list[dict[str, Any]]:
    lines = (host.read_text("/var/lib/tiny/packages") or "").splitlines()
    return [
        {"name": name, "version": version, "source": "dpkg"}
        for name, version in (line.split("\t") for line in lines if line)
    ]


PROBES: dict[str, Probe] = {
    "identity": _identity,
    "status": _status,
    "operatingsystem": _operatingsystem,
    "hardware": _hardware,
    "softwares": _softwares,
}


class TinyMachine:
    """A machine made of a few files in the real formats, which a test can change."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.uptime = 1000
        self.packages = {"bash": "5.2.15-2+b7", "openssl": "3.0.15-1~deb12u1"}
        files = {
            "etc/hostname": "pc-keuangan-01\n",
            "etc/machine-id": "4c4c4544004b3610804bb4c04f564e32\n",
            "etc/os-release": OS_RELEASE,
            "sys/class/dmi/id/sys_vendor": "Dell Inc.\n",
            "sys/class/dmi/id/product_name": "OptiPlex 7090\n",
        }
        for name, text in files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text, encoding="utf-8")
        self._write()

    @property
    def host(self) -> Host:
        return Host("linux", self.root, RecordedCommandRunner({}), RecordedStats())

    def install(self, name: str, version: str) -> None:
        self.packages[name] = version
        self._write()

    def remove(self, name: str) -> None:
        del self.packages[name]
        self._write()

    def tick(self) -> None:
        """Time passes between runs: the status section changes every time, as on a real host."""
        self.uptime += 3600
        self._write()

    def _write(self) -> None:
        (self.root / "proc").mkdir(exist_ok=True)
        (self.root / "proc/uptime").write_text(f"{self.uptime}.42 7000.10\n", encoding="ascii")
        packages = self.root / "var/lib/tiny/packages"
        packages.parent.mkdir(parents=True, exist_ok=True)
        lines = (f"{name}\t{version}\n" for name, version in sorted(self.packages.items()))
        packages.write_text("".join(lines), encoding="utf-8")


class Agent:
    """One agent installation: its machine, state and spool directories, injected sleep."""

    def __init__(self, base: Path) -> None:
        (base / "root").mkdir()
        self.machine = TinyMachine(base / "root")
        self.state_dir = base / "state"
        self.spool_dir = base / "spool"
        self.slept: list[float] = []

    def config(self, url: str, **settings: str) -> AgentConfig:
        environ = {
            "ASETIK_COLLECTOR_URL": url,
            "ASETIK_ENROLL_TOKEN": TOKEN,
            "ASETIK_STATE_DIR": str(self.state_dir),
            "ASETIK_SPOOL_DIR": str(self.spool_dir),
            "ASETIK_SITE": "BBPOM-JKT",
        }
        environ.update({f"ASETIK_{key.upper()}": value for key, value in settings.items()})
        return load_config(None, {k: v for k, v in environ.items() if v})

    def run(self, config: AgentConfig) -> int:
        self.machine.tick()
        return run_agent(
            config,
            once=True,
            host=self.machine.host,
            probes=PROBES,
            sleep=self.slept.append,
            rand=random.Random(11),  # noqa: S311 - jitter, not cryptography
        )

    @property
    def state(self) -> AgentState:
        return StateStore(self.state_dir).load()

    def spooled(self) -> list[dict[str, Any]]:
        spool = Spool(self.spool_dir)
        return [spool.load(path).document for path in spool.files()]


@pytest.fixture
def collector() -> Iterator[FakeCollector]:
    fake = FakeCollector().start()
    yield fake
    fake.stop()


@pytest.fixture
def agent(tmp_path: Path) -> Agent:
    return Agent(tmp_path)


def _omitted(document: dict[str, Any]) -> set[str]:
    return {name for name in document["source"]["section_hashes"] if name not in document}


def _ids(documents: list[dict[str, Any]]) -> list[str]:
    return [str(d["source"]["submission_id"]) for d in documents]


def _received(collector: FakeCollector) -> list[dict[str, Any]]:
    return [r.document for r in collector.received]


# -- enrolment -----------------------------------------------------------------------------


def test_first_run_enrols_and_delivers_a_full_document(
    agent: Agent, collector: FakeCollector, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    assert agent.run(agent.config(collector.url)) == EXIT_OK
    (enrolment,) = collector.enrolments
    assert enrolment["token"] == TOKEN
    assert enrolment["identity"] == {
        "hostname": "pc-keuangan-01",
        "machine_id": "4c4c4544004b3610804bb4c04f564e32",
    }
    state = agent.state
    assert state.credential in collector.credentials
    assert state.agent_id == collector.credentials[state.credential]
    state_file = agent.state_dir / "state.json"
    assert state_file.stat().st_mode & 0o777 == 0o600
    (document,) = _received(collector)
    assert schema_errors(document) == []
    assert document["source"]["full"] is True
    assert document["source"]["site"] == "BBPOM-JKT"
    assert document["softwares"][0] == {"name": "bash", "version": "5.2.15-2+b7", "source": "dpkg"}
    assert state.acknowledged == document["source"]["section_hashes"]
    assert collector.received[0].headers["Content-Encoding"] == "gzip"
    assert collector.received[0].headers["Authorization"] == f"Bearer {state.credential}"
    assert "full document: 3/3 sections" in caplog.text
    assert state.credential not in caplog.text
    assert state.credential not in repr(state)
    assert TOKEN not in caplog.text
    assert agent.spooled() == []


def test_bad_token_exits_non_zero_and_stores_nothing(
    agent: Agent, collector: FakeCollector, caplog: pytest.LogCaptureFixture
) -> None:
    status = agent.run(agent.config(collector.url, enroll_token="expired-token"))
    assert status == EXIT_FAILED
    assert collector.statuses("/api/v1/enroll") == [401]
    assert collector.received == []
    assert not (agent.state_dir / "state.json").exists()
    assert agent.spooled() == []
    assert "enrolment refused by the collector (HTTP 401 invalid_token" in caplog.text
    assert "expired-token" not in caplog.text


def test_no_token_and_no_credential_is_a_clear_error(
    agent: Agent, collector: FakeCollector, caplog: pytest.LogCaptureFixture
) -> None:
    assert agent.run(agent.config(collector.url, enroll_token="")) == EXIT_CONFIG
    assert "not enrolled and no enrolment token: set ASETIK_ENROLL_TOKEN" in caplog.text
    assert collector.requests == []


def test_enrolment_with_collector_down_spools_the_document(agent: Agent) -> None:
    status = agent.run(agent.config(f"http://127.0.0.1:{_closed_port()}"))
    assert status == EXIT_FAILED
    (document,) = agent.spooled()
    assert document["source"]["full"] is True
    assert len(agent.slept) == 2  # enrolment retried with backoff


def test_unusable_state_directory_fails_before_enrolling(
    agent: Agent, collector: FakeCollector, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = agent.state_dir.parent / "not-a-directory"
    blocker.write_text("", encoding="ascii")
    config = agent.config(collector.url, state_dir=str(blocker / "state"))
    assert agent.run(config) == EXIT_FAILED
    assert collector.requests == []  # no credential created that could not be kept
    assert "cycle failed (state or spool directory)" in caplog.text
    assert "not-a-directory" in caplog.text


def test_corrupt_state_file_starts_fresh(
    agent: Agent, collector: FakeCollector, caplog: pytest.LogCaptureFixture
) -> None:
    agent.state_dir.mkdir()
    (agent.state_dir / "state.json").write_text('{"version": 1, "credential": 4', "utf-8")
    assert agent.run(agent.config(collector.url)) == EXIT_OK
    assert "is corrupt" in caplog.text
    assert len(collector.enrolments) == 1
    assert agent.state.credential in collector.credentials


# -- deltas --------------------------------------------------------------------------------


def test_unchanged_run_sends_only_identity_status_and_hashes(
    agent: Agent, collector: FakeCollector, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    config = agent.config(collector.url)
    assert agent.run(config) == EXIT_OK
    caplog.clear()
    assert agent.run(config) == EXIT_OK
    first, second = collector.received
    assert second.document["source"]["full"] is False
    assert set(second.document) == {"schema_version", "source", "identity", "status"}
    assert _omitted(second.document) == {"operatingsystem", "hardware", "softwares"}
    assert second.wire_bytes <= 1024
    assert second.wire_bytes < first.wire_bytes
    assert schema_errors(second.document) == []
    assert "delta document: 0/3 sections" in caplog.text

    agent.machine.install("curl", "7.88.1-10+deb12u8")
    assert agent.run(config) == EXIT_OK
    third = collector.received[2].document
    assert _omitted(third) == {"operatingsystem", "hardware"}
    assert {"name": "curl", "version": "7.88.1-10+deb12u8", "source": "dpkg"} in third["softwares"]
    assert agent.state.acknowledged == third["source"]["section_hashes"]
    assert agent.state.runs_since_full == 2


def test_full_document_every_n_runs(agent: Agent, collector: FakeCollector) -> None:
    config = agent.config(collector.url, full_every="3")
    for _ in range(5):
        assert agent.run(config) == EXIT_OK
    assert [d["source"]["full"] for d in _received(collector)] == [True, False, False, True, False]


def test_full_required_is_honoured(agent: Agent, collector: FakeCollector) -> None:
    config = agent.config(collector.url)
    agent.run(config)
    collector.ask_full_next = True
    agent.run(config)
    assert agent.state.full_required is True
    agent.run(config)
    agent.run(config)
    assert [d["source"]["full"] for d in _received(collector)] == [True, False, True, False]


# -- the collector down, and back ----------------------------------------------------------


def test_collector_down_spools_then_replays_oldest_first(
    agent: Agent, collector: FakeCollector, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    config = agent.config(collector.url)
    agent.run(config)
    port = collector.port
    collector.stop()

    assert agent.run(config) == EXIT_OK
    assert len(agent.slept) == 2  # three attempts, two backoff sleeps
    assert "collector unavailable, spooled (ConnectionRefusedError" in caplog.text
    agent.machine.install("curl", "7.88.1-10+deb12u8")
    assert agent.run(config) == EXIT_OK
    spooled = agent.spooled()
    assert len(spooled) == 2
    assert _omitted(spooled[1]) == {"operatingsystem", "hardware"}  # built against the ack

    collector.start(port)
    assert agent.run(config) == EXIT_OK
    received = _received(collector)
    assert _ids(received[1:3]) == _ids(spooled)
    assert len(received) == 4
    assert agent.spooled() == []
    assert received[3]["source"]["full"] is False
    assert "softwares" not in received[3]  # acknowledged by the replay
    assert all(schema_errors(d) == [] for d in received)
    assert "2 spooled document(s) replayed" in caplog.text


def test_spool_replay_that_changes_a_section_back_forces_a_full_document(
    agent: Agent, collector: FakeCollector
) -> None:
    config = agent.config(collector.url)
    agent.run(config)
    port = collector.port
    collector.stop()
    agent.machine.install("curl", "7.88.1-10+deb12u8")
    agent.run(config)
    agent.machine.remove("curl")  # back to what the collector acknowledged
    agent.run(config)
    later = agent.spooled()[1]
    assert "softwares" not in later  # omitted: equal to the old acknowledgement

    collector.start(port)
    agent.run(config)
    newest = _received(collector)[-1]
    # The collector now holds the curl list; only a full document puts it right.
    assert newest["source"]["full"] is True
    assert newest["softwares"] == [
        {"name": "bash", "version": "5.2.15-2+b7", "source": "dpkg"},
        {"name": "openssl", "version": "3.0.15-1~deb12u1", "source": "dpkg"},
    ]


def test_duplicate_is_treated_as_delivered(agent: Agent, collector: FakeCollector) -> None:
    config = agent.config(collector.url)
    agent.run(config)
    # The answer to the first document was lost: it is still in the spool.
    Spool(agent.spool_dir).put(collector.received[0].document)
    assert agent.run(config) == EXIT_OK
    assert collector.statuses() == [202, 409, 202]
    assert agent.spooled() == []
    assert _received(collector)[-1]["source"]["full"] is False


def test_server_errors_are_retried_then_spooled(agent: Agent, collector: FakeCollector) -> None:
    config = agent.config(collector.url)
    agent.run(config)
    collector.fail_next(503, "overloaded", times=3)
    assert agent.run(config) == EXIT_OK
    assert collector.statuses() == [202, 503, 503, 503]
    assert len(agent.slept) == 2
    assert 0 <= agent.slept[0] <= 2.0
    assert 0 <= agent.slept[1] <= 4.0
    assert len(agent.spooled()) == 1
    assert agent.run(config) == EXIT_OK
    assert collector.statuses()[-2:] == [202, 202]
    assert agent.spooled() == []


def test_one_server_error_then_delivered(agent: Agent, collector: FakeCollector) -> None:
    config = agent.config(collector.url)
    agent.run(config)
    collector.fail_next(500)
    assert agent.run(config) == EXIT_OK
    assert collector.statuses() == [202, 500, 202]
    assert agent.spooled() == []


def test_revoked_credential_re_enrols(
    agent: Agent, collector: FakeCollector, caplog: pytest.LogCaptureFixture
) -> None:
    config = agent.config(collector.url)
    agent.run(config)
    old = agent.state.credential
    collector.revoke_all()
    assert agent.run(config) == EXIT_OK
    assert collector.statuses() == [202, 401, 202]
    assert len(collector.enrolments) == 2
    new = agent.state
    assert new.credential not in (None, old)
    assert new.credential in collector.credentials
    assert new.full_required is True  # the new identity has no acknowledged state
    agent.run(config)
    assert _received(collector)[-1]["source"]["full"] is True
    assert old is not None
    assert old not in caplog.text
    assert new.credential not in caplog.text


def test_revoked_credential_without_token_keeps_the_document(
    agent: Agent, collector: FakeCollector, caplog: pytest.LogCaptureFixture
) -> None:
    agent.run(agent.config(collector.url))
    collector.revoke_all()
    assert agent.run(agent.config(collector.url, enroll_token="")) == EXIT_FAILED
    assert len(agent.spooled()) == 1
    assert agent.state.credential is None
    assert "refused this agent's credential and it could not re-enrol" in caplog.text


def test_rejected_document_is_dropped_and_the_next_is_full(
    agent: Agent, collector: FakeCollector, caplog: pytest.LogCaptureFixture
) -> None:
    config = agent.config(collector.url)
    agent.run(config)
    collector.fail_next(413, "too_large")
    assert agent.run(config) == EXIT_FAILED
    assert "HTTP 413 too_large: scripted failure" in caplog.text
    assert agent.spooled() == []
    assert agent.run(config) == EXIT_OK
    assert collector.statuses() == [202, 413, 202]
    assert [d["source"]["full"] for d in _received(collector)] == [True, True]


def test_rejected_spooled_document_is_dropped(agent: Agent, collector: FakeCollector) -> None:
    config = agent.config(collector.url)
    agent.run(config)
    broken = json.loads(json.dumps(collector.received[0].document))
    broken["source"]["submission_id"] = "0f0e0d0c-0000-4000-8000-000000000001"
    broken["operatingsystem"]["family"] = "beos"
    Spool(agent.spool_dir).put(broken)
    assert agent.run(config) == EXIT_OK
    assert collector.statuses() == [202, 422, 202]
    assert agent.spooled() == []
    assert _received(collector)[-1]["source"]["full"] is True


def test_corrupt_spool_file_does_not_block_the_queue(
    agent: Agent, collector: FakeCollector
) -> None:
    config = agent.config(collector.url)
    agent.run(config)
    Spool(agent.spool_dir).put(collector.received[0].document).write_bytes(b"\x1f\x8b junk")
    assert agent.run(config) == EXIT_OK
    assert len(list((agent.spool_dir / "bad").iterdir())) == 1
    assert agent.spooled() == []
    assert collector.statuses() == [202, 202]


def test_spool_caps_apply_while_the_collector_is_down(agent: Agent) -> None:
    config = agent.config(f"http://127.0.0.1:{_closed_port()}", spool_max_files="2")
    for _ in range(4):
        assert agent.run(config) == EXIT_FAILED  # cannot even enrol
    spooled = agent.spooled()
    assert len(spooled) == 2
    uptimes = [d["status"]["uptime_seconds"] for d in spooled]
    assert uptimes == [1000 + 3 * 3600, 1000 + 4 * 3600]  # the newest two


def test_explicit_proxy_routes_around_a_reachable_collector(
    agent: Agent, collector: FakeCollector
) -> None:
    config = agent.config(collector.url)
    agent.run(config)
    proxied = agent.config(collector.url, proxy=f"http://127.0.0.1:{_closed_port()}")
    assert agent.run(proxied) == EXIT_OK
    assert collector.statuses() == [202]
    assert len(agent.spooled()) == 1


# -- TLS -----------------------------------------------------------------------------------


def test_https_collector_needs_the_ca_bundle(agent: Agent, tmp_path: Path) -> None:
    cert, key = make_tls_files(tmp_path)
    fake = FakeCollector(ssl_context=server_tls_context(cert, key)).start()
    try:
        assert agent.run(agent.config(fake.url)) == EXIT_FAILED
        assert fake.requests == []
        assert agent.slept == []  # an untrusted certificate is not retried
        assert agent.run(agent.config(fake.url, ca_bundle=str(cert))) == EXIT_OK
        assert fake.statuses("/api/v1/enroll") == [201]
        # The full document spooled while the certificate was untrusted is replayed first,
        # so this run's document is already a delta against it.
        assert [r.document["source"]["full"] for r in fake.received] == [True, False]
        assert agent.spooled() == []
    finally:
        fake.stop()


# -- the loop ------------------------------------------------------------------------------


def test_loop_waits_splay_then_interval_with_jitter_until_stopped(
    agent: Agent, collector: FakeCollector
) -> None:
    config = agent.config(collector.url, interval="600")
    stop = threading.Event()
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        agent.machine.tick()
        if len(slept) == 3:
            stop.set()

    status = run_agent(config, host=agent.machine.host, probes=PROBES, sleep=sleep, stop=stop)
    assert status == EXIT_OK
    assert len(collector.received) == 2
    assert 0 <= slept[0] <= 600
    assert all(540 <= delay <= 660 for delay in slept[1:])
    assert len(set(slept[1:])) == 2


def test_sigterm_stops_the_loop_between_cycles(agent: Agent, collector: FakeCollector) -> None:
    config = agent.config(collector.url)
    slept: list[float] = []
    before = signal.getsignal(signal.SIGTERM)

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        if len(slept) == 2:
            os.kill(os.getpid(), signal.SIGTERM)

    assert run_agent(config, host=agent.machine.host, probes=PROBES, sleep=sleep) == EXIT_OK
    assert len(collector.received) == 1
    assert len(slept) == 2
    assert signal.getsignal(signal.SIGTERM) is before


def test_loop_ends_on_a_fatal_error(agent: Agent, collector: FakeCollector) -> None:
    config = agent.config(collector.url, enroll_token="")
    slept: list[float] = []
    assert run_agent(config, host=agent.machine.host, probes=PROBES, sleep=slept.append) == 2
    assert len(slept) == 1  # the splay only


def test_splay_and_jitter_bounds() -> None:
    rand = random.Random(2)  # noqa: S311 - jitter, not cryptography
    splays = [initial_splay(86_400, rand) for _ in range(500)]
    assert max(splays) <= INITIAL_SPLAY_MAX_S
    assert min(splays) < 60 < INITIAL_SPLAY_MAX_S - 60 < max(splays)
    assert all(initial_splay(60, rand) <= 60 for _ in range(100))
    delays = [next_delay(3600, rand) for _ in range(500)]
    assert 3240 <= min(delays) < 3300
    assert 3900 < max(delays) <= 3960


# -- state ---------------------------------------------------------------------------------


def test_state_round_trip_is_atomic_and_private(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "state")
    state = AgentState(credential="s3cret", agent_id="a-1").accepted(
        {"softwares": "0" * 32}, full=True, full_required=False
    )
    store.save(state)
    assert store.load() == state
    assert sorted(p.name for p in (tmp_path / "state").iterdir()) == ["state.json"]
    assert (tmp_path / "state" / "state.json").stat().st_mode & 0o777 == 0o600
    assert "s3cret" not in repr(state)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "[]",
        '{"version": 2}',
        '{"version": 1, "acknowledged": {"a": 1}}',
        '{"version": 1, "runs_since_full": -1}',
        '{"version": 1, "full_required": "yes"}',
        '{"version": 1, "credential": 7}',
    ],
)
def test_unusable_state_is_fresh(
    tmp_path: Path, text: str, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "state.json").write_text(text, encoding="utf-8")
    assert StateStore(tmp_path).load() == AgentState()
    assert "starting fresh" in caplog.text


def test_full_required_survives_deltas_until_a_full_one() -> None:
    state = AgentState(credential="c", agent_id="a", acknowledged={}).requiring_full()
    after_delta = state.accepted({}, full=False, full_required=False)
    assert after_delta.full_required is True
    assert after_delta.accepted({}, full=True, full_required=False).full_required is False


# -- this machine, for real ----------------------------------------------------------------


@pytest.mark.slow
def test_live_machine_second_run_is_a_small_delta(agent: Agent, collector: FakeCollector) -> None:
    if importlib.util.find_spec("agent.probes.common") is None:
        pytest.skip("the probes are not in the tree yet")
    config = agent.config(collector.url)
    host = live_host()
    for _ in range(2):
        assert run_agent(config, once=True, host=host, sleep=agent.slept.append) == EXIT_OK
    first, second = collector.received
    assert collector.problems == []
    assert first.document["source"]["full"] is True
    assert "softwares" in first.document
    assert second.document["source"]["full"] is False
    changed = set(second.document) - {"schema_version", "source", "identity", "status"}
    # Only sections whose content really differs are re-sent; packages do not change in seconds.
    assert "softwares" not in changed
    assert "operatingsystem" not in changed
    assert second.wire_bytes <= 1024 + sum(
        len(json.dumps(second.document[name])) for name in changed
    )


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
