"""Every text the web UI shows, per language: Bahasa Indonesia first, English on request."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

LANGUAGES: Final = ("id", "en")
DEFAULT_LANGUAGE: Final = "id"

_ID: Final[Mapping[str, str]] = {
    "product": "asetik — register aset TIK",
    "nav_overview": "Ringkasan",
    "nav_tickets": "Tiket",
    "nav_assets": "Aset",
    "nav_plans": "Rencana",
    "nav_label": "Navigasi utama",
    "language_switch": "English",
    "signed_in_as": "Masuk sebagai",
    "all_sites": "semua situs",
    "logout": "Keluar",
    "login_title": "Masuk",
    "login_heading": "Masuk ke asetik",
    "user_name": "Nama pengguna",
    "password": "Kata sandi",
    "login_button": "Masuk",
    "login_failed": "Nama pengguna atau kata sandi salah.",
    "login_blocked": "Terlalu banyak percobaan masuk gagal. Coba lagi setelah {minutes} menit.",
    "csrf_failed": "Formulir kedaluwarsa atau tidak sah. Muat ulang halaman lalu coba lagi.",
    "forbidden_title": "Ditolak",
    "overview_title": "Ringkasan",
    "overview_heading": "Ringkasan per situs",
    "overview_as_of": "Keadaan per {date}",
    "site": "Situs",
    "assets_active": "Aset aktif",
    "assets_stale": "Aset tidak melapor",
    "tickets_open": "Tiket terbuka",
    "orders_overdue": "Perintah kerja terlambat",
    "severity_critical": "kritis",
    "severity_warning": "peringatan",
    "severity_info": "info",
    "total": "Jumlah",
    "no_sites": "Belum ada situs.",
    "not_ready_title": "Belum tersedia",
    "not_ready": "Halaman ini belum tersedia di antarmuka web; gunakan API (/api/v1) sementara.",
}

_EN: Final[Mapping[str, str]] = {
    "product": "asetik — ICT asset register",
    "nav_overview": "Overview",
    "nav_tickets": "Tickets",
    "nav_assets": "Assets",
    "nav_plans": "Plans",
    "nav_label": "Main navigation",
    "language_switch": "Bahasa Indonesia",
    "signed_in_as": "Signed in as",
    "all_sites": "all sites",
    "logout": "Log out",
    "login_title": "Log in",
    "login_heading": "Log in to asetik",
    "user_name": "User name",
    "password": "Password",
    "login_button": "Log in",
    "login_failed": "Wrong user name or password.",
    "login_blocked": "Too many failed logins. Try again in {minutes} minutes.",
    "csrf_failed": "The form has expired or is not valid. Reload the page and try again.",
    "forbidden_title": "Refused",
    "overview_title": "Overview",
    "overview_heading": "Overview by site",
    "overview_as_of": "As of {date}",
    "site": "Site",
    "assets_active": "Active assets",
    "assets_stale": "Assets not reporting",
    "tickets_open": "Open tickets",
    "orders_overdue": "Overdue work orders",
    "severity_critical": "critical",
    "severity_warning": "warning",
    "severity_info": "info",
    "total": "Total",
    "no_sites": "No sites yet.",
    "not_ready_title": "Not available yet",
    "not_ready": "This page is not in the web UI yet; use the API (/api/v1) for now.",
}

CATALOGUE: Final[Mapping[str, Mapping[str, str]]] = {"id": _ID, "en": _EN}


def messages(language: str) -> Mapping[str, str]:
    """The texts of one language (the default for an unknown one)."""
    return CATALOGUE.get(language, CATALOGUE[DEFAULT_LANGUAGE])
