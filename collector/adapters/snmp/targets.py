"""The targets file: per site, the hosts and ranges to poll and the credentials to try.

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
at most MAX_RANGE_HOSTS per range so a typo (/8) cannot start a sweep of millions. SSH targets
and credentials (``[[ssh_credentials]]``, ``[[sites.ssh]]``) are read by
collector/adapters/ssh/targets.py; a site with SSH targets may leave out the SNMP ones.
"""

from __future__ import annotations

import tomllib
from collections.abc import Collection, Mapping
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
from collector.adapters.ssh.targets import SshTargets, parse_ssh_sites
from collector.adapters.target_specs import (
    MAX_RANGE_HOSTS,
    TargetsError,
    Unseal,
    expand,
    number,
    read_secret,
    site_code,
    strings,
    tables,
)

__all__ = [
    "MAX_RANGE_HOSTS", "SiteTargets", "TargetPlan", "TargetsError", "expand", "load_targets",
    "parse_credential", "parse_targets",
]  # fmt: skip


@dataclass(frozen=True)
class SiteTargets:
    code: str
    addresses: tuple[tuple[str, int], ...]
    credentials: tuple[Credential, ...]


@dataclass(frozen=True)
class TargetPlan:
    """SNMP targets per site, SSH target groups (several per site) and the round's timing."""

    sites: tuple[SiteTargets, ...]
    timeout: float = 1.0
    retries: int = 1
    interval_minutes: float = 15.0
    ssh: tuple[SshTargets, ...] = ()


def load_targets(
    path: Path,
    unseal: Unseal,
    environ: Mapping[str, str],
    device_types: Collection[str] | None = None,
) -> TargetPlan:
    """The plan in a targets file; TargetsError for anything wrong, naming where.
    ``device_types``: the SSH device types accepted (default: the shipped profiles')."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise TargetsError(f"berkas target {path} tidak terbaca: {exc}") from exc
    return parse_targets(data, unseal, environ, device_types)


def parse_targets(
    data: Mapping[str, Any],
    unseal: Unseal,
    environ: Mapping[str, str],
    device_types: Collection[str] | None = None,
) -> TargetPlan:
    """The plan in parsed TOML data (every entry checked before anything is returned)."""
    credentials = {
        entry.get("name", ""): parse_credential(entry, unseal, environ)
        for entry in tables(data, "credentials")
    }
    entries = tables(data, "sites")
    ssh = parse_ssh_sites(data, entries, unseal, environ, device_types)
    with_ssh = {group.code for group in ssh}
    sites = tuple(
        site for entry in entries if (site := _site(entry, credentials, with_ssh)) is not None
    )
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict):
        raise TargetsError("[defaults] harus berupa tabel")
    return TargetPlan(
        sites,
        timeout=number(defaults, "timeout", 1.0, 0.05, 30),
        retries=int(number(defaults, "retries", 1, 0, 5)),
        interval_minutes=number(defaults, "interval_minutes", 15, 1, 24 * 60),
        ssh=ssh,
    )


def _site(
    entry: Mapping[str, Any], credentials: Mapping[str, Credential], with_ssh: Collection[str]
) -> SiteTargets | None:
    """The site's SNMP targets; None for a site that has only SSH targets."""
    code = site_code(entry)
    if code in with_ssh and "targets" not in entry and "credentials" not in entry:
        return None
    targets, names = entry.get("targets", []), entry.get("credentials", [])
    if not strings(targets) or not strings(names):
        raise TargetsError(
            f"situs {code}: 'targets' dan 'credentials' harus daftar teks, tidak kosong"
        )
    unknown = [name for name in names if name not in credentials]
    if unknown:
        raise TargetsError(f"situs {code}: kredensial tidak dikenal: {', '.join(unknown)}")
    addresses = tuple(dict.fromkeys(a for t in targets for a in expand(t)))
    return SiteTargets(code, addresses, tuple(credentials[name] for name in names))


def parse_credential(
    entry: Mapping[str, Any], unseal: Unseal, environ: Mapping[str, str]
) -> Credential:
    """A credential from its table: a v2c community, or a v3 user when ``user`` is present."""
    name = str(entry.get("name", "")).strip()
    if not name:
        raise TargetsError("setiap [[credentials]] perlu 'name'")
    if "user" not in entry:
        return Community(read_secret(entry, "community", name, unseal, environ), name=name)
    try:
        auth = AuthProtocol(str(entry.get("auth_protocol", "sha256")).lower())
        priv = PrivProtocol(str(entry.get("priv_protocol", "aes")).lower())
    except ValueError as exc:
        raise TargetsError(f"kredensial {name}: protokol v3 tidak didukung ({exc})") from exc
    return V3User(
        user=str(entry["user"]),
        auth_protocol=auth,
        auth_key=read_secret(entry, "auth_key", name, unseal, environ),
        priv_protocol=priv,
        priv_key=read_secret(entry, "priv_key", name, unseal, environ),
    )
