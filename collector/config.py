"""The collector's configuration: one frozen object, read once (explicit > env > default)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path


class ConfigError(ValueError):
    """A setting the collector cannot use; the message names it."""


@dataclass(frozen=True)
class SmtpSettings:
    """The mail server the e-mail digests go through (ASETIK_SMTP_*)."""

    host: str
    port: int = 25
    sender: str = "asetik@localhost"
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = False


@dataclass(frozen=True)
class CollectorConfig:
    db_url: str
    host: str
    port: int
    data_dir: Path
    max_body_bytes: int = 8 * 1024 * 1024
    max_document_bytes: int = 48 * 1024 * 1024
    max_attachment_bytes: int = 20 * 1024 * 1024  # a work order's photo or vendor report
    tls_cert: Path | None = None
    tls_key: Path | None = None
    secret_key: str | None = field(default=None, repr=False)  # seals SNMP/SSH secrets
    smtp: SmtpSettings | None = None  # None: e-mail digests are off
    digest_minutes: int = 60  # one digest per site at most this often (ASETIK_DIGEST_MINUTES)
    cookie_secure: bool = False  # web UI cookies Secure even over plain HTTP (behind a TLS proxy)


def default_data_dir(environ: Mapping[str, str]) -> Path:
    """/var/lib/asetik-collector for root, else the user's XDG data folder."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return Path("/var/lib/asetik-collector")
    base = environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "asetik-collector"


def parse_listen(text: str) -> tuple[str, int]:
    """HOST:PORT (``[::1]:8080`` for IPv6) → (host, port)."""
    host, sep, port = text.strip().rpartition(":")
    if not sep or not port.isdecimal() or not 0 < int(port) < 65536:
        raise ConfigError(f"alamat listen tidak sah: {text!r} (bentuk HOST:PORT)")
    return host.strip("[]") or "127.0.0.1", int(port)


def load_config(
    environ: Mapping[str, str],
    *,
    db: str | None = None,
    listen: str | None = None,
    data_dir: Path | None = None,
    tls_cert: Path | None = None,
    tls_key: Path | None = None,
) -> CollectorConfig:
    """The configuration from explicit options, then ASETIK_* variables, then defaults."""
    folder = data_dir or (
        Path(environ["ASETIK_DATA_DIR"]) if environ.get("ASETIK_DATA_DIR") else None
    )
    folder = folder or default_data_dir(environ)
    url = db or environ.get("ASETIK_DB") or f"sqlite:///{folder / 'asetik.db'}"
    if not url.startswith(("sqlite:", "postgresql")):
        raise ConfigError(f"basis data tidak didukung: {url.split(':', 1)[0]} (sqlite/postgresql)")
    host, port = parse_listen(listen or environ.get("ASETIK_LISTEN") or "127.0.0.1:8080")
    cert = tls_cert or _path(environ.get("ASETIK_TLS_CERT"))
    key = tls_key or _path(environ.get("ASETIK_TLS_KEY"))
    if (cert is None) != (key is None):
        raise ConfigError("TLS perlu keduanya: --tls-cert dan --tls-key (ASETIK_TLS_CERT/KEY)")
    for path in (cert, key):
        if path is not None and not path.is_file():
            raise ConfigError(f"berkas TLS tidak ditemukan: {path}")
    return CollectorConfig(url, host, port, folder, tls_cert=cert, tls_key=key,
                           secret_key=environ.get("ASETIK_SECRET_KEY") or None,
                           smtp=load_smtp(environ), digest_minutes=_whole(
                               environ, "ASETIK_DIGEST_MINUTES", 60, 1, 10080),
                           cookie_secure=_flag(environ, "ASETIK_COOKIE_SECURE"))  # fmt: skip


def load_smtp(environ: Mapping[str, str]) -> SmtpSettings | None:
    """The SMTP settings from ASETIK_SMTP_*; None without ASETIK_SMTP_HOST (e-mail off)."""
    host = environ.get("ASETIK_SMTP_HOST", "").strip()
    if not host:
        return None
    starttls = environ.get("ASETIK_SMTP_STARTTLS", "0").strip().lower()
    if starttls not in ("0", "1", "true", "false", "yes", "no", ""):
        raise ConfigError("ASETIK_SMTP_STARTTLS harus 1/0 (true/false)")
    return SmtpSettings(host, _whole(environ, "ASETIK_SMTP_PORT", 25, 1, 65535),
                        environ.get("ASETIK_SMTP_FROM", "").strip() or f"asetik@{host}",
                        environ.get("ASETIK_SMTP_USER") or None,
                        environ.get("ASETIK_SMTP_PASSWORD") or None,
                        starttls in ("1", "true", "yes"))  # fmt: skip


def _whole(environ: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    text = environ.get(name, "").strip()
    if not text:
        return default
    if not text.isdecimal() or not low <= int(text) <= high:
        raise ConfigError(f"{name} harus bilangan bulat {low}..{high}")
    return int(text)


def _flag(environ: Mapping[str, str], name: str) -> bool:
    text = environ.get(name, "").strip().lower()
    if text not in ("0", "1", "true", "false", "yes", "no", ""):
        raise ConfigError(f"{name} harus 1/0 (true/false)")
    return text in ("1", "true", "yes")


def _path(text: str | None) -> Path | None:
    return Path(text) if text else None
