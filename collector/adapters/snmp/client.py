"""Reading real devices with pysnmp 7 (asyncio): the SnmpReader the poller uses.

One ``SnmpEngine`` serves every device of a poller process. Reads skip MIB lookups (values are
converted to plain Python types here, the parsers decode them) and walks use GETBULK within the
requested subtree only (pysnmp's ``lexicographicMode=False`` behaviour, done here on ``bulk_cmd``
so a walk stops at the first OID outside the subtree without an extra round trip).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from ipaddress import IPv4Address
from typing import Any

from pyasn1.type import univ
from pysnmp.hlapi.v3arch.asyncio import (
    CommunityData,
    ContextData,
    ObjectIdentity,
    ObjectType,
    SnmpEngine,
    UdpTransportTarget,
    UsmUserData,
    bulk_cmd,
    get_cmd,
)
from pysnmp.hlapi.v3arch.asyncio import auth as usm
from pysnmp.proto import errind, rfc1902, rfc1905

from collector.adapters.snmp.credentials import (
    AuthProtocol,
    Community,
    Credential,
    PrivProtocol,
)
from collector.adapters.snmp.reader import SnmpError, SnmpTimeoutError
from collector.adapters.snmp.values import Oid, Value

_AUTH = {
    AuthProtocol.SHA: usm.USM_AUTH_HMAC96_SHA,
    AuthProtocol.SHA224: usm.USM_AUTH_HMAC128_SHA224,
    AuthProtocol.SHA256: usm.USM_AUTH_HMAC192_SHA256,
    AuthProtocol.SHA384: usm.USM_AUTH_HMAC256_SHA384,
    AuthProtocol.SHA512: usm.USM_AUTH_HMAC384_SHA512,
}
_PRIV = {
    PrivProtocol.AES: usm.USM_PRIV_CFB128_AES,
    PrivProtocol.AES192: usm.USM_PRIV_CFB192_AES,
    PrivProtocol.AES256: usm.USM_PRIV_CFB256_AES,
}
_ABSENT = (rfc1905.NoSuchObject, rfc1905.NoSuchInstance, rfc1905.EndOfMibView)


@dataclass(frozen=True)
class Budget:
    """What one device may cost: seconds per request, retries, and values per GETBULK."""

    timeout: float = 1.0
    retries: int = 1
    max_repetitions: int = 25


def _auth_data(credential: Credential) -> CommunityData | UsmUserData:
    if isinstance(credential, Community):
        return CommunityData(credential.community, mpModel=1)  # noqa: S508 - v2c is what most printers speak
    return UsmUserData(
        credential.user,
        authKey=credential.auth_key,
        privKey=credential.priv_key,
        authProtocol=_AUTH[credential.auth_protocol],
        privProtocol=_PRIV[credential.priv_protocol],
    )


def plain_value(value: Any) -> Value:
    """Our plain type for a pysnmp value; absence markers are the caller's business."""
    if isinstance(value, univ.Integer):  # Integer32, counters, gauges, TimeTicks
        return int(value)
    if isinstance(value, rfc1902.IpAddress):
        octets = value.asOctets()
        return IPv4Address(octets) if len(octets) == 4 else bytes(octets)
    if isinstance(value, univ.OctetString):  # also Opaque and Bits
        return bytes(value.asOctets())
    if isinstance(value, univ.ObjectIdentifier):
        return tuple(value.asTuple())
    return None


class PysnmpReader:
    """An SnmpReader for one device over UDP."""

    def __init__(
        self,
        engine: SnmpEngine,
        target: UdpTransportTarget,
        credential: Credential,
        budget: Budget,
    ):
        self._engine = engine
        self._target = target
        self._auth = _auth_data(credential)
        self._context = ContextData()
        self._budget = budget

    @classmethod
    async def open(
        cls,
        engine: SnmpEngine,
        address: tuple[str, int],
        credential: Credential,
        budget: Budget | None = None,
    ) -> PysnmpReader:
        """A reader for the device at address (host, port); no packet is sent yet."""
        budget = budget or Budget()
        target = await UdpTransportTarget.create(
            address, timeout=budget.timeout, retries=budget.retries
        )
        return cls(engine, target, credential, budget)

    async def get(self, oids: Sequence[Oid]) -> dict[Oid, Value]:
        """The values of these exact instances; absent ones are left out."""
        reply = await get_cmd(
            self._engine,
            self._auth,
            self._target,
            self._context,
            *(ObjectType(ObjectIdentity(oid)) for oid in oids),
            lookupMib=False,
        )
        return dict(_present(_checked(reply)))

    async def walk(self, base: Oid) -> list[tuple[Oid, Value]]:
        """Every instance under base in OID order, by GETBULK, stopping at the subtree's end."""
        rows: list[tuple[Oid, Value]] = []
        cursor = base
        while True:
            reply = await bulk_cmd(
                self._engine,
                self._auth,
                self._target,
                self._context,
                0,
                self._budget.max_repetitions,
                ObjectType(ObjectIdentity(cursor)),
                lookupMib=False,
            )
            batch, finished = _within(_checked(reply), base, cursor)
            rows += batch
            if finished:
                return rows
            cursor = batch[-1][0]


def _checked(reply: tuple[Any, Any, Any, Sequence[Any]]) -> Sequence[Any]:
    indication, status, index, varbinds = reply
    if isinstance(indication, errind.RequestTimedOut):
        raise SnmpTimeoutError("perangkat tidak menjawab dalam batas waktu")
    if indication:
        raise SnmpError(f"galat SNMP: {indication}")
    if status:
        raise SnmpError(f"perangkat menjawab galat: {status.prettyPrint()} (indeks {index})")
    return varbinds


def _present(varbinds: Sequence[Any]) -> list[tuple[Oid, Value]]:
    return [
        (tuple(name.asTuple()), plain_value(value))
        for name, value in varbinds
        if not isinstance(value, _ABSENT)
    ]


def _within(
    varbinds: Sequence[Any], base: Oid, cursor: Oid
) -> tuple[list[tuple[Oid, Value]], bool]:
    """The rows of one GETBULK answer that lie under base, and whether the walk is over.

    Over means: an OID outside the subtree, endOfMibView, an empty answer, or an OID that does
    not increase (a broken agent that would otherwise loop for ever)."""
    batch: list[tuple[Oid, Value]] = []
    size = len(base)
    previous = cursor
    for name, value in varbinds:
        oid = tuple(name.asTuple())
        if oid[:size] != base or isinstance(value, _ABSENT) or oid <= previous:
            return batch, True
        batch.append((oid, plain_value(value)))
        previous = oid
    return batch, not batch
