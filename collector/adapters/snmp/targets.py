"""The SNMP targets file: per site, the hosts and ranges to poll and the credentials to try.

TOML, read with the standard library::

    [defaults]
    timeout = 1.0            # seconds per request
    retries = 1
    interval_minutes = 15

    [[credentials]]
    name = "printer-v2c"
    community = "enc:gAAAA..."           # sealed ('asetik-collector secret seal'), or
    # community_env = "ASETIK_SNMP_PRN"  # the name of an environment variable holding it

    [[credentials]]
    name = "core-v3"
    user = "asetik"
    auth_protocol = "sha256"             # sha, sha224, sha256, sha384, sha512
    auth_key = "enc:..."
    priv_protocol = "aes"                # aes, aes192, aes256
    priv_key = "enc:..."

    [[sites]]
    code = "BBPOM-SBY"
    targets = ["192.0.2.10", "192.0.2.11:1161", "192.0.2.32/28"]
    credentials = ["printer-v2c", "core-v3"]   # tried in this order

Secrets are never in clear text in the file. A range expands to its usable host addresses;
at most MAX_RANGE_HOSTS per range so a typo (/8) cannot start a sweep of millions.
"""

from __future__ import annotations

import ipaddress
import tomllib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from collector.adapters.snmp.credentials import (
    AuthProtocol,
    Community,
    Credential,
    PrivProtocol,
    V3User,
)

MAX_RANGE_HOSTS = 4096
DEFAULT_PORT = 161

Unseal = Callable[[str], str]


class TargetsError(ValueError):
    """The targets file cannot be used; the message names the entry."""


@dataclass(frozen=True)
class SiteTargets:
    code: str
    addresses: tuple[tuple[str, int], ...]
    credentials: tuple[Credential, ...]


@dataclass(frozen=True)
class TargetPlan:
    sites: tuple[SiteTargets, ...]
    timeout: float = 1.0
    retries: int = 1
    interval_minutes: float = 15.0


def load_targets(path: Path, unseal: Unseal, environ: Mapping[str, str]) -> TargetPlan:
    """The plan in a targets file; TargetsError for anything wrong, naming where."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise TargetsError(f"berkas target {path} tidak terbaca: {exc}") from exc
    return parse_targets(data, unseal, environ)


def parse_targets(
    data: Mapping[str, Any], unseal: Unseal, environ: Mapping[str, str]
) -> TargetPlan:
    """The plan in parsed TOML data."""
    credentials = {
        entry.get("name", ""): parse_credential(entry, unseal, environ)
        for entry in _tables(data, "credentials")
    }
    sites = tuple(_site(entry, credentials) for entry in _tables(data, "sites"))
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict):
        raise TargetsError("[defaults] harus berupa tabel")
    return TargetPlan(
        sites,
        timeout=_number(defaults, "timeout", 1.0, 0.05, 30),
        retries=int(_number(defaults, "retries", 1, 0, 5)),
        interval_minutes=_number(defaults, "interval_minutes", 15, 1, 24 * 60),
    )


def expand(target: str) -> Iterator[tuple[str, int]]:
    """(host, port) for "HOST", "HOST:PORT" or a CIDR range (its usable hosts)."""
    text = target.strip()
    if "/" in text:
        yield from ((str(host), DEFAULT_PORT) for host in _network_hosts(text))
        return
    host, port = _host_port(text)
    yield host, port


def _network_hosts(text: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        network = ipaddress.ip_network(text, strict=False)
    except ValueError as exc:
        raise TargetsError(f"rentang tidak sah: {text!r}") from exc
    if network.num_addresses > MAX_RANGE_HOSTS + 2:
        raise TargetsError(f"rentang {text} terlalu besar (maks. {MAX_RANGE_HOSTS} alamat)")
    return list(network.hosts()) or [network.network_address]


def _host_port(text: str) -> tuple[str, int]:
    host, port = text, DEFAULT_PORT
    if text.startswith("["):  # [v6]:port
        host, _, rest = text[1:].partition("]")
        port = _port(rest.removeprefix(":"), text) if rest else DEFAULT_PORT
    elif text.count(":") == 1:
        host, _, rest = text.partition(":")
        port = _port(rest, text)
    try:
        ipaddress.ip_address(host)
    except ValueError:
        if not host or not all(part.isalnum() or "-" in part for part in host.split(".")):
            raise TargetsError(f"alamat target tidak sah: {text!r}") from None
    return host, port


def _port(text: str, target: str) -> int:
    if not text.isdecimal() or not 0 < int(text) < 65536:
        raise TargetsError(f"port tidak sah pada target {target!r}")
    return int(text)


def _tables(data: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
    entries = data.get(key, [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise TargetsError(f"[[{key}]] harus berupa daftar tabel")
    return entries


def _site(entry: Mapping[str, Any], credentials: Mapping[str, Credential]) -> SiteTargets:
    code = str(entry.get("code", "")).strip().upper()
    if not code:
        raise TargetsError("setiap [[sites]] perlu 'code'")
    targets, names = entry.get("targets", []), entry.get("credentials", [])
    if not _strings(targets) or not _strings(names):
        raise TargetsError(
            f"situs {code}: 'targets' dan 'credentials' harus daftar teks, tidak kosong"
        )
    unknown = [name for name in names if name not in credentials]
    if unknown:
        raise TargetsError(f"situs {code}: kredensial tidak dikenal: {', '.join(unknown)}")
    addresses = tuple(dict.fromkeys(a for t in targets for a in expand(t)))
    return SiteTargets(code, addresses, tuple(credentials[name] for name in names))


def _strings(value: object) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) for v in value)


def parse_credential(
    entry: Mapping[str, Any], unseal: Unseal, environ: Mapping[str, str]
) -> Credential:
    """A credential from its table: a v2c community, or a v3 user when ``user`` is present."""
    name = str(entry.get("name", "")).strip()
    if not name:
        raise TargetsError("setiap [[credentials]] perlu 'name'")
    if "user" not in entry:
        return Community(_secret(entry, "community", name, unseal, environ), name=name)
    try:
        auth = AuthProtocol(str(entry.get("auth_protocol", "sha256")).lower())
        priv = PrivProtocol(str(entry.get("priv_protocol", "aes")).lower())
    except ValueError as exc:
        raise TargetsError(f"kredensial {name}: protokol v3 tidak didukung ({exc})") from exc
    return V3User(
        user=str(entry["user"]),
        auth_protocol=auth,
        auth_key=_secret(entry, "auth_key", name, unseal, environ),
        priv_protocol=priv,
        priv_key=_secret(entry, "priv_key", name, unseal, environ),
    )


def _secret(
    entry: Mapping[str, Any], key: str, name: str, unseal: Unseal, environ: Mapping[str, str]
) -> str:
    if f"{key}_env" in entry:
        value = environ.get(str(entry[f"{key}_env"]), "")
        if not value:
            raise TargetsError(f"kredensial {name}: variabel {entry[f'{key}_env']} kosong")
        return value
    if key not in entry:
        raise TargetsError(f"kredensial {name}: perlu '{key}' (tersegel) atau '{key}_env'")
    try:
        return unseal(str(entry[key]))
    except ValueError as exc:
        raise TargetsError(f"kredensial {name}, {key}: {exc}") from exc


def _number(table: Mapping[str, Any], key: str, default: float, low: float, high: float) -> float:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise TargetsError(f"[defaults] {key} harus angka antara {low} dan {high}")
    return float(value)
