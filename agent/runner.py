"""``asetik-agent run``: enrol, collect, replay the spool, send, remember; then wait and repeat.

One cycle: collect the sections; enrol when there is no credential; replay spooled documents
oldest first; build the new document against what the collector last acknowledged (after the
replay, so it is built against the freshest acknowledgement); send it, or spool it when the
collector cannot take it. Between cycles the agent sleeps the interval ± 10 % and, before the
first one, a random splay, so thousands of hosts started together do not call at once.
"""

from __future__ import annotations

import contextlib
import logging
import random
import signal
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import FrameType
from typing import Any

from agent.config import AgentConfig
from agent.document import Collected, build_observation
from agent.inventory import Probe, collect_sections
from agent.sources.host import Host, live_host
from agent.spool import CorruptSpoolError, Spool, SpoolLimits, compress_document
from agent.state import AgentState, StateStore
from agent.transport import (
    CollectorClient,
    Delivery,
    Enrolment,
    EnrolmentFailure,
    Outcome,
    RetryPolicy,
    enrolment_outcome,
    observation_outcome,
    with_retries,
)

log = logging.getLogger("asetik.agent.runner")

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_CONFIG = 2
INTERVAL_JITTER = 0.10
INITIAL_SPLAY_MAX_S = 600.0

Clock = Callable[[], datetime]
Sleep = Callable[[float], None]


@dataclass(frozen=True)
class CycleResult:
    """A cycle's exit status; ``fatal`` when only an operator can fix it (stop the loop)."""

    status: int
    fatal: bool = False


@dataclass(frozen=True)
class _Flush:
    replayed: int = 0
    reachable: bool = True
    auth_lost: bool = False


def _omitted_consistent(
    document: Mapping[str, Any], acknowledged: Mapping[str, str] | None
) -> bool:
    """Whether the sections a document leaves out match what the collector now holds.

    A spooled delta was built against an older acknowledgement; when an earlier replay changed
    what the collector holds, an omitted section may no longer match it, so the next document
    must be full.
    """
    hashes: Mapping[str, str] = document["source"]["section_hashes"]
    omitted = [name for name in hashes if name not in document]
    if not omitted:
        return True
    known = acknowledged or {}
    return all(known.get(name) == hashes[name] for name in omitted)


def _log_document(level: int, document: Mapping[str, Any], size: int, result: str) -> None:
    """The one line per cycle: kind of document, sections sent, compressed size, result."""
    source = document["source"]
    sent = sum(1 for name in source["section_hashes"] if name in document)
    log.log(
        level,
        "%s document: %d/%d sections, %d bytes gzip: %s",
        "full" if source["full"] else "delta",
        sent,
        len(source["section_hashes"]),
        size,
        result,
    )


