"""The register's tables as SQLAlchemy 2 typed models; only this adapter imports them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Section contents are written whole and read whole, never queried inside: plain JSON (text)
# costs PostgreSQL far less to store than JSONB's parse into its binary form.
Json = JSON()
Id = BigInteger().with_variant(Integer(), "sqlite")  # SQLite's rowid alias must be INTEGER


class UtcDateTime(TypeDecorator[datetime]):
    """Timestamps stored in UTC and read back timezone-aware on every database: SQLite keeps
    no offset and returns naive values, which would otherwise leak into the services."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return value.astimezone(UTC) if value is not None and value.tzinfo else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


When = UtcDateTime()


class Base(DeclarativeBase):
    pass


class SiteRow(Base):
    """A site or unit: Pusdatin, a central work unit or a regional office (UPT)."""

    __tablename__ = "sites"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"))
    created_at: Mapped[datetime] = mapped_column(When)


class EnrolmentTokenRow(Base):
    """A token an agent or poller exchanges once for its own credential (stored hashed)."""

    __tablename__ = "enrolment_tokens"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(When)
    expires_at: Mapped[datetime] = mapped_column(When)
    max_uses: Mapped[int | None] = mapped_column(Integer)
    used_count: Mapped[int] = mapped_column(Integer, default=0)
    revoked_at: Mapped[datetime | None] = mapped_column(When)


class CredentialRow(Base):
    """An enrolled agent's or poller's credential (stored hashed, revocable)."""

    __tablename__ = "credentials"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    token_id: Mapped[int | None] = mapped_column(ForeignKey("enrolment_tokens.id"))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    label: Mapped[str | None] = mapped_column(String(256))
    asset_id: Mapped[int | None] = mapped_column(ForeignKey("assets.id"))
    created_at: Mapped[datetime] = mapped_column(When)
    last_used_at: Mapped[datetime | None] = mapped_column(When)
    revoked_at: Mapped[datetime | None] = mapped_column(When)


class AssetRow(Base):
    """One ICT asset of the register, with its state-property (BMN) identifiers."""

    __tablename__ = "assets"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    name: Mapped[str | None] = mapped_column(String(256), index=True)
    vendor: Mapped[str | None] = mapped_column(String(256))
    model: Mapped[str | None] = mapped_column(String(256))
    serial: Mapped[str | None] = mapped_column(String(256))
    os_name: Mapped[str | None] = mapped_column(String(256))
    os_version: Mapped[str | None] = mapped_column(String(256))
    kode_barang: Mapped[str | None] = mapped_column(String(64))
    nup: Mapped[str | None] = mapped_column(String(32))
    kondisi: Mapped[str | None] = mapped_column(String(16))
    purchase_date: Mapped[date | None] = mapped_column(Date)
    warranty_until: Mapped[date | None] = mapped_column(Date)
    owner: Mapped[str | None] = mapped_column(String(256))
    pic: Mapped[str | None] = mapped_column(String(256))
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)
    first_seen: Mapped[datetime] = mapped_column(When)
    last_seen: Mapped[datetime] = mapped_column(When, index=True)
    last_source: Mapped[str] = mapped_column(String(16))


class AssetKeyRow(Base):
    """An identity key value an asset carries (UUID, serial, machine-id, disk serial, MAC...)."""

    __tablename__ = "asset_keys"
    __table_args__ = (
        UniqueConstraint("asset_id", "source", "kind", "value"),
        Index("ix_asset_keys_value", "value", "kind"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(16))  # each source kind keeps its own keys
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(300))


