"""HTTP routes of the Integration API's bulk side: users, workspaces, models, files, actions, tasks, dumps.

Model-scoped routes live on `model_router`, which the app mounts twice: under
`/2/0/workspaces/{workspaceId}/models/{modelId}` and under `/2/0/models/{modelId}` (Anaplan serves both).
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Depends, Request, Response

from ml_connector.emulators.anaplan.envelope import (
    backend_of,
    envelope,
    model_of,
    paged,
    require_token,
    sort_items,
)
from ml_connector.emulators.anaplan.exceptions import ApiError, BadRequest, NotFound
from ml_connector.emulators.anaplan.files import chunk_list
from ml_connector.emulators.anaplan.models import ModelState
from ml_connector.emulators.anaplan.routes_users import user_json

tenant_router = APIRouter(prefix="/2/0", dependencies=[Depends(require_token)])
model_router = APIRouter(dependencies=[Depends(require_token)])
# The sortable fields the OAS parameter descriptions name for these lists.
WORKSPACE_SORT = frozenset({"name", "sizeAllowance"})
MODEL_SORT = frozenset({"name", "activeState"})


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _model_json(request: Request, m: ModelState, details: bool) -> dict[str, Any]:
    backend = backend_of(request)
    out: dict[str, Any] = {
        "id": m.id,
        "name": m.name,
        # ASSUMPTION: seeded models are always UNLOCKED (a documented activeState); the emulator has no deployed or
        # archived models.
        "activeState": "UNLOCKED",
        "currentWorkspaceId": backend.workspace_id,
        "currentWorkspaceName": backend.tenant.workspace_name,
        "modelUrl": f"{str(request.base_url).rstrip('/')}/anaplan/rt?selectedWorkspaceId="
        f"{backend.workspace_id}&selectedModelId={m.id}",
        "categoryValues": [],
    }
    if details:
        out.update(
            isoCreationDate=_iso(backend.started_at),
            lastModified=_iso(m.last_modified),
            lastModifiedByUserGuid=backend.creds.user_guid,
            # ASSUMPTION: serial number and memoryUsage are synthetic, shaped like the OAS example values.
            lastSavedSerialNumber=2_000_000 + len(m.tasks),
            memoryUsage=1_048_576 + 64 * sum(len(x.cells) for x in m.planning.modules.values()),
            modelTransactionRunning=m.busy(),
        )
    return out


def _details(request: Request) -> bool:
    return request.query_params.get("modelDetails", "").lower() == "true"


@tenant_router.get("/users/me")
def users_me(request: Request) -> dict[str, Any]:
    backend = backend_of(request)
    with backend.lock:
        user = user_json(backend)
    return envelope(request, "user", user=user)


def _workspace_json(request: Request) -> dict[str, Any]:
    backend = backend_of(request)
    ws: dict[str, Any] = {"id": backend.workspace_id, "name": backend.tenant.workspace_name, "active": True}
    # ASSUMPTION: the single-workspace GET honours tenantDetails like the list does (the OAS documents the
    # parameter on the list; anaplan-sdk sends it on both and requires the sizes back).
    if request.query_params.get("tenantDetails", "").lower() == "true":
        ws.update(sizeAllowance=10_737_418_240, currentSize=2_097_152 * len(backend.models))
    return ws


@tenant_router.get("/workspaces")
def workspaces(request: Request) -> dict[str, Any]:
    return paged(
        request,
        "workspace",
        "workspaces",
        sort_items(request, [_workspace_json(request)], strict=True, sortable=WORKSPACE_SORT),
    )


@tenant_router.get("/workspaces/{workspaceId}")
def workspace(request: Request, workspaceId: str) -> dict[str, Any]:  # noqa: N803 - Anaplan's path names
    backend = backend_of(request)
    if workspaceId != backend.workspace_id:
        raise NotFound()
    return envelope(request, "workspace", workspace=_workspace_json(request))


@tenant_router.get("/models")
def models(request: Request) -> dict[str, Any]:
    backend = backend_of(request)
    with backend.lock:
        items = [_model_json(request, m, _details(request)) for m in backend.models.values()]
    return paged(request, "model", "models", sort_items(request, items, strict=True, sortable=MODEL_SORT))


@tenant_router.get("/workspaces/{workspaceId}/models")
def workspace_models(request: Request, workspaceId: str) -> dict[str, Any]:  # noqa: N803
    backend = backend_of(request)
    items = []
    if workspaceId == backend.workspace_id:
        with backend.lock:
            items = [_model_json(request, m, _details(request)) for m in backend.models.values()]
    return paged(request, "model", "models", sort_items(request, items, strict=True, sortable=MODEL_SORT))


@tenant_router.get("/models/{modelId}")
def model(request: Request, modelId: str) -> dict[str, Any]:  # noqa: N803
    backend = backend_of(request)
    with backend.lock:
        m = backend.model(modelId, metadata_only=True)
        return envelope(request, "model", modelId, model=_model_json(request, m, _details(request)))


@tenant_router.post("/models/{modelId}/open", status_code=202)
def open_model(request: Request, modelId: str) -> Response:  # noqa: N803
    backend = backend_of(request)
    with backend.lock:
        backend.model(modelId)
    # ASSUMPTION: no Workspace Admin check: the emulated user is always Workspace Admin.
    return Response(status_code=202)  # models are always open here; waking one is a no-op


@tenant_router.post("/models/{modelId}/close", status_code=204)
def close_model(request: Request, modelId: str) -> Response:  # noqa: N803
    backend = backend_of(request)
    with backend.lock:
        backend.model(modelId)
    # ASSUMPTION: the emulator keeps models in memory, so closing only acknowledges.
    return Response(status_code=204)


@tenant_router.get("/workspaces/{workspaceId}/models/{modelId}")
def workspace_model(request: Request, workspaceId: str, modelId: str) -> None:  # noqa: N803
    raise ApiError(405)  # live Anaplan: use /models/{modelId}


@model_router.api_route("/status", methods=["GET", "POST"])
def model_status(request: Request, modelId: str) -> dict[str, Any]:  # noqa: N803
    backend = backend_of(request)
    with backend.lock:
        m = model_of(request, modelId)
        running = m.running
        status: dict[str, Any] = {
            "tooltip": None,
            "progress": -1.0,
            # ASSUMPTION: models are always open here ("Open", progress -1.0 are the documented idle values), and
            # creationTime is the time of the request (no source says what it measures).
            "currentStep": "Open",
            "exportTaskType": None,
            "creationTime": int(time.time() * 1000),
            "taskId": None,
            "peakMemoryUsageEstimate": None,
            "peakMemoryUsageTime": None,
        }
        if running is not None:
            label = {"imports": "Import", "exports": "Export", "processes": "Process"}.get(running.kind, "Action")
            status.update(
                progress=running.progress(),
                currentStep="Processing ...",
                taskId=running.task_id,
                tooltip=f"The system is currently processing an {label}:\n\n{label} started by user "
                f"{backend.creds.user} \nTasks can be cancelled in Model Management.",
            )
    return {"requestStatus": status}  # no envelope here, as live Anaplan


# --- files ---------------------------------------------------------------------------------------------


@model_router.get("/files")
def files(request: Request, modelId: str) -> dict[str, Any]:  # noqa: N803
    backend = backend_of(request)
    with backend.lock:
        m = model_of(request, modelId)
        items = [f.as_json() for f in m.files.values()]
    return paged(request, "file", "files", sort_items(request, items, strict=False), modelId)


@model_router.post("/files/{fileId}")
async def set_chunk_count(request: Request, modelId: str, fileId: str) -> dict[str, Any]:  # noqa: N803
    backend = backend_of(request)
    body = await json_body(request)
    count = body.get("chunkCount") if isinstance(body, dict) else None
    if not isinstance(count, int):
        # ASSUMPTION: wording modelled on the documented "Expected mandatory field 'modelIdsToDelete' ..." message.
        raise BadRequest("Expected mandatory field 'chunkCount' to be present.")
    with backend.lock:
        m = model_of(request, modelId)
        f = backend.file_for_upload(m, fileId)
        if f.is_export:
            # ASSUMPTION: uploading into an export's output file (116…) is refused with 400; no source covers it.
            raise BadRequest("An export's output file cannot be uploaded to")
        f.start_upload(count)
        return envelope(request, "file", modelId, file=f.as_json())


@model_router.put("/files/{fileId}")
async def put_file(request: Request, modelId: str, fileId: str) -> Response:  # noqa: N803
    body = await request.body()
    backend = backend_of(request)
    with backend.lock:
        f = _file(request, modelId, fileId)
        f.put_whole(body, _gzipped(request))
    return Response(status_code=204)


@model_router.put("/files/{fileId}/chunks/{chunkId}")
async def put_chunk(request: Request, modelId: str, fileId: str, chunkId: str) -> Response:  # noqa: N803
    body = await request.body()
    backend = backend_of(request)
    with backend.lock:
        f = _file(request, modelId, fileId)
        f.put_chunk(_number(chunkId), body, _gzipped(request))
    return Response(status_code=204)


@model_router.post("/files/{fileId}/complete")
def complete_file(request: Request, modelId: str, fileId: str) -> dict[str, Any]:  # noqa: N803
    backend = backend_of(request)
    with backend.lock:
        f = _file(request, modelId, fileId)
        f.complete()
        return envelope(request, "file", modelId, file=f.as_json())


@model_router.get("/files/{fileId}/chunks")
def file_chunks(request: Request, modelId: str, fileId: str) -> dict[str, Any]:  # noqa: N803
    backend = backend_of(request)
    with backend.lock:
        f = _file(request, modelId, fileId)
        count = len(f.chunks)
    return paged(request, "chunk", "chunks", chunk_list(count), modelId)


@model_router.get("/files/{fileId}/chunks/{chunkId}")
def file_chunk(request: Request, modelId: str, fileId: str, chunkId: str) -> Response:  # noqa: N803
    backend = backend_of(request)
    with backend.lock:
        data = _file(request, modelId, fileId).chunk(_number(chunkId))
    return Response(data, media_type="application/octet-stream")


@model_router.get("/files/{fileId}")
def download_file(request: Request, modelId: str, fileId: str) -> Response:  # noqa: N803
    backend = backend_of(request)
    with backend.lock:
        f = _file(request, modelId, fileId)
        if not f.chunks:
            raise NotFound()
        data = f.content()
    return Response(data, media_type="application/octet-stream")


@model_router.delete("/files/{fileId}")
def delete_file(request: Request, modelId: str, fileId: str) -> Response:  # noqa: N803
    backend = backend_of(request)
    with backend.lock:
        # Only the content goes; the listed chunkCount may stay stale, as on live Anaplan.
        _file(request, modelId, fileId).chunks = {}
    return Response(status_code=204)


def _file(request: Request, model_id: str, file_id: str) -> Any:
    m = model_of(request, model_id)
    if file_id not in m.files:
        raise NotFound()
    return m.files[file_id]


def _gzipped(request: Request) -> bool:
    return request.headers.get("content-type", "").split(";")[0].strip() in ("application/x-gzip", "application/gzip")


def _number(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        # ASSUMPTION: a non-numeric chunk number answers the generic 404, like an unknown route.
        raise NotFound() from None


async def json_body(request: Request) -> Any:
    raw = await request.body()
    if not raw:
        return {}
    try:
        return json.loads(raw)
    except ValueError:
        # ASSUMPTION: a body that is not JSON answers 400 with this wording (undocumented).
        raise BadRequest("The request body is not valid JSON.") from None
