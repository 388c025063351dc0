"""Collector and agent as real processes, on SQLite and on PostgreSQL.

A real ``asetik-collector serve`` (set up through its own CLI) takes this machine's inventory
from a real ``asetik-agent run --once``; a recorded Debian laptop run in-process shows that one
installed package travels as a small delta and lands in the history; a collector killed with
SIGKILL in the middle of a burst of submissions comes back consistent, and the document the
agent spooled while it was down is delivered after the restart.
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import re
import shutil
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from agent.config import load_config
from agent.runner import run_agent
from agent.sources.commands import CommandResult, RecordedCommandRunner
from agent.sources.host import Host
from agent.sources.stats import InterfaceReading, Partition, RecordedStats
from agent.spool import NAME_PATTERN
from collector.adapters.db.engine import open_engine
from collector.adapters.db.models import (
    AssetRow,
    AssetSectionRow,
    InstallationRow,
    ObservationRow,
)
from collector.domain.changes import ChangeKind
from schemas.hashing import section_hash
from tests.collector.processes import (
    AGENT,
    SITE,
    CollectorProcess,
    Reply,
    Tokens,
    gzip_json,
    http_request,
    running_collector,
)
from tests.peers import FIXTURES, REPO, dpkg_package_count
from tests.schema_check import schema_errors

pytestmark = pytest.mark.slow

AGENT_TIMEOUT_S = 120.0
DELTA_LINE = re.compile(
    r"delta document: (?P<sent>\d+)/(?P<total>\d+) sections, (?P<bytes>\d+) bytes gzip: accepted"
)
ACCEPTED = re.compile(r'^asetik_ingest_total\{result="accepted",source="agent"\} (\S+)$', re.M)
LAPTOP_TREE = FIXTURES / "linux" / "trees" / "laptop-debian12"
DPKG_STATUS = FIXTURES / "linux" / "dpkg-status.debian12.txt"
DMIDECODE_T17 = FIXTURES / "linux" / "dmidecode-t17.txt"
EXAMPLE = REPO / "schemas" / "examples" / "agent-linux-laptop.json"
# A stanza as Debian 12's dpkg writes it after `apt install htop`.
HTOP_STANZA = """Package: htop
Status: install ok installed
Priority: optional
Section: utils
Installed-Size: 387
Maintainer: Daniel Lange <DLange@debian.org>
Architecture: amd64
Version: 3.2.2-2
Depends: libc6 (>= 2.34), libncursesw6 (>= 6), libnl-3-200 (>= 3.2.7), libnl-genl-3-200 (>= 3.2.7), libtinfo6 (>= 6)
Suggests: lm-sensors, lsof, strace
Description: interactive processes viewer
 Htop is an ncursed-based process viewer similar to top, but it
 allows one to scroll the list vertically and horizontally to see
 all processes and their full command lines.