class CycleRunner:
    """Runs collect-and-send cycles for one configuration; everything external is injected."""

    def __init__(
        self,
        config: AgentConfig,
        *,
        host: Host,
        probes: Mapping[str, Probe] | None,
        client: CollectorClient,
        clock: Clock,
        sleep: Sleep,
        rand: random.Random,
        policy: RetryPolicy | None = None,
    ) -> None:
        self.config = config
        self.host = host
        self.probes = probes
        self.client = client
        self.clock = clock
        self.sleep = sleep
        self.rand = rand
        self.policy = policy or RetryPolicy()
        self.store = StateStore(config.state_dir)
        self.spool = Spool(
            config.spool_dir,
            SpoolLimits(
                max_bytes=config.spool_max_bytes,
                max_files=config.spool_max_files,
                max_age=timedelta(days=config.spool_max_age_days),
            ),
            clock,
        )
        self.state = AgentState()
        self._reenrolled = False

    # -- one cycle ------------------------------------------------------------------------

    def run_cycle(self) -> CycleResult:
        """One collect-and-send cycle; EXIT_OK when the document was delivered or spooled."""
        self.state = self.store.load()
        self._reenrolled = False
        if self.state.credential is None and not self.config.enroll_token:
            log.error(
                "not enrolled and no enrolment token: set ASETIK_ENROLL_TOKEN "
                "(or enroll_token in the config file) to a token from "
                "'asetik-collector token create --site CODE'"
            )
            return CycleResult(EXIT_CONFIG, fatal=True)
        if self.state.credential is None:
            self.store.ensure_writable()
        collected = collect_sections(self.host, self.probes)
        identity: Mapping[str, Any] = collected.sections.get("identity") or {}
        if self.state.credential is None:
            early = self._first_enrolment(identity, collected)
            if early is not None:
                return early
        flush = self._flush_spool(identity)
        if flush.auth_lost:
            self._spool_new(collected, "no valid credential")
            return self._auth_lost()
        if not flush.reachable:
            self._spool_new(collected, "collector unreachable")
            return CycleResult(EXIT_OK)
        return self._send_new(collected, identity, flush.replayed)

    def _first_enrolment(
        self, identity: Mapping[str, Any], collected: Collected
    ) -> CycleResult | None:
        failure = self._enrol(identity)
        if failure is None:
            return None
        if failure.refused:
            log.error("enrolment refused by the collector (%s); nothing stored", failure.detail)
            return CycleResult(EXIT_FAILED, fatal=True)
        log.error("enrolment failed, trying again next run (%s)", failure.detail)
        self._spool_new(collected, "not enrolled yet")
        return CycleResult(EXIT_FAILED)

    def _enrol(self, identity: Mapping[str, Any]) -> EnrolmentFailure | None:
        token = self.config.enroll_token
        if not token:
            return EnrolmentFailure(True, "no enrolment token configured")
        answer = with_retries(
            lambda: self.client.enroll(token, identity), self.policy, self.sleep, self.rand
        )
        result = enrolment_outcome(answer)
        if isinstance(result, EnrolmentFailure):
            return result
        self._remember_enrolment(result)
        return None

    def _remember_enrolment(self, enrolment: Enrolment) -> None:
        self.state = self.state.enrolled(enrolment.credential, enrolment.agent_id)
        self.store.save(self.state)
        log.info("enrolled with the collector as agent %s", enrolment.agent_id)

    def _auth_lost(self) -> CycleResult:
        log.error(
            "the collector refused this agent's credential and it could not re-enrol: "
            "set ASETIK_ENROLL_TOKEN to a valid token; documents stay spooled"
        )
        return CycleResult(EXIT_FAILED, fatal=True)

    # -- sending ---------------------------------------------------------------------------

    def _send(self, body: bytes, identity: Mapping[str, Any]) -> Delivery:
        """Send one body, re-enrolling once per cycle when the credential is refused."""
        delivery = self._post(body)
        if delivery.outcome is not Outcome.UNAUTHORIZED or self._reenrolled:
            return delivery
        self._reenrolled = True
        log.warning("collector refused the credential (%s); forgetting it", delivery.detail)
        self.state = self.state.forgotten()
        self.store.save(self.state)
        failure = self._enrol(identity)
        if failure is not None:
            log.error("re-enrolment failed (%s)", failure.detail)
            return delivery
        return self._post(body)

    def _post(self, body: bytes) -> Delivery:
        credential = self.state.credential
        if credential is None:
            return Delivery(Outcome.UNAUTHORIZED, detail="no credential")
        answer = with_retries(
            lambda: self.client.send_observation(body, credential),
            self.policy,
            self.sleep,
            self.rand,
        )
        return observation_outcome(answer)

    def _acknowledge(self, document: Mapping[str, Any], delivery: Delivery) -> None:
        source = document["source"]
        consistent = _omitted_consistent(document, self.state.acknowledged)
        self.state = self.state.accepted(
            source["section_hashes"],
            full=bool(source["full"]),
            full_required=delivery.full_required or not consistent,
        )
        self.store.save(self.state)

    def _drop_rejected(self, what: str, delivery: Delivery) -> None:
        log.error(
            "collector rejected %s (%s); dropped, next document is full", what, delivery.detail
        )
        self.state = self.state.requiring_full()
        self.store.save(self.state)

    # -- the spool -------------------------------------------------------------------------

    def _flush_spool(self, identity: Mapping[str, Any]) -> _Flush:
        replayed = 0
        for path in self.spool.pending():
            try:
                spooled = self.spool.load(path)
            except CorruptSpoolError as exc:
                self.spool.quarantine(path, str(exc))
                continue
            delivery = self._send(spooled.body, identity)
            if delivery.outcome is Outcome.UNAUTHORIZED:
                return _Flush(replayed, reachable=False, auth_lost=True)
            if delivery.outcome is Outcome.UNAVAILABLE:
                log.warning("spool replay stopped: %s", delivery.detail)
                return _Flush(replayed, reachable=False)
            if delivery.delivered:
                self._acknowledge(spooled.document, delivery)
                replayed += 1
            else:
                self._drop_rejected(f"spooled document {path.name}", delivery)
            self.spool.remove(path)
        return _Flush(replayed)

    def _spool_new(self, collected: Collected, reason: str) -> None:
        document = self._build(collected)
        path = self.spool.put(document)
        size = path.stat().st_size if path.exists() else 0
        waiting = len(self.spool.files())
        _log_document(logging.WARNING, document, size, f"{reason}, spooled ({waiting} waiting)")

    # -- the new document ------------------------------------------------------------------

    def _build(self, collected: Collected) -> dict[str, Any]:
        full = self.state.needs_full(self.config.full_every)
        return build_observation(
            collected,
            collected_at=self.clock(),
            acknowledged=None if full else self.state.acknowledged,
            site=self.config.site,
            submission_id=str(uuid.uuid4()),
        )

    def _send_new(
        self, collected: Collected, identity: Mapping[str, Any], replayed: int
    ) -> CycleResult:
        document = self._build(collected)
        body = compress_document(document)
        delivery = self._send(body, identity)
        if delivery.outcome is Outcome.UNAUTHORIZED:
            self.spool.put(document)
            return self._auth_lost()
        self._log_cycle(document, len(body), delivery, replayed)
        if delivery.delivered:
            self._acknowledge(document, delivery)
            return CycleResult(EXIT_OK)
        if delivery.outcome is Outcome.REJECTED:
            self._drop_rejected("this run's document", delivery)
            return CycleResult(EXIT_FAILED)
        self.spool.put(document)
        return CycleResult(EXIT_OK)

    def _log_cycle(
        self, document: Mapping[str, Any], size: int, delivery: Delivery, replayed: int
    ) -> None:
        result = {
            Outcome.UNAVAILABLE: "collector unavailable, spooled",
            Outcome.REJECTED: "rejected, dropped",
        }.get(delivery.outcome, delivery.outcome.value)
        _log_document(
            logging.INFO if delivery.delivered else logging.WARNING,
            document,
            size,
            result + (f" ({delivery.detail})" if delivery.detail else ""),
        )
        if replayed:
            log.info("%d spooled document(s) replayed", replayed)


