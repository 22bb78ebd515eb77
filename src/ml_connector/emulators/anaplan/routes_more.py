"""Documented model endpoints beyond the main integration path: versions, the fiscal year, line-item dimensions,
view dimension items, list `resetIndex`, and large-volume read requests for lists and views.

Sources: anaplan.md 5.1 (resetIndex, list read requests), 5.3 (view read requests, dimensions, calendar and versions),
and the calls public clients make (anaplan-sdk `get_line_item_dimensions`, `get_view_dimension_items`,
`set_current_fiscal_year`, `reset_list_index`).
"""

from __future__ import annotations

import csv
import io
import uuid
import weakref
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Depends, Request, Response

from ml_connector.emulators.anaplan.definition import TIME
from ml_connector.emulators.anaplan.envelope import backend_of, envelope, model_of, require_token
from ml_connector.emulators.anaplan.exceptions import BadRequest, NotFound
from ml_connector.emulators.anaplan.models import ModelState
from ml_connector.emulators.anaplan.planning import Module, PlanList, render
from ml_connector.emulators.anaplan.routes_bulk import json_body

router = APIRouter(dependencies=[Depends(require_token)])
VERSION_DIMENSION_ID = "20000000020"
# ASSUMPTION: a model built without a Version dimension still has Anaplan's native versions; these two are the
# ones a new model starts with. Ids follow the 107… range of version items.
NATIVE_VERSIONS = (("107000000001", "Actual", True), ("107000000002", "Forecast", False))
# ASSUMPTION: rows per read-request page; Anaplan documents pages but not their size.
PAGE_ROWS = 50_000
EXPORT_TYPES = frozenset({"TABULAR_MULTI_COLUMN", "TABULAR_SINGLE_COLUMN", "GRID_ALL_PAGES", "GRID_CURRENT_PAGE"})


@dataclass
class ReadRequest:
    """A large read: its pages are cut when it is created (the state is COMPLETE at once)."""

    id: str
    kind: str  # "list" | "view"
    object_id: str
    pages: list[str]
    state: str = "COMPLETE"


@dataclass
class _Reads:
    model: weakref.ref[ModelState]
    requests: dict[str, ReadRequest] = field(default_factory=dict)


_READS: dict[int, _Reads] = {}


def _reads(m: ModelState) -> dict[str, ReadRequest]:
    """The model's read requests; a reset builds new models, whose requests start empty."""
    entry = _READS.get(id(m))
    if entry is None or entry.model() is not m:
        entry = _Reads(weakref.ref(m))
        _READS[id(m)] = entry
    return entry.requests


def _module_by_id(m: ModelState, module_id: str) -> Module:
    module = next((x for x in m.planning.modules.values() if x.id == module_id), None)
    if module is None:
        raise NotFound()
    return module


def _list_by_id(m: ModelState, list_id: str) -> PlanList:
    plan_list = next((x for x in m.planning.lists.values() if x.id == list_id or x.name == list_id), None)
    if plan_list is None:
        raise NotFound()
    return plan_list


# --- versions and the fiscal year ------------------------------------------------------------------------


def _versions(m: ModelState) -> list[dict[str, Any]]:
    last = m.planning.periods[-1] if m.planning.periods else ""
    # ASSUMPTION: the version metadata fields beyond id, name, isActual and isCurrent (edit range) are shaped like
    # Anaplan's "version metadata" page; the values describe versions editable over the whole timescale.
    return [
        {
            "id": vid,
            "name": name,
            "isActual": actual,
            "isCurrent": not actual,
            "editFrom": {"periodText": m.planning.periods[0] if m.planning.periods else "", "lastDay": ""},
            "editTo": {"periodText": last, "lastDay": ""},
            "switchover": None,
        }
        for vid, name, actual in NATIVE_VERSIONS
    ]


@router.get("/versions")
def versions(request: Request, modelId: str) -> dict[str, Any]:  # noqa: N803
    backend = backend_of(request)
    with backend.lock:
        items = _versions(model_of(request, modelId))
    return envelope(request, "versionMetadata", modelId, versionMetadata=items)


@router.put("/versions/{versionId}/switchover")
async def set_switchover(request: Request, modelId: str, versionId: str) -> dict[str, Any]:  # noqa: N803
    body = await json_body(request)
    raw = str(body.get("date") or "") if isinstance(body, dict) else ""
    backend = backend_of(request)
    with backend.lock:
        m = model_of(request, modelId)
        version = next((v for v in _versions(m) if v["id"] == versionId), None)
        if version is None:
            raise NotFound()
        if not raw:
            raise BadRequest("Request body must hold 'date' (YYYY-MM-DD)")
    # ASSUMPTION: the answer echoes the version with its switchover date; no source shows the live body.
    return envelope(request, "versionMetadata", modelId, versionMetadata={**version, "switchover": raw})


