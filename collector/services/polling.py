"""SNMP polling: find the credential a device answers to, observe it, hand the document on.

The poller does no parsing and no storing of its own: ``observe`` builds the observation
document (collector/adapters/snmp/observe.py) and ``deliver`` gives it to the one ingest path
(or prints it, for ``poll --print``). Dead hosts cost one short probe per credential; the
credential that worked is remembered per address so the next poll tries it first and wrong
ones are not retried on every cycle.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, TypeVar

from collector.adapters.site_address_file import SiteAddressFile
from collector.adapters.snmp.credentials import Credential
from collector.adapters.snmp.reader import SnmpError, SnmpReader, SnmpTimeoutError
from collector.adapters.snmp.targets import SiteTargets

log = logging.getLogger(__name__)

Address = tuple[str, int]
SYS_OBJECT_ID = (1, 3, 6, 1, 2, 1, 1, 2, 0)
Deliver = Callable[[dict[str, Any]], Awaitable[int | None]]


class Labelled(Protocol):
    """A credential of any poller, known by its label (SNMP here, SSH in ssh_polling)."""

    @property
    def label(self) -> str: ...


L = TypeVar("L", bound=Labelled)


class OpenReader(Protocol):
    async def __call__(self, address: Address, credential: Credential) -> SnmpReader: ...


class Observe(Protocol):
    async def __call__(
        self,
        reader: SnmpReader,
        *,
        target: str,
        site: str | None,
        collected_at: datetime,
        submission_id: str,
    ) -> dict[str, Any]: ...


@dataclass(frozen=True)
class PollOutcome:
    """What one device's poll came to: ok, dead (no credential answered) or failed."""

    address: Address
    result: str
    credential: str | None = None
    asset_id: int | None = None
    message: str | None = None
    seconds: float | None = None  # the poll's own time, not the wait for a free slot


async def timed(attempt: Awaitable[PollOutcome]) -> PollOutcome:
    """The outcome of ``attempt`` with the time it took."""
    started = time.monotonic()
    outcome = await attempt
    return dataclasses.replace(outcome, seconds=time.monotonic() - started)


class CredentialMemory:
    """Site and address → label of the credential that last worked, in a small JSON file."""

    def __init__(self, path: Path | None):
        self._known = SiteAddressFile(path)

    def order(self, site: str, address: Address, credentials: Sequence[L]) -> list[L]:
        """The credentials to try, the one that worked last time first."""
        label = self._known.get(site, address)
        return sorted(credentials, key=lambda c: c.label != label)

    def remember(self, site: str, address: Address, credential: Labelled) -> None:
        self._known.put(site, address, credential.label)

    def save(self) -> None:
        self._known.save()


class SnmpPoller:
    """Polls the targets of a site with bounded concurrency and a time budget per device."""

    def __init__(
        self,
        open_reader: OpenReader,
        observe: Observe,
        memory: CredentialMemory,
        clock: Callable[[], datetime],
        *,
        concurrency: int = 64,
        device_budget: float = 120.0,
    ):
        self._open = open_reader
        self._observe = observe
        self._memory = memory
        self._clock = clock
        self._slots = asyncio.Semaphore(concurrency)
        self._budget = device_budget

    async def poll_site(self, site: SiteTargets, deliver: Deliver) -> list[PollOutcome]:
        """Poll every address of the site; one outcome per address, in address order."""
        jobs = [self._poll_one(a, site.credentials, site.code, deliver) for a in site.addresses]
        outcomes = list(await asyncio.gather(*jobs))
        self._memory.save()
        return outcomes

    async def _poll_one(
        self, address: Address, credentials: Sequence[Credential], site: str, deliver: Deliver
    ) -> PollOutcome:
        async with self._slots:
            return await timed(self._attempt(address, credentials, site, deliver))

    async def _attempt(
        self, address: Address, credentials: Sequence[Credential], site: str, deliver: Deliver
    ) -> PollOutcome:
        try:
            async with asyncio.timeout(self._budget):
                return await self._observe_and_deliver(address, credentials, site, deliver)
        except TimeoutError:
            return PollOutcome(address, "failed", message="melebihi batas waktu perangkat")
        except SnmpError as exc:
            return PollOutcome(address, "failed", message=str(exc))
        except Exception as exc:  # one device's fault must not end the round
            log.exception("%s:%s: poll failed", *address)
            return PollOutcome(address, "failed", message=f"{type(exc).__name__}: {exc}"[:300])

    async def _observe_and_deliver(
        self, address: Address, credentials: Sequence[Credential], site: str, deliver: Deliver
    ) -> PollOutcome:
        found = await self.find_credential(site, address, credentials)
        if found is None:
            return PollOutcome(address, "dead", message="tidak ada kredensial yang dijawab")
        reader, credential = found
        document = await self._observe(
            reader,
            target=f"{address[0]}:{address[1]}",
            site=site,
            collected_at=self._clock(),
            submission_id=str(uuid.uuid4()),
        )
        asset_id = await deliver(document)
        return PollOutcome(address, "ok", credential.label, asset_id)

    async def find_credential(
        self, site: str, address: Address, credentials: Sequence[Credential]
    ) -> tuple[SnmpReader, Credential] | None:
        """A reader and the first credential (remembered one first) the device answers to."""
        for credential in self._memory.order(site, address, credentials):
            reader = await self._open(address, credential)
            try:
                if await reader.get([SYS_OBJECT_ID]):
                    self._memory.remember(site, address, credential)
                    return reader, credential
            except SnmpTimeoutError:
                continue  # dead, or a v2c community it ignores: the next one may work
            except SnmpError as exc:  # v3: wrong user or key is reported, not silent
                log.info("%s:%s refused %s: %s", *address, credential.label, exc)
        return None
