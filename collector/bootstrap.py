"""The one place the collector is wired: configuration → engine → services → metrics."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry
from pysnmp.hlapi.v3arch.asyncio import SnmpEngine
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from agent import __version__
from collector.adapters.db.engine import open_engine, session_factory
from collector.adapters.db.leadership import METRICS_GAUGES, Leadership
from collector.adapters.db.migrate import require_current
from collector.adapters.metrics import (
    FleetGauges,
    IngestMetrics,
    NotificationMetrics,
    new_registry,
    register_build_info,
)
from collector.adapters.sealing import SecretBox, load_key
from collector.adapters.smtp import SmtpMailer
from collector.adapters.snmp.client import Budget, PysnmpReader
from collector.adapters.snmp.credentials import Credential
from collector.adapters.snmp.observe import observe_device
from collector.adapters.snmp.profile import PROFILES, load_profiles
from collector.adapters.snmp.reader import SnmpReader
from collector.adapters.snmp.targets import TargetPlan
from collector.adapters.ssh.catalogue import cli_parsers
from collector.adapters.ssh.detect import DeviceTypeMemory
from collector.adapters.ssh.hostkeys import HostKeyChangedError, HostKeyPolicy, HostKeyStore
from collector.adapters.ssh.key_approvals import AcceptedKeyChanges
from collector.adapters.ssh.pinned import PinnedSessions
from collector.adapters.ssh.profile import PROFILES as SSH_PROFILES
from collector.adapters.ssh.profile import load_ssh_profiles
from collector.adapters.ssh.session import SshSessions
from collector.adapters.webhook import AiohttpPoster, WebhookPoster
from collector.config import CollectorConfig
from collector.domain.fleet import StaleAfter
from collector.domain.kpis import WorkingDays
from collector.domain.rules.catalogue import RULE_SECTIONS
from collector.ingest.decode import BodyLimits
from collector.ingest.validate import compile_observation_validator
from collector.services.attachments import AttachmentStore
from collector.services.enrolment import Caller, EnrolmentService
from collector.services.evaluations import EvaluationService
from collector.services.fleet_summary import read_fleet_summary
from collector.services.ingest import NOT_SECTIONS, IngestResult, IngestService
from collector.services.notification_dispatch import DispatchSettings, NotificationDispatcher
from collector.services.notification_outbox import NotificationOutbox
from collector.services.notification_settings import NotificationSettings
from collector.services.plans import PlanService
from collector.services.poll_findings import PollFindingService
from collector.services.poll_targets import PollTargetService
from collector.services.polling import CredentialMemory, SnmpPoller
from collector.services.preventive_templates import load_templates
from collector.services.register import RegisterQueries
from collector.services.report_records import DatabaseReportSource
from collector.services.reports import ReportService, ReportSource
from collector.services.rules_config import load_rules
from collector.services.ssh_polling import SshPoller
from collector.services.tickets import TicketService
from collector.services.users import UserService
from collector.services.web_sessions import WebSessionService
from collector.services.work_execution import ExecutionService
from collector.services.work_orders import WorkOrderService
from collector.services.work_verification import WorkVerification
from collector.services.workday_calendar import CalendarService, calendar_working_days

Clock = Callable[[], datetime]
log = logging.getLogger("asetik.collector")


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Services:
    """Everything the entrypoints call, built once per process."""

    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock
    enrolment: EnrolmentService
    ingest: IngestService
    users: UserService
    register: RegisterQueries
    registry: CollectorRegistry
    metrics: IngestMetrics
    limits: BodyLimits
    poll_targets: PollTargetService
    poll_findings: PollFindingService
    tickets: TicketService
    gauge_leadership: Leadership
    reports: ReportService
    evaluations: EvaluationService
    calendar: CalendarService
    plans: PlanService
    work_orders: WorkOrderService
    executions: ExecutionService
    verification: WorkVerification
    attachments: AttachmentStore
    notification_settings: NotificationSettings
    outbox: NotificationOutbox
    notification_metrics: NotificationMetrics
    web_sessions: WebSessionService
    stale_after: StaleAfter  # when an asset counts as stale (the rules' [presence] table)

    def ingest_observation(
        self, document: dict[str, Any], caller: Caller, size: int
    ) -> IngestResult:
        """Store an observation, then (its transaction committed, in the same thread) bring
        the asset's tickets up to date when the observation changed something, and decide its
        finished work (tickets in status done) when it has some."""
        result = self.ingest.ingest(document, caller, size)
        sent = {k: v for k, v in document.items() if k not in NOT_SECTIONS}
        counts = self.tickets.after_ingest(result, sent)
        if counts is not None and counts.awaiting:
            self._verify([result.asset_id])
        return result

    def _verify(self, asset_ids: list[int]) -> None:
        """Finished tickets of an asset just inventoried and evaluated: confirmed or reopened
        (the ingest is committed: a fault here is logged, never raised)."""
        try:
            self.verification.after_evaluation(asset_ids)
        except Exception:
            log.exception("konfirmasi pemeliharaan gagal untuk aset %s", asset_ids)

    def database_ok(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception:  # noqa: BLE001 - health says no rather than failing
            return False
        return True

    def close(self) -> None:
        self.gauge_leadership.release()
        self.engine.dispose()


def prepare_data_dir(config: CollectorConfig) -> None:
    """The data directory exists (the SQLite file and generated keys live there)."""
    config.data_dir.mkdir(parents=True, exist_ok=True, mode=0o750)


def build_services(
    config: CollectorConfig,
    clock: Clock = utc_now,
    *,
    check_schema: bool = True,
    register_gauges: bool = True,
    report_source: ReportSource | None = None,
    working_days: WorkingDays | None = None,
) -> Services:
    """Services over the configured database; refuses an outdated schema when asked to, and
    a rules file it cannot use (RulesFileError). ``register_gauges`` puts the register's
    aggregates on the metrics registry (``serve`` does; the poll process has its own).
    Reports read the plans tables and count working days with the holiday calendar and its
    overrides unless another ``report_source`` or ``working_days`` is given (tests)."""
    prepare_data_dir(config)
    rules = load_rules(config.data_dir)
    templates = load_templates(config.data_dir)
    engine = open_engine(config.db_url)
    if check_schema:
        require_current(engine)
    sessions = session_factory(engine)
    registry = new_registry()
    register_build_info(registry, __version__)
    leadership = Leadership(engine, METRICS_GAUGES)
    stale = StaleAfter.from_rules(rules["presence"])
    if register_gauges:
        registry.register(FleetGauges(lambda: read_fleet_summary(engine, clock(), stale),
                                      leadership.leads))  # fmt: skip
    calendar = CalendarService(sessions, clock)
    box = functools.cache(functools.partial(secret_box, config))  # the key file: on first use
    work_orders = WorkOrderService(sessions, clock)
    plans = PlanService(
        sessions,
        clock,
        templates,
        on_activate=lambda plan_id: work_orders.generate(plan_id=plan_id),
    )
    return Services(
        engine=engine,
        sessions=sessions,
        clock=clock,
        enrolment=EnrolmentService(sessions, clock),
        ingest=IngestService(engine, compile_observation_validator(), clock),
        users=UserService(sessions, clock),
        register=RegisterQueries(sessions),
        registry=registry,
        metrics=IngestMetrics(registry),
        limits=BodyLimits(config.max_body_bytes, config.max_document_bytes),
        poll_targets=PollTargetService(sessions, box, clock),
        poll_findings=PollFindingService(sessions, clock),
        tickets=TicketService(sessions, clock, rules, sections=RULE_SECTIONS),
        gauge_leadership=leadership,
        reports=ReportService(
            report_source or DatabaseReportSource(sessions),
            working_days or calendar_working_days(calendar, clock),
            clock,
        ),
        evaluations=EvaluationService(sessions, clock),
        calendar=calendar,
        plans=plans,
        work_orders=work_orders,
        executions=ExecutionService(sessions, clock),
        verification=WorkVerification(sessions, clock),
        attachments=AttachmentStore(
            sessions, clock, config.data_dir / "attachments", config.max_attachment_bytes
        ),
        notification_settings=NotificationSettings(sessions, box, clock),
        outbox=NotificationOutbox(sessions, box),
        notification_metrics=NotificationMetrics(registry),
        web_sessions=WebSessionService(sessions, clock),
        stale_after=stale,
    )


def build_dispatcher(
    config: CollectorConfig, services: Services, poster: WebhookPoster | None = None
) -> NotificationDispatcher:
    """The notification dispatcher over the services' outbox: webhooks through ``poster``
    (aiohttp's client by default), digests through the configured SMTP server (none: e-mail
    off, said once in the log)."""
    mailer = SmtpMailer(config.smtp) if config.smtp else None
    if mailer is None:
        log.info("ASETIK_SMTP_HOST tidak diatur: ringkasan e-mail tiket kritis mati")
    sender = config.smtp.sender if config.smtp else "asetik@localhost"
    settings = DispatchSettings(timedelta(minutes=config.digest_minutes), sender)
    return NotificationDispatcher(services.outbox, poster or AiohttpPoster(), mailer,
                                  services.clock, metrics=services.notification_metrics,
                                  settings=settings)  # fmt: skip


def secret_box(config: CollectorConfig) -> SecretBox:
    """The box that seals and unseals poller secrets with this collector's key."""
    prepare_data_dir(config)
    return SecretBox(load_key(config.secret_key, config.data_dir))


