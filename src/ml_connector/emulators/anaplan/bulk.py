"""What the bulk actions do to a planning model: imports (lists and modules), exports, delete actions.

Each function is pure over a `PlanningModel` and returns an outcome the task runner turns into
Anaplan's task `result`. Failure dumps are CSV with `_Status_` first and `_Line_`, `_Error_1_` last.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from ml_connector.emulators.anaplan.definition import TIME, DeleteActionDef, ExportDef, ImportDef
from ml_connector.emulators.anaplan.planning import PlanList, PlanningModel, Value, ValueRejected, render

LIST_FIELDS = ("code", "name", "parent")


@dataclass
class ActionOutcome:
    """The effect of one action: success flag, counts for `result.details`, and an optional dump."""

    successful: bool
    detail: dict[str, Any] | None = None
    dump: bytes | None = None
    output: bytes | None = None  # export file content
    counts: dict[str, int] = field(default_factory=dict)


def decode(content: bytes) -> str:
    """File bytes as text: UTF-8 (with or without BOM), else ISO-8859-1 as Anaplan's default encoding."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("iso-8859-1")


def run_import(model: PlanningModel, imp: ImportDef, content: bytes) -> ActionOutcome:
    """Load CSV `content` (header on line 1) into the import's list or module."""
    rows = list(csv.reader(io.StringIO(decode(content))))
    if not rows:
        return _failed_outright(imp, "The import file is empty")
    header = [h.strip() for h in rows[0]]
    missing = [col for col, _ in imp.columns if col not in header]
    if missing:
        return _failed_outright(imp, f"Source columns not found: {', '.join(missing)}")
    index = {col: header.index(col) for col, _ in imp.columns}
    failures: list[tuple[int, list[str], str]] = []
    created = updated = 0
    data = rows[1:]
    for line_no, row in enumerate(data, start=2):
        if not any(cell.strip() for cell in row):
            continue
        fields = {col: (row[i].strip() if i < len(row) else "") for col, i in index.items()}
        try:
            if imp.target_list:
                was_new = _import_list_row(model, imp, fields)
                created += was_new
                updated += not was_new
            else:
                _import_module_row(model, imp, fields)
                updated += 1
        except ValueRejected as exc:
            failures.append((line_no, row, str(exc)))
    total = created + updated + len(failures)
    target = imp.target_list or imp.target_module or ""
    counts = {
        "successRowCount": created + updated,
        "successCreateCount": created,
        "successUpdateCount": updated,
        "failedCount": len(failures),
        "ignoredCount": 0,
        "totalRowCount": total,
    }
    return ActionOutcome(
        # ASSUMPTION: rejected rows do not make the task unsuccessful; they show in the counts and the
        # dump (`failureDumpAvailable`), as Anaplan reports row errors in the result, not as a failure.
        successful=True,
        detail=_rows_detail(imp.target_list is not None, target, counts),
        dump=_dump(header, failures) if failures else None,
        counts=counts,
    )


def _import_list_row(model: PlanningModel, imp: ImportDef, fields: dict[str, str]) -> bool:
    plan_list = model.lists[imp.target_list or ""]
    values = {target: fields[col] for col, target in imp.columns}
    code = values.get("code", "")
    if not code:
        raise ValueRejected("Code is blank")
    props = {k: v for k, v in values.items() if k not in LIST_FIELDS and k in plan_list.properties}
    parent = _parent(model, plan_list, values) if "parent" in values else None
    item = plan_list.by_code(code)
    if item is None:
        plan_list.add(code, values.get("name") or code, props, parent or "")
        return True
    if values.get("name") and values["name"] != item.name:
        plan_list.rename(item, values["name"])
    item.properties.update(props)
    if parent is not None:
        # "If the parent changes, the hierarchy will be restructured" (HELP import data into lists).
        item.parent = parent
    return False


def _parent(model: PlanningModel, plan_list: PlanList, values: dict[str, str]) -> str:
    """The parent's code from a row's Parent column: a member of the list's parent list, or blank (top).

    ASSUMPTION: a parent the parent list does not hold fails the row and leaves the item as it was. The
    documented dump example lists an "Invalid parent" row with status "W"; we report it as a failed row,
    since the member does not land where the file put it and its record must not read loaded."""
    wanted = values["parent"]
    if not wanted:
        return ""
    if plan_list.parent_list is None:
        raise ValueRejected(f"Invalid parent: {plan_list.name} has no parent list")
    parents = model.lists[plan_list.parent_list]
    # A parent is matched on code first, then on name, as "Name or code" identifies items.
    found = parents.by_code(wanted) or parents.by_name(wanted)
    if found is None:
        raise ValueRejected(f"Invalid parent: {wanted} is not in {parents.name}")
    return found.code


