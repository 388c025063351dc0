"""One small fact per site and address, kept in a JSON file: the credential that last worked
(SNMP and SSH pollers) or the host key pinned on first contact (SSH).

Keyed by site too: two regional offices may well use the same private address. A missing or
damaged file is an empty map; writes go to a draft renamed over the old file.
"""

from __future__ import annotations

import json
from pathlib import Path

Address = tuple[str, int]


class SiteAddressFile:
    """Site and address → text, in ``path`` (None: in memory only)."""

    def __init__(self, path: Path | None) -> None:
        self._path = path
        self._values: dict[str, str] = {}
        if path is not None and path.is_file():
            try:
                loaded = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                loaded = {}
            if isinstance(loaded, dict):
                self._values = {str(k): str(v) for k, v in loaded.items()}

    def get(self, site: str, address: Address) -> str | None:
        return self._values.get(_key(site, address))

    def put(self, site: str, address: Address, value: str) -> None:
        self._values[_key(site, address)] = value

    def save(self) -> None:
        """Write the map (atomically: a draft file renamed over the old one)."""
        if self._path is None:
            return
        draft = self._path.with_suffix(".tmp")
        draft.write_text(json.dumps(self._values, sort_keys=True, indent=1), encoding="utf-8")
        draft.replace(self._path)


def _key(site: str, address: Address) -> str:
    return f"{site}/{address[0]}:{address[1]}"
