"""Benchmark: observations ingested per second by a real ``asetik-collector serve``.

Run as ``python -m tests.bench.bench_collector`` (``make bench``). This machine is inventoried
once with the real agent code; N synthetic agents are made from it, each with its own identity
(hostname, machine-id, system UUID and serial, MACs, disk serials), a few package versions of
its own and its own credential (enrolled over ``POST /api/v1/enroll`` with one token from
``token create --max-uses N``). Every request body is built and gzipped before the clock runs.

Per database (a SQLite file, and a throw-away PostgreSQL database ``asetik_bench_<pid>``) the
collector runs as a subprocess on 127.0.0.1 and one asyncio client with a bounded number of
connections drives two phases:

- full: each agent sends its full inventory once (first sight: an asset, ~800 installations);
- unchanged: each agent sends ``--rounds`` deltas (its sections acknowledged: identity, status
  and hashes only);
- updated: each agent sends what it sends after a day's updates: a delta carrying its software
  section with UPDATED_PACKAGES packages in new versions (installations rewritten where they
  differ, history recorded). No target of its own; the steady state after onboarding.

Printed per phase: posts, wall seconds, inventories/s, p50/p95 latency, errors (non-2xx; the
first body is shown), the collector's CPU seconds (``/proc/PID/stat``) and peak RSS (VmHWM),
the PostgreSQL server's CPU seconds (postmaster, its live children and the children it reaped)
and the client's own CPU. Client, collector and database share this machine's cores.

Everything it starts is stopped by pid, the PostgreSQL database dropped and the temporary
folder removed, also on failure. Exit status 1 when a database run failed or a request erred.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import Any, TypeVar

import aiohttp
import orjson
import psycopg
from sqlalchemy import make_url

from agent.document import Collected, build_observation, section_hashes
from agent.identity import assemble_identity
from agent.inventory import collect_sections
from agent.sources.host import live_host
from agent.spool import compress_document

TARGETS = {"full": 200.0, "unchanged": 2_000.0}  # inventories/s, on PostgreSQL
UPDATED_PACKAGES = 3  # packages per agent with a new version in the "updated" phase
POSTGRES_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
SITE = "BENCH"
VARIED_VERSIONS = 5  # packages per agent with a version of its own
EXTRA_PACKAGES = 2  # packages per agent drawn from a small pool the base machine lacks
EXTRA_POOL = 40
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
Item = TypeVar("Item")


class BenchError(RuntimeError):
    """The benchmark of one database could not run; the message says why."""


@dataclass(frozen=True)
class SyntheticAgent:
    """One made-up agent: its hostname and its gzip request bodies, ready to send."""

    hostname: str
    full: bytes
    unchanged: tuple[bytes, ...]
    updated: bytes


@dataclass(frozen=True)
class Fleet:
    """The agents, the package count of one, and sizes (JSON, gzip) of agent 0's bodies."""

    agents: tuple[SyntheticAgent, ...]
    packages: int
    full_sizes: tuple[int, int]
    unchanged_sizes: tuple[int, int]
    rows: tuple[tuple[Any, ...], ...]  # agent 0's packages as installation rows (raw baseline)


