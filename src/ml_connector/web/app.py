"""A small FastAPI + Jinja2 dashboard over the store. It reads, never writes, and never shows a secret:
the store holds none in plain text, and every text shown passes through redaction."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy import func, select

from ml_connector.engine.runs import RunLog
from ml_connector.engine.states import RecordState
from ml_connector.errors import ConfigurationError
from ml_connector.flows.staging import UNMAPPED
from ml_connector.http.redaction import Redactor
from ml_connector.store.database import Store
from ml_connector.store.models import AuditRecord, Run

TEMPLATE_DIR = Path(__file__).parent / "templates"
PAGE = 100


def build_app(store: Store, redactor: Redactor) -> FastAPI:
    """The dashboard over `store`; every text its pages show passes `redactor` (the root's)."""
    app = FastAPI(title="ml-connector", docs_url=None, redoc_url=None, openapi_url=None)
    templates = Jinja2Templates(directory=str(TEMPLATE_DIR))  # one per app: its filter uses this redactor
    templates.env.filters["redact"] = lambda value: redactor.redact(str(value))
    runs = RunLog(store)

    @app.get("/", response_class=HTMLResponse)
    def index(request: Request, flow: str | None = None) -> HTMLResponse:
        recent = runs.recent(flow, limit=50)
        return templates.TemplateResponse(request, "runs.html", {"runs": recent, "flow": flow})

    @app.get("/runs/{run_id}", response_class=HTMLResponse)
    def run_detail(request: Request, run_id: str, state: str | None = None, page: int = Query(1, ge=1)) -> HTMLResponse:
        try:
            info = runs.get(run_id)
        except ConfigurationError:
            raise HTTPException(404, f"no run {run_id}") from None
        if state is not None and state not in {s.value for s in RecordState}:
            raise HTTPException(400, f"unknown state {state}")
        query = select(AuditRecord).where(AuditRecord.run_id == info.id)
        if state:
            query = query.where(AuditRecord.state == state)
        with store.session() as session:
            records = list(
                session.execute(query.order_by(AuditRecord.id).offset((page - 1) * PAGE).limit(PAGE)).scalars()
            )
        context: dict[str, Any] = {
            "run": info,
            "records": records,
            "state": state,
            "page": page,
            "more": len(records) == PAGE,
            "states": sorted(info.counts),
        }
        return templates.TemplateResponse(request, "run.html", context)

    @app.get("/gaps", response_class=HTMLResponse)
    def gaps(request: Request) -> HTMLResponse:
        with store.session() as session:
            rows = session.execute(
                select(Run.flow, AuditRecord.target_key, func.count(), func.max(Run.started_at))
                .join(Run, Run.id == AuditRecord.run_id)
                .where(AuditRecord.target_key.startswith(UNMAPPED), AuditRecord.state == RecordState.QUARANTINED.value)
                .group_by(Run.flow, AuditRecord.target_key)
                .order_by(Run.flow, AuditRecord.target_key)
            ).all()
        items = [
            {
                "flow": f,
                "dimension": k[len(UNMAPPED) :].split(":")[0],
                "code": k.split(":", 2)[2],
                "count": n,
                "last": t,
            }
            for f, k, n, t in rows
        ]
        return templates.TemplateResponse(request, "gaps.html", {"gaps": items})

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/api/runs")
    def api_runs(flow: str | None = None, limit: int = Query(20, ge=1, le=500)) -> list[dict[str, Any]]:
        return [json.loads(json.dumps(vars(r), default=str)) for r in runs.recent(flow, limit)]

    return app
