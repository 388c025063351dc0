"""A PostgreSQL login role for Grafana that may SELECT the grafana_* views and nothing else.

Migrations create the views (0011) but no role: the account running migrations may lack
CREATEROLE, and a password does not belong in a migration. ``asetik-collector db grafana-role``
calls :func:`ensure_grafana_role`, which creates the role or brings an existing one back to
exactly these rights (run it again after an upgrade that adds a view).

The views run with their owner's rights, so the role needs no right on the tables behind them:
``credentials``, ``users`` and the sealed secrets stay out of its reach.
"""

from __future__ import annotations

import re
from typing import Any

from psycopg import Cursor, sql
from sqlalchemy import Engine

from collector.errors import RegisterError

GRAFANA_VIEWS = (
    "grafana_stale_assets",
    "grafana_failing_disks",
    "grafana_printer_supplies_low",
    "grafana_open_tickets",
    "grafana_overdue_work_orders",
    "grafana_work_orders_done",
)
# A plain, unquoted-safe role name: no quoting tricks, no upper case that psql users then
# have to quote.
_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_RESERVED = re.compile(r"^(pg_|postgres$|public$|current_user$|session_user$)")


def check_role_name(name: str) -> str:
    """The name when it is a plain lower-case identifier that is not PostgreSQL's own."""
    if not _NAME.match(name) or _RESERVED.match(name):
        raise RegisterError(
            f"nama peran {name!r} tidak sah: huruf kecil, angka dan _ (maks. 63), bukan "
            "pg_*/postgres/public (invalid role name)"
        )
    return name


def ensure_grafana_role(engine: Engine, name: str, password: str) -> bool:
    """Create the login role or reset an existing one to SELECT on the views only; returns
    True when the role was created, False when an existing one was updated."""
    check_role_name(name)
    if engine.dialect.name != "postgresql":
        raise RegisterError(
            "peran Grafana hanya untuk PostgreSQL (Grafana reads PostgreSQL; SQLite has no roles)"
        )
    if not password:
        raise RegisterError("kata sandi peran kosong (empty password)")
    raw = engine.raw_connection()
    try:
        connection = raw.driver_connection
        if connection is None:  # pragma: no cover - a pooled connection always has one
            raise RegisterError("koneksi basis data tertutup (database connection closed)")
        with connection.transaction(), connection.cursor() as cursor:
            created = _create_or_reset(cursor, name, password)
            _grant_views_only(cursor, name)
        return created
    finally:
        raw.close()


def _create_or_reset(cursor: Cursor[Any], name: str, password: str) -> bool:
    cursor.execute(
        "SELECT rolsuper, rolname = current_user FROM pg_roles WHERE rolname = %s", [name]
    )
    found = cursor.fetchone()
    if found is not None and (found[0] or found[1]):
        raise RegisterError(
            f"peran {name} adalah superuser atau pemilik skema ini; pilih nama lain "
            "(refusing to restrict a superuser or the schema owner)"
        )
    verb = "CREATE" if found is None else "ALTER"
    cursor.execute(
        sql.SQL(
            "{} ROLE {} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION "
            "NOBYPASSRLS INHERIT PASSWORD {}"
        ).format(sql.SQL(verb), sql.Identifier(name), sql.Literal(password))
    )
    # Every session of the role is read-only, even if someone grants it more later.
    cursor.execute(
        sql.SQL("ALTER ROLE {} SET default_transaction_read_only = on").format(sql.Identifier(name))
    )
    return found is None


def _grant_views_only(cursor: Cursor[Any], name: str) -> None:
    cursor.execute("SELECT current_database(), current_schema()")
    row = cursor.fetchone()
    if row is None:  # pragma: no cover - the query always returns one row
        raise RegisterError("basis data tidak menjawab (no current database)")
    database, schema = sql.Identifier(row[0]), sql.Identifier(row[1])
    role = sql.Identifier(name)
    cursor.execute(
        "SELECT table_name FROM information_schema.views "
        "WHERE table_schema = current_schema() AND table_name = ANY(%s)",
        [list(GRAFANA_VIEWS)],
    )
    present = {found for (found,) in cursor.fetchall()}
    missing = [view for view in GRAFANA_VIEWS if view not in present]
    if missing:
        raise RegisterError(
            f"view {', '.join(missing)} belum ada; jalankan 'asetik-collector db upgrade' "
            "(run the migrations first)"
        )
    for statement in (
        "REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {role}",
        "REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {role}",
        "REVOKE ALL ON SCHEMA {schema} FROM {role}",
        "GRANT CONNECT ON DATABASE {database} TO {role}",
        "GRANT USAGE ON SCHEMA {schema} TO {role}",
    ):
        cursor.execute(sql.SQL(statement).format(schema=schema, role=role, database=database))
    for view in GRAFANA_VIEWS:
        cursor.execute(
            sql.SQL("GRANT SELECT ON {}.{} TO {}").format(schema, sql.Identifier(view), role)
        )
