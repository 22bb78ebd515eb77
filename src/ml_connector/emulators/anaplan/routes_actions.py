"""HTTP routes for imports, exports, processes and delete actions: metadata, tasks, failure dumps."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, Response

from ml_connector.emulators.anaplan.bulk import export_rows
from ml_connector.emulators.anaplan.definition import TIME
from ml_connector.emulators.anaplan.envelope import backend_of, envelope, model_of, paged, require_token, sort_items
from ml_connector.emulators.anaplan.exceptions import BadRequest, NotFound
from ml_connector.emulators.anaplan.files import chunk_list, split_dump
from ml_connector.emulators.anaplan.models import ModelState
from ml_connector.emulators.anaplan.routes_bulk import json_body
from ml_connector.emulators.anaplan.tasks import KINDS, Task

router = APIRouter(dependencies=[Depends(require_token)])
SINGULAR = {"imports": "import", "exports": "export", "processes": "process", "actions": "action"}


def _table(m: ModelState, kind: str) -> dict[str, Any]:
    if kind not in KINDS:
        raise NotFound()
    tables: dict[str, dict[str, Any]] = {
        "imports": m.imports,
        "exports": m.exports,
        "processes": m.processes,
        "actions": m.delete_actions,
    }
    return tables[kind]


def _summary(m: ModelState, kind: str, object_id: str) -> dict[str, Any]:
    if kind == "imports":
        imp = m.imports[object_id]
        return {
            "id": object_id,
            "name": imp.name,
            "importDataSourceId": m.import_file_ids[object_id],
            "importType": "HIERARCHY_DATA" if imp.target_list else "MODULE_DATA",
        }
    if kind == "exports":
        return {
            "id": object_id,
            "name": m.exports[object_id].name,
            "exportType": "TABULAR_MULTI_COLUMN",
            "exportFormat": "text/csv",
            "encoding": "UTF-8",
            "layout": "TABULAR_MULTI_COLUMN",
        }
    if kind == "actions":
        return {"id": object_id, "name": m.delete_actions[object_id].name, "actionType": "DELETE_BY_SELECTION"}
    return {"id": object_id, "name": m.processes[object_id].name}


@router.get("/{kind}")
def list_actions(request: Request, modelId: str, kind: str) -> dict[str, Any]:  # noqa: N803
    backend = backend_of(request)
    with backend.lock:
        m = model_of(request, modelId)
        items = [_summary(m, kind, object_id) for object_id in _table(m, kind)]
    return paged(request, SINGULAR[kind], kind, sort_items(request, items, strict=False), modelId)


@router.get("/{kind}/{objectId}")
def action_metadata(request: Request, modelId: str, kind: str, objectId: str) -> dict[str, Any]:  # noqa: N803
    backend = backend_of(request)
    with backend.lock:
        m = model_of(request, modelId)
        if objectId not in _table(m, kind):
            raise NotFound()
        if kind == "imports":
            return envelope(request, "importMetadata", modelId, importMetadata=_import_metadata(m, objectId))
        if kind == "exports":
            return envelope(request, "exportMetadata", modelId, exportMetadata=_export_metadata(m, objectId))
        if kind == "processes":
            actions = []
            for name in m.processes[objectId].actions:
                sub_id = m.action_ids_by_name[name]
                sub_kind = "imports" if sub_id in m.imports else "exports" if sub_id in m.exports else "actions"
                entry = _summary(m, sub_kind, sub_id)
                entry["actionType"] = {"imports": "IMPORT", "exports": "EXPORT"}.get(sub_kind, "DELETE_BY_SELECTION")
                actions.append(entry)
            meta = {"name": m.processes[objectId].name, "actions": actions}
            return envelope(request, "processMetadata", modelId, processMetadata=meta)
        return envelope(request, "action", modelId, action=_summary(m, kind, objectId))


def _import_metadata(m: ModelState, import_id: str) -> dict[str, Any]:
    imp = m.imports[import_id]
    headers = [col for col, _ in imp.columns]
    return {
        "name": imp.name,
        "type": "FILE",
        "source": {
            "textEncoding": "UTF-8",
            "columnSeparator": ",",
            "textDelimiter": '"',
            "headerRow": 1,
            "firstDataRow": 2,
            "decimalSeparator": ".",
            "headerNames": headers,
            "columnCount": len(headers),
        },
    }


def _export_metadata(m: ModelState, export_id: str) -> dict[str, Any]:
    exp = m.exports[export_id]
    planning = m.planning
    data_types, list_names = [], []
    for _, src in exp.columns:
        if exp.source_module:
            module = planning.modules[exp.source_module]
            if src in module.dimensions:
                data_types.append("TIME_ENTITY" if src == TIME else "ENTITY")
                list_names.append(src)
            else:
                data_types.append(module.line_items[src].format if src in module.line_items else "TEXT")
        else:
            data_types.append("TEXT")
    return {
        "columnCount": len(exp.columns),
        "dataTypes": data_types,
        "delimiter": '"',
        "encoding": "UTF-8",
        "exportFormat": "text/csv",
        "headerNames": [col for col, _ in exp.columns],
        "listNames": list_names or ([exp.source_list] if exp.source_list else []),
        "rowCount": len(export_rows(planning, exp)),
        "separator": ",",
    }


@router.post("/{kind}/{objectId}/tasks")
async def start_task(request: Request, modelId: str, kind: str, objectId: str) -> dict[str, Any]:  # noqa: N803
    body = await json_body(request)
    if not isinstance(body, dict) or not body.get("localeName"):
        # ASSUMPTION: any non-empty localeName is accepted, though the docs say en_US is the only supported one.
        # ASSUMPTION: the docs call localeName required; the wording of the refusal is ours.
        raise BadRequest("Expected mandatory field 'localeName' to be present and not empty.")
    backend = backend_of(request)
    with backend.lock:
        m = model_of(request, modelId)
        if objectId not in _table(m, kind):
            raise NotFound()
        task = backend.start_task(m, kind, objectId)
        return envelope(request, "task", modelId, task=task.summary())


@router.get("/{kind}/{objectId}/tasks")
def list_tasks(request: Request, modelId: str, kind: str, objectId: str) -> dict[str, Any]:  # noqa: N803
    backend = backend_of(request)
    with backend.lock:
        m = None if modelId in backend.no_access else backend.models.get(modelId)
        # Task lists answer 200 with nothing in them even for an unknown parent or a hidden model.
        tasks = [t for t in (m.tasks.values() if m else []) if t.kind == kind and t.action_id == objectId]
        items = [t.summary() for t in sorted(tasks, key=lambda t: t.created)]
    return paged(request, "task", "tasks", sort_items(request, items, strict=False), modelId)


def _task(request: Request, model_id: str, kind: str, object_id: str, task_id: str) -> tuple[ModelState, Task]:
    m = model_of(request, model_id)
    task = m.tasks.get(task_id)
    if task is None or task.kind != kind or task.action_id != object_id:
        raise NotFound()
    return m, task


@router.get("/{kind}/{objectId}/tasks/{taskId}")
def task_status(request: Request, modelId: str, kind: str, objectId: str, taskId: str) -> dict[str, Any]:  # noqa: N803
    backend = backend_of(request)
    with backend.lock:
        _, task = _task(request, modelId, kind, objectId, taskId)
        return envelope(request, "task", modelId, task=task.as_json())


@router.delete("/{kind}/{objectId}/tasks/{taskId}")
def cancel_task(request: Request, modelId: str, kind: str, objectId: str, taskId: str) -> dict[str, Any]:  # noqa: N803
    backend = backend_of(request)
    with backend.lock:
        m, task = _task(request, modelId, kind, objectId, taskId)
        backend.cancel_task(m, task)
        return envelope(request, "task", modelId, task=task.as_json())


def _dump_of(request: Request, model_id: str, kind: str, object_id: str, task_id: str, nested: str | None) -> bytes:
    m, task = _task(request, model_id, kind, object_id, task_id)
    target = nested or object_id
    if kind == "processes" and nested is None:
        raise NotFound()
    if target not in task.dumps:
        # ASSUMPTION: dump chunks of a task without a dump answer 404 (live answers 200/400/404 depending on
        # failureDumpAvailable).
        raise NotFound()
    if m.latest_import_task.get(target) != task.task_id:
        raise NotFound()  # a later run of the same import removed this dump
    return task.dumps[target]


@router.get("/{kind}/{objectId}/tasks/{taskId}/dump")
def dump(request: Request, modelId: str, kind: str, objectId: str, taskId: str) -> Response:  # noqa: N803
    backend = backend_of(request)
    with backend.lock:
        m, task = _task(request, modelId, kind, objectId, taskId)
        if not task.dumps:
            # The 204 for "no dump content" is documented (OAS).
            return Response(status_code=204)
        data = _dump_of(request, modelId, kind, objectId, taskId, None)
    return Response(data, media_type="text/plain")


@router.get("/{kind}/{objectId}/tasks/{taskId}/dump/chunks")
def dump_chunks(request: Request, modelId: str, kind: str, objectId: str, taskId: str) -> dict[str, Any]:  # noqa: N803
    backend = backend_of(request)
    with backend.lock:
        data = _dump_of(request, modelId, kind, objectId, taskId, None)
    return paged(request, "chunk", "chunks", chunk_list(len(split_dump(data))), modelId)


@router.get("/{kind}/{objectId}/tasks/{taskId}/dump/chunks/{chunkId}")
def dump_chunk(request: Request, modelId: str, kind: str, objectId: str, taskId: str, chunkId: int) -> Response:  # noqa: N803
    backend = backend_of(request)
    with backend.lock:
        parts = split_dump(_dump_of(request, modelId, kind, objectId, taskId, None))
    if not 0 <= chunkId < len(parts):
        raise NotFound()
    return Response(parts[chunkId], media_type="text/plain")


@router.get("/processes/{objectId}/tasks/{taskId}/dumps/{nestedId}/chunks")
def process_dump_chunks(request: Request, modelId: str, objectId: str, taskId: str, nestedId: str) -> dict[str, Any]:  # noqa: N803
    backend = backend_of(request)
    with backend.lock:
        data = _dump_of(request, modelId, "processes", objectId, taskId, nestedId)
    return paged(request, "chunk", "chunks", chunk_list(len(split_dump(data))), modelId)


@router.get("/processes/{objectId}/tasks/{taskId}/dumps/{nestedId}/chunks/{chunkId}")
def process_dump_chunk(
    request: Request,
    modelId: str,
    objectId: str,
    taskId: str,
    nestedId: str,
    chunkId: int,  # noqa: N803
) -> Response:
    backend = backend_of(request)
    with backend.lock:
        parts = split_dump(_dump_of(request, modelId, "processes", objectId, taskId, nestedId))
    if not 0 <= chunkId < len(parts):
        raise NotFound()
    return Response(parts[chunkId], media_type="text/plain")
