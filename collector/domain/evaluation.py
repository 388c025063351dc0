"""The monitoring & evaluation record (SOP 4): one per site and period, written by an evaluator.

Its date is what the M&E step's quality standard (≤ 5 HK after the period's end) is measured
by; its conclusions and follow-ups are printed in "Hasil Monitoring dan Evaluasi Pemeliharaan
TIK". The database table and the API that write it come with the plans tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class FollowUp:
    """One action the evaluation asks for, who carries it and by when (if said)."""

    action: str
    pic: str | None = None
    due: date | None = None


@dataclass(frozen=True)
class EvaluationRecord:
    """The evaluator's record for a site and period (site and period by their codes)."""

    site_code: str
    period_code: str
    evaluator: str
    evaluated_on: date
    conclusions: str
    evaluator_nip: str | None = None
    evaluator_title: str | None = None
    follow_ups: tuple[FollowUp, ...] = ()
