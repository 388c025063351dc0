"""SSH targets in the targets file: named SSH credentials and, per site, groups of hosts
polled with one device type and one ordered list of credentials::

    [[ssh_credentials]]
    name = "netops"
    username = "asetik"
    password = "enc:gAAAA..."            # sealed ('asetik-collector secret seal'), or
    # password_env = "ASETIK_SSH_NETOPS" # the name of an environment variable holding it
    legacy_algorithms = false            # true: CBC ciphers, SHA-1/MD5 MACs (old gear only)

    [[ssh_credentials]]
    name = "linux-key"
    username = "asetik"
    key_file = "/etc/asetik/ssh/id_ed25519"
    passphrase = "enc:..."               # optional (or passphrase_env)

    [[sites]]
    code = "BBPOM-SBY"
    # targets/credentials for SNMP as before; may be left out when the site has SSH groups

    [[sites.ssh]]
    targets = ["192.0.2.1", "192.0.2.2:2222", "192.0.2.16/29"]   # port 22 when none given
    device_type = "cisco_ios"      # a profile's netmiko type, "linux_agentless", "autodetect"
    credentials = ["netops"]       # tried in this order

Every key is checked: an unknown key (a typo of ``password``) is refused, not ignored, and an
address may belong to one SSH group of a site only (one device type per device).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from collector.adapters.ssh.catalogue import cli_parsers
from collector.adapters.ssh.credentials import SshCredential
from collector.adapters.ssh.profile import PROFILES, SshProfileError, load_ssh_profiles
from collector.adapters.target_specs import (
    TargetsError,
    Unseal,
    expand,
    read_secret,
    site_code,
    strings,
    tables,
)

SSH_PORT = 22
AGENTLESS_LINUX = "linux_agentless"  # Linux hosts read with paramiko exec, no netmiko profile
AUTODETECT = "autodetect"  # netmiko's SSHDetect once per device, the result remembered
_CREDENTIAL_KEYS = frozenset(
    {"name", "username", "password", "password_env", "key_file", "passphrase"}
    | {"passphrase_env", "legacy_algorithms"}
)
_GROUP_KEYS = frozenset({"targets", "device_type", "credentials"})

Address = tuple[str, int]


@dataclass(frozen=True)
class SshTargets:
    """One SSH group of a site: its addresses, their device type and the credentials to try."""

    code: str
    addresses: tuple[Address, ...]
    device_type: str
    credentials: tuple[SshCredential, ...]


def shipped_device_types() -> frozenset[str]:
    """The device types a target may name: every shipped profile's netmiko type and id, plus
    ``linux_agentless`` and ``autodetect``."""
    try:
        registry = load_ssh_profiles(PROFILES, cli_parsers())
    except SshProfileError as exc:  # a broken shipped profile: say so, poll nothing
        raise TargetsError(str(exc)) from exc
    names = {p.device_type for p in registry.profiles} | {p.id for p in registry.profiles}
    return frozenset(names | {AGENTLESS_LINUX, AUTODETECT})


def parse_ssh_sites(
    data: Mapping[str, Any],
    sites: Sequence[Mapping[str, Any]],
    unseal: Unseal,
    environ: Mapping[str, str],
    device_types: Collection[str] | None = None,
) -> tuple[SshTargets, ...]:
    """The SSH groups of every ``[[sites]]`` entry, their credentials from
    ``[[ssh_credentials]]``; TargetsError naming the first entry that is wrong."""
    credentials: dict[str, SshCredential] = {}
    for entry in tables(data, "ssh_credentials"):
        credential = parse_ssh_credential(entry, unseal, environ)
        if credential.name in credentials:
            raise TargetsError(f"kredensial SSH {credential.name} ditulis dua kali")
        credentials[credential.name] = credential
    if not any("ssh" in site for site in sites):
        return ()
    known = shipped_device_types() if device_types is None else frozenset(device_types)
    return tuple(
        group for site in sites for group in _site_groups(site_code(site), site, credentials, known)
    )


def _site_groups(
    code: str,
    site: Mapping[str, Any],
    credentials: Mapping[str, SshCredential],
    known: frozenset[str],
) -> list[SshTargets]:
    groups = [parse_ssh_group(code, entry, credentials, known) for entry in tables(site, "ssh")]
    seen: set[Address] = set()
    for group in groups:
        twice = seen.intersection(group.addresses)
        if twice:
            host, port = sorted(twice)[0]
            raise TargetsError(f"situs {code}: {host}:{port} ada di dua kelompok SSH")
        seen.update(group.addresses)
    return groups


def parse_ssh_group(
    code: str,
    entry: Mapping[str, Any],
    credentials: Mapping[str, SshCredential],
    device_types: Collection[str],
) -> SshTargets:
    """One ``[[sites.ssh]]`` table: targets (host, HOST:PORT, bounded range), a known device
    type and the names of defined SSH credentials."""
    where = f"situs {code}, [[sites.ssh]]"
    _no_unknown(entry, _GROUP_KEYS, where)
    targets, names = entry.get("targets", []), entry.get("credentials", [])
    if not strings(targets) or not strings(names):
        raise TargetsError(f"{where}: 'targets' dan 'credentials' harus daftar teks, tidak kosong")
    device_type = check_device_type(entry.get("device_type"), device_types, where)
    unknown = [name for name in names if name not in credentials]
    if unknown:
        raise TargetsError(f"{where}: kredensial SSH tidak dikenal: {', '.join(unknown)}")
    addresses = tuple(dict.fromkeys(a for t in targets for a in expand(t, SSH_PORT)))
    chosen = tuple(credentials[name] for name in dict.fromkeys(names))
    return SshTargets(code, addresses, device_type, chosen)


def check_device_type(value: object, device_types: Collection[str], where: str) -> str:
    """``value`` when it is one of ``device_types``; TargetsError listing them otherwise."""
    if not isinstance(value, str) or value not in device_types:
        allowed = ", ".join(sorted(device_types))
        raise TargetsError(f"{where}: device_type {value!r} tidak dikenal (pilihan: {allowed})")
    return value


def parse_ssh_credential(
    entry: Mapping[str, Any],
    unseal: Unseal,
    environ: Mapping[str, str],
    *,
    key_must_exist: bool = True,
) -> SshCredential:
    """An SSH credential from its table: a user with a password, or with a private key file
    (an absolute path; it must exist unless ``key_must_exist`` is False, as for a credential
    stored over the API for a poller on another machine) and an optional passphrase."""
    name = str(entry.get("name", "")).strip()
    if not name:
        raise TargetsError("setiap [[ssh_credentials]] perlu 'name'")
    where = f"kredensial SSH {name}"
    _no_unknown(entry, _CREDENTIAL_KEYS, where)
    username = entry.get("username")
    if not isinstance(username, str) or not username.strip() or len(username) > 64:
        raise TargetsError(f"{where}: 'username' wajib (teks, maks. 64)")
    legacy = entry.get("legacy_algorithms", False)
    if not isinstance(legacy, bool):
        raise TargetsError(f"{where}: legacy_algorithms harus true atau false")
    keyed = "key_file" in entry
    if keyed == ("password" in entry or "password_env" in entry):
        raise TargetsError(f"{where}: perlu tepat satu: password (atau password_env) atau key_file")
    if not keyed:
        password = read_secret(entry, "password", name, unseal, environ)
        return SshCredential(name, username.strip(), password=password, legacy_algorithms=legacy)
    key_file = _key_file(entry["key_file"], where, must_exist=key_must_exist)
    passphrase = None
    if "passphrase" in entry or "passphrase_env" in entry:
        passphrase = read_secret(entry, "passphrase", name, unseal, environ)
    return SshCredential(name, username.strip(), key_file=key_file, passphrase=passphrase,
                         legacy_algorithms=legacy)  # fmt: skip


def _key_file(value: object, where: str, *, must_exist: bool) -> Path:
    if not isinstance(value, str) or not Path(value).is_absolute() or len(value) > 512:
        raise TargetsError(f"{where}: key_file harus jalur absolut")
    path = Path(value)
    if must_exist and not path.is_file():
        raise TargetsError(f"{where}: berkas kunci {path} tidak ada")
    return path


def _no_unknown(entry: Mapping[str, Any], allowed: frozenset[str], where: str) -> None:
    unknown = sorted(set(entry) - allowed)
    if unknown:
        raise TargetsError(f"{where}: kunci tidak dikenal: {', '.join(unknown)}")
