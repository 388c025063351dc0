"""A changed host key let through only when ops accepted that very key.

The poller's pin file has one writer, the poller: ``asetik-collector ssh accept-key`` and the
API record the accepted fingerprint with the finding in the register, and this policy, on
meeting a changed key at the next poll, re-pins it when (and only when) the device presents
exactly the fingerprint that was accepted. Any other key is refused as before; an accept never
trusts "whatever the device says next".
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from collector.adapters.ssh.hostkeys import Address, HostKey, HostKeyChangedError, HostKeyStore

log = logging.getLogger(__name__)

AcceptedKey = Callable[[str, Address], str | None]


class AcceptedKeyChanges:
    """HostKeyPolicy: the store's trust-on-first-use pins, plus accepted key changes."""

    def __init__(self, store: HostKeyStore, accepted: AcceptedKey) -> None:
        self._store = store
        self._accepted = accepted

    def expected(self, site: str, address: Address) -> tuple[HostKey, ...]:
        """The store's pinned key (an accepted change is let through on meeting it)."""
        return self._store.expected(site, address)

    def verify(self, site: str, address: Address, seen: HostKey) -> bool:
        """As HostKeyStore.verify; a changed key that ops accepted is pinned (True)."""
        try:
            return self._store.verify(site, address, seen)
        except HostKeyChangedError:
            if self._accepted(site, address) != seen.fingerprint:
                raise
        self._store.replace(site, address, seen)
        log.info("%s %s:%s: accepted host key %s pinned", site, *address, seen.fingerprint)
        return True