@router.put("/modelCalendar/fiscalYear")
async def set_fiscal_year(request: Request, modelId: str) -> dict[str, Any]:  # noqa: N803
    body = await json_body(request)
    year = str(body.get("year") or "") if isinstance(body, dict) else ""
    backend = backend_of(request)
    with backend.lock:
        m = model_of(request, modelId)
        # ASSUMPTION: fiscal years run with the calendar year (the seeded models' calendar); "FY26" is 2026.
        years = sorted({2000 + int(p.split()[1]) for p in m.planning.periods})
        labels = {f"FY{y % 100:02d}": y for y in years}
        if year not in labels:
            raise BadRequest(f"Invalid fiscal year '{year}'. Use one of {', '.join(labels)}")
    y = labels[year]
    fiscal = {"year": year, "startDate": f"{y}-01-01", "endDate": f"{y}-12-31"}
    return envelope(request, "modelCalendar", modelId, modelCalendar={"fiscalYear": fiscal})


# --- dimensions of line items and views -----------------------------------------------------------------


@router.get("/lineItems/{lineItemId}/dimensions")
def line_item_dimensions(request: Request, modelId: str, lineItemId: str) -> dict[str, Any]:  # noqa: N803
    backend = backend_of(request)
    with backend.lock:
        m = model_of(request, modelId)
        module = next((x for x in m.planning.modules.values() if x.line_item_by_id(lineItemId)), None)
        if module is None:
            raise NotFound()
        dims = [{"id": m.planning.dimension_id(d), "name": d} for d in module.dimensions]
    return envelope(request, "dimension", modelId, dimensions=dims)


@router.get("/views/{viewId}/dimensions/{dimensionId}/items")
def view_dimension_items(request: Request, modelId: str, viewId: str, dimensionId: str) -> dict[str, Any]:  # noqa: N803
    backend = backend_of(request)
    with backend.lock:
        m = model_of(request, modelId)
        module = _module_by_id(m, viewId)
        dim = m.planning.dimension_by_id(dimensionId)
        if dim is None or dim not in module.dimensions:
            raise NotFound()
        if dim == TIME:
            items = [{"id": m.planning.period_id(p), "name": p} for p in m.planning.periods]
        else:
            # The default view hides nothing, so every member of the dimension is in it (no codes on this call).
            items = [{"id": i.id, "name": i.name} for i in m.planning.lists[dim].items.values()]
    body = envelope(request, "dimensionItem", modelId)
    if items:
        body["items"] = items
    return body


# --- lists: resetIndex and large read requests ----------------------------------------------------------


@router.post("/lists/{listId}/resetIndex")
def reset_index(request: Request, modelId: str, listId: str) -> Response:  # noqa: N803
    backend = backend_of(request)
    with backend.lock:
        plan_list = _list_by_id(model_of(request, modelId), listId)
        if plan_list.items:
            raise BadRequest("The list must be empty to reset its index")
        plan_list.next_item = 1
    return Response(status_code=200)


def _pages(rows: list[list[str]], header: list[str]) -> list[str]:
    pages = []
    for start in range(0, max(len(rows), 1), PAGE_ROWS):
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows[start : start + PAGE_ROWS])
        pages.append(buf.getvalue())
    return pages


def _request_json(request: Request, read: ReadRequest, *, created: bool) -> dict[str, Any]:
    url = f"{str(request.url).split('/readRequests')[0]}/readRequests/{read.id}"
    out: dict[str, Any] = {"requestId": read.id, "requestState": read.state, "url": url}
    if not created:
        out[f"{read.kind}Id"] = read.object_id
        out["availablePages"] = len(read.pages) if read.state == "COMPLETE" else 0
        out["successful"] = read.state == "COMPLETE"
    return out


@router.post("/lists/{listId}/readRequests")
def start_list_read(request: Request, modelId: str, listId: str) -> dict[str, Any]:  # noqa: N803
    backend = backend_of(request)
    with backend.lock:
        m = model_of(request, modelId)
        plan_list = _list_by_id(m, listId)
        # ASSUMPTION: a list page holds id, name, code, parent and the properties, with a header row.
        rows = [
            [i.id, i.name, i.code, "", *(i.properties.get(p, "") for p in plan_list.properties)]
            for i in plan_list.items.values()
        ]
        read = ReadRequest(
            uuid.uuid4().hex.upper(),
            "list",
            plan_list.id,
            _pages(rows, ["id", "name", "code", "parent", *plan_list.properties]),
        )
        _reads(m)[read.id] = read
    return envelope(request, "listReadRequest", modelId, listReadRequest=_request_json(request, read, created=True))