"""  # noqa: E501 - dpkg does not wrap Depends
# What some NIC drivers report as the link speed when it is unknown ((u32)-1); it once did not
# fit the register's column on PostgreSQL.
U32_MAX = 2**32 - 1
LAPTOP_STATS = RecordedStats(
    boot=1713748532.0,
    cores=(4, 8),
    max_mhz=4200.0,
    memory=16090968064,
    mounts=[Partition("/", "/dev/nvme0n1p2", "ext4", 502_392_610_816, 98_765_432_832, 378 * 10**9)],
    nics=[InterfaceReading("enp0s31f6", "8c:8c:aa:1b:2c:3d", ("10.12.4.37",), (), True, U32_MAX)],
)
BURST = 16  # parallel submissions in flight when the collector is killed
BURST_PACKAGES = 800  # makes each ingest long enough for the kill to land inside one


# -- helpers ---------------------------------------------------------------------------------


def run_agent_process(
    collector: CollectorProcess, state_dir: Path, enrol_token: str | None = None
) -> subprocess.CompletedProcess[str]:
    """``asetik-agent run --once`` as an operator runs it, against this collector."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("ASETIK_")}
    environment |= {"ASETIK_COLLECTOR_URL": collector.url, "ASETIK_STATE_DIR": str(state_dir)}
    if enrol_token is not None:
        environment["ASETIK_ENROLL_TOKEN"] = enrol_token
    return subprocess.run(
        [str(AGENT), "-v", "run", "--once"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=AGENT_TIMEOUT_S,
        check=False,
    )


def explain(done: subprocess.CompletedProcess[str], collector: CollectorProcess) -> str:
    """What the agent and the collector said, for an assertion message."""
    return f"agent exited {done.returncode}:\n{done.stderr[-3000:]}\n{collector.log_tail()}"


def accepted_agent_documents(collector: CollectorProcess) -> float:
    """The collector's own count of accepted agent documents, from /metrics."""
    reply = http_request(f"{collector.url}/metrics")
    assert reply.status == 200, reply.text
    found = ACCEPTED.search(reply.text)
    return float(found.group(1)) if found else 0.0


def only_asset(collector: CollectorProcess, tokens: Tokens) -> dict[str, Any]:
    """The detail of the one asset the register holds (asserts there is exactly one)."""
    listing = collector.get("/api/v1/assets", tokens.api)
    assert listing["total"] == 1, (listing, collector.log_tail())
    detail: dict[str, Any] = collector.get(
        f"/api/v1/assets/{listing['items'][0]['id']}", tokens.api
    )
    return detail


def short_hostname() -> str:
    """This machine's host name without its DNS domain, as the agent reports it."""
    return socket.gethostname().split(".")[0]


def without(mapping: dict[str, Any], *names: str) -> dict[str, Any]:
    return {key: value for key, value in mapping.items() if key not in names}


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """The test's own connection to the collector's database, to check what was stored."""
    opened = open_engine(db_url)
    yield opened
    opened.dispose()


# -- 1 and 2: this machine, full then delta ---------------------------------------------------


def test_real_agent_registers_this_machine_then_sends_a_tiny_delta(
    db_url: str, tmp_path: Path
) -> None:
    packages = dpkg_package_count()
    with running_collector(db_url, tmp_path / "collector") as (collector, tokens):
        first = run_agent_process(collector, tmp_path / "agent", tokens.enrol)
        assert first.returncode == 0, explain(first, collector)
        before = only_asset(collector, tokens)
        check_this_machine(before, packages)
        accepted = accepted_agent_documents(collector)

        second = run_agent_process(collector, tmp_path / "agent")
        assert second.returncode == 0, explain(second, collector)
        after = only_asset(collector, tokens)
        assert accepted_agent_documents(collector) == accepted + 1

    sent = DELTA_LINE.search(second.stderr)
    assert sent is not None, second.stderr[-3000:]
    assert (int(sent["sent"]), int(sent["bytes"]) <= 1024) == (0, True), sent.group(0)
    assert after["history"] == before["history"]
    assert after["conflicts"] == before["conflicts"]
    assert without(after["asset"], "last_seen") == without(before["asset"], "last_seen")
    moved = datetime.fromisoformat(after["asset"]["last_seen"])
    assert moved > datetime.fromisoformat(before["asset"]["last_seen"])
    assert without(after["sections"], "status") == without(before["sections"], "status")


def check_this_machine(detail: dict[str, Any], packages: int) -> None:
    """The register's view of this machine matches what the machine itself says."""
    sections = detail["sections"]
    identity = sections["identity"]
    assert identity["hostname"] == short_hostname()
    assert identity["machine_id"] == Path("/etc/machine-id").read_text(encoding="ascii").strip()
    assert detail["asset"]["name"] == identity["hostname"]
    assert detail["asset"]["site_code"] == SITE
    assert sections["hardware"]["memory_total_bytes"] > 0
    assert sections["cpus"], "no cpus section"
    assert all(cpu["threads"] for cpu in sections["cpus"])
    assert sections["storages"], "no disks"
    assert len(sections["softwares"]) == packages
    assert [entry["kind"] for entry in detail["history"]] == ["asset_discovered"]


# -- 3: a package installed on a recorded laptop ----------------------------------------------


def laptop_host(tmp_path: Path) -> Host:
    """A private copy of the recorded Debian 12 laptop, with dpkg's status file in place."""
    root = tmp_path / "laptop"
    shutil.copytree(LAPTOP_TREE, root, symlinks=True)
    status = root / "var/lib/dpkg/status"
    status.parent.mkdir(parents=True)
    shutil.copyfile(DPKG_STATUS, status)
    dmidecode = CommandResult(0, DMIDECODE_T17.read_text(encoding="utf-8"))
    commands = RecordedCommandRunner({("dmidecode", "-t", "17"): dmidecode})
    return Host("linux", root, commands, LAPTOP_STATS)


def test_installed_package_travels_as_a_delta_and_enters_the_history(
    db_url: str, tmp_path: Path, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    host = laptop_host(tmp_path)
    with running_collector(db_url, tmp_path / "collector") as (collector, tokens):
        environ = {"ASETIK_COLLECTOR_URL": collector.url, "ASETIK_ENROLL_TOKEN": tokens.enrol,
                   "ASETIK_STATE_DIR": str(tmp_path / "state")}  # fmt: skip
        config = load_config(None, environ)
        assert run_agent(config, once=True, host=host) == 0, collector.log_tail()
        before = only_asset(collector, tokens)
        with host.path("/var/lib/dpkg/status").open("a", encoding="utf-8") as status:
            status.write("\n" + HTOP_STANZA)
        with caplog.at_level(logging.INFO, logger="asetik.agent.runner"):
            assert run_agent(config, once=True, host=host) == 0, collector.log_tail()
        after = only_asset(collector, tokens)

    assert before["sections"]["identity"]["hostname"] == "lpt-pusdatin-042"
    assert len(before["sections"]["softwares"]) == 7
    assert [nic["speed_mbps"] for nic in before["sections"]["networks"]] == [U32_MAX]
    new_entries = after["history"][: len(after["history"]) - len(before["history"])]
    assert [without(entry, "at") for entry in new_entries] == [
        {"source": "agent", "kind": ChangeKind.SOFTWARE_INSTALLED.value,
         "subject": "htop (amd64)", "before": None, "after": "3.2.2-2"}
    ]  # fmt: skip
    assert after["history"][len(new_entries) :] == before["history"]
    assert len(after["sections"]["softwares"]) == 8
    assert without(after["sections"], "softwares", "status") == without(
        before["sections"], "softwares", "status"
    )
    with Session(engine) as session:
        last = session.scalars(select(ObservationRow).order_by(ObservationRow.id.desc())).first()
    assert last is not None
    assert (last.full, last.sections) == (False, ["identity", "softwares", "status"])
    assert re.search(r"delta document: 1/\d+ sections, \d+ bytes gzip: accepted", caplog.text)


# -- 4: killed mid-burst, restarted, spool delivered -----------------------------------------


def laptop_document(index: int, packages: Sequence[str]) -> dict[str, Any]:
    """The example laptop's full document with an identity of its own and these packages."""
    document: dict[str, Any] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    source = document["source"]
    source.pop("site", None)
    source["submission_id"] = str(uuid.uuid4())
    source["collected_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    serial = f"E2EKILL{index:04d}"
    system_uuid = str(uuid.uuid4())
    document["identity"] = {
        "hostname": f"kill-{index:02d}", "machine_id": uuid.uuid4().hex,
        "system_uuid": system_uuid, "system_serial": serial,
        "mac_addresses": [f"00:16:3e:4b:00:{index:02x}"], "disk_serials": [f"DISK{serial}"],
    }  # fmt: skip
    document["hardware"] |= {"serial": serial, "uuid": system_uuid}
    document["storages"][0]["serial"] = f"DISK{serial}"
    document["softwares"] = [
        {"name": name, "version": "1.0-1", "arch": "amd64", "publisher": "asetik e2e",
         "install_date": None, "source": "dpkg"}
        for name in packages
    ]  # fmt: skip
    rehash(document)
    return document


def rehash(document: dict[str, Any]) -> None:
    """Section hashes that match the (edited) sections, as an agent computes them."""
    hashes = document["source"]["section_hashes"]
    document["source"]["section_hashes"] = {name: section_hash(document[name]) for name in hashes}


def burst_document(index: int) -> dict[str, Any]:
    """A laptop of a fleet: every burst document carries the same long package list, which
    the collector first sees in this burst, from many transactions at once."""
    return laptop_document(index, [f"fleet-package-{n:04d}" for n in range(BURST_PACKAGES)])


def post_document(collector: CollectorProcess, credential: str, document: Any) -> Reply:
    """POST one observation as the agent does: gzip'ed JSON with its credential."""
    return http_request(
        f"{collector.url}/api/v1/observations",
        token=credential,
        payload=gzip_json(document),
        headers={"Content-Type": "application/json", "Content-Encoding": "gzip"},
        timeout=30.0,
    )


@dataclass
class Burst:
    """Parallel submissions, each with its own credential; ``accepted`` counts 202 answers."""

    collector: CollectorProcess
    documents: list[dict[str, Any]]
    credentials: list[str]
    accepted: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def post(self, index: int) -> int | None:
        """The HTTP status, or None when the connection broke (the collector died)."""
        try:
            reply = post_document(self.collector, self.credentials[index], self.documents[index])
        except (OSError, http.client.HTTPException):
            return None
        if reply.status == 202:
            with self.lock:
                self.accepted += 1
        return reply.status

    def wait_for(self, count: int, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while self.accepted < count and time.monotonic() < deadline:
            time.sleep(0.005)
        assert self.accepted >= count, f"only {self.accepted} accepted\n{self.collector.log_tail()}"


def kill_during_burst(
    collector: CollectorProcess, tokens: Tokens
) -> tuple[Burst, list[int | None]]:
    """Start BURST parallel submissions and SIGKILL the collector once three are accepted."""
    documents = [burst_document(index) for index in range(BURST)]
    assert [schema_errors(document) for document in documents[:1]] == [[]]
    credentials = [collector.enrol(tokens.enrol, f"kill-{index:02d}") for index in range(BURST)]
    burst = Burst(collector, documents, credentials)
    with ThreadPoolExecutor(max_workers=BURST) as pool:
        answers = pool.map(burst.post, range(BURST))
        burst.wait_for(3)
        collector.kill()
        statuses = list(answers)
    assert set(statuses) <= {202, None}, (statuses, collector.log_tail(60))
    assert None in statuses, f"the kill came after the burst: {statuses}"
    return burst, statuses


def check_consistent(engine: Engine, burst: Burst, statuses: list[int | None]) -> None:
    """Every observation has its asset, every asset its observation and all its sections, and
    every submission that was answered 202 is stored."""
    with Session(engine) as session:
        orphans = session.scalar(
            select(func.count(ObservationRow.id))
            .outerjoin(AssetRow, AssetRow.id == ObservationRow.asset_id)
            .where(AssetRow.id.is_(None))
        )
        unobserved = session.scalars(
            select(AssetRow.id).where(~select(ObservationRow.id).where(
                ObservationRow.asset_id == AssetRow.id).exists())
        ).all()  # fmt: skip
        sections = _sections_by_name(session)
        installed = dict(session.execute(
            select(AssetRow.name, func.count(InstallationRow.software_id))
            .join(InstallationRow, InstallationRow.asset_id == AssetRow.id)
            .group_by(AssetRow.name)).all())  # fmt: skip
        stored = set(session.scalars(select(ObservationRow.submission_id)).all())
    assert (orphans, unobserved) == (0, [])
    full = sorted(name for name in burst.documents[0] if name not in ("schema_version", "source"))
    packages = len(burst.documents[0]["softwares"])
    for name, names in sections.items():
        if name is not None and name.startswith("kill-"):
            assert (names, installed.get(name)) == (full, packages), name
    answered = {
        document["source"]["submission_id"]
        for document, status in zip(burst.documents, statuses, strict=True)
        if status == 202
    }
    assert answered <= stored, "a submission answered 202 was lost"


def _sections_by_name(session: Session) -> dict[str | None, list[str]]:
    rows = session.execute(
        select(AssetRow.name, AssetSectionRow.name).join(
            AssetSectionRow, AssetSectionRow.asset_id == AssetRow.id, isouter=True
        )
    )
    found: dict[str | None, list[str]] = {}
    for asset, section in rows:
        found.setdefault(asset, [])
        if section is not None:
            found[asset].append(section)
    assert all(found.values()), f"assets without sections: {found}"
    return {asset: sorted(names) for asset, names in found.items()}


def spooled_submissions(state_dir: Path) -> list[str]:
    spool = state_dir / "spool"
    matches = [NAME_PATTERN.match(path.name) for path in sorted(spool.glob("*"))]
    return [match.group(2) for match in matches if match is not None]


def test_killed_collector_restarts_consistent_and_receives_the_spool(
    db_url: str, tmp_path: Path, engine: Engine
) -> None:
    state = tmp_path / "agent"
    with running_collector(db_url, tmp_path / "collector") as (collector, tokens):
        first = run_agent_process(collector, state, tokens.enrol)
        assert first.returncode == 0, explain(first, collector)
        burst, statuses = kill_during_burst(collector, tokens)

        down = run_agent_process(collector, state)
        assert down.returncode == 0, explain(down, collector)
        spooled = spooled_submissions(state)
        assert len(spooled) == 1, down.stderr[-3000:]

        collector.start()
        check_consistent(engine, burst, statuses)
        with ThreadPoolExecutor(max_workers=8) as pool:
            unanswered = [index for index, status in enumerate(statuses) if status != 202]
            again = list(pool.map(burst.post, unanswered))
        assert set(again) <= {202, 409}, (again, collector.log_tail())

        back = run_agent_process(collector, state)
        assert back.returncode == 0, explain(back, collector)
        assert spooled_submissions(state) == []
        assets = collector.get("/api/v1/assets?per_page=100", tokens.api)

    with Session(engine) as session:
        stored = session.scalars(select(ObservationRow.submission_id)).all()
    assert spooled[0] in stored
    assert len(stored) == 3 + BURST  # full, spooled delta, delta after restart + the burst
    names = sorted(item["name"] for item in assets["items"])
    assert names == sorted([short_hostname()] + [f"kill-{index:02d}" for index in range(BURST)])
    assert assets["total"] == 1 + BURST
