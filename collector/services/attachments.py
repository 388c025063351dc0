"""Files kept as evidence of a work order (photos, vendor reports), stored under the data
directory.

The type is told by the content (its magic bytes, read by the ``filetype`` package), never by
the name or the Content-Type the client sent, and must be on the allow-list; the size is
counted while the file streams in and the upload stops at the limit. A refused upload leaves
no file and no row. Files are stored by their SHA-256 (``attachments/ab/abcdef....pdf``), so
the same file sent twice is kept once.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote

import filetype
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from collector.adapters.db.models import WorkAttachmentRow
from collector.domain.plans import PlanState
from collector.errors import Refused
from collector.services.users import Viewer
from collector.services.work_execution import order_in_scope, require_executor

Clock = Callable[[], datetime]
ALLOWED = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "application/pdf": "pdf"}
HEAD_BYTES = 8192  # what filetype reads
_UNSAFE = re.compile(r"[^\w.\- ()]+")


@dataclass(frozen=True)
class AttachmentView:
    id: int
    work_order_id: int
    file_name: str
    media_type: str
    size_bytes: int
    sha256: str
    uploaded_by: str
    uploaded_at: datetime


class Upload:
    """One file streaming in: written to a temporary file beside the store, hashed and
    counted; ``write`` refuses past the limit and ``finish`` refuses a type off the list."""

    def __init__(self, folder: Path, limit: int) -> None:
        folder.mkdir(parents=True, exist_ok=True, mode=0o750)
        handle, name = tempfile.mkstemp(dir=folder, prefix="upload-")
        self.path = Path(name)
        self._file = os.fdopen(handle, "wb")
        self._limit = limit
        self._hash = hashlib.sha256()
        self._head = b""
        self.size = 0
        self.media_type = ""

    def write(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self._limit:
            self.discard()
            raise Refused(413, "file_too_large", f"lampiran melebihi {self._limit} bita")
        if len(self._head) < HEAD_BYTES:
            self._head += chunk[: HEAD_BYTES - len(self._head)]
        self._hash.update(chunk)
        self._file.write(chunk)

    def finish(self) -> None:
        self._file.close()
        kind = filetype.guess(self._head) if self._head else None
        if kind is None or kind.mime not in ALLOWED:
            self.discard()
            allowed = ", ".join(sorted(ALLOWED))
            raise Refused(
                415,
                "unsupported_file_type",
                f"jenis berkas tidak diizinkan (isi berkas dibaca): {allowed}",
            )
        self.media_type = str(kind.mime)

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()

    def discard(self) -> None:
        self._file.close()
        self.path.unlink(missing_ok=True)


class AttachmentStore:
    """Checks where a file may go, receives it and records it."""

    def __init__(self, sessions: sessionmaker[Session], clock: Clock, folder: Path,
                 limit: int) -> None:  # fmt: skip
        self._sessions = sessions
        self._clock = clock
        self.folder = folder
        self.limit = limit

    def check_target(self, viewer: Viewer, work_order_id: int) -> None:
        """Refuse before any byte is read: 403 for a viewer, 404 out of scope, 409 when the
        plan is closed."""
        require_executor(viewer)
        with self._sessions() as session:
            _, _, plan = order_in_scope(session, viewer, work_order_id)
        if plan.state == PlanState.CLOSED.value:
            raise Refused(409, "plan_closed", f"rencana {plan.id} sudah ditutup")

    def begin(self) -> Upload:
        return Upload(self.folder / "incoming", self.limit)

    def save(self, viewer: Viewer, work_order_id: int, upload: Upload, file_name: str
             ) -> AttachmentView:  # fmt: skip
        """Move the finished upload into the store and record it."""
        plain = unquote(file_name).replace("\\", "/")  # clients percent-encode the name
        name = _UNSAFE.sub("_", Path(plain).name)[:200] or "lampiran"
        stored = Path(upload.sha256[:2]) / f"{upload.sha256}.{ALLOWED[upload.media_type]}"
        target = self.folder / stored
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o750)
        try:
            with self._sessions.begin() as session:
                order_in_scope(session, viewer, work_order_id)
                row = WorkAttachmentRow(
                    work_order_id=work_order_id,
                    file_name=name,
                    media_type=upload.media_type,
                    size_bytes=upload.size,
                    sha256=upload.sha256,
                    stored_as=str(stored),
                    uploaded_by=viewer.name,
                    uploaded_at=self._clock(),
                )
                session.add(row)
                session.flush()
                upload.path.replace(target)
        finally:
            upload.discard()
        return _view(row)

    def list_for(self, viewer: Viewer, work_order_id: int) -> list[AttachmentView]:
        with self._sessions() as session:
            order_in_scope(session, viewer, work_order_id)
            rows = session.scalars(
                select(WorkAttachmentRow)
                .where(WorkAttachmentRow.work_order_id == work_order_id)
                .order_by(WorkAttachmentRow.id)
            )
            return [_view(r) for r in rows]

    def file_of(self, viewer: Viewer, work_order_id: int, attachment_id: int
                ) -> tuple[Path, AttachmentView]:  # fmt: skip
        """The stored file and its record; 404 out of scope or missing."""
        with self._sessions() as session:
            order_in_scope(session, viewer, work_order_id)
            row = session.get(WorkAttachmentRow, attachment_id)
        if row is None or row.work_order_id != work_order_id:
            raise Refused(404, "not_found", f"lampiran {attachment_id} tidak ditemukan")
        return self.folder / row.stored_as, _view(row)


def _view(row: WorkAttachmentRow) -> AttachmentView:
    return AttachmentView(row.id, row.work_order_id, row.file_name, row.media_type,
                          row.size_bytes, row.sha256, row.uploaded_by, row.uploaded_at)  # fmt: skip