def build_snmp_poller(
    config: CollectorConfig,
    plan: TargetPlan,
    clock: Clock = utc_now,
    *,
    concurrency: int = 64,
    remember: bool = True,
) -> SnmpPoller:
    """The SNMP poller: one engine for every device, the profiles shipped in the package, and
    the remembered credentials in the data directory (not kept when remember is False)."""
    engine = SnmpEngine()
    budget = Budget(timeout=plan.timeout, retries=plan.retries)
    profiles = load_profiles(PROFILES)

    async def open_reader(address: tuple[str, int], credential: Credential) -> SnmpReader:
        return await PysnmpReader.open(engine, address, credential, budget)

    async def observe(reader: SnmpReader, **where: Any) -> dict[str, Any]:
        return await observe_device(reader, profiles, poller_version=__version__, **where)

    memory = CredentialMemory(config.data_dir / "snmp-credentials.json" if remember else None)
    return SnmpPoller(open_reader, observe, memory, clock, concurrency=concurrency)


def build_ssh_poller(
    config: CollectorConfig,
    clock: Clock = utc_now,
    *,
    concurrency: int = 32,
    remember: bool = True,
    host_keys: HostKeyPolicy | None = None,
    key_timeout: float = 10.0,
    findings: PollFindingService | None = None,
    profiles: Path = SSH_PROFILES,
) -> SshPoller:
    """The SSH poller: the shipped profiles, netmiko sessions in threads, host keys pinned on
    first use in the data directory (or checked against ``host_keys``, e.g. a known_hosts
    file), the remembered credentials and the device types found by autodetection (none
    kept when remember is False). With ``findings`` a changed host key is recorded there and
    a key change that ops accepted is pinned when the device presents that very key.
    ``profiles``: the folder of device profiles (the shipped ones by default)."""
    registry = load_ssh_profiles(profiles, cli_parsers())
    data = config.data_dir
    store = HostKeyStore(data / "ssh-host-keys.json" if remember else None)
    pins: HostKeyPolicy = host_keys or (
        AcceptedKeyChanges(store, findings.accepted_key) if findings else store
    )
    cache = data / "ssh-linux-cache" if remember else None
    ssh = PinnedSessions(SshSessions(concurrency), pins, key_timeout=key_timeout, linux_cache=cache)

    async def record(change: HostKeyChangedError) -> None:
        if findings is not None:
            await asyncio.to_thread(findings.record_host_key_change, change.site,
                                    change.address, change.pinned, change.seen)  # fmt: skip

    memory = CredentialMemory(data / "ssh-credentials.json" if remember else None)
    types = DeviceTypeMemory(data / "ssh-device-types.json" if remember else None)
    return SshPoller(registry, ssh.run_session, ssh.check_host_key,
                     observe_linux=ssh.observe_linux, memory=memory, clock=clock,
                     concurrency=concurrency, poller_version=__version__, detect=ssh.detect,
                     device_types=types, on_key_change=record)  # fmt: skip
