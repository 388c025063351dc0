"""One PowerShell run that reads every CIM class the hardware sections need.

Starting PowerShell costs about a second and each CIM query more, so the hardware, bios, cpus,
memories, storages, batteries and operatingsystem probes share one reading per Host through
:data:`SHARED_READINGS` (the probes run concurrently in threads; the first one runs PowerShell,
the others wait for its result).
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable

from agent.probes.windows.powershell import (
    JsonObject,
    PowerShellError,
    as_objects,
    load_json,
    run_powershell,
)
from agent.sources.host import Host

CimReading = dict[str, list[JsonObject]]

CIM_TIMEOUT = 60.0

# Each entry: a key of the JSON document, the query, the properties it keeps. Dates are turned
# into ISO 8601 strings in UTC by the Iso function so that every PowerShell version prints them
# alike (5.1 would otherwise write "/Date(ms)/").
_QUERIES = (
    (
        "ComputerSystem",
        "Win32_ComputerSystem",
        "Manufacturer,Model,SystemFamily,SystemSKUNumber,TotalPhysicalMemory,PCSystemType",
    ),
    ("Product", "Win32_ComputerSystemProduct", "Vendor,Name,Version,IdentifyingNumber,UUID"),
    ("Enclosure", "Win32_SystemEnclosure", "Manufacturer,ChassisTypes,SerialNumber"),
    (
        "Bios",
        "Win32_BIOS",
        "Manufacturer,SMBIOSBIOSVersion,SerialNumber,@{n='ReleaseDate';e={Iso $_.ReleaseDate}}",
    ),
    ("BaseBoard", "Win32_BaseBoard", "Manufacturer,Product,SerialNumber,Version"),
    (
        "Processor",
        "Win32_Processor",
        "Name,Manufacturer,NumberOfCores,"
        "NumberOfLogicalProcessors,MaxClockSpeed,Architecture,SocketDesignation",
    ),
    (
        "PhysicalMemory",
        "Win32_PhysicalMemory",
        "DeviceLocator,BankLabel,Capacity,"
        "SMBIOSMemoryType,MemoryType,Speed,ConfiguredClockSpeed,Manufacturer,SerialNumber,"
        "PartNumber",
    ),
    (
        "DiskDrive",
        "Win32_DiskDrive",
        "Index,DeviceID,Model,SerialNumber,FirmwareRevision,Size,"
        "InterfaceType,MediaType,PNPDeviceID",
    ),
    (
        "PhysicalDisk",
        "-Namespace root/Microsoft/Windows/Storage MSFT_PhysicalDisk",
        "DeviceId,FriendlyName,SerialNumber,MediaType,BusType,Size,FirmwareVersion,Manufacturer,"
        "Model",
    ),
    (
        "OperatingSystem",
        "Win32_OperatingSystem",
        "Caption,Version,BuildNumber,OSArchitecture,"
        "@{n='LastBootUpTime';e={Iso $_.LastBootUpTime}},@{n='InstallDate';e={Iso $_.InstallDate}}",
    ),
    (
        "Battery",
        "Win32_Battery",
        "DeviceID,Name,Chemistry,DesignCapacity,FullChargeCapacity,EstimatedChargeRemaining",
    ),
    (
        "BatteryStatic",
        "-Namespace root/wmi BatteryStaticData",
        "InstanceName,DeviceName,ManufactureName,SerialNumber,Chemistry,DesignedCapacity",
    ),
    (
        "BatteryFullCharge",
        "-Namespace root/wmi BatteryFullChargedCapacity",
        "InstanceName,FullChargedCapacity",
    ),
    ("BatteryCycle", "-Namespace root/wmi BatteryCycleCount", "InstanceName,CycleCount"),
)

CIM_SCRIPT = " ".join(
    [
        "$ErrorActionPreference='SilentlyContinue';",
        "[Console]::OutputEncoding=New-Object System.Text.UTF8Encoding($false);",
        "function Iso($d){if($d){$d.ToUniversalTime().ToString('o')}};",
        "$o=[ordered]@{};",
        *(
            f"$o.{key}=Get-CimInstance {query}|Select-Object {props};"
            for key, query, props in _QUERIES
        ),
        "ConvertTo-Json -InputObject $o -Depth 4 -Compress",
    ]
)

CIM_KEYS = tuple(key for key, _query, _props in _QUERIES)


def parse_cim(output: str | None) -> CimReading | None:
    """Each class's instances as a list (ConvertTo-Json writes one instance as a bare object).

    None when the output is not the JSON object the script prints.
    """
    document = load_json(output)
    if not isinstance(document, dict) or not any(key in document for key in CIM_KEYS):
        return None
    return {key: as_objects(document.get(key)) for key in CIM_KEYS}


def read_cim(host: Host) -> CimReading | None:
    """Run the CIM script once on host; None when PowerShell is absent or printed no JSON."""
    return parse_cim(run_powershell(host, CIM_SCRIPT, CIM_TIMEOUT))


class CimReadings:
    """The CIM reading of each live Host, kept for max_age seconds and shared between threads.

    Keyed by the Host object itself (held weakly), so a new Host means a new reading; the age
    limit makes a long-lived Host re-read on the next inventory run.
    """

    def __init__(
        self,
        read: Callable[[Host], CimReading | None] = read_cim,
        max_age: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._read = read
        self._max_age = max_age
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: dict[int, tuple[weakref.ref[Host], float, CimReading | None, str]] = {}

    def get(self, host: Host) -> CimReading | None:
        """The reading for host, running PowerShell only if no fresh one is kept."""
        with self._lock:
            now = self._clock()
            entry = self._entries.get(id(host))
            if entry is None or entry[0]() is not host or now - entry[1] >= self._max_age:
                entry = self._fresh_entry(host, now)
        if entry[3]:
            raise PowerShellError(entry[3])
        return entry[2]

    def _fresh_entry(
        self, host: Host, now: float
    ) -> tuple[weakref.ref[Host], float, CimReading | None, str]:
        try:
            reading, error = self._read(host), ""
        except PowerShellError as exc:
            reading, error = None, str(exc)
        self._entries = {k: e for k, e in self._entries.items() if e[0]() is not None}
        entry = (weakref.ref(host), now, reading, error)
        self._entries[id(host)] = entry
        return entry


SHARED_READINGS = CimReadings()


def collect_cim(host: Host) -> CimReading | None:
    """The shared CIM reading of host (PowerShell runs once per host and inventory)."""
    return SHARED_READINGS.get(host)
