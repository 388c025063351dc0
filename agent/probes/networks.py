"""Network interfaces: name, MAC, addresses, speed, link state; loopback left out."""

from __future__ import annotations

from typing import Any

from agent.junk import clean_mac
from agent.sources.host import Host

# ARPHRD_* values of /sys/class/net/<nic>/type that name a kind of link.
_LINK_TYPES = {
    "1": "ethernet",
    "772": "loopback",
    "768": "tunnel",
    "776": "tunnel",
    "65534": "tunnel",
}


def collect_networks(host: Host) -> list[dict[str, Any]]:
    """Every interface but loopback; on Linux, whether it is virtual and its link type."""
    networks = []
    for nic in sorted(host.stats.interfaces(), key=lambda n: n.name):
        kind, virtual = _linux_kind(host, nic.name) if host.platform == "linux" else (None, None)
        if kind == "loopback" or nic.name in ("lo", "lo0") or nic.name.startswith("Loopback"):
            continue
        networks.append(
            {
                "name": nic.name[:256],
                "mac": clean_mac(nic.mac),
                "ipv4": sorted(nic.ipv4),
                "ipv6": sorted(nic.ipv6),
                "speed_mbps": nic.speed_mbps,
                "up": nic.up,
                "virtual": virtual,
                "type": kind,
            }
        )
    return networks


def _linux_kind(host: Host, name: str) -> tuple[str | None, bool]:
    base = f"/sys/class/net/{name}"
    kind = _LINK_TYPES.get(host.read_text(base + "/type") or "")
    if kind == "ethernet" and host.path(base + "/wireless").is_dir():
        kind = "wifi"
    elif kind == "ethernet" and host.path(base + "/bridge").is_dir():
        kind = "bridge"
    return kind, host.path(f"/sys/devices/virtual/net/{name}").is_dir()