@dataclass
class Tally:
    """What came back from one phase's requests."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    first_error: str | None = None
    error_statuses: Counter[int] = field(default_factory=Counter)
    answers: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class Usage:
    """CPU seconds spent by the collector, the PostgreSQL server (None: not watched), this
    client, and by the whole machine (all cores, every process)."""

    collector_s: float
    postgres_s: float | None
    client_s: float
    machine_s: float

    def since(self, before: Usage) -> Usage:
        """The CPU spent between ``before`` and this sample."""
        postgres = (
            self.postgres_s - before.postgres_s
            if self.postgres_s is not None and before.postgres_s is not None
            else None
        )
        return Usage(
            self.collector_s - before.collector_s,
            postgres,
            self.client_s - before.client_s,
            self.machine_s - before.machine_s,
        )

    @property
    def others_s(self) -> float:
        """CPU of everything else running meanwhile (other jobs on a shared machine)."""
        return self.machine_s - self.collector_s - (self.postgres_s or 0.0) - self.client_s


@dataclass(frozen=True)
class PhaseResult:
    """One timed phase: its requests' tally, wall time, CPU spent and the collector's peak RSS."""

    name: str
    count: int
    wall_s: float
    tally: Tally
    used: Usage
    peak_rss_mib: float


@dataclass(frozen=True)
class Watched:
    """The processes whose CPU a phase is charged with."""

    collector: int
    postmaster: int | None


# --- synthetic agents ---------------------------------------------------------------------


def agent_mac(index: int, nic: int) -> str:
    """A globally administered MAC (Xen's OUI) unique per agent and interface."""
    return f"00:16:3e:{(index >> 8) & 0xFF:02x}:{index & 0xFF:02x}:{nic & 0xFF:02x}"


def agent_sections(base: Mapping[str, Any], index: int) -> dict[str, Any]:
    """The base machine's sections re-keyed for agent ``index`` (identity built by the agent's
    own ``assemble_identity`` from the changed hardware, NICs and disks)."""
    name = f"bench-{index:05d}"
    sections = dict(base)
    hardware = dict(base.get("hardware") or {})
    hardware.update(uuid=str(uuid.uuid5(uuid.NAMESPACE_DNS, name)), serial=f"BENCH-{index:06d}")
    sections["hardware"] = hardware
    sections["networks"] = [
        {**nic, "mac": agent_mac(index, n)} for n, nic in enumerate(base.get("networks") or [])
    ]
    sections["storages"] = [
        {**disk, "serial": f"BENCH{index:06d}D{n}"}
        for n, disk in enumerate(base.get("storages") or [])
    ]
    if base.get("softwares") is not None:
        sections["softwares"] = vary_softwares(base["softwares"], index)
    given = dict(base.get("identity") or {})
    given.update(hostname=name, machine_id=uuid.uuid5(uuid.NAMESPACE_OID, name).hex)
    if given.get("fqdn"):
        given["fqdn"] = f"{name}.bench.invalid"
    identity = assemble_identity({**sections, "identity": given})
    if "mac_addresses" not in identity:  # no physical NIC on the base machine
        identity["mac_addresses"] = [agent_mac(index, 255)]
    sections["identity"] = identity
    return sections


def vary_softwares(softwares: Sequence[Mapping[str, Any]], index: int) -> list[dict[str, Any]]:
    """The package list with a few versions of this agent's own and two extra packages, so the
    catalogue and the installations differ between agents as they do in an office."""
    chosen = random.Random(index)  # noqa: S311 - repeatable variety, not secrecy
    packages = [dict(item) for item in softwares]
    for position in chosen.sample(range(len(packages)), min(VARIED_VERSIONS, len(packages))):
        version = packages[position].get("version") or "0"
        packages[position]["version"] = f"{version}+b{chosen.randrange(3)}"
    packages.extend(
        {"name": f"bench-extra-{extra:02d}", "version": f"1.{chosen.randrange(4)}",
         "publisher": "Bench Tools", "arch": "amd64", "source": "dpkg"}
        for extra in chosen.sample(range(EXTRA_POOL), EXTRA_PACKAGES)
    )  # fmt: skip
    return packages


def later_status(status: Mapping[str, Any] | None, hours: int) -> dict[str, Any]:
    """The status section ``hours`` later (status is sent every run and always differs)."""
    later = dict(status or {})
    later["uptime_seconds"] = int(later.get("uptime_seconds") or 0) + hours * 3600
    return later


def updated_softwares(softwares: Sequence[Mapping[str, Any]], index: int) -> list[dict[str, Any]]:
    """Agent ``index``'s packages after a day's updates: UPDATED_PACKAGES of them upgraded."""
    chosen = random.Random(f"updates-{index}")  # noqa: S311 - repeatable, not secret
    upgraded = set(chosen.sample(range(len(softwares)), min(UPDATED_PACKAGES, len(softwares))))
    return [
        {**item, "version": f"{item.get('version') or '0'}+upd1"} if n in upgraded else dict(item)
        for n, item in enumerate(softwares)
    ]


def build_agent(base: Collected, index: int, rounds: int, now: datetime) -> SyntheticAgent:
    """Agent ``index``: its full document, ``rounds`` deltas acknowledging its sections, then
    the delta after a day's updates (its new software section and status)."""
    sections = agent_sections(base.sections, index)
    collected = Collected(sections, base.errors, base.duration_ms)
    first = now - timedelta(hours=rounds + 1)
    full = build_observation(collected, collected_at=first, submission_id=str(uuid.uuid4()))
    acknowledged = section_hashes(collected)
    unchanged = []
    for hour in range(1, rounds + 1):
        later = Collected(
            {**sections, "status": later_status(sections.get("status"), hour)},
            base.errors,
            base.duration_ms,
        )
        delta = build_observation(
            later, collected_at=first + timedelta(hours=hour), acknowledged=acknowledged
        )
        unchanged.append(compress_document(delta))
    after_updates = Collected(
        {**sections, "status": later_status(sections.get("status"), rounds + 1),
         "softwares": updated_softwares(sections.get("softwares") or [], index)},
        base.errors,
        base.duration_ms,
    )  # fmt: skip
    updated = build_observation(
        after_updates, collected_at=first + timedelta(hours=rounds + 1), acknowledged=acknowledged
    )
    return SyntheticAgent(sections["identity"]["hostname"], compress_document(full),
                          tuple(unchanged), compress_document(updated))  # fmt: skip


def build_fleet(base: Collected, count: int, rounds: int) -> Fleet:
    """``count`` agents made from this machine's inventory, every body pre-built and gzipped."""
    now = datetime.now(UTC)
    agents = tuple(build_agent(base, index, rounds, now) for index in range(count))
    sample = agent_sections(base.sections, 0)
    full_json = len(orjson.dumps(build_observation(Collected(sample), collected_at=now)))
    delta_json = len(
        orjson.dumps(
            build_observation(
                Collected(sample), collected_at=now, acknowledged=section_hashes(Collected(sample))
            )
        )
    )
    return Fleet(
        agents,
        len(sample.get("softwares") or []),
        (full_json, len(agents[0].full)),
        (delta_json, len(agents[0].unchanged[0]) if rounds else 0),
        tuple(package_rows(base)),
    )


# --- processes: the collector, PostgreSQL, /proc ------------------------------------------


def collector_cli() -> list[str]:
    """The venv's ``asetik-collector`` script, or the same CLI through ``-m``."""
    script = Path(sys.executable).parent / "asetik-collector"
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-m", "collector.entrypoints.cli"]


def run_cli(db_url: str, data_dir: Path, *arguments: str) -> str:
    """Run one ``asetik-collector`` command to completion; returns its stdout."""
    argv = [*collector_cli(), "--db", db_url, "--data-dir", str(data_dir), *arguments]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=300, check=False)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout)[-1500:]
        raise BenchError(
            f"asetik-collector {' '.join(arguments)} exited {done.returncode}:\n{tail}"
        )
    return done.stdout


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_collector(
    db_url: str, data_dir: Path, port: int, log: Path, workers: int = 1
) -> subprocess.Popen[bytes]:
    """``asetik-collector serve`` in its own session, its output going to ``log``."""
    argv = [*collector_cli(), "--db", db_url, "--data-dir", str(data_dir),
            "serve", "--listen", f"127.0.0.1:{port}", "--workers", str(workers)]  # fmt: skip
    with log.open("wb") as out:
        return subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip


