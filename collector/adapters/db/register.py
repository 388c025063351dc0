"""Reading and writing the register inside one session (the service owns the transaction)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from collector.adapters.db.models import (
    AssetKeyRow,
    AssetRow,
    AssetSectionRow,
    ChangeRow,
    ConflictRow,
    CredentialRow,
    DiskRow,
    InstallationRow,
    InterfaceRow,
    ObservationRow,
    SiteRow,
    SoftwareRow,
)
from collector.adapters.db.upsert import insert_ignoring_conflicts, upsert_row

_INSTALLATION_COLUMNS = ("software_id", "display_name", "version", "arch", "source", "install_date")


@dataclass(frozen=True)
class StoredSection:
    hash: str | None
    content: Any


class RegisterRepository:
    """The register's tables as seen by one unit of work."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def keys_sharing(self, values: Iterable[tuple[str, str]]) -> dict[int, set[tuple[str, str]]]:
        """Every key of every asset that carries at least one of the (kind, value) pairs."""
        wanted = set(values)
        if not wanted:
            return {}
        hits = self.session.execute(
            select(AssetKeyRow.asset_id, AssetKeyRow.kind, AssetKeyRow.value).where(
                AssetKeyRow.value.in_({value for _, value in wanted})
            )
        ).all()
        owners = {asset for asset, kind, value in hits if (kind, value) in wanted}
        if not owners:
            return {}
        found: dict[int, set[tuple[str, str]]] = {asset: set() for asset in owners}
        for asset, kind, value in self.session.execute(
            select(AssetKeyRow.asset_id, AssetKeyRow.kind, AssetKeyRow.value).where(
                AssetKeyRow.asset_id.in_(owners)
            )
        ):
            found[asset].add((kind, value))
        return found

    def site_of(self, asset_id: int) -> tuple[int, str]:
        """The asset's site id and code."""
        row = self.session.execute(
            select(AssetRow.site_id, SiteRow.code)
            .join(SiteRow, SiteRow.id == AssetRow.site_id)
            .where(AssetRow.id == asset_id)
        ).one()
        return row[0], row[1]

    def under_review(self, asset_ids: Iterable[int]) -> list[int]:
        """Those of the assets that wait for an operator's review, lowest id first."""
        return sorted(
            self.session.scalars(
                select(AssetRow.id).where(AssetRow.id.in_(list(asset_ids)), AssetRow.needs_review)
            )
        )

    def create_asset(
        self, site_id: int, kind: str, source: str, now: datetime, review: bool
    ) -> int:
        row = AssetRow(
            site_id=site_id, kind=kind, status="review" if review else "active",
            needs_review=review, first_seen=now, last_seen=now, last_source=source,
        )  # fmt: skip
        self.session.add(row)
        self.session.flush()
        return row.id

    def bound_sections(self, credential_id: int) -> tuple[int | None, dict[str, str | None]]:
        """The asset an agent credential is bound to and that asset's section hashes, in one
        query (the common case of an unchanged check-in needs nothing more to decide)."""
        rows = self.session.execute(
            select(CredentialRow.asset_id, AssetSectionRow.name, AssetSectionRow.hash)
            .outerjoin(AssetSectionRow, AssetSectionRow.asset_id == CredentialRow.asset_id)
            .where(CredentialRow.id == credential_id)
        ).all()
        if not rows or rows[0][0] is None:
            return None, {}
        return rows[0][0], {name: digest for _, name, digest in rows if name is not None}

    def section_hashes(self, asset_id: int) -> dict[str, str | None]:
        """The content hash of every section the register holds for the asset."""
        rows = self.session.execute(
            select(AssetSectionRow.name, AssetSectionRow.hash).where(
                AssetSectionRow.asset_id == asset_id
            )
        )
        return dict(rows.all())

    def section_contents(self, asset_id: int, names: Sequence[str]) -> dict[str, Any]:
        """The stored content of the named sections (only those: contents can be large)."""
        if not names:
            return {}
        rows = self.session.execute(
            select(AssetSectionRow.name, AssetSectionRow.content).where(
                AssetSectionRow.asset_id == asset_id, AssetSectionRow.name.in_(list(names))
            )
        )
        return dict(rows.all())

    def save_sections(
        self, asset_id: int, sections: Mapping[str, StoredSection], source: str, now: datetime
    ) -> None:
        if not sections:
            return
        if list(sections) == ["status"]:  # the unchanged check-in: one upsert, no delete
            status = sections["status"]
            values = {"asset_id": asset_id, "name": "status", "hash": status.hash,
                      "content": status.content, "source": source, "updated_at": now}  # fmt: skip
            upsert_row(self.session, AssetSectionRow.__table__, values, ["asset_id", "name"])
            return
        self.session.execute(
            delete(AssetSectionRow).where(
                AssetSectionRow.asset_id == asset_id, AssetSectionRow.name.in_(list(sections))
            )
        )
        self.session.execute(
            insert(AssetSectionRow),
            [
                {"asset_id": asset_id, "name": name, "hash": stored.hash,
                 "content": stored.content, "source": source, "updated_at": now}
                for name, stored in sections.items()
            ],
        )  # fmt: skip

    def replace_keys(self, asset_id: int, source: str, keys: Iterable[tuple[str, str]]) -> None:
        """The keys one source kind reports for the asset; other sources' keys stay."""
        self.session.execute(
            delete(AssetKeyRow).where(
                AssetKeyRow.asset_id == asset_id, AssetKeyRow.source == source
            )
        )
        rows = [
            {"asset_id": asset_id, "source": source, "kind": k, "value": v}
            for k, v in sorted(set(keys))
        ]
        if rows:
            self.session.execute(insert(AssetKeyRow), rows)

    def software_ids(self, products: Mapping[str, tuple[str, str | None]]) -> dict[str, int]:
        """Catalogue ids by key, adding the products the catalogue does not have yet."""
        rows = [{"key": k, "name": n, "publisher": p} for k, (n, p) in products.items()]
        insert_ignoring_conflicts(self.session, SoftwareRow.__table__, rows, ["key"])
        found: dict[str, int] = {}
        keys = list(products)
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            pairs = self.session.execute(
                select(SoftwareRow.key, SoftwareRow.id).where(SoftwareRow.key.in_(chunk))
            )
            found.update((key, software_id) for key, software_id in pairs)
        return found

    def replace_installations(self, asset_id: int, rows: Sequence[dict[str, Any]]) -> None:
        self.session.execute(delete(InstallationRow).where(InstallationRow.asset_id == asset_id))
        if not rows:
            return
        if self.session.get_bind().dialect.name == "postgresql":
            self._copy_installations(asset_id, rows)
            return
        self.session.execute(insert(InstallationRow), [{**r, "asset_id": asset_id} for r in rows])

    def _copy_installations(self, asset_id: int, rows: Sequence[dict[str, Any]]) -> None:
        """COPY into installations on the session's own connection (same transaction): a
        thousand rows per inventory is where row-by-row INSERTs would spend the time."""
        columns = ("asset_id", *_INSTALLATION_COLUMNS)
        statement = f"COPY installations ({', '.join(columns)}) FROM STDIN"
        driver = self.session.connection().connection.driver_connection
        if not isinstance(driver, psycopg.Connection):
            raise TypeError("COPY needs the psycopg driver")
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row((asset_id, *(row[c] for c in _INSTALLATION_COLUMNS)))

    def replace_disks(self, asset_id: int, rows: Sequence[dict[str, Any]]) -> None:
        self.session.execute(delete(DiskRow).where(DiskRow.asset_id == asset_id))
        if rows:
            self.session.execute(insert(DiskRow), [{**r, "asset_id": asset_id} for r in rows])

    def replace_interfaces(self, asset_id: int, rows: Sequence[dict[str, Any]]) -> None:
        self.session.execute(delete(InterfaceRow).where(InterfaceRow.asset_id == asset_id))
        if rows:
            self.session.execute(insert(InterfaceRow), [{**r, "asset_id": asset_id} for r in rows])

    def update_asset(self, asset_id: int, values: Mapping[str, Any]) -> None:
        self.session.execute(update(AssetRow).where(AssetRow.id == asset_id).values(**values))

    def add_changes(self, asset_id: int, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            self.session.execute(insert(ChangeRow), [{**r, "asset_id": asset_id} for r in rows])

    def add_conflicts(self, asset_id: int, rows: Sequence[dict[str, Any]]) -> None:
        """Record conflicts, skipping those already open for the asset (same reason and other
        assets): a clone checking in every hour is one open conflict, not one an hour."""
        if not rows:
            return
        open_now = {
            _conflict_key(reason, keys)
            for reason, keys in self.session.execute(
                select(ConflictRow.reason, ConflictRow.keys).where(
                    ConflictRow.asset_id == asset_id, ConflictRow.resolved_at.is_(None)
                )
            )
        }
        fresh = [
            {**r, "asset_id": asset_id}
            for r in rows
            if _conflict_key(r["reason"], r["keys"]) not in open_now
        ]
        if fresh:
            self.session.execute(insert(ConflictRow), fresh)

    def add_observation(self, values: Mapping[str, Any]) -> None:
        self.session.execute(insert(ObservationRow), [dict(values)])

    def bind_credential(self, credential_id: int, asset_id: int | None, now: datetime) -> None:
        self.session.execute(
            update(CredentialRow)
            .where(CredentialRow.id == credential_id)
            .values(asset_id=asset_id, last_used_at=now)
        )

    def asset_count(self) -> int:
        return int(self.session.scalar(select(func.count(AssetRow.id))) or 0)


def _conflict_key(reason: str, keys: Sequence[Sequence[str]]) -> tuple[str, tuple[str, ...]]:
    """A conflict is the same while its reason and the key values behind it are."""
    return reason, tuple(sorted("=".join(pair) for pair in keys))
