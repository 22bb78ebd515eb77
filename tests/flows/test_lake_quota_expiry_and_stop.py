"""The Data Lake route against the Compass emulator's documented limits, over real HTTP: a query over the
per-tenant quota is waited out and retried (429), a result that expires while it is read is submitted again
and read on from where it was, and a run that stops while a query runs cancels that query in the lake."""

from __future__ import annotations

import dataclasses
import threading
import time
from typing import Any

import httpx
import pytest

from ml_connector import config as config_module
from ml_connector.demo.sandbox import FAST_RETRY, Sandbox
from ml_connector.engine import watermarks
from ml_connector.flows.runner import run_flow
from ml_connector.root import Root
from ml_connector.service.shutdown import ServiceStopping, StopFlag, StoppableProgress
from tests.flows.test_bulk_and_rest_give_the_same_cells import fresh_model, run, spend

AP = '["invoice", "payment"]'


def add_ap_flows(box: Sandbox, **connection: Any) -> tuple[str, str]:
    """A REST and a bulk M3 invoices-and-payments flow on connection `m3-lake` (the demo's M3 connection
    with `connection` options on top); their names."""
    options = {"product": "m3", "company": "100", "divisions": "US1,MX1,US2", "allow_any_url": True}
    options |= {"requests_per_minute": 6000, **FAST_RETRY, **connection}
    config_module.append_connection(box.config_path, "m3-lake", "infor", options)
    root = Root(config_module.load(box.config_path))
    try:
        vault = root.vault()
        vault.put("m3-lake", "infor", vault.get("infor"))
    finally:
        root.close()
    common = 'kind = "actuals"\nsource = "m3-lake"\ntarget = "anaplan"\nmapping = "infor"\n'
    common += f'workspace = "Acme Finance"\nmodel = "FP&A"\ninclude = {AP}\nsupplier_import = "Load Supplier Spend"\n'
    text = box.config_path.read_text(encoding="utf-8")
    text += f'\n[flows.rest-ap]\n{common}extract = "rest"\n\n[flows.bulk-ap]\n{common}extract = "bulk"\n'
    box.config_path.write_text(text, encoding="utf-8")
    return "rest-ap", "bulk-ap"


def lake(box: Sandbox, **settings: float) -> None:
    httpx.put(f"{box.url('infor')}/_emulator/datalake", json=settings).raise_for_status()


def lake_jobs(box: Sandbox) -> dict[str, Any]:
    answer: dict[str, Any] = httpx.get(f"{box.url('infor')}/_emulator/datalake/jobs").json()
    return answer


def rest_cells(box: Sandbox, rest: str) -> dict[tuple[str, ...], str]:
    run(box, "reference-infor")
    run(box, rest)
    cells = spend(box)
    assert any(float(v) for v in cells.values())
    fresh_model(box)
    assert spend(box) != cells
    return cells


@pytest.fixture(autouse=True)
def _lake_as_seeded(sandbox: Sandbox) -> Any:
    yield
    httpx.post(f"{sandbox.url('infor')}/_emulator/reset").raise_for_status()


def test_a_query_over_the_lakes_quota_waits_and_is_retried(sandbox: Sandbox) -> None:
    rest, bulk = add_ap_flows(sandbox)
    by_rest = rest_cells(sandbox, rest)
    # One submit a second: the payments query, right after the invoices one, is refused once (429).
    lake(sandbox, quota_jobs=1, quota_window_seconds=1)
    output = run(sandbox, bulk)
    assert spend(sandbox) == by_rest, output
    seen = lake_jobs(sandbox)
    assert seen["refused"] >= 1
    assert sum("FROM FPLEDG" in j["sql"] for j in seen["jobs"]) >= 2


def test_a_result_that_expires_while_read_is_submitted_again_and_read_on(sandbox: Sandbox) -> None:
    rest, bulk = add_ap_flows(sandbox, lake_page_rows=20)  # several result pages per query
    by_rest = rest_cells(sandbox, rest)
    lake(sandbox, expire_results=1)  # the first query's result is gone after its first page
    output = run(sandbox, bulk)
    assert spend(sandbox) == by_rest, output  # every line once: none lost, none counted twice
    invoices = [j for j in lake_jobs(sandbox)["jobs"] if "TRCD = 40" in j["sql"]]
    assert len(invoices) == 2 and invoices[0]["sql"] == invoices[1]["sql"]


def test_a_run_that_stops_while_its_lake_query_runs_cancels_the_query(sandbox: Sandbox) -> None:
    _, bulk = add_ap_flows(sandbox)
    lake(sandbox, job_seconds=600)  # the query would run for ten minutes
    flag = StopFlag()
    outcome: list[BaseException | None] = []
    root = Root(config_module.load(sandbox.config_path))
    try:
        ctx = dataclasses.replace(root.flow_context(), progress=StoppableProgress(flag))

        def go() -> None:
            try:
                run_flow(ctx, bulk)
                outcome.append(None)
            except BaseException as exc:  # noqa: BLE001 - what the run ended with is the test's subject
                outcome.append(exc)

        worker = threading.Thread(target=go)
        worker.start()
        for _ in range(400):  # the query is submitted within a moment
            if any(j["status"] == "RUNNING" for j in lake_jobs(sandbox)["jobs"]):
                break
            time.sleep(0.05)
        flag.stopping.set()
        flag.abort.set()  # the service's grace period is over: the run stops at its next safe point
        worker.join(30)
        assert not worker.is_alive()
        assert watermarks.read(ctx.store, bulk, "m3-lake") is None
    finally:
        root.close()
    assert outcome and (outcome[0] is None or isinstance(outcome[0], ServiceStopping)), outcome
    assert [j["status"] for j in lake_jobs(sandbox)["jobs"]] == ["CANCELLED"]