def stop_collector(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the collector's pid (aiohttp shuts down cleanly), SIGKILL after 15 s."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=15)


def log_tail(log: Path, size: int = 3000) -> str:
    """The end of the collector's log, for a failure message."""
    try:
        return log.read_bytes()[-size:].decode("utf-8", "replace")
    except OSError:
        return "(no log)"


def proc_stat(pid: int) -> list[str]:
    """Fields of ``/proc/PID/stat`` from field 3 (state) on: ``[1]`` ppid, ``[11:15]`` utime,
    stime, cutime, cstime in clock ticks."""
    text = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    return text[text.rindex(")") + 2 :].split()


def cpu_seconds(pid: int, *, reaped: bool = False) -> float:
    """User + system CPU seconds of a process (all threads), plus its reaped children's."""
    fields = proc_stat(pid)
    ticks = sum(int(value) for value in fields[11 : 15 if reaped else 13])
    return ticks / CLOCK_TICKS


def peak_rss_mib(pid: int) -> float:
    """The process's peak resident set so far (VmHWM), MiB."""
    for line in Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def postgres_cpu_seconds(postmaster: int) -> float:
    """CPU seconds of the whole PostgreSQL server: the postmaster, the backends it has reaped
    (pooled connections come and go) and its live children."""
    return tree_cpu_seconds(postmaster)


def tree_cpu_seconds(parent: int) -> float:
    """CPU seconds of a process, its reaped children and its live children (the collector's
    worker processes, PostgreSQL's backends)."""
    total = cpu_seconds(parent, reaped=True)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdecimal():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = proc_stat(int(entry.name))
            if int(fields[1]) == parent:
                total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return total


def machine_busy_seconds() -> float:
    """CPU seconds all cores have been busy since boot (``/proc/stat``: all but idle, iowait)."""
    with Path("/proc/stat").open(encoding="ascii") as stat:
        ticks = [int(value) for value in stat.readline().split()[1:9]]
    return (sum(ticks) - ticks[3] - ticks[4]) / CLOCK_TICKS


def sample_usage(watched: Watched) -> Usage:
    """CPU seconds so far of the collector, the PostgreSQL server (None when not watched),
    this process and the whole machine."""
    postgres = postgres_cpu_seconds(watched.postmaster) if watched.postmaster else None
    return Usage(
        tree_cpu_seconds(watched.collector), postgres, time.process_time(), machine_busy_seconds()
    )


def postgres_dsn(admin_url: str, database: str | None = None) -> str:
    """A libpq connection string for psycopg from a SQLAlchemy URL."""
    url = make_url(admin_url).set(drivername="postgresql")
    if database:
        url = url.set(database=database)
    return url.render_as_string(hide_password=False)


def create_postgres(admin_url: str, cleanup: contextlib.ExitStack) -> str:
    """A fresh database ``asetik_bench_<pid>`` (dropped on cleanup); returns the collector URL."""
    name = f"asetik_bench_{os.getpid()}"
    try:
        with psycopg.connect(postgres_dsn(admin_url), autocommit=True, connect_timeout=5) as db:
            db.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            db.execute(f"CREATE DATABASE {name}")
    except psycopg.Error as exc:
        raise BenchError(f"PostgreSQL at {admin_url}: {exc}") from exc
    cleanup.callback(drop_postgres, admin_url, name)
    url = make_url(admin_url).set(drivername="postgresql+psycopg", database=name)
    return url.render_as_string(hide_password=False)


def drop_postgres(admin_url: str, name: str) -> None:
    """Drop the benchmark database, whoever is still connected."""
    with psycopg.connect(postgres_dsn(admin_url), autocommit=True, connect_timeout=5) as db:
        db.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def find_postmaster(db_url: str) -> int | None:
    """The pid of the PostgreSQL server behind ``db_url`` when it runs here and /proc shows it
    (the parent of our own backend); None otherwise."""
    try:
        with psycopg.connect(postgres_dsn(db_url), connect_timeout=5) as db:
            row = db.execute("SELECT pg_backend_pid()").fetchone()
        return int(proc_stat(int(row[0]))[1]) if row else None
    except (psycopg.Error, OSError, IndexError, ValueError):
        return None


# --- the client ---------------------------------------------------------------------------


async def run_bounded(
    items: Iterable[Item], concurrency: int, action: Callable[[Item], Awaitable[None]]
) -> None:
    """``action`` over every item, at most ``concurrency`` at a time (workers share one
    iterator, so the order is kept and no task per item is created up front)."""
    pending = iter(items)

    async def worker() -> None:
        for item in pending:
            await action(item)

    await asyncio.gather(*(worker() for _ in range(concurrency)))


async def wait_ready(
    session: aiohttp.ClientSession, base: str, process: subprocess.Popen[bytes], log: Path
) -> None:
    """Return once ``/healthz`` answers 200; BenchError when the collector exits or 60 s pass."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"collector exited {process.returncode}:\n{log_tail(log)}")
        with contextlib.suppress(aiohttp.ClientError):
            async with session.get(f"{base}/healthz") as response:
                if response.status == 200:
                    return
        await asyncio.sleep(0.2)
    raise BenchError(f"collector not healthy after 60 s:\n{log_tail(log)}")


async def enrol_agents(
    session: aiohttp.ClientSession, base: str, token: str, fleet: Fleet, concurrency: int
) -> list[str]:
    """One credential per agent, in fleet order, from ``POST /api/v1/enroll``."""
    credentials = [""] * len(fleet.agents)

    async def enrol(index: int) -> None:
        body = {"token": token, "kind": "agent",
                "identity": {"hostname": fleet.agents[index].hostname}}  # fmt: skip
        async with session.post(f"{base}/api/v1/enroll", json=body) as response:
            text = await response.read()
            if response.status != 201:
                raise BenchError(f"enrol answered {response.status}: {text[:500]!r}")
            credentials[index] = orjson.loads(text)["credential"]

    await run_bounded(range(len(fleet.agents)), concurrency, enrol)
    return credentials


async def post_observation(
    session: aiohttp.ClientSession, url: str, credential: str, body: bytes, tally: Tally
) -> None:
    """Send one gzip body as the agent does; its latency and answer go into ``tally``."""
    headers = {"Authorization": f"Bearer {credential}", "Content-Type": "application/json",
               "Content-Encoding": "gzip"}  # fmt: skip
    started = time.perf_counter()
    try:
        async with session.post(url, data=body, headers=headers) as response:
            answer = await response.read()
            status = response.status
    except aiohttp.ClientError as exc:
        answer, status = repr(exc).encode(), 0
    tally.latencies.append(time.perf_counter() - started)
    if not 200 <= status < 300:
        tally.errors += 1
        tally.error_statuses[status] += 1
        tally.first_error = tally.first_error or f"HTTP {status}: {answer[:800]!r}"
        return
    fields = orjson.loads(answer)
    tally.answers.update(key for key in ("created", "full_required") if fields.get(key))
    if fields.get("changes"):
        tally.answers["changed"] += 1


async def measure_phase(
    name: str,
    session: aiohttp.ClientSession,
    url: str,
    jobs: Sequence[tuple[str, bytes]],
    *,
    concurrency: int,
    watched: Watched,
) -> PhaseResult:
    """Send every (credential, body) job with bounded concurrency and time it."""
    tally = Tally()

    async def send(job: tuple[str, bytes]) -> None:
        await post_observation(session, url, job[0], job[1], tally)

    before = sample_usage(watched)
    started = time.perf_counter()
    await run_bounded(jobs, concurrency, send)
    wall_s = time.perf_counter() - started
    used = sample_usage(watched).since(before)
    return PhaseResult(name, len(jobs), wall_s, tally, used, peak_rss_mib(watched.collector))


@dataclass(frozen=True)
class Target:
    """A running collector to drive."""

    base: str
    token: str
    process: subprocess.Popen[bytes]
    log: Path
    watched: Watched


async def drive(target: Target, fleet: Fleet, concurrency: int) -> list[PhaseResult]:
    """Enrol the fleet, then the full, unchanged and updated phases, on one client session."""
    connector = aiohttp.TCPConnector(limit=concurrency)
    timeout = aiohttp.ClientTimeout(total=300)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        await wait_ready(session, target.base, target.process, target.log)
        started = time.perf_counter()
        credentials = await enrol_agents(session, target.base, target.token, fleet, concurrency)
        print(f"  enrolled {len(credentials)} agents in {time.perf_counter() - started:.1f} s")
        url = f"{target.base}/api/v1/observations"
        full = [(credentials[i], agent.full) for i, agent in enumerate(fleet.agents)]
        rounds = len(fleet.agents[0].unchanged) if fleet.agents else 0
        unchanged = [
            (credentials[i], agent.unchanged[hour])
            for hour in range(rounds)
            for i, agent in enumerate(fleet.agents)
        ]
        updated = [(credentials[i], agent.updated) for i, agent in enumerate(fleet.agents)]
        return [
            await measure_phase(
                name, session, url, jobs, concurrency=concurrency, watched=target.watched
            )
            for name, jobs in (("full", full), ("unchanged", unchanged), ("updated", updated))
        ]


# --- one database -------------------------------------------------------------------------


def open_database(kind: str, workdir: Path, admin_url: str, cleanup: contextlib.ExitStack) -> str:
    """The collector URL of an empty database of that kind, migrated to the newest schema."""
    data_dir = workdir / f"data-{kind}"
    url = (
        f"sqlite:///{data_dir / 'asetik.db'}"
        if kind == "sqlite"
        else create_postgres(admin_url, cleanup)
    )
    run_cli(url, data_dir, "db", "upgrade")
    return url


def run_database(
    kind: str, fleet: Fleet, args: argparse.Namespace, workdir: Path
) -> list[PhaseResult]:
    """Benchmark one database kind from an empty register; everything started is stopped."""
    with contextlib.ExitStack() as cleanup:
        url = open_database(kind, workdir, args.postgres, cleanup)
        data_dir = workdir / f"data-{kind}"
        print(f"  database {make_url(url).render_as_string(hide_password=True)}")
        run_cli(url, data_dir, "site", "create", "--code", SITE, "--name", "Benchmark site")
        token = run_cli(url, data_dir, "token", "create", "--site", SITE,
                        "--max-uses", str(len(fleet.agents))).strip().splitlines()[-1]  # fmt: skip
        log, port = workdir / f"collector-{kind}.log", free_port()
        process = start_collector(url, data_dir, port, log, args.workers)
        cleanup.callback(stop_collector, process)
        postmaster = find_postmaster(url) if kind == "postgresql" else None
        if kind == "postgresql" and postmaster is None:
            print("  note: PostgreSQL server process not found in /proc; its CPU is not shown")
        target = Target(f"http://127.0.0.1:{port}", token, process, log,
                        Watched(process.pid, postmaster))  # fmt: skip
        results = asyncio.run(drive(target, fleet, args.concurrency))
        if any(result.tally.errors for result in results):
            print(f"  collector log (end):\n{log_tail(log, 2000)}")
        if kind == "postgresql" and fleet.rows:
            stop_collector(process)
            rate = raw_baseline(postgres_dsn(url), fleet.rows, len(fleet.agents), args.concurrency)
            rows, connections = len(fleet.rows), args.concurrency
            print(f"  raw baseline: {rate:.1f} inventories/s (DELETE + COPY of {rows} rows"
                  f" per inventory, {connections} connections)")  # fmt: skip
    return results


# --- the raw baseline ---------------------------------------------------------------------

RAW_TABLE = """CREATE TABLE bench_raw_installations (
    id bigserial PRIMARY KEY, asset_id bigint NOT NULL, software_id bigint NOT NULL,
    display_name varchar(256) NOT NULL, version varchar(256), arch varchar(64),
    source varchar(16) NOT NULL)"""
RAW_INDEXES = (
    "CREATE INDEX ON bench_raw_installations (asset_id)",
    "CREATE INDEX ON bench_raw_installations (software_id)",
)
RAW_DELETE = "DELETE FROM bench_raw_installations WHERE asset_id = %s"
RAW_COPY = (
    "COPY bench_raw_installations (asset_id, software_id, display_name, version, arch, source)"
    " FROM STDIN"
)


def package_rows(base: Collected) -> list[tuple[int, str, str | None, str | None, str]]:
    """(software id, name, version, arch, source) for each package of this machine."""
    softwares = base.sections.get("softwares") or []
    return [
        (number, str(item.get("name", ""))[:256], item.get("version"), item.get("arch"),
         str(item.get("source", "other")))
        for number, item in enumerate(softwares, 1)
    ]  # fmt: skip


def raw_baseline(
    dsn: str, rows: Sequence[tuple[Any, ...]], inventories: int, threads: int
) -> float:
    """Inventories/s of the bare write a full inventory needs: one transaction per inventory
    that replaces an asset's installation rows (DELETE + COPY) in a table shaped like ours,
    ``threads`` connections at once: the floor the collector is compared with."""
    with psycopg.connect(dsn, autocommit=True) as db:
        db.execute("DROP TABLE IF EXISTS bench_raw_installations")
        db.execute(RAW_TABLE)
        for index in RAW_INDEXES:
            db.execute(index)

    def write(asset_ids: Sequence[int]) -> None:
        with psycopg.connect(dsn) as db:
            for asset_id in asset_ids:
                with db.transaction():
                    db.execute(RAW_DELETE, (asset_id,))
                    with db.cursor().copy(RAW_COPY) as copy:
                        for row in rows:
                            copy.write_row((asset_id, *row))

    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(write, [range(i, inventories, threads) for i in range(threads)]))
    return inventories / (time.perf_counter() - started)


# --- report -------------------------------------------------------------------------------


def percentile(values: Sequence[float], fraction: float) -> float:
    """The value below which ``fraction`` of the values lie (nearest rank), NaN for none."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def verdict(kind: str, name: str, rate: float) -> str:
    """The phase's target and whether it was met (targets are for PostgreSQL)."""
    target = TARGETS.get(name)
    if target is None:
        return "(no target)"
    if kind != "postgresql":
        return f"(PostgreSQL target >= {target:,.0f}/s)"
    return f">= {target:,.0f}/s: {'ok' if rate >= target else 'MISSED'}"


RATE_HEADER = (
    f"  {'phase':<10}{'posts':>6}{'wall s':>8}{'inv/s':>8}{'p50 ms':>8}{'p95 ms':>8}"
    f"{'errors':>7}{'RSS MiB':>9}   target"
)
CPU_HEADER = (
    f"  {'CPU s':<10}{'collector':>10}{'ms/post':>8}{'postgres':>10}{'ms/post':>8}"
    f"{'client':>8}{'others':>8}{'of':>8}  (others: every other process on the machine;"
    " of: wall s x cores)"
)


def rate_line(kind: str, result: PhaseResult) -> str:
    """Throughput, latency, errors and the collector's peak RSS of one phase."""
    rate = result.count / result.wall_s if result.wall_s > 0 else float("nan")
    latencies = result.tally.latencies
    return (
        f"  {result.name:<10}{result.count:>6}{result.wall_s:8.2f}{rate:8.1f}"
        f"{1000 * percentile(latencies, 0.5):8.1f}{1000 * percentile(latencies, 0.95):8.1f}"
        f"{result.tally.errors:>7}{result.peak_rss_mib:9.1f}   {verdict(kind, result.name, rate)}"
    )


def cpu_line(result: PhaseResult) -> str:
    """Where one phase's CPU went: collector, PostgreSQL, client, everything else."""
    used, count = result.used, max(result.count, 1)
    postgres = (
        f"{used.postgres_s:10.2f}{1000 * used.postgres_s / count:8.2f}"
        if used.postgres_s is not None
        else f"{'-':>10}{'-':>8}"
    )
    available = result.wall_s * (os.cpu_count() or 1)
    return (
        f"  {result.name:<10}{used.collector_s:10.2f}{1000 * used.collector_s / count:8.2f}"
        f"{postgres}{used.client_s:8.2f}{used.others_s:8.2f}{available:8.2f}"
    )


def print_results(kind: str, results: Sequence[PhaseResult]) -> None:
    """The table, the answers' sanity counts and the first error of each phase."""
    print(RATE_HEADER)
    for result in results:
        print(rate_line(kind, result))
    print(CPU_HEADER)
    for result in results:
        print(cpu_line(result))
    full, unchanged, updated = results
    print(
        f"  answers: full {full.tally.answers['created']}/{full.count} created an asset; "
        f"unchanged {unchanged.tally.answers['full_required']} asked for a full inventory, "
        f"{unchanged.tally.answers['created']} created an asset (both should be 0); "
        f"updated {updated.tally.answers['changed']}/{updated.count} recorded changes"
    )
    for result in results:
        if result.tally.first_error:
            statuses = ", ".join(
                f"{count} x HTTP {status or 'connection error'}"
                for status, count in sorted(result.tally.error_statuses.items())
            )
            print(f"  {result.name} errors: {statuses}; first: {result.tally.first_error}")


def print_setting(args: argparse.Namespace, fleet: Fleet, built_s: float) -> None:
    """What was measured and on what."""
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"host {platform.node()}, {platform.platform()}, Python {platform.python_version()}")
    print(
        f"os.cpu_count() = {os.cpu_count()}: the bench client, the collector and PostgreSQL "
        f"share these cores (load average at start {load})"
    )
    print(
        f"{len(fleet.agents)} synthetic agents from this machine's inventory, "
        f"{fleet.packages} packages each; {args.concurrency} client connections; "
        f"{args.rounds} unchanged post(s) per agent"
    )
    print(
        f"bodies (agent 0): full {fleet.full_sizes[1]:,} B gzip ({fleet.full_sizes[0]:,} B JSON),"
        f" unchanged {fleet.unchanged_sizes[1]:,} B gzip ({fleet.unchanged_sizes[0]:,} B JSON);"
        f" built and gzipped in {built_s:.1f} s before timing"
    )


