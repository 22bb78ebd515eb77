"""The planning-model definition file (YAML or JSON): workspace, models, lists, modules, actions, seed data.

One file describes a whole tenant, so tests and the demo can say "this is the model" in one place.
Shape (see `seed/fpa.yaml` for a full example)::

    workspace: {name: Acme Finance, id: <32 lowercase hex>}
    models:
      - name: FP&A
        id: <32 uppercase hex>
        time: {first: Jan 25, last: Dec 27}
        lists: [{name, properties: [...], items: [{code, name, properties: {...}}]}]
        modules: [{name, dimensions: [list names..., Time], line_items: [{name, format}], cells: [...]}]
        imports: [{name, file, list | module, columns: {file column: code|name|property|dimension|line item}}]
        exports: [{name, list | module, where: <boolean line item>, columns: {output column: ...}}]
        processes: [{name, actions: [import/export/action names]}]
        actions: [{name, list, where: {property: value}}]   # DELETE_BY_SELECTION

Object ids are given out in file order with Anaplan's type prefixes (lists 101…, modules 102…,
imports 112…, files 113…, exports 116…, actions 117…, processes 118…).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

DEFAULT_DEFINITION = Path(__file__).parent / "seed" / "fpa.yaml"
TIME = "Time"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class DefinitionError(ValueError):
    """The definition file is not valid; the message says where."""


@dataclass(frozen=True)
class ListDef:
    name: str
    properties: tuple[str, ...]
    items: tuple[dict[str, Any], ...]
    parent: str | None = None  # the parent list: its members are the parents of this list's members


@dataclass(frozen=True)
class LineItemDef:
    name: str
    format: str  # NUMBER, BOOLEAN or TEXT


@dataclass(frozen=True)
class ModuleDef:
    name: str
    dimensions: tuple[str, ...]
    line_items: tuple[LineItemDef, ...]
    cells: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class ImportDef:
    name: str
    file: str
    target_list: str | None
    target_module: str | None
    columns: tuple[tuple[str, str], ...]  # (file column, target field)


@dataclass(frozen=True)
class ExportDef:
    name: str
    source_list: str | None
    source_module: str | None
    where: str | None
    columns: tuple[tuple[str, str], ...]  # (output column, source field)


@dataclass(frozen=True)
class ProcessDef:
    name: str
    actions: tuple[str, ...]


@dataclass(frozen=True)
class DeleteActionDef:
    name: str
    list_name: str
    where: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ModelDef:
    name: str
    id: str
    periods: tuple[str, ...]
    lists: tuple[ListDef, ...]
    modules: tuple[ModuleDef, ...]
    imports: tuple[ImportDef, ...]
    exports: tuple[ExportDef, ...]
    processes: tuple[ProcessDef, ...]
    actions: tuple[DeleteActionDef, ...] = field(default=())


@dataclass(frozen=True)
class TenantDef:
    workspace_name: str
    workspace_id: str
    models: tuple[ModelDef, ...]


def load_definition(path: Path | str | None = None) -> TenantDef:
    """Read and check a definition file (`.yaml`, `.yml` or `.json`); the default is the seeded FP&A."""
    source = Path(path) if path else DEFAULT_DEFINITION
    text = source.read_text(encoding="utf-8")
    raw = json.loads(text) if source.suffix == ".json" else yaml.safe_load(text)
    if not isinstance(raw, dict):
        raise DefinitionError(f"{source}: the top level must be a mapping")
    return parse_definition(raw, str(source))


def parse_definition(raw: dict[str, Any], where: str = "definition") -> TenantDef:
    """Build a `TenantDef` from already-parsed YAML/JSON."""
    ws = raw.get("workspace") or {}
    ws_name = str(ws.get("name", "Workspace"))
    ws_id = str(ws.get("id") or _hex_id(ws_name)).lower()
    models = tuple(_model(m, f"{where}: model {i}") for i, m in enumerate(raw.get("models") or []))
    if not models:
        raise DefinitionError(f"{where}: no models")
    return TenantDef(workspace_name=ws_name, workspace_id=ws_id, models=models)


def month_labels(first: str, last: str) -> tuple[str, ...]:
    """Anaplan's default month labels from `first` to `last`, e.g. `Jan 25` .. `Dec 27`."""
    start, end = _month_index(first), _month_index(last)
    if end < start:
        raise DefinitionError(f"time range {first!r} .. {last!r} is empty")
    return tuple(f"{MONTHS[i % 12]} {i // 12:02d}" for i in range(start, end + 1))


