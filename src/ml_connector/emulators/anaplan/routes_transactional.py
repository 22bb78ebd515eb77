"""HTTP routes of the transactional API: lists, list items, modules, line items, module cell writes.

Writes are refused with 409 while a bulk action holds the model; reads go through.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse

from ml_connector.emulators.anaplan import transactional
from ml_connector.emulators.anaplan.envelope import backend_of, envelope, model_of, paged, require_token, sort_items
from ml_connector.emulators.anaplan.exceptions import ApiError, BadRequest, NotFound
from ml_connector.emulators.anaplan.models import ModelState
from ml_connector.emulators.anaplan.planning import Module, PlanList
from ml_connector.emulators.anaplan.routes_bulk import json_body

router = APIRouter(dependencies=[Depends(require_token)])
MAX_LIST_READ = 1_000_000


def _list(m: ModelState, list_id: str) -> PlanList:
    found = next((x for x in m.planning.lists.values() if list_id in (x.id, x.name)), None)
    if found is None:
        raise NotFound()
    return found


def _parent_ref(m: ModelState, plan_list: PlanList) -> dict[str, str]:
    """The list metadata's documented `parent: {id, name}`: the list one level up."""
    parent = m.planning.lists[plan_list.parent_list or ""]
    return {"id": parent.id, "name": parent.name}


def _module(m: ModelState, module_id: str) -> Module:
    found = next((x for x in m.planning.modules.values() if module_id in (x.id, x.name)), None)
    if found is None:
        raise NotFound()
    return found


@router.get("/lists")
def lists(request: Request, modelId: str) -> dict[str, Any]:  # noqa: N803
    backend = backend_of(request)
    with backend.lock:
        m = model_of(request, modelId)
        items = [{"id": x.id, "name": x.name} for x in m.planning.lists.values()]
    return paged(request, "list", "lists", sort_items(request, items, strict=False), modelId)


@router.get("/lists/{listId}")
def list_metadata(request: Request, modelId: str, listId: str) -> dict[str, Any]:  # noqa: N803
    backend = backend_of(request)
    with backend.lock:
        plan_list = _list(model_of(request, modelId), listId)
        # ASSUMPTION: emulated list properties are all TEXT, and the flags below describe a plain general list
        # without production data; the key set is the documented one, the values are ours.
        metadata = {
            "id": plan_list.id,
            "name": plan_list.name,
            "properties": [
                {"name": p, "format": "TEXT", "notes": "", "referencedBy": ""} for p in plan_list.properties
            ],
            "hasSelectiveAccess": False,
            **({"parent": _parent_ref(model_of(request, modelId), plan_list)} if plan_list.parent_list else {}),
            "managedBy": "",
            "numberedList": False,
            "useTopLevelAsPageDefault": False,
            "itemCount": len(plan_list.items),
            "workflowEnabled": False,
            "productionData": False,
            "nextItemIndex": plan_list.next_item,
            # ASSUMPTION: no list here has selective access, so every item is permitted.
            "permittedItems": len(plan_list.items),
            "usedInAppliesTo": ", ".join(
                x.name for x in model_of(request, modelId).planning.modules.values() if plan_list.name in x.dimensions
            ),
        }
    return envelope(request, "listMetadata", modelId, metadata=metadata)


@router.get("/lists/{listId}/items")
def list_items(request: Request, modelId: str, listId: str) -> Response:  # noqa: N803
    backend = backend_of(request)
    with backend.lock:
        plan_list = _list(model_of(request, modelId), listId)
        if len(plan_list.items) > MAX_LIST_READ:
            # ASSUMPTION: the 1,000,000-record limit and its 400 are documented (HELP retrieve-list-data); the wording
            # is ours.
            raise BadRequest(f"The list has more than {MAX_LIST_READ} items; use a large read request")
        planning = model_of(request, modelId).planning
        items = [plan_list.as_json(i, planning.parent_of(plan_list, i)) for i in plan_list.items.values()]
        properties = plan_list.properties
    if "text/csv" in request.headers.get("accept", ""):
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        # ASSUMPTION: the CSV form's columns (id, name, code, then properties) are ours; no source shows its layout.
        writer.writerow(["id", "name", "code", *properties])
        for item in items:
            writer.writerow([item["id"], item["name"], item["code"], *(item["properties"][p] for p in properties)])
        return Response(buf.getvalue(), media_type="text/csv")
    body = envelope(request, "listItem", modelId)
    if items:
        body["listItems"] = items
    return JSONResponse(body)