class AssetSectionRow(Base):
    """The current content of one observation section of an asset, with its content hash."""

    __tablename__ = "asset_sections"
    asset_id: Mapped[int] = mapped_column(
        ForeignKey("assets.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    hash: Mapped[str | None] = mapped_column(String(32))
    content: Mapped[Any] = mapped_column(Json)
    source: Mapped[str] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(When)


class ObservationRow(Base):
    """One accepted observation document: the idempotency record per submission id."""

    __tablename__ = "observations"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    submission_id: Mapped[str] = mapped_column(String(36), unique=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"), index=True)
    credential_id: Mapped[int | None] = mapped_column(ForeignKey("credentials.id"))
    source_kind: Mapped[str] = mapped_column(String(16))
    full: Mapped[bool] = mapped_column(Boolean)
    sections: Mapped[Any] = mapped_column(Json)
    size_bytes: Mapped[int] = mapped_column(Integer)
    collected_at: Mapped[datetime] = mapped_column(When)
    received_at: Mapped[datetime] = mapped_column(When)


class SoftwareRow(Base):
    """The normalised software catalogue: one row per product name and publisher."""

    __tablename__ = "software"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    key: Mapped[str] = mapped_column(String(600), unique=True)
    name: Mapped[str] = mapped_column(String(256), index=True)
    publisher: Mapped[str | None] = mapped_column(String(256))


class InstallationRow(Base):
    """A catalogue product installed on an asset, in one version and architecture."""

    __tablename__ = "installations"
    # No foreign keys (migrations 0002, 0005): ~800 rows per inventory, and the per-row checks
    # were most of the database time of a first inventory. Ingest writes installations only
    # beside their asset, in one transaction, and the catalogue is append-only. seq numbers the
    # versions an asset has of one product (several kernels are real).
    asset_id: Mapped[int] = mapped_column(Id, primary_key=True)
    software_id: Mapped[int] = mapped_column(Id, primary_key=True, index=True)
    seq: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    display_name: Mapped[str] = mapped_column(String(256))
    version: Mapped[str | None] = mapped_column(String(256))
    arch: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(16))
    install_date: Mapped[date | None] = mapped_column(Date)


class DiskRow(Base):
    """A disk of an asset with its latest health reading."""

    __tablename__ = "disks"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(256))
    model: Mapped[str | None] = mapped_column(String(256))
    serial: Mapped[str | None] = mapped_column(String(256), index=True)
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    type: Mapped[str | None] = mapped_column(String(16))
    health: Mapped[str | None] = mapped_column(String(16))
    temperature_c: Mapped[float | None]
    power_on_hours: Mapped[int | None] = mapped_column(BigInteger)


class InterfaceRow(Base):
    """A network interface of an asset."""

    __tablename__ = "interfaces"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(256))
    mac: Mapped[str | None] = mapped_column(String(17), index=True)
    addresses: Mapped[Any] = mapped_column(Json)
    speed_mbps: Mapped[int | None] = mapped_column(BigInteger)
    up: Mapped[bool | None] = mapped_column(Boolean)


class ChangeRow(Base):
    """Append-only history: what changed on an asset, when, and which source saw it."""

    __tablename__ = "changes"
    __table_args__ = (Index("ix_changes_asset_at", "asset_id", "at"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(When)
    source: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(300))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)


class ConflictRow(Base):
    """An identity conflict found at ingest: visible, never silently merged."""

    __tablename__ = "identity_conflicts"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(64))
    other_asset_ids: Mapped[Any] = mapped_column(Json)
    keys: Mapped[Any] = mapped_column(Json)
    detail: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(When)
    resolved_at: Mapped[datetime | None] = mapped_column(When)


class UserRow(Base):
    """An operator of the collector: role and, for a UPT's staff, the site they may see."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"))
    password_hash: Mapped[str | None] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(When)
    disabled_at: Mapped[datetime | None] = mapped_column(When)


class WebSessionRow(Base):
    """A web UI login: the cookie's token stored hashed, the form token (CSRF) of the session,
    and when it ends (idle or absolute limit, whichever comes first)."""

    __tablename__ = "web_sessions"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(When)
    last_seen_at: Mapped[datetime] = mapped_column(When)
    expires_at: Mapped[datetime] = mapped_column(When, index=True)


class LoginAttemptRow(Base):
    """Failed web logins of one user name from one client address, counted in a window that
    starts at the first failure (a shared table, so every replica sees the same count)."""

    __tablename__ = "login_attempts"
    user_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    window_start: Mapped[datetime] = mapped_column(When)


class ApiTokenRow(Base):
    """A user's API token (stored hashed; shown once)."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(When)
    revoked_at: Mapped[datetime | None] = mapped_column(When)


class PollCredentialRow(Base):
    """A named SNMP or SSH credential the pollers try; its secrets sealed
    (collector/adapters/sealing)."""

    __tablename__ = "poll_credentials"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    protocol: Mapped[str] = mapped_column(String(8))  # snmp, ssh
    version: Mapped[str] = mapped_column(String(8))  # v2c, v3; ssh: password, key
    user: Mapped[str | None] = mapped_column(String(64))  # v3 user, SSH user name
    auth_protocol: Mapped[str | None] = mapped_column(String(16))
    priv_protocol: Mapped[str | None] = mapped_column(String(16))
    key_file: Mapped[str | None] = mapped_column(String(512))  # SSH private key on the poller
    legacy_algorithms: Mapped[bool] = mapped_column(Boolean, default=False)
    sealed: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(When)


