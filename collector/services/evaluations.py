"""The M&E record (SOP step 4): one per site and reporting period, written by a planner or an
administrator within their site scope, read by anyone who sees the site.

Every field is checked before anything is written; a second write for the same site and
period replaces the first (the evaluator corrects the record), keeping who wrote it last.
The record's date is what the M&E ≤ 5 HK standard is measured by, so it may be neither
before the period starts nor after today.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import asdict
from datetime import date, datetime
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from collector.adapters.db.models import EvaluationRow, SiteRow
from collector.adapters.db.upsert import upsert_row
from collector.domain.evaluation import EvaluationRecord, FollowUp
from collector.domain.kpis import WIB
from collector.domain.periods import Period, PeriodError, parse_period
from collector.errors import Refused
from collector.services.plan_fields import day, invalid, text
from collector.services.users import Role, Viewer

Clock = Callable[[], datetime]
WRITERS: Final = frozenset({Role.PLANNER, Role.ADMIN})
MAX_CONCLUSIONS: Final = 20_000
MAX_FOLLOW_UPS: Final = 100
_NIP: Final = re.compile(r"^[0-9]{18}$")  # NIP PNS: 18 digits
_FIELDS: Final = frozenset({"evaluator", "evaluator_nip", "evaluator_title", "evaluated_on",
                            "conclusions", "follow_ups"})  # fmt: skip


class EvaluationService:
    """Writes and reads M&E records within the caller's site scope."""

    def __init__(self, sessions: sessionmaker[Session], clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock

    def record(
        self, viewer: Viewer, site: str, period: str, body: Mapping[str, Any]
    ) -> EvaluationRecord:
        """Write (or replace) the record of a site and period; returns it as stored.
        Refused 403 for a role that may not write, 404 for a site out of scope, 400 for a
        bad period, 422 naming the first bad field."""
        if viewer.role not in WRITERS:
            raise Refused(403, "forbidden", "hanya perencana atau admin yang mencatat monev")
        when = _period(period)
        record = _checked(site, when, body, self._clock().astimezone(WIB).date())
        now = self._clock()
        with self._sessions.begin() as session:
            site_id = _site_in_scope(session, viewer, site)
            values = {"site_id": site_id, "period": when.code, "evaluator": record.evaluator,
                      "evaluator_nip": record.evaluator_nip,
                      "evaluator_title": record.evaluator_title,
                      "evaluated_on": record.evaluated_on, "conclusions": record.conclusions,
                      "follow_ups": [_follow_up_json(f) for f in record.follow_ups],
                      "recorded_by": viewer.name, "recorded_at": now}  # fmt: skip
            table = EvaluationRow.__table__
            upsert_row(session.connection(), table, values, ["site_id", "period"])  # type: ignore[arg-type]
        return record

    def get(self, viewer: Viewer, site: str, period: str) -> EvaluationRecord:
        """The record of a site and period; Refused 404 when there is none (or the site is
        out of scope), 400 for a bad period."""
        when = _period(period)
        with self._sessions() as session:
            site_id = _site_in_scope(session, viewer, site)
            row = session.scalar(select(EvaluationRow).where(
                EvaluationRow.site_id == site_id, EvaluationRow.period == when.code))  # fmt: skip
            if row is None:
                raise Refused(404, "not_found", f"belum ada catatan monev {site.upper()} "
                              f"periode {when.code}")  # fmt: skip
            return evaluation_record(row, site.strip().upper())


def evaluation_record(row: EvaluationRow, site_code: str) -> EvaluationRecord:
    """The stored record as the domain value (follow-ups from their JSON)."""
    follow_ups = tuple(
        FollowUp(f["action"], f.get("pic"), date.fromisoformat(f["due"]) if f.get("due") else None)
        for f in row.follow_ups or []
    )
    return EvaluationRecord(
        site_code=site_code,
        period_code=row.period,
        evaluator=row.evaluator,
        evaluated_on=row.evaluated_on,
        conclusions=row.conclusions,
        evaluator_nip=row.evaluator_nip,
        evaluator_title=row.evaluator_title,
        follow_ups=follow_ups,
    )


def evaluation_json(record: EvaluationRecord) -> dict[str, Any]:
    """The record as the API shows it."""
    shown = asdict(record)
    shown["follow_ups"] = [_follow_up_json(f) for f in record.follow_ups]
    return shown


def _follow_up_json(follow_up: FollowUp) -> dict[str, Any]:
    due = follow_up.due.isoformat() if follow_up.due else None
    return {"action": follow_up.action, "pic": follow_up.pic, "due": due}


def _period(text_: str) -> Period:
    try:
        return parse_period(text_)
    except PeriodError as exc:
        raise Refused(400, "bad_parameter", str(exc)) from exc


def _site_in_scope(session: Session, viewer: Viewer, code: str) -> int:
    code = code.strip().upper()[:32]
    site_id = session.scalar(select(SiteRow.id).where(SiteRow.code == code))
    if site_id is None or viewer.site_id not in (None, site_id):
        raise Refused(404, "not_found", f"situs {code!r} tidak ditemukan")
    return site_id


def _checked(site: str, period: Period, body: Mapping[str, Any], today: date) -> EvaluationRecord:
    unknown = sorted(set(body) - _FIELDS)
    if unknown:
        raise invalid(unknown[0][:40], "kolom tidak dikenal")
    evaluated_on = day(body.get("evaluated_on"), "evaluated_on")
    if not period.start <= evaluated_on <= today:
        raise invalid("evaluated_on", f"harus antara {period.start.isoformat()} dan hari ini")
    nip = text(body, "evaluator_nip", limit=32, required=False)
    if nip is not None and not _NIP.match(nip):
        raise invalid("evaluator_nip", "NIP harus 18 angka")
    return EvaluationRecord(
        site_code=site.strip().upper(),
        period_code=period.code,
        evaluator=text(body, "evaluator") or "",
        evaluated_on=evaluated_on,
        conclusions=text(body, "conclusions", limit=MAX_CONCLUSIONS) or "",
        evaluator_nip=nip,
        evaluator_title=text(body, "evaluator_title", required=False),
        follow_ups=_follow_ups(body.get("follow_ups", [])),
    )


def _follow_ups(raw: Any) -> tuple[FollowUp, ...]:
    if not isinstance(raw, list) or len(raw) > MAX_FOLLOW_UPS:
        raise invalid("follow_ups", f"harus daftar maks. {MAX_FOLLOW_UPS} tindak lanjut")
    found = []
    for number, entry in enumerate(raw, 1):
        field = f"follow_ups[{number}]"
        if not isinstance(entry, dict) or set(entry) - {"action", "pic", "due"}:
            raise invalid(field, "harus objek {action, pic, due}")
        action = text(entry, "action", limit=2000)
        pic = text(entry, "pic", required=False)
        due = day(entry["due"], f"{field}.due") if entry.get("due") is not None else None
        found.append(FollowUp(action or "", pic, due))
    return tuple(found)
