"""A small FastAPI + Jinja2 dashboard over the store. It reads, never writes, and never shows a secret:
the store holds none in plain text, and every text shown passes through redaction."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from ml_connector.engine import queries
from ml_connector.engine.states import RecordState
from ml_connector.errors import ConfigurationError
from ml_connector.http.redaction import Redactor
from ml_connector.store.database import Store

TEMPLATE_DIR = Path(__file__).parent / "templates"
PAGE = 100


def build_app(store: Store, redactor: Redactor) -> FastAPI:
    """The dashboard over `store`; every text its pages show passes `redactor` (the root's)."""
    app = FastAPI(title="ml-connector", docs_url=None, redoc_url=None, openapi_url=None)
    templates = Jinja2Templates(directory=str(TEMPLATE_DIR))  # one per app: its filter uses this redactor
    templates.env.filters["redact"] = lambda value: redactor.redact(str(value))

    @app.get("/", response_class=HTMLResponse)
    def index(request: Request, flow: str | None = None) -> HTMLResponse:
        recent = queries.run_history(store, flow, limit=50)
        return templates.TemplateResponse(request, "runs.html", {"runs": recent, "flow": flow})

    @app.get("/runs/{run_id}", response_class=HTMLResponse)
    def run_detail(request: Request, run_id: str, state: str | None = None, page: int = Query(1, ge=1)) -> HTMLResponse:
        try:
            info = queries.find_run(store, run_id)
        except ConfigurationError:
            raise HTTPException(404, f"no run {run_id}") from None
        if state is not None and state not in {s.value for s in RecordState}:
            raise HTTPException(400, f"unknown state {state}")
        records = queries.audit_page(store, info.id, state=state, limit=PAGE, offset=(page - 1) * PAGE)
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
        return templates.TemplateResponse(request, "gaps.html", {"gaps": queries.mapping_gaps(store)})

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/api/runs")
    def api_runs(flow: str | None = None, limit: int = Query(20, ge=1, le=500)) -> list[dict[str, Any]]:
        return [json.loads(json.dumps(vars(r), default=str)) for r in queries.run_history(store, flow, limit)]

    return app
