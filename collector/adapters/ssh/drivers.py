"""The netmiko driver class for a device_type, with the logout quirks of a read-only poll.

A poll only runs show commands: it never enters configuration mode. netmiko's logout
(``cleanup``) first asks the device whether it is in configuration mode; on Huawei VRP and
PAN-OS that question is answered by waiting until the device has been silent for 2 s
(``read_channel_timing``), which made those sessions five times longer than the others. Their
polling drivers send the logout command straight away. Every other platform keeps netmiko's
own logout (FortiOS's restores the console output mode netmiko changed at log-in).
"""

from __future__ import annotations

from netmiko import BaseConnection
from netmiko.huawei.huawei import HuaweiSSH
from netmiko.paloalto.paloalto_panos import PaloAltoPanosSSH
from netmiko.ssh_dispatcher import CLASS_MAPPER


class HuaweiPollingSSH(HuaweiSSH):
    """Huawei VRP for polling: ``quit`` at logout without the 2 s config-mode check."""

    def cleanup(self, command: str = "quit") -> None:
        self.write_channel(command + self.RETURN)


class PaloAltoPanosPollingSSH(PaloAltoPanosSSH):
    """PAN-OS for polling: ``exit`` at logout without the 2 s config-mode check."""

    def cleanup(self, command: str = "exit") -> None:
        self.write_channel(command + self.RETURN)


POLLING_DRIVERS: dict[str, type[BaseConnection]] = {
    "huawei": HuaweiPollingSSH,
    "paloalto_panos": PaloAltoPanosPollingSSH,
}


def driver_class(device_type: str) -> type[BaseConnection]:
    """The class netmiko's ConnectHandler would build for ``device_type``, or its polling
    variant; ValueError for a device_type netmiko does not know."""
    if device_type in POLLING_DRIVERS:
        return POLLING_DRIVERS[device_type]
    try:
        return CLASS_MAPPER[device_type]
    except KeyError:
        raise ValueError(f"netmiko tidak mengenal device_type {device_type!r}") from None