def _import_module_row(model: PlanningModel, imp: ImportDef, fields: dict[str, str]) -> None:
    module = model.modules[imp.target_module or ""]
    key_parts: dict[str, str] = {}
    values: dict[str, Value] = {}
    for col, target in imp.columns:
        if target in module.dimensions:
            code = fields[col]
            if not model.member_exists(target, code):
                label = "Time" if target == TIME else f"{target} list"
                raise ValueRejected(f"Item not located in {label}: {code}")
            key_parts[target] = code
        elif target in module.line_items:
            values[target] = module.line_items[target].parse(fields[col])
    key = tuple(key_parts[d] for d in module.dimensions)
    # Module imports overwrite the cells they name; they never add to what is there.
    module.cells.setdefault(key, {}).update(values)


def _rows_detail(is_list: bool, target: str, counts: dict[str, int]) -> dict[str, Any]:
    ok, total, failed = counts["successRowCount"], counts["totalRowCount"], counts["failedCount"]
    values: list[str] = ["hierarchyName" if is_list else "moduleName", target]
    for k, v in counts.items():
        values += [k, str(v)]
    return {
        "localMessageText": f"{target}: {ok} ({counts['successCreateCount']}/{ok}) rows successful, "
        f"{failed} failed of {total}",
        "occurrences": failed,
        # ASSUMPTION: module imports report with their own type name; only hierarchyRowsProcessed
        # (list imports) is documented. Both carry the same counts.
        "type": "hierarchyRowsProcessed" if is_list else "moduleRowsProcessed",
        "values": values,
    }


def _dump(header: list[str], failures: list[tuple[int, list[str], str]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(["_Status_", *header, "_Line_", "_Error_1_"])
    for line_no, row, error in failures:
        padded = (row + [""] * len(header))[: len(header)]
        writer.writerow(["E", *padded, str(line_no), error])
    return buf.getvalue().encode("utf-8")


def _failed_outright(imp: ImportDef, message: str) -> ActionOutcome:
    return ActionOutcome(
        successful=False,
        detail={"localMessageText": message, "occurrences": 0, "type": "importFailed", "values": []},
        counts={"successRowCount": 0, "failedCount": 0, "totalRowCount": 0},
    )


def export_rows(model: PlanningModel, exp: ExportDef) -> list[list[str]]:
    """The export's data rows (without the header)."""
    out: list[list[str]] = []
    if exp.source_list:
        plan_list = model.lists[exp.source_list]
        for item in plan_list.items.values():
            fields = {"code": item.code, "name": item.name, "parent": item.parent, **item.properties}
            out.append([fields.get(src, "") for _, src in exp.columns])
        return out
    module = model.modules[exp.source_module or ""]
    for key, values in model.ordered_cells(module):
        if exp.where and values.get(exp.where) is not True:
            continue
        members = dict(zip(module.dimensions, key, strict=True))
        row = []
        for _, src in exp.columns:
            if src in members:
                row.append(members[src])
            else:
                value = values.get(src)
                row.append(render(value) if value is not None else "")
        out.append(row)
    return out


def run_export(model: PlanningModel, exp: ExportDef) -> ActionOutcome:
    """Write the export's CSV (header line first)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([col for col, _ in exp.columns])
    rows = export_rows(model, exp)
    writer.writerows(rows)
    detail = {"localMessageText": f"{len(rows)} rows exported", "occurrences": 0, "type": "exportSucceeded"}
    return ActionOutcome(
        successful=True,
        detail={**detail, "values": []},
        output=buf.getvalue().encode("utf-8"),
        counts={"rowCount": len(rows)},
    )


def run_delete(model: PlanningModel, action: DeleteActionDef) -> ActionOutcome:
    """Delete the list members whose properties match the action's selection."""
    plan_list = model.lists[action.list_name]
    doomed = [
        code for code, item in plan_list.items.items() if all(item.properties.get(k) == v for k, v in action.where)
    ]
    model.delete_members(plan_list, set(doomed))
    detail = {"localMessageText": f"{len(doomed)} items deleted", "occurrences": 0, "type": "deleteSucceeded"}
    return ActionOutcome(successful=True, detail={**detail, "values": []}, counts={"deletedCount": len(doomed)})
