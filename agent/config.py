"""The agent's configuration: one frozen object, read once from explicit values, env and a file.

Precedence is explicit value > environment (``ASETIK_*``) > TOML file > default. This module is
the only place the agent reads the environment, and only through the mapping it is given.
"""

from __future__ import annotations

import ipaddress
import sys
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PureWindowsPath
from typing import Any
from urllib.parse import urlsplit

ENV_PREFIX = "ASETIK_"
MIB = 1024 * 1024
MIN_INTERVAL_S = 60
MAX_INTERVAL_S = 7 * 24 * 3600
LINUX_STATE_DIR = Path("/var/lib/asetik-agent")


class ConfigError(ValueError):
    """The configuration is unusable; the message says which setting and why."""


@dataclass(frozen=True)
class AgentConfig:
    """Everything ``asetik-agent run`` needs. Secrets are kept out of ``repr``."""

    collector_url: str
    state_dir: Path
    spool_dir: Path
    enroll_token: str | None = field(default=None, repr=False)
    site: str | None = None
    interval: int = 3600
    ca_bundle: Path | None = None
    full_every: int = 24
    spool_max_bytes: int = 50 * MIB
    spool_max_files: int = 500
    spool_max_age_days: int = 14
    proxy: str | None = field(default=None, repr=False)


def _text(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{name} must be a string, not {type(value).__name__}")
    return value.strip()


def _integer(name: str, value: object) -> int:
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            raise ConfigError(f"{name} must be a whole number, not {value!r}") from None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{name} must be an integer, not {type(value).__name__}")
    return value


def _bounded(low: int, high: int) -> Callable[[str, object], int]:
    def parse(name: str, value: object) -> int:
        number = _integer(name, value)
        if not low <= number <= high:
            raise ConfigError(f"{name} must be between {low} and {high}, not {number}")
        return number

    return parse


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _url(name: str, value: object, *, loopback_http_only: bool = True) -> str:
    # The value itself is never echoed: a proxy URL may carry a password.
    text = _text(name, value).rstrip("/")
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:
        raise ConfigError(f"{name} is not a valid URL") from None
    if parts.scheme not in ("https", "http") or not host:
        raise ConfigError(f"{name} must be an https:// URL with a host name")
    if parts.scheme == "http" and loopback_http_only and not _is_loopback(host):
        raise ConfigError(
            f"{name} uses http:// for {host}; only https:// is allowed "
            "except for loopback addresses (127.0.0.0/8, ::1, localhost)"
        )
    if parts.query or parts.fragment:
        raise ConfigError(f"{name} must not have a query or fragment")
    return text


def _collector_url(name: str, value: object) -> str:
    text = _url(name, value)
    if urlsplit(text).username is not None:
        raise ConfigError(f"{name} must not carry a user name or password")
    return text


def _proxy(name: str, value: object) -> str:
    # A proxy may be plain http on the LAN; CONNECT keeps the collector's TLS end to end.
    return _url(name, value, loopback_http_only=False)


def _path(name: str, value: object) -> Path:
    text = _text(name, value)
    if not text:
        raise ConfigError(f"{name} must not be empty")
    return Path(text)


def _ca_bundle(name: str, value: object) -> Path:
    path = _path(name, value)
    if not path.is_file():
        raise ConfigError(f"{name} {path} is not a readable file")
    return path


def _short(name: str, value: object) -> str:
    text = _text(name, value)
    if not text or len(text) > 256:
        raise ConfigError(f"{name} must be 1 to 256 characters")
    return text


_PARSERS: dict[str, Callable[[str, object], Any]] = {
    "collector_url": _collector_url,
    "enroll_token": _short,
    "site": _short,
    "interval": _bounded(MIN_INTERVAL_S, MAX_INTERVAL_S),
    "spool_dir": _path,
    "state_dir": _path,
    "ca_bundle": _ca_bundle,
    "full_every": _bounded(1, 10_000),
    "spool_max_bytes": _bounded(MIB, 100 * 1024 * MIB),
    "spool_max_files": _bounded(1, 1_000_000),
    "spool_max_age_days": _bounded(1, 3650),
    "proxy": _proxy,
}


_INTEGER_KEYS = frozenset(
    ("interval", "full_every", "spool_max_bytes", "spool_max_files", "spool_max_age_days")
)


def default_state_dir(platform: str, environ: Mapping[str, str]) -> Path:
    """Where the credential and acknowledged hashes live when ``state_dir`` is not set."""
    if platform == "windows":
        base = environ.get("ProgramData") or environ.get("PROGRAMDATA") or r"C:\ProgramData"
        return Path(PureWindowsPath(base) / "asetik")
    return LINUX_STATE_DIR


def _this_platform() -> str:
    return "windows" if sys.platform == "win32" else "linux"


def read_config_file(path: Path) -> dict[str, object]:
    """The TOML file's settings; unknown keys and unreadable files are a ConfigError."""
    try:
        with path.open("rb") as handle:
            raw = tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
    for key, value in raw.items():
        if key not in _PARSERS:
            raise ConfigError(f"unknown setting {key!r} in {path}")
        expected = int if key in _INTEGER_KEYS else str
        if isinstance(value, bool) or not isinstance(value, expected):
            raise ConfigError(
                f"{key} in {path} must be {'an integer' if expected is int else 'a string'}, "
                f"not {_toml_type(value)}"
            )
    return raw


def _toml_type(value: object) -> str:
    names = {bool: "a boolean", int: "an integer", float: "a float", str: "a string"}
    return names.get(type(value), f"a {type(value).__name__}")


def environment_settings(environ: Mapping[str, str]) -> dict[str, object]:
    """``ASETIK_<KEY>`` variables that name a setting; empty values count as unset."""
    found: dict[str, object] = {}
    for key in _PARSERS:
        value = environ.get(ENV_PREFIX + key.upper())
        if value is not None and value.strip():
            found[key] = value
    return found


def load_config(
    path: Path | None,
    environ: Mapping[str, str],
    overrides: Mapping[str, object] | None = None,
    *,
    platform: str | None = None,
) -> AgentConfig:
    """The validated configuration (explicit ``overrides`` > ``environ`` > file > default).

    Raises ConfigError naming the offending setting; secrets never appear in the message.
    """
    merged: dict[str, object] = dict(read_config_file(path)) if path is not None else {}
    merged.update(environment_settings(environ))
    for key, value in (overrides or {}).items():
        if key not in _PARSERS:
            raise ConfigError(f"unknown setting {key!r}")
        if value is not None:
            merged[key] = str(value) if isinstance(value, Path) else value
    values = {key: _PARSERS[key](key, value) for key, value in merged.items()}
    if "collector_url" not in values:
        raise ConfigError(
            "collector_url is not set (ASETIK_COLLECTOR_URL or collector_url in the config file)"
        )
    values.setdefault("state_dir", default_state_dir(platform or _this_platform(), environ))
    values.setdefault("spool_dir", values["state_dir"] / "spool")
    return AgentConfig(**values)
