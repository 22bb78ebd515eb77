"""Finding workspaces, models, imports, exports, processes, files and lists by name (or id) at run time.

A value shaped like an id is taken as an id and checked for its type's format before any call; any
other value is a name, looked up exactly, then case-insensitively; an unknown or ambiguous name is a
`ConfigurationError` that lists what exists.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from ml_connector.errors import ConfigurationError, ConnectorError, NotFoundError
from ml_connector.systems.anaplan.api import AnaplanApi
from ml_connector.systems.anaplan.ids import (
    check_hex_id,
    check_object_id,
    looks_like_hex_id,
    looks_like_object_id,
)

# kind -> (path segment, payload key) of the model-scoped listing
KINDS = {
    "import": ("imports", "imports"),
    "export": ("exports", "exports"),
    "process": ("processes", "processes"),
    "action": ("actions", "actions"),
    "file": ("files", "files"),
    "list": ("lists", "lists"),
    "module": ("modules", "modules"),
}


@dataclass(frozen=True)
class ModelRef:
    """A resolved model: ids for the calls, names for messages."""

    workspace_id: str
    model_id: str
    workspace_name: str = ""
    model_name: str = ""

    @property
    def path(self) -> str:
        """The model-scoped path prefix `/workspaces/{ws}/models/{m}`."""
        return f"/workspaces/{self.workspace_id}/models/{self.model_id}"

    @property
    def lock_key(self) -> str:
        return f"anaplan-model:{self.model_id}"

    def __str__(self) -> str:
        return f"{self.workspace_name or self.workspace_id} / {self.model_name or self.model_id}"


def pick(items: list[dict[str, Any]], wanted: str, kind: str, where: str) -> dict[str, Any]:
    """The one item named `wanted` (exact, then case-insensitive), or a `ConfigurationError`."""
    exact = [item for item in items if item.get("name") == wanted]
    if not exact:
        exact = [item for item in items if str(item.get("name", "")).casefold() == wanted.casefold()]
    if len(exact) == 1:
        return exact[0]
    names = sorted(str(item.get("name")) for item in items)
    if not exact:
        shown = ", ".join(repr(n) for n in names[:20]) or "none"
        raise ConfigurationError(
            f"no Anaplan {kind} named {wanted!r} in {where}; there are: {shown}",
            hint=f"Check the {kind} name (`ml-connector discover` lists them) or give its id.",
        )
    ids = ", ".join(str(item.get("id")) for item in exact)
    raise ConfigurationError(
        f"{len(exact)} Anaplan {kind}s are named {wanted!r} in {where} (ids {ids})",
        hint=f"Give the {kind}'s id instead of its name.",
    )


class Discovery:
    """Name → id look-ups for one connection, cached for the client's life."""

    def __init__(self, api: AnaplanApi) -> None:
        self.api = api
        self._cache: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def _cached(self, key: tuple[str, ...], path: str, payload: str, what: str) -> list[dict[str, Any]]:
        with self._lock:
            if key in self._cache:
                return self._cache[key]
        items = self.api.items(path, payload, what)
        with self._lock:
            self._cache[key] = items
        return items

    def forget(self) -> None:
        with self._lock:
            self._cache.clear()

    def workspaces(self) -> list[dict[str, Any]]:
        return self._cached(("workspaces",), "/workspaces", "workspaces", "listing workspaces")

    def models(self, workspace_id: str) -> list[dict[str, Any]]:
        return self._cached(("models", workspace_id), f"/workspaces/{workspace_id}/models", "models", "listing models")

    def objects(self, ref: ModelRef, kind: str) -> list[dict[str, Any]]:
        segment, payload = KINDS[kind]
        return self._cached(
            (kind, ref.model_id), f"{ref.path}/{segment}", payload, f"listing the {segment} of model {ref}"
        )

    def model(self, workspace: str, model: str) -> ModelRef:
        """Resolve a workspace and a model, each by name or id."""
        if looks_like_hex_id(workspace):
            ws_id, ws_name = check_hex_id("workspace", workspace), ""
            found = [w for w in self.workspaces() if w.get("id") == ws_id]
            ws_name = str(found[0].get("name", "")) if found else ""
        else:
            ws = pick(self.workspaces(), workspace, "workspace", "this tenant")
            ws_id, ws_name = str(ws["id"]), str(ws.get("name", ""))
        models = self.models(ws_id)
        if looks_like_hex_id(model):
            model_id = check_hex_id("model", model)
            match = [m for m in models if str(m.get("id", "")).upper() == model_id.upper()]
            if not match:
                raise ConfigurationError(
                    f"no Anaplan model with id {model_id} in workspace {ws_name or ws_id}",
                    hint="Check the model id and workspace (`ml-connector discover`).",
                )
            found_model = match[0]
        else:
            found_model = pick(models, model, "model", f"workspace {ws_name or ws_id!r}")
        return ModelRef(ws_id, str(found_model["id"]), ws_name, str(found_model.get("name", "")))

    def object(self, ref: ModelRef, kind: str, wanted: str) -> dict[str, Any]:
        """An import/export/process/action/file/list/module of the model, by name or 12-digit id."""
        items = self.objects(ref, kind)
        if looks_like_object_id(wanted):
            check_object_id(kind, wanted)
            for item in items:
                if item.get("id") == wanted:
                    return item
            raise ConfigurationError(
                f"no Anaplan {kind} with id {wanted} in model {ref}",
                hint=f"Check the {kind} id (`ml-connector discover`).",
            )
        return pick(items, wanted, kind, f"model {ref}")

    def tree(self) -> dict[str, Any]:
        """Workspaces → models → imports, exports, processes, actions, files and lists (names and ids)."""
        out: list[dict[str, Any]] = []
        for ws in self.workspaces():
            ws_id = str(ws["id"])
            models = []
            for m in self.models(ws_id):
                ref = ModelRef(ws_id, str(m["id"]), str(ws.get("name", "")), str(m.get("name", "")))
                entry: dict[str, Any] = {"id": ref.model_id, "name": ref.model_name}
                try:
                    for kind in ("import", "export", "process", "action", "file", "list"):
                        entry[KINDS[kind][0]] = [
                            {"id": str(item.get("id")), "name": str(item.get("name"))}
                            for item in self.objects(ref, kind)
                        ]
                except NotFoundError:
                    entry["error"] = "no access (Anaplan answers 404 for models the user may not open)"
                except ConnectorError as exc:
                    entry["error"] = exc.message
                models.append(entry)
            out.append({"id": ws_id, "name": str(ws.get("name", "")), "models": models})
        return {"workspaces": out}


def tree_lines(tree: dict[str, Any]) -> list[str]:
    """The `discover` tree as indented text lines, names first, ids after (what the CLI prints)."""
    lines: list[str] = []
    for ws in tree.get("workspaces", []):
        lines.append(f"workspace {ws['name']}  [{ws['id']}]")
        for model in ws.get("models", []):
            lines.append(f"  model {model['name']}  [{model['id']}]")
            if "error" in model:
                lines.append(f"    ! {model['error']}")
            for group in ("imports", "exports", "processes", "actions", "files", "lists"):
                items = model.get(group) or []
                if items:
                    lines.append(f"    {group}:")
                    lines += [f"      {item['name']}  [{item['id']}]" for item in items]
    return lines