@router.post("/lists/{listId}/items")
async def write_list_items(request: Request, modelId: str, listId: str) -> dict[str, Any]:  # noqa: N803
    action = request.query_params.get("action")
    if action not in ("add", "delete"):
        # ASSUMPTION: a missing or unknown action answers 400 with this wording (undocumented).
        raise BadRequest("Query parameter 'action' must be 'add' or 'delete'")
    body = await json_body(request)
    backend = backend_of(request)
    with backend.lock:
        m = model_of(request, modelId)
        plan_list = _list(m, listId)
        backend.ensure_idle(m)
        if action == "add":
            result = transactional.add_items(plan_list, body)
        else:
            result = transactional.delete_items(m.planning, plan_list, body)
    return envelope(request, "listItem", modelId, **result)


@router.put("/lists/{listId}/items")
async def update_list_items(request: Request, modelId: str, listId: str) -> dict[str, Any]:  # noqa: N803
    body = await json_body(request)
    backend = backend_of(request)
    with backend.lock:
        m = model_of(request, modelId)
        plan_list = _list(m, listId)
        backend.ensure_idle(m)
        result = transactional.update_items(plan_list, body)
    return envelope(request, "listItem", modelId, **result)


@router.get("/modules")
def modules(request: Request, modelId: str) -> dict[str, Any]:  # noqa: N803
    backend = backend_of(request)
    with backend.lock:
        m = model_of(request, modelId)
        items = [{"id": x.id, "name": x.name} for x in m.planning.modules.values()]
    return paged(request, "module", "modules", sort_items(request, items, strict=False), modelId)


# ASSUMPTION: line-item settings the definition file does not carry get Anaplan's usual defaults; the
# field set follows what clients validated against live Anaplan require.
_NUMBER_FORMAT = {
    "dataType": "NUMBER",
    "comparisonIncrease": "GOOD",
    "decimalPlaces": 2,
    "decimalSeparator": "FULL_STOP",
    "unitsDisplayType": "NONE",
    "unitsType": "NONE",
    "zeroFormat": "ZERO",
    "groupingSeparator": "COMMA",
    "minimumSignificantDigits": 4,
    "negativeNumberNotation": "MINUS_SIGN",
}
_FORMATS: dict[str, dict[str, Any]] = {
    "NUMBER": _NUMBER_FORMAT,
    "BOOLEAN": {"dataType": "BOOLEAN"},
    "TEXT": {"dataType": "TEXT", "textType": "GENERAL"},
}


def _line_items(m: ModelState, module: Module) -> list[dict[str, Any]]:
    applies_to = [{"id": m.planning.dimension_id(d), "name": d} for d in module.dimensions if d != "Time"]
    return [
        {
            "moduleId": module.id,
            "moduleName": module.name,
            "id": li.id,
            "name": li.name,
            "code": "",
            "format": li.format,
            # ASSUMPTION: the line-item metadata fields follow the OAS lineItems example; the values (formats,
            # summary, version "Not Applicable", blank code) are ours.
            "formatMetadata": _FORMATS.get(li.format, {"dataType": "NONE"}),
            "summary": "Sum" if li.format == "NUMBER" else "None",
            "appliesTo": applies_to,
            "dataTags": [],
            "referencedBy": [],
            "timeScale": "Month" if "Time" in module.dimensions else "Not Applicable",
            "timeRange": "Model Calendar",
            "version": {"id": "20000000020", "name": "Not Applicable"},
            "style": "Normal",
            "cellCount": sum(1 for v in module.cells.values() if li.name in v),
            "notes": "",
            "isSummary": False,
            "formula": None,
            "formulaScope": "",
            "useSwitchover": False,
            "breakback": False,
            "broughtForward": False,
            "startOfSection": False,
        }
        for li in module.line_items.values()
    ]


@router.get("/lineItems")
def line_items(request: Request, modelId: str) -> dict[str, Any]:  # noqa: N803
    backend = backend_of(request)
    with backend.lock:
        m = model_of(request, modelId)
        items = [li for x in m.planning.modules.values() for li in _line_items(m, x)]
    body = envelope(request, "lineItem", modelId)
    if items:
        body["items"] = items
    return body


@router.get("/modules/{moduleId}/lineItems")
def module_line_items(request: Request, modelId: str, moduleId: str) -> dict[str, Any]:  # noqa: N803
    backend = backend_of(request)
    with backend.lock:
        m = model_of(request, modelId)
        items = _line_items(m, _module(m, moduleId))
    body = envelope(request, "lineItem", modelId)
    if items:
        body["items"] = items
    return body


@router.post("/modules/{moduleId}/data")
async def write_cells(request: Request, modelId: str, moduleId: str) -> dict[str, Any]:  # noqa: N803
    body = await json_body(request)
    backend = backend_of(request)
    with backend.lock:
        m = model_of(request, modelId)
        module = _module(m, moduleId)
        backend.ensure_idle(m)
        # The documented answer has no meta/status envelope.
        return transactional.write_cells(m.planning, module, body, backend.cell_write_limit)


@router.get("/modules/{moduleId}/data")
def read_cells_refused(modelId: str, moduleId: str) -> None:  # noqa: N803
    raise ApiError(405)
