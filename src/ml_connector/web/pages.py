"""The pages that read: runs with filters, a run (summary, timeline, tasks, records), a record, the
mapping gaps, a job. Every read goes through `engine.queries`; every bad input is a 400 or 404 page."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Annotated, TypeVar

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from starlette.responses import Response

from ml_connector.accounts import SignedIn
from ml_connector.engine import queries
from ml_connector.engine.runs import RunInfo
from ml_connector.engine.states import RecordState, RunState, Trigger
from ml_connector.errors import ConfigurationError
from ml_connector.web.console import Console
from ml_connector.web.security import current_user

PAGE = 100
RUN_ID = re.compile(r"^[0-9a-f-]{4,36}$")
E = TypeVar("E", bound=StrEnum)
User = Annotated[SignedIn, Depends(current_user)]


def choice(kind: type[E], value: str | None, label: str) -> E | None:
    if not value:
        return None
    try:
        return kind(value)
    except ValueError:
        known = ", ".join(k.value for k in kind)
        raise HTTPException(400, f"unknown {label} {value!r}; one of: {known}") from None


def day(value: str | None, label: str) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.combine(date.fromisoformat(value), time(), tzinfo=UTC)
    except ValueError:
        raise HTTPException(400, f"{label} {value!r} is not a date; write it as YYYY-MM-DD") from None


def find_run(console: Console, run_id: str) -> RunInfo:
    if not RUN_ID.match(run_id):
        raise HTTPException(404, f"no run {run_id!r}")
    try:
        return queries.find_run(console.store, run_id)
    except ConfigurationError:
        raise HTTPException(404, f"no run {run_id!r}") from None


def add_pages(app: FastAPI, console: Console) -> None:
    @app.get("/runs")
    def runs(
        request: Request,
        user: User,
        flow: str = "",
        state: str = "",
        trigger: str = "",
        since: str = "",
        until: str = "",
        page: int = Query(1, ge=1, le=10_000),
    ) -> Response:
        until_day = day(until, "until")
        where = queries.RunFilter(
            flow=flow or None,
            state=choice(RunState, state, "run state"),
            trigger=choice(Trigger, trigger, "trigger"),
            since=day(since, "since"),
            until=until_day + timedelta(days=1) if until_day else None,  # `until` names the last day shown
        )
        found = queries.run_page(console.store, where, limit=PAGE, offset=(page - 1) * PAGE)
        context = {
            "runs": found,
            "flows": queries.flow_names(console.store),
            "states": [s.value for s in RunState],
            "triggers": [t.value for t in Trigger],
            "filters": {"flow": flow, "state": state, "trigger": trigger, "since": since, "until": until},
            "page": page,
            "more": len(found) == PAGE,
        }
        return console.page(request, "runs.html", context, user)

    @app.get("/runs/{run_id}")
    def run_detail(
        request: Request,
        run_id: str,
        user: User,
        state: str = "",
        reason: str = Query("", max_length=200),
        q: str = Query("", max_length=200),
        page: int = Query(1, ge=1, le=100_000),
    ) -> Response:
        info = find_run(console, run_id)
        record_state = choice(RecordState, state, "record state")
        records = queries.search_records(
            console.store,
            info.id,
            state=record_state.value if record_state else None,
            reason=reason or None,
            text=q or None,
            limit=PAGE,
            offset=(page - 1) * PAGE,
        )
        context = {
            "run": info,
            "records": records,
            "timeline": queries.run_timeline(console.store, info.id),
            "tasks": queries.task_ids(console.store, info.id),
            "filters": {"state": state, "reason": reason, "q": q},
            "states": sorted(info.counts),
            "replayable": sum(info.counts.get(s, 0) for s in ("quarantined", "failed")),
            "selectable": _selectable(console, info),
            "page": page,
            "more": len(records) == PAGE,
        }
        return console.page(request, "run.html", context, user)

    @app.get("/records/{record_id}")
    def record(request: Request, record_id: str, user: User) -> Response:
        found = queries.record_detail(console.store, int(record_id)) if record_id.isdigit() else None
        if found is None:
            raise HTTPException(404, f"no record {record_id!r}")
        return console.page(request, "record.html", {"detail": found}, user)

    @app.get("/quarantined")
    def quarantined(request: Request, user: User, page: int = Query(1, ge=1, le=100_000)) -> Response:
        found = queries.open_quarantined_records(console.store, limit=PAGE, offset=(page - 1) * PAGE)
        context = {"records": found, "page": page, "more": len(found) == PAGE}
        return console.page(request, "quarantined.html", context, user)

    @app.get("/gaps")
    def gaps(request: Request, user: User) -> Response:
        context = {
            "gaps": queries.mapping_gaps(console.store),
            "jobs": console.jobs.recent()[:5],
            "actions": console.flows is not None,
            "mappings": _mapping_sets(console),
        }
        return console.page(request, "gaps.html", context, user)

    @app.get("/jobs/{job_id}")
    def job(request: Request, job_id: str, user: User) -> Response:
        found = console.jobs.get(job_id)
        if found is None:
            raise HTTPException(404, f"no job {job_id!r}")
        return console.page(request, "job.html", {"job": found}, user)


def _selectable(console: Console, info: RunInfo) -> bool:
    """Records can be picked one by one for a replay: an actuals run, on a console with flows."""
    if console.flows is None or info.dry_run:
        return False
    flow = console.flows.config.flows.get(info.flow)
    return flow is not None and flow.kind == "actuals"


def _mapping_sets(console: Console) -> dict[str, str]:
    """Flow name -> the mapping set its rules are kept in."""
    if console.flows is None:
        return {}
    return {name: flow.mapping or name for name, flow in console.flows.config.flows.items()}