# --- main ---------------------------------------------------------------------------------


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench.bench_collector", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    parser.add_argument("--agents", type=int, default=400, help="synthetic agents (400)")
    parser.add_argument("--rounds", type=int, default=5,
                        help="unchanged posts per agent (5: 2,000 with 400 agents)")  # fmt: skip
    parser.add_argument("--concurrency", type=int, default=8, help="client connections (8)")
    parser.add_argument("--workers", type=int, default=1, help="collector processes (1)")
    parser.add_argument("--databases", default="sqlite,postgresql",
                        help="comma-separated: sqlite, postgresql (both)")  # fmt: skip
    parser.add_argument("--postgres", default=POSTGRES_ADMIN,
                        help=f"PostgreSQL admin URL ({POSTGRES_ADMIN})")  # fmt: skip
    args = parser.parse_args(argv)
    args.databases = [name.strip() for name in args.databases.split(",") if name.strip()]
    if args.agents < 1 or args.rounds < 1 or args.concurrency < 1:
        parser.error("--agents, --rounds and --concurrency must be >= 1")
    if args.agents > 65_536:
        parser.error("--agents is at most 65536 (one MAC block per agent)")
    if not set(args.databases) <= {"sqlite", "postgresql"}:
        parser.error("--databases takes sqlite and/or postgresql")
    return args


def _terminate(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)  # unwinds through the cleanups


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print it; returns 1 when a database run failed or a request erred."""
    args = _arguments(argv)
    signal.signal(signal.SIGTERM, _terminate)
    status = 0
    with tempfile.TemporaryDirectory(prefix="asetik-collector-bench-") as folder:
        workdir = Path(folder)
        started = time.perf_counter()
        base = collect_sections(live_host(cache_dir=workdir / "agent-cache"))
        fleet = build_fleet(base, args.agents, args.rounds)
        print_setting(args, fleet, time.perf_counter() - started)
        for kind in args.databases:
            print(f"\n{'SQLite' if kind == 'sqlite' else 'PostgreSQL'}")
            try:
                results = run_database(kind, fleet, args, workdir)
            except BenchError as exc:
                print(f"  benchmark stopped: {exc}")
                status = 1
                continue
            print_results(kind, results)
            status |= int(any(result.tally.errors for result in results))
    return status


if __name__ == "__main__":
    raise SystemExit(main())
