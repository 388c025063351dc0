"""Prometheus metrics on the app's own registry; register-wide gauges are read at scrape time."""

from __future__ import annotations

import platform
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    Info,
    disable_created_metrics,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from collector.domain.fleet import FleetSummary, Need


def new_registry() -> CollectorRegistry:
    """The process's metrics registry, without the ``*_created`` sample prometheus_client
    adds to every counter and histogram child: each is one more series (a timestamp nobody
    graphs) against the /metrics budget. The switch is process-wide in prometheus_client, so
    it is thrown here, where the one registry of a process is made."""
    disable_created_metrics()  # type: ignore[no-untyped-call]  # untyped upstream
    return CollectorRegistry()


class IngestMetrics:
    """Counters and timings of the ingest path."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.results = Counter(
            "asetik_ingest_total",
            "Observations received, by source kind and result (accepted or an error code).",
            ["source", "result"],
            registry=registry,
        )
        self.duration = Histogram(
            "asetik_ingest_duration_seconds",
            "Time to validate, reconcile and store one observation.",
            ["source"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
            registry=registry,
        )


class PollMetrics:
    """What the poll process did: devices polled by protocol and result, how long each took,
    and when the last round ended (a poller that stopped polling shows as an old timestamp)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.results = Counter(
            "asetik_poll_total",
            "Device polls, by protocol (snmp, ssh) and result (ok, dead, failed, ...).",
            ["protocol", "result"],
            registry=registry,
        )
        self.duration = Histogram(
            "asetik_poll_duration_seconds",
            "Time one device's poll took, ingest included.",
            ["protocol"],
            buckets=(0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0),
            registry=registry,
        )
        self.round_seconds = Gauge(
            "asetik_poll_round_duration_seconds", "Time the last poll round took.",
            registry=registry,
        )  # fmt: skip
        self.round_end = Gauge(
            "asetik_poll_round_end_timestamp_seconds", "When the last poll round ended.",
            registry=registry,
        )  # fmt: skip

    def record(self, protocol: str, result: str, seconds: float | None) -> None:
        self.results.labels(protocol, result).inc()
        if seconds is not None:
            self.duration.labels(protocol).observe(seconds)

    def round_done(self, seconds: float) -> None:
        self.round_seconds.set(seconds)
        self.round_end.set_to_current_time()


