"""Running the probes for one host: each section on its own, with a deadline, errors kept apart."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from agent.document import Collected
from agent.identity import assemble_identity
from agent.sources.host import Host

Probe = Callable[[Host], Any]
DEFAULT_DEADLINE_S = 120.0


def platform_probes(platform: str) -> dict[str, Probe]:
    """Section name → probe for a platform (``linux``, ``windows``, ``darwin``)."""
    from agent.probes.common import common_probes  # noqa: PLC0415 - import on use, not at load

    probes = common_probes()
    if platform == "windows":
        from agent.probes.windows import windows_probes  # noqa: PLC0415

        probes.update(windows_probes())
    elif platform == "darwin":
        from agent.probes.darwin import darwin_probes  # noqa: PLC0415

        probes.update(darwin_probes())
    else:
        from agent.probes.linux import linux_probes  # noqa: PLC0415

        probes.update(linux_probes())
    return probes


def collect_sections(
    host: Host,
    probes: Mapping[str, Probe] | None = None,
    deadline_s: float = DEFAULT_DEADLINE_S,
) -> Collected:
    """Run every probe; a probe that raises or overruns the deadline costs only its section.

    Returns the sections that produced a value (``None`` means "not present on this host"),
    the error per failed section, and the wall time. ``identity`` is built last from the others.
    """
    chosen = dict(probes if probes is not None else platform_probes(host.platform))
    started = time.monotonic()
    sections: dict[str, Any] = {}
    errors: dict[str, str] = {}
    pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="probe")
    try:
        futures = {name: pool.submit(probe, host) for name, probe in chosen.items()}
        for name, future in futures.items():
            _settle(name, future, started + deadline_s, sections, errors)
    finally:
        # A hung probe (a stuck NFS mount, say) must not hold the run: leave its thread behind.
        pool.shutdown(wait=False, cancel_futures=True)
    sections["identity"] = assemble_identity(sections)
    return Collected(sections, errors, int((time.monotonic() - started) * 1000))


def _settle(
    name: str,
    future: Future[Any],
    deadline: float,
    sections: dict[str, Any],
    errors: dict[str, str],
) -> None:
    try:
        value = future.result(timeout=max(0.0, deadline - time.monotonic()))
    except FutureTimeout:
        errors[name] = "probe timed out"
        return
    except Exception as exc:  # noqa: BLE001 - any probe fault is reported, never fatal
        errors[name] = f"{type(exc).__name__}: {exc}"
        return
    if value is not None:
        sections[name] = value
