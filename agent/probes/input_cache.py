"""Re-use a costly probe's last result while the files it depends on are unchanged.

``apt-get -s dist-upgrade`` costs 0.3 s of CPU on a normal Debian host (3 s where apt's binary
cache is disabled, as in container images): too much to pay every hour on 20,000 hosts when
neither the package database nor the package lists changed. The cache file holds the result
with a signature of its inputs (mtime and size of each); any change, or age past ``max_age_s``,
runs the probe again.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from agent.sources.host import Host

log = logging.getLogger(__name__)


def input_signature(host: Host, paths: Sequence[str]) -> list[list[int] | None]:
    """(mtime in ns, size) of each input path, None for one that does not exist."""
    signature: list[list[int] | None] = []
    for path in paths:
        try:
            stat = host.path(path).stat()
        except OSError:
            signature.append(None)
            continue
        signature.append([stat.st_mtime_ns, stat.st_size])
    return signature


def cached_by_inputs(
    host: Host,
    name: str,
    inputs: Sequence[str],
    compute: Callable[[Host], Any],
    max_age_s: float = 86400.0,
) -> Any:
    """compute(host), or its stored result when the inputs are unchanged and it is fresh enough.

    Without ``host.cache_dir`` this is plain compute(host). A failure is never cached.
    """
    if host.cache_dir is None:
        return compute(host)
    store = host.cache_dir / f"{name}.cache.json"
    signature = input_signature(host, inputs)
    try:
        saved = json.loads(store.read_text(encoding="utf-8"))
        if saved["signature"] == signature and time.time() - saved["stored_at"] < max_age_s:
            return saved["result"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    result = compute(host)
    _store(store, {"signature": signature, "stored_at": time.time(), "result": result})
    return result


def _store(store: Path, content: dict[str, Any]) -> None:
    temporary = store.with_name(store.name + ".tmp")
    try:
        store.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary.write_text(json.dumps(content), encoding="utf-8")
        temporary.replace(store)
    except OSError as exc:
        log.warning("cannot keep the %s cache: %s", store.name, exc)