def _month_index(label: str) -> int:
    try:
        month, year = label.split()
        return int(year) * 12 + MONTHS.index(month)
    except ValueError as exc:
        raise DefinitionError(f"bad month label {label!r}; expected e.g. 'Jan 25'") from exc


def _hex_id(name: str) -> str:
    return hashlib.md5(name.encode(), usedforsecurity=False).hexdigest()


def _model(raw: dict[str, Any], where: str) -> ModelDef:
    name = str(raw["name"])
    time = raw.get("time") or {"first": "Jan 25", "last": "Dec 27"}
    lists = tuple(
        ListDef(
            name=str(item["name"]),
            properties=tuple(str(p) for p in item.get("properties") or []),
            items=tuple(dict(x) for x in item.get("items") or []),
            parent=item.get("parent"),
        )
        for item in raw.get("lists") or []
    )
    list_names = {x.name for x in lists}
    for x in lists:
        if x.parent is not None and (x.parent not in list_names or x.parent == x.name):
            raise DefinitionError(f"{where}: list {x.name!r} names parent list {x.parent!r}, which is not another list")
    modules = tuple(_module(m, list_names, where) for m in raw.get("modules") or [])
    imports = tuple(_import(i, where) for i in raw.get("imports") or [])
    exports = tuple(
        ExportDef(
            name=str(e["name"]),
            source_list=e.get("list"),
            source_module=e.get("module"),
            where=e.get("where"),
            columns=tuple((str(k), str(v)) for k, v in (e.get("columns") or {}).items()),
        )
        for e in raw.get("exports") or []
    )
    processes = tuple(
        ProcessDef(name=str(p["name"]), actions=tuple(str(a) for a in p.get("actions") or []))
        for p in raw.get("processes") or []
    )
    actions = tuple(
        DeleteActionDef(
            name=str(a["name"]),
            list_name=str(a["list"]),
            where=tuple((str(k), str(v)) for k, v in (a.get("where") or {}).items()),
        )
        for a in raw.get("actions") or []
    )
    action_names = {x.name for x in imports} | {x.name for x in exports} | {x.name for x in actions}
    for process in processes:
        missing = [a for a in process.actions if a not in action_names]
        if missing:
            raise DefinitionError(f"{where}: process {process.name!r} names unknown actions {missing}")
    return ModelDef(
        name=name,
        id=str(raw.get("id") or _hex_id(name)).upper(),
        periods=month_labels(str(time["first"]), str(time["last"])),
        lists=lists,
        modules=modules,
        imports=imports,
        exports=exports,
        processes=processes,
        actions=actions,
    )


def _module(raw: dict[str, Any], list_names: set[str], where: str) -> ModuleDef:
    dims = tuple(str(d) for d in raw.get("dimensions") or [])
    unknown = [d for d in dims if d != TIME and d not in list_names]
    if unknown:
        raise DefinitionError(f"{where}: module {raw.get('name')!r} uses unknown lists {unknown}")
    line_items = tuple(
        LineItemDef(name=str(li["name"]), format=str(li.get("format", "NUMBER")).upper())
        for li in raw.get("line_items") or []
    )
    return ModuleDef(name=str(raw["name"]), dimensions=dims, line_items=line_items, cells=tuple(raw.get("cells") or []))


def _import(raw: dict[str, Any], where: str) -> ImportDef:
    if bool(raw.get("list")) == bool(raw.get("module")):
        raise DefinitionError(f"{where}: import {raw.get('name')!r} needs exactly one of 'list' or 'module'")
    return ImportDef(
        name=str(raw["name"]),
        file=str(raw["file"]),
        target_list=raw.get("list"),
        target_module=raw.get("module"),
        columns=tuple((str(k), str(v)) for k, v in (raw.get("columns") or {}).items()),
    )
