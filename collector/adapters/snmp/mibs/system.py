"""SNMPv2-MIB system group (RFC 3418): name, description, location, contact, uptime, sysObjectID."""

from __future__ import annotations

from agent.junk import clean_text
from collector.adapters.snmp.cells import count, object_id
from collector.adapters.snmp.octets import TEXT, display_text
from collector.adapters.snmp.parser import Fragment, MibParser
from collector.adapters.snmp.values import format_oid
from collector.adapters.snmp.view import MibView

SYSTEM = (1, 3, 6, 1, 2, 1, 1)
SYS_DESCR = (*SYSTEM, 1, 0)
SYS_OBJECT_ID = (*SYSTEM, 2, 0)
SYS_UPTIME = (*SYSTEM, 3, 0)
SYS_CONTACT = (*SYSTEM, 4, 0)
SYS_NAME = (*SYSTEM, 5, 0)
SYS_LOCATION = (*SYSTEM, 6, 0)
SCALARS = (SYS_DESCR, SYS_OBJECT_ID, SYS_UPTIME, SYS_CONTACT, SYS_NAME, SYS_LOCATION)


def parse_system(view: MibView) -> Fragment:
    """identity.hostname/sys_object_id, device description/location/contact, status uptime.

    Placeholders ("unknown", empty) are dropped; sysUpTime (hundredths of a second) becomes
    whole seconds.
    """
    oid = object_id(view.scalar(SYS_OBJECT_ID))
    ticks = count(view.scalar(SYS_UPTIME))
    return {
        "identity": {
            "hostname": clean_text(display_text(view.scalar(SYS_NAME))),
            "sys_object_id": format_oid(oid) if oid else None,
        },
        "device": {
            "description": display_text(view.scalar(SYS_DESCR), TEXT),
            "location": clean_text(display_text(view.scalar(SYS_LOCATION), TEXT)),
            "contact": clean_text(display_text(view.scalar(SYS_CONTACT), TEXT)),
        },
        "status": {"uptime_seconds": None if ticks is None else ticks // 100},
    }


PARSERS = (MibParser("system", SCALARS, parse_system),)