@router.post("/views/{viewId}/readRequests")
async def start_view_read(request: Request, modelId: str, viewId: str) -> dict[str, Any]:  # noqa: N803
    body = await json_body(request)
    export_type = str(body.get("exportType") or "") if isinstance(body, dict) else ""
    if export_type not in EXPORT_TYPES:
        raise BadRequest(f"exportType must be one of {', '.join(sorted(EXPORT_TYPES))}")
    backend = backend_of(request)
    with backend.lock:
        m = model_of(request, modelId)
        module = _module_by_id(m, viewId)
        header, rows = _tabular(m, module)
        read = ReadRequest(uuid.uuid4().hex.upper(), "view", module.id, _pages(rows, header))
        _reads(m)[read.id] = read
    return envelope(request, "viewReadRequest", modelId, viewReadRequest=_request_json(request, read, created=True))


def _tabular(m: ModelState, module: Module) -> tuple[list[str], list[list[str]]]:
    """A module's cells as one row per cell combination: dimension member names, then line-item values."""
    # ASSUMPTION: every export type is served in the tabular multi-column layout.
    header = [*module.dimensions, *module.line_items]
    rows = []
    for key, values in m.planning.ordered_cells(module):
        names = [
            member if dim == TIME else m.planning.lists[dim].items[member].name
            for dim, member in zip(module.dimensions, key, strict=True)
        ]
        rows.append([*names, *(render(values[li]) if li in values else "" for li in module.line_items)])
    return header, rows


def _read(request: Request, modelId: str, kind: str, object_id: str, request_id: str) -> ReadRequest:  # noqa: N803
    m = model_of(request, modelId)
    read = _reads(m).get(request_id)
    if read is None or read.kind != kind or (read.object_id != object_id and kind == "view"):
        raise NotFound()
    return read


@router.get("/lists/{listId}/readRequests/{requestId}")
def list_read_status(request: Request, modelId: str, listId: str, requestId: str) -> dict[str, Any]:  # noqa: N803
    backend = backend_of(request)
    with backend.lock:
        m = model_of(request, modelId)
        read = _read(request, modelId, "list", _list_by_id(m, listId).id, requestId)
    return envelope(request, "listReadRequest", modelId, listReadRequest=_request_json(request, read, created=False))


@router.get("/views/{viewId}/readRequests/{requestId}")
def view_read_status(request: Request, modelId: str, viewId: str, requestId: str) -> dict[str, Any]:  # noqa: N803
    backend = backend_of(request)
    with backend.lock:
        read = _read(request, modelId, "view", viewId, requestId)
    return envelope(request, "viewReadRequest", modelId, viewReadRequest=_request_json(request, read, created=False))


def _page(read: ReadRequest, page: str) -> Response:
    if read.state != "COMPLETE" or not page.isdigit() or int(page) >= len(read.pages):
        raise NotFound()
    return Response(read.pages[int(page)], media_type="text/csv")


@router.get("/lists/{listId}/readRequests/{requestId}/pages/{page}")
def list_read_page(request: Request, modelId: str, listId: str, requestId: str, page: str) -> Response:  # noqa: N803
    backend = backend_of(request)
    with backend.lock:
        m = model_of(request, modelId)
        return _page(_read(request, modelId, "list", _list_by_id(m, listId).id, requestId), page)


@router.get("/views/{viewId}/readRequests/{requestId}/pages/{page}")
def view_read_page(request: Request, modelId: str, viewId: str, requestId: str, page: str) -> Response:  # noqa: N803
    backend = backend_of(request)
    with backend.lock:
        return _page(_read(request, modelId, "view", viewId, requestId), page)


@router.delete("/lists/{listId}/readRequests/{requestId}")
def cancel_list_read(request: Request, modelId: str, listId: str, requestId: str) -> dict[str, Any]:  # noqa: N803
    backend = backend_of(request)
    with backend.lock:
        m = model_of(request, modelId)
        read = _read(request, modelId, "list", _list_by_id(m, listId).id, requestId)
        del _reads(m)[read.id]
    # A finished read stays COMPLETE when deleted (anaplan.md 5.3: 200 with CANCELLED or COMPLETE).
    return envelope(request, "listReadRequest", modelId, listReadRequest=_request_json(request, read, created=True))


@router.delete("/views/{viewId}/readRequests/{requestId}")
def cancel_view_read(request: Request, modelId: str, viewId: str, requestId: str) -> dict[str, Any]:  # noqa: N803
    backend = backend_of(request)
    with backend.lock:
        m = model_of(request, modelId)
        read = _read(request, modelId, "view", viewId, requestId)
        del _reads(m)[read.id]
    return envelope(request, "viewReadRequest", modelId, viewReadRequest=_request_json(request, read, created=True))
