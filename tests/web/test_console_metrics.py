"""`/metrics` speaks the Prometheus text format (read back with prometheus-client's own parser) and
reports what the store holds; `/health` answers 503 when the store is not migrated."""

from __future__ import annotations

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from ml_connector.flows.context import FlowContext
from ml_connector.flows.runner import run_flow
from ml_connector.http import Redactor
from ml_connector.store import Store
from ml_connector.web import build_app


def test_metrics_report_runs_records_and_durations(ctx: FlowContext) -> None:
    reference = run_flow(ctx, "reference-oracle")
    actuals = run_flow(ctx, "actuals-oracle")
    web = TestClient(build_app(ctx.store, Redactor()))
    answer = web.get("/metrics")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain")
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(answer.text)
        for s in family.samples
    }
    assert samples[("mlc_runs", (("flow", "actuals-oracle"), ("state", actuals.state.value)))] == 1
    assert samples[("mlc_records", (("state", "loaded"),))] >= actuals.counts["loaded"]
    assert samples[("mlc_run_duration_seconds_count", (("flow", "actuals-oracle"),))] == 1
    assert ("mlc_last_success_timestamp_seconds", (("flow", "reference-oracle"),)) in samples
    assert samples[("mlc_open_mapping_gaps", ())] >= 1
    assert samples[("mlc_quarantined_records", ())] == sum(r.counts.get("quarantined", 0) for r in (reference, actuals))


def test_health_checks_the_store(ctx: FlowContext, sqlite_url: str) -> None:
    assert TestClient(build_app(ctx.store, Redactor())).get("/health").json() == {"status": "ok", "store": "ok"}
    empty = Store(sqlite_url)
    try:
        answer = TestClient(build_app(empty, Redactor())).get("/health")
        assert answer.status_code == 503 and "db upgrade" in answer.json()["store"]
    finally:
        empty.dispose()
