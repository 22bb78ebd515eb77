"""The home page (every flow at a glance, connections, what waits for a fix) and cell lineage: from an
Anaplan cell to the source lines that make up its total, and from a source line to its cell."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from fastapi import FastAPI, HTTPException, Query, Request
from starlette.responses import Response

from ml_connector.engine import queries
from ml_connector.engine.keys import CellKey, CellKind
from ml_connector.engine.runs import RunInfo
from ml_connector.engine.states import RecordState
from ml_connector.web.charts import sparkline
from ml_connector.web.console import Console
from ml_connector.web.pages import User

SPARK_RUNS = 20


@dataclass(frozen=True)
class FlowSummary:
    name: str
    kind: str
    last: RunInfo | None
    next_run: datetime | None
    watermarks: list[tuple[str, datetime]]
    spark: str


def _next_run(schedule: str | None, timezone: str, now: datetime) -> datetime | None:
    if not schedule:
        return None
    fire: datetime | None = CronTrigger.from_crontab(schedule, timezone=ZoneInfo(timezone)).get_next_fire_time(
        None, now
    )
    return fire


def flow_summaries(console: Console) -> list[FlowSummary]:
    now = datetime.now(UTC)
    marks = queries.watermarks(console.store)
    known: dict[str, tuple[str, str | None]] = {name: ("", None) for name in queries.flow_names(console.store)}
    timezone = "UTC"
    if console.flows is not None:
        timezone = console.flows.config.service.timezone
        known.update({name: (f.kind, f.schedule) for name, f in console.flows.config.flows.items()})
    summaries = []
    for name in sorted(known):
        kind, schedule = known[name]
        recent = queries.run_page(console.store, queries.RunFilter(flow=name), limit=SPARK_RUNS)
        loaded = [r.counts.get(RecordState.LOADED.value, 0) for r in reversed(recent) if not r.dry_run]
        summaries.append(
            FlowSummary(
                name,
                kind,
                recent[0] if recent else None,
                _next_run(schedule, timezone, now),
                marks.get(name, []),
                sparkline(loaded),
            )
        )
    return summaries


@dataclass(frozen=True)
class ConnectionSummary:
    name: str
    system: str
    credentials: queries.CredentialDates | None
    ping: queries.LastPing | None


def connection_summaries(console: Console) -> list[ConnectionSummary]:
    dates = {c.connection: c for c in queries.credential_dates(console.store)}
    pings = queries.last_pings(console.store)
    systems = {name: c.system for name, c in dates.items()}
    if console.flows is not None:
        systems.update({name: c.system for name, c in console.flows.config.connections.items()})
    return [ConnectionSummary(n, systems[n], dates.get(n), pings.get(n)) for n in sorted(systems)]


def add_overview(app: FastAPI, console: Console) -> None:
    @app.get("/")
    def home(request: Request, user: User) -> Response:
        gaps = queries.mapping_gaps(console.store)
        context = {
            "flows": flow_summaries(console),
            "connections": connection_summaries(console),
            "can_ping": console.flows is not None,
            "gap_count": len(gaps),
            "waiting": sum(g.records for g in gaps),
            "quarantined": queries.open_quarantined(console.store),
            "now": datetime.now(UTC),
        }
        return console.page(request, "home.html", context, user)

    @app.get("/lineage")
    def lineage(
        request: Request,
        user: User,
        flow: str = Query("", max_length=100),
        account: str = Query("", max_length=200),
        cost_center: str = Query("", max_length=200),
        period: str = Query("", max_length=100),
        entity: str = Query("", max_length=200),
        currency: str = Query("", max_length=10),
        q: str = Query("", max_length=200),
    ) -> Response:
        flows = queries.flow_names(console.store)
        if flow and flow not in flows:
            raise HTTPException(404, f"no flow {flow!r} has run")
        context: dict[str, object] = {"flows": flows, "flow": flow, "q": q, "cell": None, "lines": [], "cells": []}
        if flow and account and cost_center and period:
            cell = CellKey.of(
                CellKind.GL, entity=entity, account=account, cost_center=cost_center, period=period, currency=currency
            )
            lines = queries.cell_lines(console.store, flow, cell.encode())
            if not lines:
                raise HTTPException(404, f"{flow} has loaded nothing into {cell.named()}")
            context.update(cell=cell, lines=lines, total=sum(line.amount for line in lines))
        elif flow:
            context["cells"] = [
                (CellKey.parse(c.cell), c) for c in queries.cell_totals(console.store, flow, text=q or None)
            ]
        return console.page(request, "lineage.html", context, user)

    @app.get("/lineage/line")
    def line(
        request: Request, user: User, flow: str = Query(..., max_length=100), key: str = Query(..., max_length=300)
    ) -> Response:
        found = queries.line_cell(console.store, flow, key)
        if found is None:
            raise HTTPException(404, f"source line {key!r} counts in no cell of {flow}")
        context = {"flow": flow, "line": found, "cell": CellKey.parse(found.cell)}
        return console.page(request, "line.html", context, user)
