"""What every targets file entry shares, SNMP or SSH: host, HOST:PORT and bounded ranges,
sealed or environment-held secrets, site codes, and the refusal that names the entry."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterator, Mapping
from typing import Any

MAX_RANGE_HOSTS = 4096
SNMP_PORT = 161

Unseal = Callable[[str], str]


class TargetsError(ValueError):
    """The targets file cannot be used; the message names the entry."""


def expand(target: str, port: int = SNMP_PORT) -> Iterator[tuple[str, int]]:
    """(host, port) for "HOST", "HOST:PORT" or a CIDR range (its usable hosts); ``port`` where
    none is written (161 for SNMP, 22 for SSH)."""
    text = target.strip()
    if "/" in text:
        yield from ((str(host), port) for host in _network_hosts(text))
        return
    yield _host_port(text, port)


def _network_hosts(text: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        network = ipaddress.ip_network(text, strict=False)
    except ValueError as exc:
        raise TargetsError(f"rentang tidak sah: {text!r}") from exc
    if network.num_addresses > MAX_RANGE_HOSTS + 2:
        raise TargetsError(f"rentang {text} terlalu besar (maks. {MAX_RANGE_HOSTS} alamat)")
    return list(network.hosts()) or [network.network_address]


def _host_port(text: str, default_port: int) -> tuple[str, int]:
    host, port = text, default_port
    if text.startswith("["):  # [v6]:port
        host, _, rest = text[1:].partition("]")
        port = _port(rest.removeprefix(":"), text) if rest else default_port
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


def tables(data: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
    """The list of tables under ``key`` (none: empty)."""
    entries = data.get(key, [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise TargetsError(f"[[{key}]] harus berupa daftar tabel")
    return entries


def site_code(entry: Mapping[str, Any]) -> str:
    """A ``[[sites]]`` entry's code, upper case; TargetsError when it has none."""
    code = str(entry.get("code", "")).strip().upper()
    if not code:
        raise TargetsError("setiap [[sites]] perlu 'code'")
    return code


def strings(value: object) -> bool:
    """A non-empty list of texts."""
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) for v in value)


def read_secret(
    entry: Mapping[str, Any], key: str, name: str, unseal: Unseal, environ: Mapping[str, str]
) -> str:
    """The secret ``key`` of a credential: sealed (``enc:...``) in the entry, or named by
    ``<key>_env``; TargetsError for a clear-text, foreign-key-sealed or missing one."""
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


def number(table: Mapping[str, Any], key: str, default: float, low: float, high: float) -> float:
    """``table[key]`` (or ``default``) when it is a number within ``low..high``."""
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise TargetsError(f"[defaults] {key} harus angka antara {low} dan {high}")
    return float(value)
