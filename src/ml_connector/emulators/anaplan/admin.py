"""Anaplan-specific read-outs and knobs on the admin kit's `/_emulator/` router.

- `GET /_emulator/tasks`: every task with model, action, state, started/ended (epoch seconds).
- `GET /_emulator/models/{model}/modules/{module}/cells`: `[{<dimension>: code, ..., line_item, value}]`.
- `DELETE /_emulator/models/{model}/modules/{module}/cells`: empties the module (a restored backup).
- `GET /_emulator/models/{model}/lists/{list}/items`: `[{id, code, name, parent (its code), properties}]`.
- `GET /_emulator/models/{model}/files/{file}`: the raw content of a file (what an import will read).
- `PUT /_emulator/settings`: `{"task_seconds", "token_ttl", "cell_write_limit", "rate_limit_per_minute",
  "busy_models", "no_access_models"}` (each optional; omitted ones keep their value).
- `GET /_emulator/info`: the seeded ids and names.

`{model}` is a model id or name; `{module}` and `{list}` are names (URL-encoded) or ids.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from ml_connector.emulators.anaplan.models import AnaplanBackend


class Settings(BaseModel):
    """Body of `PUT /_emulator/settings`."""

    task_seconds: float | None = Field(None, ge=0, le=3600)
    token_ttl: float | None = Field(None, gt=0, le=86_400)
    cell_write_limit: int | None = Field(None, ge=1)
    rate_limit_per_minute: int | None = Field(None, ge=0, description="0 turns the limit off")
    busy_models: list[str] | None = Field(None, description="model ids whose writes answer 409")
    no_access_models: list[str] | None = Field(None, description="model ids masked as 404")


def add_admin_routes(router: APIRouter, backend: AnaplanBackend) -> None:
    """Register the read-outs on `router` (the kit's `/_emulator` router)."""

    def not_found(what: str) -> JSONResponse:
        return JSONResponse({"error": f"not found: {what}"}, status_code=404)

    @router.get("/tasks")
    def tasks() -> list[dict[str, object]]:
        return backend.task_records()

    @router.get("/models/{model}/modules/{module}/cells", response_model=None)
    def cells(model: str, module: str) -> list[dict[str, str]] | JSONResponse:
        with backend.lock:
            m = next((x for x in backend.models.values() if model in (x.id, x.name)), None)
            if m is None:
                return not_found(model)
            mod = next((x for x in m.planning.modules.values() if module in (x.id, x.name)), None)
            if mod is None:
                return not_found(module)
            return m.planning.cell_rows(mod)

    @router.delete("/models/{model}/modules/{module}/cells", response_model=None)
    def wipe_cells(model: str, module: str) -> dict[str, int] | JSONResponse:
        """Empty a module, as a model restored from an older backup would be (for repair tests)."""
        with backend.lock:
            m = next((x for x in backend.models.values() if model in (x.id, x.name)), None)
            if m is None:
                return not_found(model)
            mod = next((x for x in m.planning.modules.values() if module in (x.id, x.name)), None)
            if mod is None:
                return not_found(module)
            wiped = len(mod.cells)
            mod.cells.clear()
            return {"wiped": wiped}

    @router.get("/models/{model}/lists/{list_name}/items", response_model=None)
    def items(model: str, list_name: str) -> list[dict[str, Any]] | JSONResponse:
        with backend.lock:
            m = next((x for x in backend.models.values() if model in (x.id, x.name)), None)
            if m is None:
                return not_found(model)
            plan_list = next((x for x in m.planning.lists.values() if list_name in (x.id, x.name)), None)
            if plan_list is None:
                return not_found(list_name)
            return [
                {"id": i.id, "code": i.code, "name": i.name, "parent": i.parent, "properties": dict(i.properties)}
                for i in plan_list.items.values()
            ]

    @router.get("/models/{model}/files/{file_id}", response_model=None)
    def file_content(model: str, file_id: str) -> Response:
        with backend.lock:
            m = next((x for x in backend.models.values() if model in (x.id, x.name)), None)
            f = m.files.get(file_id) if m else None
            if f is None:
                return not_found(file_id)
            return Response(f.content(), media_type="application/octet-stream")

    @router.put("/settings")
    def settings(body: Settings) -> dict[str, object]:
        with backend.lock:
            if body.task_seconds is not None:
                backend.task_seconds = body.task_seconds
            if body.token_ttl is not None:
                backend.tokens.token_ttl = body.token_ttl
            if body.cell_write_limit is not None:
                backend.cell_write_limit = body.cell_write_limit
            if body.rate_limit_per_minute is not None:
                backend.rate_limit_per_minute = body.rate_limit_per_minute or None
                backend.request_times.clear()  # the window starts when the limit is set
            if body.busy_models is not None:
                backend.forced_busy = set(body.busy_models)
            if body.no_access_models is not None:
                backend.no_access = set(body.no_access_models)
            return current_settings(backend)

    @router.get("/settings")
    def get_settings() -> dict[str, object]:
        return current_settings(backend)

    @router.get("/info")
    def info(request: Request) -> dict[str, object]:
        return describe(backend)


def current_settings(backend: AnaplanBackend) -> dict[str, object]:
    return {
        "task_seconds": backend.task_seconds,
        "token_ttl": backend.tokens.token_ttl,
        "cell_write_limit": backend.cell_write_limit,
        "rate_limit_per_minute": backend.rate_limit_per_minute,
        "busy_models": sorted(backend.forced_busy),
        "no_access_models": sorted(backend.no_access),
    }


def describe(backend: AnaplanBackend) -> dict[str, object]:
    """Seeded names and ids: workspace, models, and each model's lists, modules and actions."""
    with backend.lock:
        models = []
        for m in backend.models.values():
            models.append(
                {
                    "id": m.id,
                    "name": m.name,
                    "lists": {x.name: x.id for x in m.planning.lists.values()},
                    "modules": {x.name: x.id for x in m.planning.modules.values()},
                    "imports": {imp.name: i for i, imp in m.imports.items()},
                    "import_files": {m.imports[i].file: f for i, f in m.import_file_ids.items()},
                    "exports": {exp.name: i for i, exp in m.exports.items()},
                    "processes": {p.name: i for i, p in m.processes.items()},
                    "actions": {a.name: i for i, a in m.delete_actions.items()},
                }
            )
        return {"workspace": {"id": backend.workspace_id, "name": backend.tenant.workspace_name}, "models": models}