class FleetGauges(Collector):
    """The register's aggregates (collector/services/fleet_summary.py) as gauges, read from the
    database at scrape time and kept ``ttl`` seconds so a burst of scrapes costs one read.

    Only the replica that ``leads`` exposes them (with several replicas behind one load
    balancer, every scrape would otherwise read the same numbers again, and a sum over
    replicas would double them); the others say so in ``asetik_register_gauges_leader``.
    """

    def __init__(
        self,
        read: Callable[[], FleetSummary],
        leads: Callable[[], bool],
        ttl: float = 15.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._read, self._leads, self._ttl, self._clock = read, leads, ttl, clock
        self._cached: tuple[float, FleetSummary, float] | None = None
        self._guard = threading.Lock()

    def collect(self) -> Iterator[Metric]:
        leader = self._leads()
        yield GaugeMetricFamily(
            "asetik_register_gauges_leader",
            "1 when this replica exposes the register gauges (one replica does).",
            value=1.0 if leader else 0.0,
        )
        if not leader:
            return
        summary, took = self._summary()
        yield GaugeMetricFamily(
            "asetik_register_read_duration_seconds",
            "Time the last read of the register aggregates took.",
            value=took,
        )
        yield from _fleet_families(summary)

    def _summary(self) -> tuple[FleetSummary, float]:
        with self._guard:  # concurrent scrapes wait for one read instead of each doing it
            now = self._clock()
            if self._cached is None or now - self._cached[0] >= self._ttl:
                started = time.perf_counter()
                summary = self._read()
                self._cached = (now, summary, time.perf_counter() - started)
            return self._cached[1], self._cached[2]


NEED_FAMILIES: dict[Need, tuple[str, str]] = {
    Need.SUPPLY_LOW: ("asetik_printers_supply_low",
                      "Printers with a supply below its threshold (open printer.supply_low "
                      "tickets), by site."),
    Need.UPDATES_PENDING: ("asetik_assets_updates_pending",
                           "Assets with pending or security updates (open "
                           "software.pending_updates/security_updates tickets), by site."),
    Need.END_OF_LIFE: ("asetik_assets_end_of_life",
                       "Assets running an OS, product or firmware past its end of life (open "
                       "software.*_eol tickets), by site."),
}  # fmt: skip


def _tables(summary: FleetSummary) -> Iterator[tuple[str, str, list[str], Mapping[Any, float]]]:
    """Each family: name, help, label names, values by label values (a tuple or one str)."""
    yield (
        "asetik_assets",
        "Active assets in the register, by site and kind.",
        ["site", "kind"],
        summary.assets,
    )
    yield (
        "asetik_assets_by_status",
        "Assets in the register by kind and status (all sites).",
        ["kind", "status"],
        summary.assets_by_status,
    )
    yield (
        "asetik_assets_stale",
        "Active assets not seen within the [presence] warning days "
        "(agents and devices apart), by site.",
        ["site"],
        summary.stale,
    )
    yield (
        "asetik_site_last_seen_timestamp_seconds",
        "When any active asset of the site was last seen (Unix time): a site gone quiet.",
        ["site"],
        summary.last_seen,
    )
    yield (
        "asetik_disks",
        "Disks of active assets by SMART health (passed, failed, unknown).",
        ["site", "health"],
        summary.disks,
    )
    yield (
        "asetik_tickets_open",
        "Maintenance tickets not finished, by site and severity.",
        ["site", "severity"],
        summary.open_tickets,
    )
    yield (
        "asetik_tickets_open_by_rule",
        "Maintenance tickets not finished, by rule, severity and status (all sites).",
        ["rule", "severity", "status"],
        summary.open_by_rule,
    )
    yield (
        "asetik_tickets_critical_unreviewed_oldest_timestamp_seconds",
        "First seen (Unix time) of the site's oldest critical ticket still New.",
        ["site"],
        summary.unreviewed_oldest,
    )
    for need, (name, documentation) in NEED_FAMILIES.items():
        yield (
            name,
            documentation,
            ["site"],
            {site: n for (found, site), n in summary.needs.items() if found is need},
        )
    yield (
        "asetik_work_orders_overdue",
        "Open work orders past their due date (WIB), by site.",
        ["site"],
        summary.work_orders_overdue,
    )
    yield (
        "asetik_plan_completion_ratio",
        "Done work orders over all work orders of the active plans, by site and period (0 to 1).",
        ["site", "period"],
        summary.plan_completion,
    )
    yield ("asetik_sop_deadlines_at_risk", "Pending SOP steps with at most 2 working days "
           "left, overdue included, by site and step.", ["site", "step"],
           summary.deadlines_at_risk)  # fmt: skip


def _fleet_families(summary: FleetSummary) -> Iterator[Metric]:
    for name, documentation, labels, values in _tables(summary):
        family = GaugeMetricFamily(name, documentation, labels=labels)
        for key, value in sorted(values.items()):
            family.add_metric([key] if isinstance(key, str) else list(key), value)
        yield family


def register_build_info(registry: CollectorRegistry, version: str) -> None:
    """``asetik_build_info``: the running version, to spot replicas left on an old one."""
    Info("asetik_build", "The collector's version and Python.", registry=registry).info(
        {"version": version, "python": platform.python_version()}
    )


class NotificationMetrics:
    """Announcements of critical tickets, by channel and result (delivered, retry, failed)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.results = Counter(
            "asetik_notifications",
            "Notification attempts of new critical tickets, by channel and result.",
            ["channel", "result"],
            registry=registry,
        )
