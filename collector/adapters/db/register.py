"""Reading and writing the register inside one transaction (the service owns it)."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from sqlalchemy import (
    Connection,
    Insert,
    Table,
    bindparam,
    delete,
    func,
    insert,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects import postgresql

from collector.adapters.db.models import Base
from collector.adapters.db.upsert import insert_ignoring_conflicts, upsert_row
from collector.domain.installations import Numbered, copy_payload, row_values

INSTALLATION_COLUMNS = ("display_name", "version", "arch", "source", "install_date")
_COPY_INSTALLATIONS = (
    f"COPY installations (asset_id, software_id, seq, {', '.join(INSTALLATION_COLUMNS)}) FROM STDIN"
)
# Core statements on a connection: the ORM's per-statement machinery was most of the Python
# time of a small statement, and ingest runs a dozen of them per observation.
_INSERT_INSTALLATIONS = (
    "INSERT INTO installations (asset_id, software_id, seq, display_name, version, arch, source,"
    " install_date) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
_TABLES = Base.metadata.tables
_ASSETS = _TABLES["assets"]
_KEYS = _TABLES["asset_keys"]
_SECTIONS = _TABLES["asset_sections"]
_CREDENTIALS = _TABLES["credentials"]
_SITES = _TABLES["sites"]
_SOFTWARE = _TABLES["software"]
_INSTALLATIONS = _TABLES["installations"]
_DISKS = _TABLES["disks"]
_INTERFACES = _TABLES["interfaces"]
_CHANGES = _TABLES["changes"]
_CONFLICTS = _TABLES["identity_conflicts"]
_OBSERVATIONS = _TABLES["observations"]


@dataclass(frozen=True)
class StoredSection:
    hash: str | None
    content: Any


class RegisterRepository:
    """The register's tables as seen by one unit of work."""

    def __init__(self, connection: Connection) -> None:
        self._db = connection
        self._postgresql = self._db.dialect.name == "postgresql"
        # Assets added in this unit of work have no rows in the derived tables yet: rewriting
        # them needs no DELETE first (five statements fewer for a first inventory).
        self._created: set[int] = set()

    def keys_sharing(self, values: Iterable[tuple[str, str]]) -> dict[int, set[tuple[str, str]]]:
        """Every key of every asset that carries at least one of the (kind, value) pairs."""
        wanted = set(values)
        if not wanted:
            return {}
        hits = self._db.execute(_KEYS_WITH_VALUES, {"values": list({v for _, v in wanted})}).all()
        owners = {asset for asset, kind, value in hits if (kind, value) in wanted}
        if not owners:
            return {}
        found: dict[int, set[tuple[str, str]]] = {asset: set() for asset in owners}
        for asset, kind, value in self._db.execute(_KEYS_OF, {"assets": list(owners)}):
            found[asset].add((kind, value))
        return found

    def site_of(self, asset_id: int) -> tuple[int, str]:
        """The asset's site id and code."""
        row = self._db.execute(_SITE_OF, {"asset": asset_id}).one()
        return row[0], row[1]

    def under_review(self, asset_ids: Iterable[int]) -> list[int]:
        """Those of the assets that wait for an operator's review, lowest id first."""
        return sorted(
            self._db.scalars(
                select(_ASSETS.c.id).where(
                    _ASSETS.c.id.in_(list(asset_ids)), _ASSETS.c.needs_review
                )
            )
        )

    def create_asset(
        self, site_id: int, kind: str, source: str, now: datetime, review: bool
    ) -> int:
        values = {"site_id": site_id, "kind": kind, "status": "review" if review else "active",
                  "needs_review": review, "first_seen": now, "last_seen": now,
                  "last_source": source}  # fmt: skip
        asset_id = int(self._db.execute(_NEW_ASSET, values).scalar_one())
        self._created.add(asset_id)
        return asset_id

    def bound_sections(self, credential_id: int) -> tuple[int | None, dict[str, str | None]]:
        """The asset an agent credential is bound to and that asset's section hashes, in one
        query (the common case of an unchanged check-in needs nothing more to decide)."""
        rows = self._db.execute(_BOUND_SECTIONS, {"credential": credential_id}).all()
        if not rows or rows[0][0] is None:
            return None, {}
        return rows[0][0], {name: digest for _, name, digest in rows if name is not None}

    def section_hashes(self, asset_id: int) -> dict[str, str | None]:
        """The content hash of every section the register holds for the asset."""
        rows = self._db.execute(_SECTION_HASHES, {"asset": asset_id})
        return dict(rows.all())

    def section_contents(self, asset_id: int, names: Sequence[str]) -> dict[str, Any]:
        """The stored content of the named sections (only those: contents can be large)."""
        if not names:
            return {}
        rows = self._db.execute(_SECTION_CONTENTS, {"asset": asset_id, "names": list(names)})
        return dict(rows.all())

    def save_sections(
        self, asset_id: int, sections: Mapping[str, StoredSection], source: str, now: datetime
    ) -> None:
        if not sections:
            return
        rows = [
            {"asset_id": asset_id, "name": name, "hash": stored.hash,
             "content": stored.content, "source": source, "updated_at": now}
            for name, stored in sections.items()
        ]  # fmt: skip
        if list(sections) == ["status"]:  # the unchanged check-in: one upsert, no delete
            upsert_row(self._db, _SECTIONS, rows[0], ["asset_id", "name"])
            return
        if asset_id not in self._created:
            self._db.execute(_DELETE_SECTIONS, {"asset": asset_id, "names": list(sections)})
        self._db.execute(_INSERT[_SECTIONS.name], rows)

    def replace_keys(self, asset_id: int, source: str, keys: Iterable[tuple[str, str]]) -> None:
        """The keys one source kind reports for the asset; other sources' keys stay."""
        if asset_id not in self._created:
            self._db.execute(_DELETE_KEYS, {"asset": asset_id, "source": source})
        rows = [
            {"asset_id": asset_id, "source": source, "kind": k, "value": v}
            for k, v in sorted(set(keys))
        ]
        if rows:
            self._db.execute(_INSERT[_KEYS.name], rows)

    def software_ids(self, products: Mapping[str, tuple[str, str | None]]) -> dict[str, int]:
        """Catalogue ids by key, adding the products the catalogue does not have yet."""
        rows = [{"key": k, "name": n, "publisher": p} for k, (n, p) in products.items()]
        insert_ignoring_conflicts(self._db, _SOFTWARE, rows, ["key"])
        found: dict[str, int] = {}
        keys = list(products)
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            pairs = self._db.execute(_SOFTWARE_IDS, {"keys": chunk})
            found.update((key, software_id) for key, software_id in pairs)
        return found

    def replace_installations(self, asset_id: int, rows: Sequence[Numbered]) -> None:
        """The asset's installations become ``rows``. A new asset's are written whole; an
        existing asset's are compared with what the table holds and only the rows that differ
        are deleted and added (a daily update touches a few of ~800)."""
        added: Sequence[Numbered] = rows
        if asset_id not in self._created:
            # Plain driver rows: SQLAlchemy's processing of ~800 result rows cost more than
            # the query. Dates come back as dates from psycopg and as ISO text from SQLite.
            cursor = self._db.connection.driver_connection.cursor()  # type: ignore[union-attr]
            try:
                cursor.execute(_HELD_INSTALLATIONS[self._postgresql], (asset_id,))
                held = {tuple(row): (row[0], row[1]) for row in cursor.fetchall()}
            finally:
                cursor.close()
            text = not self._postgresql
            wanted = {row_values(row, text) for row in rows}
            gone = [key for values, key in held.items() if values not in wanted]
            added = [row for row in rows if row_values(row, text) not in held]
            if gone:
                self._db.execute(
                    delete(_INSTALLATIONS).where(
                        _INSTALLATIONS.c.asset_id == asset_id,
                        tuple_(_INSTALLATIONS.c.software_id, _INSTALLATIONS.c.seq).in_(gone),
                    )
                )
        if not added:
            return
        if self._postgresql:
            self._copy(_COPY_INSTALLATIONS, copy_payload(asset_id, added))
            return
        # SQLite: the driver's executemany of plain tuples; SQLAlchemy's per-row parameter
        # processing of ~800 dictionaries was most of a first inventory's time there.
        self._db.exec_driver_sql(
            _INSERT_INSTALLATIONS,
            [(asset_id, software_id, seq, *item.text_columns) for software_id, seq, item in added],
        )

    def _copy(self, statement: str, payload: str) -> None:
        """COPY text into a table on the same connection (same transaction): a thousand rows
        per inventory is where row-by-row INSERTs would spend the time."""
        driver = self._db.connection.driver_connection
        if not isinstance(driver, psycopg.Connection):
            raise TypeError("COPY needs the psycopg driver")
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            copy.write(payload)

    def replace_disks(self, asset_id: int, rows: Sequence[dict[str, Any]]) -> None:
        self._clear(_DISKS, asset_id)
        if rows:
            self._db.execute(_INSERT[_DISKS.name], [{**r, "asset_id": asset_id} for r in rows])

    def replace_interfaces(self, asset_id: int, rows: Sequence[dict[str, Any]]) -> None:
        self._clear(_INTERFACES, asset_id)
        if rows:
            self._db.execute(_INSERT[_INTERFACES.name], [{**r, "asset_id": asset_id} for r in rows])

    def _clear(self, table: Table, asset_id: int) -> None:
        """Delete the asset's rows of a derived table (none to delete for a new asset)."""
        if asset_id not in self._created:
            self._db.execute(_CLEAR[table.name], {"asset": asset_id})

    def update_asset(self, asset_id: int, values: Mapping[str, Any]) -> None:
        self._db.execute(_UPDATE_ASSET, {**values, "asset": asset_id})

    def add_changes(self, asset_id: int, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            self._db.execute(_INSERT[_CHANGES.name], [{**r, "asset_id": asset_id} for r in rows])

    def add_conflicts(self, asset_id: int, rows: Sequence[dict[str, Any]]) -> None:
        """Record conflicts, skipping those already open for the asset (same reason and other
        assets): a clone checking in every hour is one open conflict, not one an hour."""
        if not rows:
            return
        open_now = {
            _conflict_key(reason, keys)
            for reason, keys in self._db.execute(
                select(_CONFLICTS.c.reason, _CONFLICTS.c["keys"]).where(
                    _CONFLICTS.c.asset_id == asset_id, _CONFLICTS.c.resolved_at.is_(None)
                )
            )
        }
        fresh = [
            {**r, "asset_id": asset_id}
            for r in rows
            if _conflict_key(r["reason"], r["keys"]) not in open_now
        ]
        if fresh:
            self._db.execute(insert(_CONFLICTS), fresh)

    def check_in(
        self,
        asset_id: int,
        status: StoredSection,
        asset: Mapping[str, Any],
        observation: Mapping[str, Any],
        now: datetime,
    ) -> None:
        """An unchanged check-in's writes: the status section, the asset's columns and the
        observation record. One statement on PostgreSQL: two round trips fewer on the most
        frequent request of all."""
        source = observation["source_kind"]
        if not self._postgresql:
            self.save_sections(asset_id, {"status": status}, source, now)
            self.update_asset(asset_id, asset)
            self.add_observation(observation)
            return
        section = {"asset_id": asset_id, "name": "status", "hash": status.hash,
                   "content": status.content, "source": source, "updated_at": now}  # fmt: skip
        self._db.execute(
            _check_in(tuple(asset)),
            {**observation, "asset": asset_id,
             **{f"s_{k}": v for k, v in section.items()},
             **{f"a_{k}": v for k, v in asset.items()}},
        )  # fmt: skip

    def add_observation(self, values: Mapping[str, Any]) -> None:
        self._db.execute(_NEW_OBSERVATION, dict(values))

    def bind_credential(self, credential_id: int, asset_id: int | None, now: datetime) -> None:
        self._db.execute(
            _BIND_CREDENTIAL,
            {"credential": credential_id, "bound_asset": asset_id, "used_at": now},
        )

    def asset_count(self) -> int:
        return int(self._db.scalar(select(func.count(_ASSETS.c.id))) or 0)


# Statements of a fixed shape, built once; parameters are bound at execution.
_SITE_OF = (
    select(_ASSETS.c.site_id, _SITES.c.code)
    .join(_SITES, _SITES.c.id == _ASSETS.c.site_id)
    .where(_ASSETS.c.id == bindparam("asset"))
)
_NEW_ASSET = insert(_ASSETS).returning(_ASSETS.c.id)
_NEW_OBSERVATION = insert(_OBSERVATIONS)
_BOUND_SECTIONS = (
    select(_CREDENTIALS.c.asset_id, _SECTIONS.c.name, _SECTIONS.c.hash)
    .outerjoin(_SECTIONS, _SECTIONS.c.asset_id == _CREDENTIALS.c.asset_id)
    .where(_CREDENTIALS.c.id == bindparam("credential"))
)
_HELD_COLUMNS = "SELECT software_id, seq, display_name, version, arch, source, install_date"
_HELD_INSTALLATIONS = {  # by "is PostgreSQL": the drivers' parameter styles differ
    True: _HELD_COLUMNS + " FROM installations WHERE asset_id = %s",
    False: _HELD_COLUMNS + " FROM installations WHERE asset_id = ?",
}
_SECTION_HASHES = select(_SECTIONS.c.name, _SECTIONS.c.hash).where(
    _SECTIONS.c.asset_id == bindparam("asset")
)
# The columns set are the keys of the parameters given (the summary varies per observation).
_UPDATE_ASSET = update(_ASSETS).where(_ASSETS.c.id == bindparam("asset"))
# The rest of a changed observation's statements, built once too: building and keying a
# statement anew cost more Python time than executing it.
_KEYS_WITH_VALUES = select(_KEYS.c.asset_id, _KEYS.c.kind, _KEYS.c.value).where(
    _KEYS.c.value.in_(bindparam("values", expanding=True))
)
_KEYS_OF = select(_KEYS.c.asset_id, _KEYS.c.kind, _KEYS.c.value).where(
    _KEYS.c.asset_id.in_(bindparam("assets", expanding=True))
)
_SECTION_CONTENTS = select(_SECTIONS.c.name, _SECTIONS.c.content).where(
    _SECTIONS.c.asset_id == bindparam("asset"),
    _SECTIONS.c.name.in_(bindparam("names", expanding=True)),
)
_DELETE_SECTIONS = delete(_SECTIONS).where(
    _SECTIONS.c.asset_id == bindparam("asset"),
    _SECTIONS.c.name.in_(bindparam("names", expanding=True)),
)
_DELETE_KEYS = delete(_KEYS).where(
    _KEYS.c.asset_id == bindparam("asset"), _KEYS.c.source == bindparam("source")
)
_SOFTWARE_IDS = select(_SOFTWARE.c.key, _SOFTWARE.c.id).where(
    _SOFTWARE.c.key.in_(bindparam("keys", expanding=True))
)
_INSERT = {table.name: insert(table) for table in (_SECTIONS, _KEYS, _DISKS, _INTERFACES, _CHANGES)}
_CLEAR = {
    table.name: delete(table).where(table.c.asset_id == bindparam("asset"))
    for table in (_DISKS, _INTERFACES)
}
_BIND_CREDENTIAL = (
    update(_CREDENTIALS)
    .where(_CREDENTIALS.c.id == bindparam("credential"))
    .values(asset_id=bindparam("bound_asset"), last_used_at=bindparam("used_at"))
)


def _conflict_key(reason: str, keys: Sequence[Sequence[str]]) -> tuple[str, tuple[str, ...]]:
    """A conflict is the same while its reason and the key values behind it are."""
    return reason, tuple(sorted("=".join(pair) for pair in keys))


@functools.cache
def _check_in(columns: tuple[str, ...]) -> Insert:
    """INSERT INTO observations, with the status upsert and the asset update as data-modifying
    CTEs (PostgreSQL); parameters s_* are the section's, a_* the asset's columns."""
    status = postgresql.insert(_SECTIONS).values(
        {c.name: bindparam(f"s_{c.name}", type_=c.type) for c in _SECTIONS.columns}
    )
    status = status.on_conflict_do_update(
        index_elements=["asset_id", "name"],
        set_={k: status.excluded[k] for k in ("hash", "content", "source", "updated_at")},
    )
    asset = (
        update(_ASSETS)
        .where(_ASSETS.c.id == bindparam("asset"))
        .values({c: bindparam(f"a_{c}", type_=_ASSETS.c[c].type) for c in columns})
    )
    return insert(_OBSERVATIONS).add_cte(status.cte("status")).add_cte(asset.cte("asset"))