class PollTargetRow(Base):
    """A host, HOST:PORT or range a site's poller covers, with the credential names to try."""

    __tablename__ = "poll_targets"
    __table_args__ = (UniqueConstraint("site_id", "protocol", "spec"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    protocol: Mapped[str] = mapped_column(String(8))
    spec: Mapped[str] = mapped_column(String(128))
    device_type: Mapped[str | None] = mapped_column(String(64))  # SSH only
    credentials: Mapped[list[str]] = mapped_column(Json)
    updated_at: Mapped[datetime] = mapped_column(When)


class PollFindingRow(Base):
    """Something a poller met that ops must look at (a changed SSH host key): one open row per
    site, address, protocol and kind, its last_seen moved by every repeat; resolved when ops
    act (an accepted key is kept in ``accepted``)."""

    __tablename__ = "poll_findings"
    __table_args__ = (Index("ix_poll_findings_open", "site_id", "address", "kind", "resolved_at"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    address: Mapped[str] = mapped_column(String(80))  # host:port
    protocol: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(32))
    pinned: Mapped[str | None] = mapped_column(String(128))
    seen: Mapped[str | None] = mapped_column(String(128))
    occurrences: Mapped[int] = mapped_column(Integer, default=1)
    first_seen: Mapped[datetime] = mapped_column(When)
    last_seen: Mapped[datetime] = mapped_column(When)
    resolved_at: Mapped[datetime | None] = mapped_column(When)
    resolved_by: Mapped[str | None] = mapped_column(String(64))
    accepted: Mapped[str | None] = mapped_column(String(128))


# A ticket in one of these statuses holds its (asset, rule, subject) key (collector/domain/
# tickets.py OPEN); the partial unique index below allows one such ticket per key.
OPEN_TICKET = text("status NOT IN ('closed', 'auto_resolved')")


class TicketRow(Base):
    """A maintenance need of an asset found by a rule, tracked from New to Closed."""

    __tablename__ = "tickets"
    __table_args__ = (
        Index("ux_tickets_open_key", "asset_id", "rule", "subject", unique=True,
              postgresql_where=OPEN_TICKET, sqlite_where=OPEN_TICKET),
        Index("ix_tickets_key", "asset_id", "rule", "subject"),
        Index("ix_tickets_status", "status"),
    )  # fmt: skip
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"))
    rule: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(300))
    severity: Mapped[str] = mapped_column(String(16))
    maintenance: Mapped[str] = mapped_column(String(32))
    message_id: Mapped[str] = mapped_column(Text)
    message_en: Mapped[str] = mapped_column(Text)
    evidence: Mapped[Any] = mapped_column(Json)
    status: Mapped[str] = mapped_column(String(16))
    first_seen: Mapped[datetime] = mapped_column(When)
    last_seen: Mapped[datetime] = mapped_column(When)
    updated_at: Mapped[datetime] = mapped_column(When)
    resolved_at: Mapped[datetime | None] = mapped_column(When)
    reopened: Mapped[int] = mapped_column(Integer, default=0)
    pic: Mapped[str | None] = mapped_column(String(256))
    reason: Mapped[str | None] = mapped_column(Text)  # why it was rejected
    merged_into: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))


class TicketEventRow(Base):
    """Append-only history of a ticket: who moved it, when, from and to which status, why."""

    __tablename__ = "ticket_events"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(When)
    actor: Mapped[str] = mapped_column(String(64))  # a user name or "system"
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    changes: Mapped[Any] = mapped_column(Json, nullable=True)  # evidence/severity before→after


