"""What an operator does from the console: add the missing mapping rule, replay the runs a gap held
back, replay a run's quarantined and failed records, repair the cells reconcile finds differing.
Every form is POST with the session's CSRF token; a viewer gets a 403 page. Replays and repairs run
as jobs (`web.jobs`) whose page shows their progress."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import Depends, FastAPI, Form, HTTPException, Request
from starlette.responses import RedirectResponse, Response

from ml_connector.accounts import SignedIn
from ml_connector.engine import queries
from ml_connector.engine.mappings import add_rule
from ml_connector.errors import ConnectorError
from ml_connector.flows.context import FlowContext
from ml_connector.flows.reconcile import repair
from ml_connector.flows.replay import replay
from ml_connector.mapping.rules import Dimension, Rule, RuleKind
from ml_connector.pings import ping
from ml_connector.web.console import Console
from ml_connector.web.jobs import JobKind
from ml_connector.web.pages import find_run
from ml_connector.web.reconciliation import PERIOD
from ml_connector.web.security import check_csrf, operator

Operator = Annotated[SignedIn, Depends(operator)]
Checked = Depends(check_csrf)
FIELD = 200
FIELD_KEY = 300  # a source key's length in the store
MOST_SELECTED = 1000


def _flows(console: Console) -> FlowContext:
    if console.flows is None:
        raise HTTPException(
            409, "this console was started read-only (without flows): replays and mapping changes are not available"
        )
    return console.flows


def _text(value: str, label: str) -> str:
    value = value.strip()
    if not value or len(value) > FIELD:
        raise HTTPException(400, f"{label} must be 1 to {FIELD} characters")
    return value


def add_actions(app: FastAPI, console: Console) -> None:
    def replay_step(run_id: str) -> str:
        made = replay(_flows(console), run_id)
        return made.id if made is not None else ""  # "": nothing left to replay

    @app.post("/gaps/rule", dependencies=[Checked])
    def add_gap_rule(
        request: Request,
        user: Operator,
        flow: str = Form(...),
        dimension: str = Form(...),
        kind: str = Form("exact"),
        source: str = Form(...),
        target: str = Form(...),
    ) -> Response:
        context = _flows(console)
        if flow not in context.config.flows:
            raise HTTPException(400, f"no flow {flow!r} in the configuration")
        try:
            rule = Rule(
                Dimension(dimension), RuleKind(kind), _text(source, "the ERP code"), _text(target, "the member")
            )
        except ValueError:
            raise HTTPException(
                400, f"a rule maps an account, cost_center or supplier, exact or pattern; not {dimension!r}/{kind!r}"
            ) from None
        if rule.kind is RuleKind.DEFAULT:
            raise HTTPException(400, "add a default rule with `ml-connector mapping import`, not from a gap")
        mapping = context.config.flows[flow].mapping or flow
        add_rule(console.store, mapping, rule)
        query = urlencode(
            {"saved": f"{rule.dimension.value} {rule.kind.value} {rule.source} -> {rule.target} in {mapping}"}
        )
        return RedirectResponse(f"/gaps?{query}", status_code=303)

    @app.post("/gaps/replay", dependencies=[Checked])
    def replay_gap(
        request: Request, user: Operator, flow: str = Form(...), dimension: str = Form(...), code: str = Form(...)
    ) -> Response:
        _flows(console)
        runs = queries.gap_runs(console.store, flow, dimension, code)
        if not runs:
            raise HTTPException(404, f"no run of {flow} waits for {dimension} {code!r}")
        job = console.jobs.submit(
            f"replay the runs waiting for {dimension} {code} ({flow})", user.name, runs, replay_step
        )
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)

    @app.post("/connections/{name}/ping", dependencies=[Checked])
    def ping_connection(request: Request, name: str, user: Operator) -> Response:
        context = _flows(console)
        if name not in context.config.connections:
            raise HTTPException(404, f"no connection {name!r} in the configuration")
        try:
            answer = f"{name}: {ping(context.config, context.clients, console.store, console.redactor, name)}"
        except ConnectorError as exc:
            answer = f"{name} did not answer: {exc}"
        query = urlencode({"pinged": console.redactor.redact(answer)})
        return RedirectResponse(f"/?{query}#connections", status_code=303)

    @app.post("/runs/{run_id}/replay", dependencies=[Checked])
    def replay_run(
        request: Request, run_id: str, user: Operator, key: Annotated[list[str] | None, Form()] = None
    ) -> Response:
        key = key or []
        _flows(console)
        info = find_run(console, run_id)
        if len(key) > MOST_SELECTED or any(not k or len(k) > FIELD_KEY for k in key):
            raise HTTPException(400, f"select 1 to {MOST_SELECTED} records, or replay them all")
        selected = set(key)

        def replay_selected(parent: str) -> str:
            made = replay(_flows(console), parent, only=selected)
            return made.id if made is not None else ""

        what = f"{len(selected)} selected record(s) of run" if selected else "run"
        step = replay_selected if selected else replay_step
        job = console.jobs.submit(f"replay {what} {info.id[:8]} ({info.flow})", user.name, [info.id], step)
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)

    @app.post("/reconcile/repair", dependencies=[Checked])
    def repair_flow(request: Request, user: Operator, flow: str = Form(...), period: str = Form("")) -> Response:
        context = _flows(console)
        actuals = context.config.flows.get(flow)
        if actuals is None or actuals.kind != "actuals":
            raise HTTPException(404, f"no actuals flow {flow!r}")
        period = period.strip()
        if period and not PERIOD.match(period):
            raise HTTPException(400, f"period {period!r} is not YYYY-MM; write e.g. 2026-03")

        def repair_step(name: str) -> str:
            done = repair(_flows(console), name, [period] if period else None)
            return done.run.id if done.run is not None else ""  # "": every cell agreed, nothing sent

        where = f" for {period}" if period else ""
        job = console.jobs.submit(
            f"repair the differing cells of {flow}{where}", user.name, [flow], repair_step, JobKind.REPAIR
        )
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)
