"""Identity keys of a Windows host from the registry: host name, DNS domain, MachineGuid."""

from __future__ import annotations

from collections.abc import Mapping

from agent.junk import clean_text, clean_uuid
from agent.sources.host import Host
from agent.sources.registry import RegValue, value_text

CRYPTOGRAPHY = r"HKLM\SOFTWARE\Microsoft\Cryptography"
TCPIP_PARAMETERS = r"HKLM\SYSTEM\CurrentControlSet\Services\Tcpip\Parameters"


def parse_identity(
    tcpip: Mapping[str, RegValue], cryptography: Mapping[str, RegValue]
) -> dict[str, str | None]:
    """hostname, fqdn, domain and machine_id (MachineGuid) from the two keys' values.

    Domain is the primary DNS suffix in effect; "NV Domain" (set, active after a reboot) is
    the fallback. fqdn is None when the host has no DNS suffix.
    """
    hostname = clean_text(value_text(tcpip, "Hostname") or value_text(tcpip, "NV Hostname"))
    domain = clean_text(value_text(tcpip, "Domain") or value_text(tcpip, "NV Domain"))
    domain = domain.strip(".") if domain else None
    return {
        "hostname": hostname,
        "fqdn": f"{hostname}.{domain}" if hostname and domain else None,
        "domain": domain or None,
        "machine_id": clean_uuid(value_text(cryptography, "MachineGuid")),
    }


def collect_identity(host: Host) -> dict[str, str | None]:
    """The identity keys this host's registry gives (all None without a registry)."""
    registry = host.registry
    if registry is None:
        return parse_identity({}, {})
    return parse_identity(registry.values(TCPIP_PARAMETERS), registry.values(CRYPTOGRAPHY))
