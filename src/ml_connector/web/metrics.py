"""`/metrics` in the Prometheus text format (prometheus-client): a collector that reads the store at
each scrape, so every process on one store reports the same figures and a restart loses nothing.

Requests (by system and outcome, 429s apart) and lock waits are counted by every process on the
store (`Root.traffic`, `LeaseLocks`) and added to the store at most every 10 s and when a process
ends: a scrape sees the whole fleet's, workers included, up to 10 s late."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from prometheus_client import CollectorRegistry
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector

from ml_connector.engine import queries
from ml_connector.store.database import Store

BUCKETS = (1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 3600.0)


class StoreCollector(Collector):
    def __init__(self, store: Store) -> None:
        self._store = store

    def collect(self) -> Iterator[Metric]:
        ops = queries.operations(self._store)
        runs = GaugeMetricFamily(
            "mlc_runs", "Runs kept in the store, by flow and final state.", labels=["flow", "state"]
        )
        for flow, state, count in ops.runs:
            runs.add_metric([flow, state], count)
        yield runs
        records = GaugeMetricFamily("mlc_records", "Audit records of every run, by state.", labels=["state"])
        for state, count in ops.records:
            records.add_metric([state], count)
        yield records
        yield _durations(ops.durations)
        last = GaugeMetricFamily(
            "mlc_last_success_timestamp_seconds",
            "When each flow last finished a run that loaded what it could (succeeded or partial).",
            labels=["flow"],
        )
        for flow, moment in sorted(ops.last_success.items()):
            last.add_metric([flow], moment.timestamp())
        yield last
        tokens = GaugeMetricFamily(
            "mlc_budget_tokens", "Requests left in each shared tenant budget when last counted.", labels=["tenant"]
        )
        for tenant, left in ops.budget_tokens:
            tokens.add_metric([tenant], left)
        yield tokens
        yield from _traffic(ops)
        yield GaugeMetricFamily("mlc_open_mapping_gaps", "ERP codes records wait for a rule for.", value=ops.open_gaps)
        yield GaugeMetricFamily(
            "mlc_quarantined_records", "Records whose latest version is quarantined.", value=ops.quarantined
        )


def _traffic(ops: queries.Operations) -> Iterator[Metric]:
    requests = CounterMetricFamily(
        "mlc_http_requests",
        "Requests sent to each system by every process on the store, by outcome (2xx, 4xx, 429, 5xx, network).",
        labels=["system", "outcome"],
    )
    limited = CounterMetricFamily(
        "mlc_http_rate_limited", "Requests a system answered with 429 (too many requests).", labels=["system"]
    )
    per_system: dict[str, int] = defaultdict(int)
    for system, outcome, count in ops.requests:
        requests.add_metric([system, outcome], count)
        per_system[system] += count if outcome == "429" else 0
    for system, count in sorted(per_system.items()):
        limited.add_metric([system], count)
    yield requests
    yield limited
    waits = CounterMetricFamily(
        "mlc_lock_waits", "Times a run had to wait for a lock (a model or a flow) another run held.", labels=["lock"]
    )
    waited = CounterMetricFamily(
        "mlc_lock_wait_seconds", "Seconds runs spent waiting for a lock another run held.", labels=["lock"]
    )
    for lock, count, seconds in ops.lock_waits:
        waits.add_metric([lock], count)
        waited.add_metric([lock], seconds)
    yield waits
    yield waited


def _durations(durations: list[tuple[str, float]]) -> HistogramMetricFamily:
    family = HistogramMetricFamily(
        "mlc_run_duration_seconds", "How long recent finished runs took, by flow.", labels=["flow"]
    )
    by_flow: dict[str, list[float]] = defaultdict(list)
    for flow, seconds in durations:
        by_flow[flow].append(seconds)
    for flow, values in sorted(by_flow.items()):
        buckets = [(str(edge), float(sum(1 for v in values if v <= edge))) for edge in BUCKETS]
        buckets.append(("+Inf", float(len(values))))
        family.add_metric([flow], buckets, sum_value=sum(values))
    return family


def store_registry(store: Store) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(StoreCollector(store))
    return registry
