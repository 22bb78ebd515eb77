"""The console's pages read over real HTTP (no browser): runs with filters, a run's records found by
state and by text, a record's page with its cell and transitions; bad ids and filters are 404 and 400
pages, never a traceback."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from ml_connector.accounts import Accounts, Role
from ml_connector.flows.context import FlowContext
from ml_connector.flows.runner import run_flow
from ml_connector.http import Redactor
from ml_connector.serving import RunningServer, start_in_thread
from ml_connector.web import build_app
from tests.support.console import PASSWORD, signed_in, token_of


@pytest.fixture()
def dashboard(ctx: FlowContext) -> Iterator[RunningServer]:
    server = start_in_thread(build_app(ctx.store, Redactor()))
    yield server
    server.stop()


def test_runs_run_detail_records_and_gaps(ctx: FlowContext, dashboard: RunningServer) -> None:
    run_flow(ctx, "reference-oracle")
    actuals = run_flow(ctx, "actuals-oracle")
    with httpx.Client(base_url=dashboard.url) as web:
        assert web.get("/runs").status_code == 303  # sign in first
        signed_in(web, ctx.store)
        index = web.get("/runs")
        assert index.status_code == 200 and "actuals-oracle" in index.text and actuals.id[:8] in index.text
        only_reference = web.get("/runs", params={"flow": "reference-oracle", "state": "succeeded"})
        assert actuals.id[:8] not in only_reference.text and "reference-oracle" in only_reference.text
        assert actuals.id[:8] not in web.get("/runs", params={"until": "2000-01-01"}).text
        detail = web.get(f"/runs/{actuals.id}", params={"state": "quarantined"})
        assert detail.status_code == 200
        assert "no cost center mapping for &#39;3999&#39;" in detail.text
        assert "mapping import" in detail.text  # what to do
        loaded = web.get(f"/runs/{actuals.id}", params={"state": "loaded"}).text
        assert "account " in loaded and "cost center " in loaded  # the cell, not a bare task id
        searched = web.get(f"/runs/{actuals.id}", params={"q": "3999"}).text
        table = searched[searched.index('id="records"') :]
        assert "3999" in table and 'class="loaded"' not in table
        record_id = re.search(r'href="/records/(\d+)"', detail.text)
        assert record_id
        record = web.get(f"/records/{record_id.group(1)}")
        assert record.status_code == 200 and "quarantined" in record.text and "Transitions" in record.text
        assert "3999" in web.get("/gaps").text
        for bad in ("/runs/nope", "/runs/0000", "/records/99999999", "/records/x", "/jobs/nope"):
            answer = web.get(bad)
            assert answer.status_code == 404 and "Not found" in answer.text and "Traceback" not in answer.text
        for params in ({"state": "bogus"}, {"since": "yesterday"}, {"page": "0"}):
            answer = web.get("/runs", params=params)
            assert answer.status_code == 400 and "Bad request" in answer.text
        assert web.get(f"/runs/{actuals.id}", params={"state": "bogus"}).status_code == 400
        assert web.get("/health").json() == {"status": "ok", "store": "ok"}


def test_sign_in_goes_only_to_a_page_of_the_console(ctx: FlowContext, dashboard: RunningServer) -> None:
    Accounts(ctx.store).add("reader", PASSWORD, Role.VIEWER)
    for target, landing in (("/gaps", "/gaps"), ("//evil.example/x", "/"), ("https://evil.example", "/")):
        with httpx.Client(base_url=dashboard.url) as web:
            token = token_of(web.get("/login").text)
            form = {"username": "reader", "password": PASSWORD, "csrf_token": token, "next": target}
            answer = web.post("/login", data=form)
            assert answer.status_code == 303 and answer.headers["location"] == landing
