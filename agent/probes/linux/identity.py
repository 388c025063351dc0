"""Linux identity names: hostname, FQDN and domain from files (no DNS query), machine-id."""

from __future__ import annotations

from typing import Any

from agent.junk import clean_text
from agent.sources.host import Host


def fqdn_from_hosts(hostname: str, hosts_text: str) -> str | None:
    """The dotted name /etc/hosts gives for this host, as ``hostname --fqdn`` would resolve it."""
    for line in hosts_text.splitlines():
        names = line.split("#", 1)[0].split()[1:]
        if hostname in names or any(n.split(".", 1)[0] == hostname for n in names):
            dotted = [n for n in names if "." in n and n.split(".", 1)[0] == hostname]
            if dotted:
                return dotted[0]
    return None


def collect_identity(host: Host) -> dict[str, Any]:
    """Hostname, FQDN, domain and machine-id; the DNS is never asked (it may hang or lie)."""
    hostname = clean_text(
        host.read_text("/proc/sys/kernel/hostname") or host.read_text("/etc/hostname")
    )
    fqdn = None
    if hostname and "." in hostname:
        fqdn, hostname = hostname, hostname.split(".", 1)[0]
    elif hostname:
        fqdn = clean_text(fqdn_from_hosts(hostname, host.read_text("/etc/hosts") or ""))
    return {
        "hostname": hostname,
        "fqdn": fqdn,
        "domain": fqdn.split(".", 1)[1] if fqdn else None,
        "machine_id": clean_text(
            host.read_text("/etc/machine-id") or host.read_text("/var/lib/dbus/machine-id")
        ),
    }
