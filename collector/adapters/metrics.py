"""Prometheus metrics on the app's own registry; register-wide gauges are read at scrape time."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector


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


class RegisterGauges(Collector):
    """Assets per site and kind, counted from the database when Prometheus scrapes."""

    def __init__(self, count_assets: Callable[[], Mapping[tuple[str, str], int]]) -> None:
        self._count_assets = count_assets

    def collect(self) -> Iterator[Metric]:
        family = GaugeMetricFamily(
            "asetik_assets", "Assets in the register, by site and kind.", labels=["site", "kind"]
        )
        for (site, kind), count in sorted(self._count_assets().items()):
            family.add_metric([site, kind], count)
        yield family


class NotificationMetrics:
    """Announcements of critical tickets, by channel and result (delivered, retry, failed)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.results = Counter(
            "asetik_notifications",
            "Notification attempts of new critical tickets, by channel and result.",
            ["channel", "result"],
            registry=registry,
        )
