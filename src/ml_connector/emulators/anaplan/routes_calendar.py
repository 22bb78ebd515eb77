"""The model calendar: current period (read and set) and fiscal year, over the model's months.

ASSUMPTION: the seeded models run calendar months with a calendar fiscal year; the current period
starts at the last month the seeded actuals cover ("Nov 26") unless the definition or a PUT moves it.
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Request

from ml_connector.emulators.anaplan.definition import MONTHS
from ml_connector.emulators.anaplan.envelope import backend_of, envelope, model_of, require_token
from ml_connector.emulators.anaplan.exceptions import BadRequest
from ml_connector.emulators.anaplan.models import ModelState
from ml_connector.emulators.anaplan.routes_bulk import json_body

router = APIRouter(dependencies=[Depends(require_token)])
CALENDAR_TYPE = "Calendar Months/Quarters/Years"
DEFAULT_PERIOD = "Nov 26"


def _period(m: ModelState) -> str:
    if m.current_period is None:
        m.current_period = DEFAULT_PERIOD if DEFAULT_PERIOD in m.planning.periods else m.planning.periods[-1]
    return m.current_period


def _period_body(label: str) -> dict[str, str]:
    month, year = label.split()
    y, mo = 2000 + int(year), MONTHS.index(month) + 1
    last = date(y, mo, calendar.monthrange(y, mo)[1])
    return {"periodText": label, "lastDay": last.isoformat(), "calendarType": CALENDAR_TYPE}


def _fiscal_year(label: str) -> dict[str, str]:
    y = 2000 + int(label.split()[1])
    return {"year": f"FY{y % 100:02d}", "startDate": f"{y}-01-01", "endDate": f"{y}-12-31"}


@router.get("/currentPeriod")
def current_period(request: Request, modelId: str) -> dict[str, Any]:  # noqa: N803
    backend = backend_of(request)
    with backend.lock:
        label = _period(model_of(request, modelId))
    return envelope(request, "currentPeriod", modelId, currentPeriod=_period_body(label))


@router.put("/currentPeriod")
async def set_current_period(request: Request, modelId: str) -> dict[str, Any]:  # noqa: N803
    body = await json_body(request)
    in_query, in_body = request.query_params.get("date"), body.get("date") if isinstance(body, dict) else None
    if in_query and in_body:
        raise BadRequest("use query parameter or body to set date, not both")
    raw = str(in_query or in_body or "")
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise BadRequest(f"Invalid ISO date format '{raw}'. Date should match format YYYY-MM-DD") from None
    label = f"{MONTHS[day.month - 1]} {day.year % 100:02d}"
    backend = backend_of(request)
    with backend.lock:
        m = model_of(request, modelId)
        if label not in m.planning.periods:
            raise BadRequest(f"The date {raw} is outside the model's time range")
        m.current_period = label
    return envelope(request, "currentPeriod", modelId, currentPeriod=_period_body(label))


@router.get("/modelCalendar")
def model_calendar(request: Request, modelId: str) -> dict[str, Any]:  # noqa: N803
    backend = backend_of(request)
    with backend.lock:
        label = _period(model_of(request, modelId))
    body = {"calendarType": CALENDAR_TYPE, "fiscalYear": _fiscal_year(label)}
    return envelope(request, "modelCalendar", modelId, modelCalendar=body)
