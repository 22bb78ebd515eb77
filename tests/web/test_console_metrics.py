"""`/metrics` speaks the Prometheus text format (read back with prometheus-client's own parser) and
reports what the store holds, requests and lock waits of every process included; `/health` answers
503 when the store is not migrated."""

from __future__ import annotations

import threading

import httpx
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from ml_connector import config as config_module
from ml_connector.demo.sandbox import Sandbox
from ml_connector.flows.context import FlowContext
from ml_connector.flows.runner import run_flow
from ml_connector.http import Redactor
from ml_connector.root import Root
from ml_connector.store import Store
from ml_connector.store.lease import LeaseLocks
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


def scrape(store: Store) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    answer = TestClient(build_app(store, Redactor())).get("/metrics")
    assert answer.status_code == 200
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(answer.text)
        for s in family.samples
    }


def test_metrics_count_every_request_and_429_the_emulator_saw(sandbox: Sandbox) -> None:
    """The requests and 429s `/metrics` reports are the ones the Oracle emulator's own record holds,
    counted by the process that sent them and kept in the store when it closes."""
    oracle = sandbox.url("oracle")
    # A tenant refusing 30 % of requests is one a user gives more tries: with the default 6, one of a few
    # hundred GETs sent four at a time (their draws come in no fixed order) gives up now and then.
    text = sandbox.config_path.read_text(encoding="utf-8")
    text = text.replace("[connections.oracle]\n", "[connections.oracle]\nretry_attempts = 20\n", 1)
    sandbox.config_path.write_text(text, encoding="utf-8")
    httpx.put(
        f"{oracle}/_emulator/faults", json={"rate_429": 0.3, "retry_after_seconds": 0, "seed": 11}
    ).raise_for_status()
    root = Root(config_module.load(sandbox.config_path))
    try:
        context = root.flow_context()
        run_flow(context, "reference-oracle")
        run_flow(context, "actuals-oracle")
    finally:
        root.close()
        httpx.put(f"{oracle}/_emulator/faults", json={})
    seen = httpx.get(f"{oracle}/_emulator/stats").json()
    limited = sum(by.get("429", 0) for by in seen["requests"].values())
    assert limited > 0 and seen["total"] > limited, seen
    store = Store(config_module.load(sandbox.config_path).store_url)
    try:
        samples = scrape(store)
    finally:
        store.dispose()
    sent = {labels: v for (name, labels), v in samples.items() if name == "mlc_http_requests_total"}
    oracle_sent = sum(v for labels, v in sent.items() if ("system", "oracle") in labels)
    assert oracle_sent == seen["total"]
    assert samples[("mlc_http_requests_total", (("outcome", "429"), ("system", "oracle")))] == limited
    assert samples[("mlc_http_rate_limited_total", (("system", "oracle"),))] == limited
    assert any(("system", "anaplan") in labels for labels in sent)  # every system the run spoke to


def test_metrics_count_lock_waits(store: Store) -> None:
    locks = LeaseLocks(store, ttl=5, poll=0.02)
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with locks.hold("anaplan:MODEL1"):
            holding.set()
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(5)
    threading.Timer(0.2, release.set).start()
    with locks.hold("anaplan:MODEL1", timeout=5):
        pass
    holder.join()
    with locks.hold("anaplan:MODEL1", timeout=5):  # free: no wait counted
        pass
    samples = scrape(store)
    assert samples[("mlc_lock_waits_total", (("lock", "anaplan:MODEL1"),))] == 1
    assert samples[("mlc_lock_wait_seconds_total", (("lock", "anaplan:MODEL1"),))] >= 0.1
