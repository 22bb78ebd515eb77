"""Transactional writes: list items (add, update, delete) and module cell writes, with their result bodies.

Result shapes follow the docs: `{added, ignored, total[, failures]}`, `{updated, ignored, total[, failures]}`,
`{deleted[, failures]}`, `{numberOfCellsChanged[, failures]}`; `failures` is left out when empty.
"""

from __future__ import annotations

from typing import Any

from ml_connector.emulators.anaplan.exceptions import BadRequest
from ml_connector.emulators.anaplan.planning import ListItem, Module, PlanList, PlanningModel, Value, ValueRejected

LIST_WRITE_LIMIT = 100_000


def _failure(index: int, kind: str, details: str) -> dict[str, Any]:
    return {"requestIndex": index, "failureType": kind, "failureMessageDetails": details}


def _items(body: object) -> list[dict[str, Any]]:
    if not isinstance(body, dict) or not isinstance(body.get("items"), list):
        raise BadRequest("Expected mandatory field 'items' to be present and not empty.")
    items = body["items"]
    if len(items) > LIST_WRITE_LIMIT:
        # ASSUMPTION: the exact message for more than 100,000 items is undocumented.
        raise BadRequest(f"The number of items in a request cannot exceed {LIST_WRITE_LIMIT}.")
    return [i if isinstance(i, dict) else {} for i in items]


def _with_failures(result: dict[str, Any], failures: list[dict[str, Any]]) -> dict[str, Any]:
    if failures:
        result["failures"] = failures
    return result


def add_items(plan_list: PlanList, body: object) -> dict[str, Any]:
    """`POST lists/{l}/items?action=add`: new members; duplicates and blank names are refused per item."""
    items = _items(body)
    failures = []
    for n, raw in enumerate(items):
        name = str(raw.get("name") or "").strip()
        code = str(raw.get("code") or "").strip()
        props = raw.get("properties") or {}
        if not name:
            failures.append(_failure(n, "INCOMPLETE_DATA", "name is required"))
        elif plan_list.by_name(name) is not None:
            # ASSUMPTION: the failure types DUPLICATE_NAME/DUPLICATE_CODE and the use of INCOMPLETE_DATA for adds are
            # ours; the docs name INCORRECT_FORMAT (adds) and INCOMPLETE_DATA (updates) and say duplicates and blank
            # names are rejected.
            failures.append(_failure(n, "DUPLICATE_NAME", f"duplicate name -- name:{name}"))
        elif code and plan_list.by_code(code) is not None:
            failures.append(_failure(n, "DUPLICATE_CODE", f"duplicate code -- code:{code}"))
        elif unknown := [p for p in props if p not in plan_list.properties]:
            failures.append(_failure(n, "INCORRECT_FORMAT", f"unknown property -- column name:{unknown[0]}"))
        else:
            # ASSUMPTION: a member added without a code is keyed by its name internally.
            plan_list.add(code or name, name, {str(k): str(v) for k, v in props.items()})
    return _with_failures(
        {"added": len(items) - len(failures), "ignored": len(failures), "total": len(items)}, failures
    )


def _find(plan_list: PlanList, raw: dict[str, Any]) -> ListItem | None:
    if "id" in raw:
        return plan_list.by_id(str(raw["id"]))
    if "code" in raw:
        return plan_list.by_code(str(raw["code"]))
    if "name" in raw:
        return plan_list.by_name(str(raw["name"]))
    return None


def update_items(plan_list: PlanList, body: object) -> dict[str, Any]:
    """`PUT lists/{l}/items`: change properties (and names, when identified by id or code)."""
    items = _items(body)
    failures = []
    for n, raw in enumerate(items):
        item = _find(plan_list, raw)
        props = raw.get("properties") or {}
        if item is None:
            failures.append(_failure(n, "INCOMPLETE_DATA", "item not found"))
            continue
        if unknown := [p for p in props if p not in plan_list.properties]:
            failures.append(_failure(n, "INCORRECT_FORMAT", f"unknown property -- column name:{unknown[0]}"))
            continue
        if ("id" in raw or "code" in raw) and raw.get("name") and str(raw["name"]) != item.name:
            plan_list.rename(item, str(raw["name"]))
        item.properties.update({str(k): str(v) for k, v in props.items()})
    return _with_failures(
        {"updated": len(items) - len(failures), "ignored": len(failures), "total": len(items)}, failures
    )


def delete_items(model: PlanningModel, plan_list: PlanList, body: object) -> dict[str, Any]:
    """`POST lists/{l}/items?action=delete`: by `id`, `code` or `name`."""
    items = _items(body)
    failures = []
    doomed: set[str] = set()
    for n, raw in enumerate(items):
        if "id" in raw and "code" in raw:
            # ASSUMPTION: a per-item failure, not a 400 (the SDK only says "Specifying both will error").
            failures.append(_failure(n, "INCORRECT_FORMAT", "specify either id or code, not both"))
            continue
        item = _find(plan_list, raw)
        if item is None or item.code in doomed:
            failures.append(_failure(n, "INCOMPLETE_DATA", "item not found"))
            continue
        doomed.add(item.code)
    model.delete_members(plan_list, doomed)
    return _with_failures({"deleted": len(doomed)}, failures)


def write_cells(model: PlanningModel, module: Module, body: object, limit: int) -> dict[str, Any]:
    """`POST /models/{m}/modules/{mod}/data`: a JSON array of cell writes; partial success is allowed."""
    if not isinstance(body, list):
        raise BadRequest("The request body must be a JSON array of cell writes.")
    if len(body) > limit:
        # ASSUMPTION: message wording; the limit itself is 100,000 cells (settable, older docs say 1,000).
        raise BadRequest(f"The number of cells in a request cannot exceed {limit}.")
    failures = []
    changed = 0
    for n, raw in enumerate(body):
        try:
            key, li_name, value = _cell_target(model, module, raw)
        except ValueRejected as exc:
            failures.append(_failure(n, "INVALID_CELL", str(exc)))
            continue
        module.cells.setdefault(key, {})[li_name] = value
        changed += 1
    return _with_failures({"numberOfCellsChanged": changed}, failures)


def _cell_target(model: PlanningModel, module: Module, raw: object) -> tuple[tuple[str, ...], str, Value]:
    if not isinstance(raw, dict):
        raise ValueRejected("cell write must be an object")
    line_item = (
        module.line_item_by_id(str(raw["lineItemId"]))
        if "lineItemId" in raw
        else module.line_items.get(str(raw.get("lineItemName")))
    )
    if line_item is None:
        raise ValueRejected("line item not found")
    if raw.get("value") is None:
        raise ValueRejected("value must not be null")
    codes: dict[str, str] = {}
    for entry in raw.get("dimensions") or []:
        if not isinstance(entry, dict):
            raise ValueRejected("dimension entry must be an object")
        dim = (
            model.dimension_by_id(str(entry["dimensionId"]))
            if "dimensionId" in entry
            else str(entry.get("dimensionName"))
        )
        if dim not in module.dimensions:
            raise ValueRejected(f"dimension not in module: {entry.get('dimensionId') or entry.get('dimensionName')}")
        code = model.resolve_member(dim, entry)
        if code is None:
            raise ValueRejected(f"item not found in {dim}")
        codes[dim] = code
    missing = [d for d in module.dimensions if d not in codes]
    if missing:
        raise ValueRejected(f"missing dimensions: {', '.join(missing)}")
    return tuple(codes[d] for d in module.dimensions), line_item.name, line_item.parse(raw["value"])
