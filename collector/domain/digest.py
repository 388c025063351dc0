"""The e-mail digest of a site's new critical tickets: subject, plain text and simple HTML.

Times are shown in WIB (UTC+7, Jakarta), the zone of Pusdatin and most UPTs, written the way
Indonesian correspondence does ("28 November 2026 09.15 WIB"); English keeps the same date
order with a colon in the time. The collector stores UTC; WIB is a documented default.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from html import escape

from collector.domain.human_dates import english_date, tanggal
from collector.domain.notifications import Language

WIB = timezone(timedelta(hours=7), "WIB")


@dataclass(frozen=True)
class DigestItem:
    """One critical ticket as the digest lists it."""

    ticket_id: int
    asset_name: str
    asset_kind: str
    rule: str
    subject: str
    message_id: str
    message_en: str
    became_critical: datetime  # UTC
    link: str


@dataclass(frozen=True)
class Digest:
    subject: str
    text: str
    html: str


def wib_time(moment: datetime, language: Language) -> str:
    """``moment`` in WIB as a person reads it: "28 November 2026 09.15 WIB" (id),
    "28 November 2026 09:15 WIB" (en)."""
    local = moment.astimezone(WIB)
    if language is Language.EN:
        return f"{english_date(local.date())} {local:%H:%M} WIB"
    return f"{tanggal(local.date())} {local:%H.%M} WIB"


def render_digest(
    site_code: str, site_name: str, items: Sequence[DigestItem], now: datetime, language: Language
) -> Digest:
    """The digest message for one site's items (oldest first), in the site's language."""
    english = language is Language.EN
    count = len(items)
    if english:
        subject = f"[asetik] {site_code}: {count} new critical ticket{'s' if count != 1 else ''}"
        intro = f"Critical maintenance tickets for {site_name} ({site_code}) since the last digest:"
        footer = f"Sent by asetik on {wib_time(now, language)}."
    else:
        subject = f"[asetik] {site_code}: {count} tiket kritis baru"
        intro = (
            f"Tiket pemeliharaan kritis untuk {site_name} ({site_code}) sejak ringkasan terakhir:"
        )
        footer = f"Dikirim oleh asetik pada {wib_time(now, language)}."
    lines = [intro, ""]
    rows = []
    for item in items:
        sentence = item.message_en if english else item.message_id
        when = wib_time(item.became_critical, language)
        lines.append(f"- #{item.ticket_id} {item.asset_name} ({item.asset_kind}): {sentence}")
        lines.append(f"  {item.rule} / {item.subject}, {when}, {item.link}")
        rows.append(
            f"<tr><td>#{item.ticket_id}</td><td>{escape(item.asset_name)}</td>"
            f"<td>{escape(sentence)}</td><td>{escape(item.rule)}</td><td>{escape(when)}</td></tr>"
        )
    lines += ["", footer]
    head = ("Ticket", "Asset", "Finding", "Rule", "Time") if english else (
        "Tiket", "Aset", "Temuan", "Aturan", "Waktu")  # fmt: skip
    html = (
        f'<html><body><p>{escape(intro)}</p><table border="1" cellpadding="4">'
        f"<tr>{''.join(f'<th>{h}</th>' for h in head)}</tr>{''.join(rows)}</table>"
        f"<p>{escape(footer)}</p></body></html>"
    )
    return Digest(subject, "\n".join(lines) + "\n", html)
