"""The reconciliation view: ERP totals (read fresh from the ERP, mapped as the flow maps them) against
what Anaplan holds, per account, cost center and period, differences first; a chart of both by period;
and the amounts that were not loaded, with why. Reading both systems takes a moment: the page is
computed when asked for, never cached."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import datetime
from decimal import Decimal

from fastapi import FastAPI, HTTPException, Query, Request
from starlette.responses import Response

from ml_connector.errors import ConnectorError
from ml_connector.flows.reconcile import Cell, Reconciliation, reconcile
from ml_connector.web.charts import period_bars
from ml_connector.web.console import Console
from ml_connector.web.pages import User

PERIOD = re.compile(r"^\d{4}-((0[1-9]|1[0-2])|P(0[1-9]|1[0-3]))$")  # a month, or a fiscal period YYYY-Pnn
MOST_ROWS = 500
LABEL_SHAPES = ("%b %y", "%b %Y", "%Y-%m", "%m/%Y", "%Y%m")


def by_period(result: Reconciliation) -> list[tuple[str, Decimal, Decimal]]:
    """Per period, the sum of the cells' absolute totals on each side: a balanced ledger nets to zero, so
    the net sum would hide every difference."""
    erp: dict[str, Decimal] = defaultdict(Decimal)
    plan: dict[str, Decimal] = defaultdict(Decimal)
    for cell, amount in result.erp.items():
        erp[cell["period"]] += abs(amount)
    for cell, amount in result.anaplan.items():
        plan[cell["period"]] += abs(amount)
    return [(p, erp[p], plan[p]) for p in sorted(set(erp) | set(plan), key=period_order)]


def period_order(label: str) -> tuple[int, str]:
    """Anaplan period labels in time order ("Dec 25" before "Jan 26"); unknown shapes after, by name."""
    for shape in LABEL_SHAPES:
        try:
            moment = datetime.strptime(label, shape)  # noqa: DTZ007 - a month label, no time of day
        except ValueError:
            continue
        return (moment.year * 100 + moment.month, label)
    return (999_999, label)


def cell_rows(result: Reconciliation) -> list[tuple[Cell, Decimal, Decimal]]:
    """Every cell, those that differ first."""
    cells = sorted(set(result.erp) | set(result.anaplan), key=lambda cell: cell.parts)
    rows = [(c, result.erp.get(c, Decimal(0)), result.anaplan.get(c, Decimal(0))) for c in cells]
    return sorted(rows, key=lambda row: row[1] == row[2])


def add_reconciliation(app: FastAPI, console: Console) -> None:
    @app.get("/reconcile")
    def reconciliation(
        request: Request,
        user: User,
        flow: str = Query("", max_length=100),
        period: str = Query("", max_length=8),
    ) -> Response:
        actuals = []
        if console.flows is not None:
            actuals = sorted(n for n, f in console.flows.config.flows.items() if f.kind == "actuals")
        context: dict[str, object] = {"flows": actuals, "flow": flow, "period": period, "result": None}
        if flow:
            if console.flows is None:
                raise HTTPException(409, "this console was started without flows: it cannot read the ERP or Anaplan")
            if flow not in actuals:
                raise HTTPException(404, f"no actuals flow {flow!r}")
            if period and not PERIOD.match(period):
                raise HTTPException(400, f"period {period!r} is not YYYY-MM or YYYY-Pnn; write e.g. 2026-03")
            try:
                result = reconcile(console.flows, flow, [period] if period else None)
            except ConnectorError as exc:
                raise HTTPException(502, f"could not reconcile {flow}: {exc}") from None
            rows = cell_rows(result)
            context.update(
                result=result,
                rows=rows[:MOST_ROWS],
                hidden=max(len(rows) - MOST_ROWS, 0),
                differ=len(result.differences),
                waiting=sum(result.unmapped.values()),
                erp_total=sum(result.erp.values()),
                plan_total=sum(result.anaplan.values()),
                chart=period_bars(by_period(result)),
            )
        return console.page(request, "reconcile.html", context, user)