class AssetTrendRow(Base):
    """One reading of a metric a rule follows over time (volume used, reallocated sectors),
    at most one per metric per asset per the rules file's trend interval."""

    __tablename__ = "asset_trends"
    __table_args__ = (Index("ix_asset_trends_asset_metric_at", "asset_id", "metric", "at"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"))
    metric: Mapped[str] = mapped_column(String(300))  # "metric:subject"
    at: Mapped[datetime] = mapped_column(When)
    value: Mapped[float]


# --- Working-day calendar, maintenance plans, work orders and their execution (SOP 2-3) -----
#
# calendar_overrides  one row per date an administrator declared working (working=true) or not
#                     (false), overriding weekends and the holiday list; reason, who, when.
# plans               a site's maintenance plan for a period ("2026", "2026-S2", "2026-Q3",
#                     "2026-07": starts_on..ends_on, both inclusive). state: draft → submitted →
#                     approved → active → closed (a submitted plan may go back to draft); each
#                     move sets its <move>_by / <move>_at pair (submitted_*, approved_*,
#                     activated_*, closed_*); a plan returned to draft keeps its earlier ones.
# plan_items          one asset's maintenance within a plan: kind (maintenance: a finding's
#                     Maintenance value or a preventive kind), source (ticket, template, manual),
#                     ticket_id when made from a ticket; schedule: starts_on alone (one date) or
#                     every N unit (days/weeks/months/years) from starts_on until repeat_until
#                     (else the plan's end); on_non_working: next, previous, skip or keep; pic;
#                     executor own or vendor (+ vendor, contract_ref); estimated_cost in whole
#                     rupiah; kode_barang / nup: the asset's BMN reference when the item was made.
# work_orders         one per occurrence of an item: occurs_on is the schedule's date (unique
#                     with item_id, so a generator run twice or at once makes it once), due_on the
#                     working day it is due (moved per on_non_working). status: open → done.
# work_executions     what the executor recorded for a done work order (one per work order):
#                     done_on, summary, outcome (fixed, partial, not_fixed, replaced), cost in
#                     rupiah, kondisi_after (Baik / Rusak Ringan / Rusak Berat, also written to the
#                     asset), notes, recorded_by / recorded_at.
# work_parts          parts replaced in an execution: name, serial_removed, serial_installed.
# work_attachments    files kept as evidence of a work order: stored under the data directory
#                     (stored_as, relative), media_type told by the content, size, sha256.
# evaluations         the M&E record (SOP 4) of a site and reporting period (period: the reports'
#                     code, "2026", "2026-H2", "2026-Q3", "2026-07"; one per site and period):
#                     evaluator with NIP and title, evaluated_on (the date the M&E ≤ 5 HK standard
#                     is measured by), conclusions, follow_ups (JSON list of {action, pic, due}),
#                     recorded_by / recorded_at of the latest write (a rewrite replaces it).


class CalendarOverrideRow(Base):
    """An administrator's decision that a date is (not) a working day."""

    __tablename__ = "calendar_overrides"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    working: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(When)


class PlanRow(Base):
    """A site's maintenance plan for a period (SOP step 2)."""

    __tablename__ = "plans"
    __table_args__ = (Index("ix_plans_site_period", "site_id", "period"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    period: Mapped[str] = mapped_column(String(16))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(300))
    state: Mapped[str] = mapped_column(String(16), index=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(When)
    updated_at: Mapped[datetime] = mapped_column(When)
    submitted_by: Mapped[str | None] = mapped_column(String(64))
    submitted_at: Mapped[datetime | None] = mapped_column(When)
    approved_by: Mapped[str | None] = mapped_column(String(64))
    approved_at: Mapped[datetime | None] = mapped_column(When)
    activated_by: Mapped[str | None] = mapped_column(String(64))
    activated_at: Mapped[datetime | None] = mapped_column(When)
    closed_by: Mapped[str | None] = mapped_column(String(64))
    closed_at: Mapped[datetime | None] = mapped_column(When)


class PlanItemRow(Base):
    """One asset's maintenance in a plan, with its schedule, PIC, executor and cost."""

    __tablename__ = "plan_items"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("assets.id"), index=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    maintenance: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(16))
    description: Mapped[str | None] = mapped_column(Text)
    starts_on: Mapped[date] = mapped_column(Date)
    every: Mapped[int | None] = mapped_column(Integer)
    unit: Mapped[str | None] = mapped_column(String(8))
    repeat_until: Mapped[date | None] = mapped_column(Date)
    on_non_working: Mapped[str] = mapped_column(String(8))
    pic: Mapped[str] = mapped_column(String(256))
    executor: Mapped[str] = mapped_column(String(8))
    vendor: Mapped[str | None] = mapped_column(String(256))
    contract_ref: Mapped[str | None] = mapped_column(String(128))
    estimated_cost: Mapped[int] = mapped_column(BigInteger)
    kode_barang: Mapped[str | None] = mapped_column(String(64))
    nup: Mapped[str | None] = mapped_column(String(32))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(When)


class WorkOrderRow(Base):
    """One occurrence of a plan item to carry out (SOP step 3)."""

    __tablename__ = "work_orders"
    __table_args__ = (
        UniqueConstraint("item_id", "occurs_on", name="uq_work_orders_item_occurs_on"),
        Index("ix_work_orders_status_due_on", "status", "due_on"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("plan_items.id", ondelete="CASCADE"))
    occurs_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(When)
    done_at: Mapped[datetime | None] = mapped_column(When)


class WorkExecutionRow(Base):
    """What was done for a work order, by whom, with what outcome."""

    __tablename__ = "work_executions"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    work_order_id: Mapped[int] = mapped_column(
        ForeignKey("work_orders.id", ondelete="CASCADE"), unique=True
    )
    done_on: Mapped[date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(16))
    cost: Mapped[int] = mapped_column(BigInteger)
    kondisi_after: Mapped[str] = mapped_column(String(16))
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(When)


class WorkPartRow(Base):
    """A part replaced during an execution, with the serials out and in."""

    __tablename__ = "work_parts"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    execution_id: Mapped[int] = mapped_column(
        ForeignKey("work_executions.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(256))
    serial_removed: Mapped[str | None] = mapped_column(String(256))
    serial_installed: Mapped[str | None] = mapped_column(String(256))


class WorkAttachmentRow(Base):
    """A file kept as evidence of a work order (photo, vendor report)."""

    __tablename__ = "work_attachments"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    work_order_id: Mapped[int] = mapped_column(
        ForeignKey("work_orders.id", ondelete="CASCADE"), index=True
    )
    file_name: Mapped[str] = mapped_column(String(256))
    media_type: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    stored_as: Mapped[str] = mapped_column(String(300))
    uploaded_by: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(When)


class NotificationSettingsRow(Base):
    """Where a site's new critical tickets are announced: a signed webhook, an e-mail digest.

    ``*_since`` is when a channel was switched on: only tickets that become critical from then
    on are announced on it (switching on is not a flood of old tickets)."""

    __tablename__ = "notification_settings"
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"),
                                         primary_key=True)  # fmt: skip
    webhook_url: Mapped[str | None] = mapped_column(String(2000))
    webhook_secret: Mapped[str | None] = mapped_column(Text)  # sealed (SecretBox)
    webhook_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    webhook_since: Mapped[datetime | None] = mapped_column(When)
    email_to: Mapped[Any] = mapped_column(Json, nullable=True)  # list of addresses
    email_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    email_since: Mapped[datetime | None] = mapped_column(When)
    language: Mapped[str] = mapped_column(String(2), default="id")
    digest_sent_at: Mapped[datetime | None] = mapped_column(When)
    created_at: Mapped[datetime] = mapped_column(When)
    updated_at: Mapped[datetime] = mapped_column(When)


class NotificationDeliveryRow(Base):
    """One announcement of one ticket becoming critical on one channel: unique per (ticket,
    occurrence = the ticket's reopen count, channel), so it is made once, whoever claims it."""

    __tablename__ = "notification_deliveries"
    __table_args__ = (
        UniqueConstraint("ticket_id", "occurrence", "channel",
                         name="ux_notification_deliveries_key"),
        Index("ix_notification_deliveries_due", "channel", "state", "next_attempt_at"),
        Index("ix_notification_deliveries_site", "site_id", "channel", "state"),
    )  # fmt: skip
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    occurrence: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(16))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    delivery_id: Mapped[str] = mapped_column(String(36), unique=True)  # X-Asetik-Delivery
    state: Mapped[str] = mapped_column(String(16))
    payload: Mapped[str] = mapped_column(Text)  # the JSON body, fixed when the row is made
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(When)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(When)
    delivered_at: Mapped[datetime | None] = mapped_column(When)


class EvaluationRow(Base):
    """A site's monitoring & evaluation record for a reporting period."""

    __tablename__ = "evaluations"
    __table_args__ = (UniqueConstraint("site_id", "period", name="uq_evaluations_site_period"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    period: Mapped[str] = mapped_column(String(16))
    evaluator: Mapped[str] = mapped_column(String(256))
    evaluator_nip: Mapped[str | None] = mapped_column(String(32))
    evaluator_title: Mapped[str | None] = mapped_column(String(256))
    evaluated_on: Mapped[date] = mapped_column(Date)
    conclusions: Mapped[str] = mapped_column(Text)
    follow_ups: Mapped[Any] = mapped_column(Json)
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(When)