# -- the loop ------------------------------------------------------------------------------


@contextlib.contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """SIGTERM/SIGINT set ``stop`` (the loop ends between cycles); handlers restored after.

    Only the main thread may install handlers; elsewhere this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def request_stop(signum: int, frame: FrameType | None) -> None:
        log.info("signal %d received: stopping after this cycle", signum)
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def next_delay(interval: int, rand: random.Random) -> float:
    """The interval with ±10 % jitter, so hosts drift apart instead of calling in step."""
    return interval * (1.0 + rand.uniform(-INTERVAL_JITTER, INTERVAL_JITTER))


def initial_splay(interval: int, rand: random.Random) -> float:
    """A random wait before the first cycle (up to the interval, at most 10 minutes)."""
    return rand.uniform(0.0, min(float(interval), INITIAL_SPLAY_MAX_S))


def _waiting_on(stop: threading.Event) -> Sleep:
    def wait(seconds: float) -> None:
        stop.wait(seconds)

    return wait


def _cycle_safely(runner: CycleRunner) -> CycleResult:
    try:
        return runner.run_cycle()
    except OSError as exc:  # a full disk or unwritable directory: report, try again next cycle
        log.error("cycle failed (state or spool directory): %s", exc)
        return CycleResult(EXIT_FAILED)


def _loop(runner: CycleRunner, interval: int, stop: threading.Event, sleep: Sleep) -> int:
    sleep(initial_splay(interval, runner.rand))
    while not stop.is_set():
        result = _cycle_safely(runner)
        if result.fatal:
            return result.status
        if stop.is_set():
            break
        sleep(next_delay(interval, runner.rand))
    log.info("stopped")
    return EXIT_OK


def run_agent(
    config: AgentConfig,
    once: bool = False,
    *,
    host: Host | None = None,
    probes: Mapping[str, Probe] | None = None,
    clock: Clock | None = None,
    sleep: Sleep | None = None,
    rand: random.Random | None = None,
    stop: threading.Event | None = None,
    client: CollectorClient | None = None,
) -> int:
    """Run the agent: one cycle with ``once``, else cycles until SIGTERM/SIGINT or ``stop``.

    ``sleep`` serves both the retry backoff and the wait between cycles; by default it waits on
    ``stop`` so a signal ends the wait at once. Returns the process exit status: 0 when the
    document was delivered or spooled, 1 on enrolment or delivery failure, 2 when the agent
    has neither a credential nor an enrolment token.
    """
    stop = stop or threading.Event()
    runner = CycleRunner(
        config,
        host=host or live_host(cache_dir=config.state_dir / "cache"),
        probes=probes,
        client=client
        or CollectorClient(config.collector_url, ca_bundle=config.ca_bundle, proxy=config.proxy),
        clock=clock or (lambda: datetime.now(UTC)),
        sleep=sleep or _waiting_on(stop),
        rand=rand or random.Random(),  # noqa: S311 - jitter, not cryptography
    )
    if once:
        return _cycle_safely(runner).status
    with stop_on_signals(stop):
        return _loop(runner, config.interval, stop, runner.sleep)
