"""Read-side extras: dimension items (all, or looked up by names/codes), default views and their data.

Each module has one view, its default, whose id is the module id. ASSUMPTION: the default view puts
the module's list dimensions on rows and time (by line item, when there are several) on columns.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse

from ml_connector.emulators.anaplan.definition import TIME
from ml_connector.emulators.anaplan.envelope import backend_of, envelope, model_of, paged, require_token
from ml_connector.emulators.anaplan.exceptions import BadRequest, NotFound
from ml_connector.emulators.anaplan.models import ModelState
from ml_connector.emulators.anaplan.planning import Module, render
from ml_connector.emulators.anaplan.routes_bulk import json_body

router = APIRouter(dependencies=[Depends(require_token)])
MAX_ITEMS = 1_000_000


def _dimension_items(m: ModelState, dimension_id: str) -> list[dict[str, str]]:
    planning = m.planning
    dim = planning.dimension_by_id(dimension_id)
    if dim is None:
        raise NotFound()
    if dim == TIME:
        return [{"id": planning.period_id(p), "name": p, "code": p} for p in planning.periods]
    return [{"id": i.id, "name": i.name, "code": i.code} for i in planning.lists[dim].items.values()]


@router.get("/dimensions/{dimensionId}/items")
def dimension_items(request: Request, modelId: str, dimensionId: str) -> dict[str, Any]:  # noqa: N803
    backend = backend_of(request)
    with backend.lock:
        items = _dimension_items(model_of(request, modelId), dimensionId)
    if len(items) > MAX_ITEMS:
        # ASSUMPTION: the 1,000,000-item limit and its 400 are documented (PM); the wording is ours.
        raise BadRequest(f"The dimension has more than {MAX_ITEMS} items")
    body = envelope(request, "dimensionItem", modelId)
    if items:
        body["items"] = items
    return body


@router.post("/dimensions/{dimensionId}/items")
async def lookup_dimension_items(request: Request, modelId: str, dimensionId: str) -> dict[str, Any]:  # noqa: N803
    wanted = await json_body(request)
    if not isinstance(wanted, dict):
        # ASSUMPTION: a lookup body that is not an object answers 400 with this wording (undocumented).
        raise BadRequest("The body must be an object with 'names' and/or 'codes'")
    names, codes = set(wanted.get("names") or []), set(wanted.get("codes") or [])
    backend = backend_of(request)
    with backend.lock:
        items = [
            i
            for i in _dimension_items(model_of(request, modelId), dimensionId)
            if i["name"] in names or i["code"] in codes
        ]
    body = envelope(request, "dimensionItem", modelId)
    if items:
        body["items"] = items
    return body


def _views(m: ModelState, modules: list[Module]) -> list[dict[str, str]]:
    # ASSUMPTION: a default view's code is empty, as views are seldom given codes.
    return [{"id": x.id, "name": x.name, "code": "", "moduleId": x.id} for x in modules]


@router.get("/views")
def views(request: Request, modelId: str) -> dict[str, Any]:  # noqa: N803
    backend = backend_of(request)
    with backend.lock:
        m = model_of(request, modelId)
        items = _views(m, list(m.planning.modules.values()))
    return paged(request, "view", "views", items, modelId)


@router.get("/modules/{moduleId}/views")
def module_views(request: Request, modelId: str, moduleId: str) -> dict[str, Any]:  # noqa: N803
    backend = backend_of(request)
    with backend.lock:
        m = model_of(request, modelId)
        module = next((x for x in m.planning.modules.values() if x.id == moduleId), None)
        if module is None:
            raise NotFound()
        items = _views(m, [module])
    return paged(request, "view", "views", items, modelId)


def _grid(m: ModelState, module: Module) -> tuple[list[list[str]], list[tuple[list[str], list[str]]]]:
    """Column coordinates and rows (row coordinates, cells) of a module's default view."""
    row_dims = [d for d in module.dimensions if d != TIME]
    periods = list(m.planning.periods) if TIME in module.dimensions else [""]
    line_items = list(module.line_items)
    columns = [[li, p] if len(line_items) > 1 else [p] for li in line_items for p in periods]
    grouped: dict[tuple[str, ...], dict[tuple[str, str], str]] = {}
    for key, values in m.planning.ordered_cells(module):
        members = dict(zip(module.dimensions, key, strict=True))
        row_key = tuple(members[d] for d in row_dims)
        for li, value in values.items():
            grouped.setdefault(row_key, {})[(li, members.get(TIME, ""))] = render(value)
    rows = []
    for row_key, cells in grouped.items():
        names = [m.planning.lists[d].items[c].name for d, c in zip(row_dims, row_key, strict=True)]
        rows.append((names, [cells.get((li, p), "") for li in line_items for p in periods]))
    return columns, rows


@router.get("/views/{viewId}")
def view_info(request: Request, modelId: str, viewId: str) -> dict[str, Any]:  # noqa: N803
    backend = backend_of(request)
    with backend.lock:
        m = model_of(request, modelId)
        module = next((x for x in m.planning.modules.values() if x.id == viewId), None)
        if module is None:
            raise NotFound()
        rows = [{"id": m.planning.dimension_id(d), "name": d} for d in module.dimensions if d != TIME]
        columns = [{"id": m.planning.dimension_id(TIME), "name": TIME}] if TIME in module.dimensions else []
    body: dict[str, Any] = {"viewName": module.name, "viewId": module.id}
    # An empty axis is left out, as live Anaplan does.
    if rows:
        body["rows"] = rows
    if columns:
        body["columns"] = columns
    return body


@router.get("/views/{viewId}/data")
def view_data(request: Request, modelId: str, viewId: str) -> Response:  # noqa: N803
    backend = backend_of(request)
    with backend.lock:
        m = model_of(request, modelId)
        module = next((x for x in m.planning.modules.values() if x.id == viewId), None)
        if module is None:
            raise NotFound()
        columns, rows = _grid(m, module)
    if request.query_params.get("format") == "v1" and "json" in request.headers.get("accept", ""):
        return JSONResponse(
            {
                "pages": [],
                "columnCoordinates": columns,
                "rows": [{"rowCoordinates": coords, "cells": cells} for coords, cells in rows],
            }
        )
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    row_dims = len(rows[0][0]) if rows else len([d for d in module.dimensions if d != TIME])
    # ASSUMPTION: the CSV grid layout (blank corner cells, column labels, then one row per row coordinate) is ours;
    # the docs only say the default is CSV.
    writer.writerow([""] * row_dims + [" ".join(c).strip() for c in columns])
    for coords, cells in rows:
        writer.writerow([*coords, *cells])
    return Response(buf.getvalue(), media_type="text/csv")
