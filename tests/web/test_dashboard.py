"""The dashboard over a store that ran the flows against the emulators, read over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from ml_connector.demo.sandbox import ANAPLAN_PASSWORD, ORACLE_PASSWORD
from ml_connector.emulators.common import RunningServer, start_in_thread
from ml_connector.flows.context import FlowContext
from ml_connector.flows.runner import run_flow
from ml_connector.http import Redactor
from ml_connector.web import build_app


@pytest.fixture()
def dashboard(ctx: FlowContext) -> Iterator[RunningServer]:
    server = start_in_thread(build_app(ctx.store, Redactor()))
    yield server
    server.stop()


def test_runs_run_detail_and_gaps(ctx: FlowContext, dashboard: RunningServer) -> None:
    run_flow(ctx, "reference-oracle")
    actuals = run_flow(ctx, "actuals-oracle")
    with httpx.Client(base_url=dashboard.url) as web:
        index = web.get("/")
        assert index.status_code == 200 and "actuals-oracle" in index.text and actuals.id[:8] in index.text
        detail = web.get(f"/runs/{actuals.id}", params={"state": "quarantined"})
        assert detail.status_code == 200
        assert "no cost center mapping for &#39;3999&#39;" in detail.text
        assert "mapping import" in detail.text  # what to do
        gaps = web.get("/gaps")
        assert "3999" in gaps.text
        assert web.get("/runs/nope").status_code == 404
        assert web.get(f"/runs/{actuals.id}", params={"state": "bogus"}).status_code == 400
        assert web.get("/api/runs").json()[0]["id"] == actuals.id
        for page in (index.text, detail.text, gaps.text):
            assert ANAPLAN_PASSWORD not in page and ORACLE_PASSWORD not in page
