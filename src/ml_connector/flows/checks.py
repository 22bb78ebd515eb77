"""Dry-run checks: every row a run would load, against the import's columns, the lists' members and
the model's time periods."""

from __future__ import annotations

from typing import Any

from ml_connector.config import FlowSection
from ml_connector.engine.audit import AuditTrail
from ml_connector.engine.keys import CellKey, CellKind
from ml_connector.engine.staging_area import StagingArea
from ml_connector.engine.states import RecordState
from ml_connector.flows.csvfile import check_columns
from ml_connector.flows.loading import grouped
from ml_connector.flows.staging import gl_columns
from ml_connector.ports import ModelRef, PlanningModel


def dry_run_check(
    flow: FlowSection, anaplan: PlanningModel, ref: ModelRef, ledger: StagingArea, audit: AuditTrail
) -> dict[str, Any]:
    """Mark what would load and quarantine what Anaplan would reject; write nothing anywhere."""
    check_columns(anaplan.import_columns(ref, flow.actuals_import), gl_columns(flow), flow.actuals_import)
    entities = {m.code for m in anaplan.list_members(ref, flow.entities_list)} if flow.columns.entity else set()
    accounts = {m.code for m in anaplan.list_members(ref, flow.accounts_list)}
    cost_centers = {m.code for m in anaplan.list_members(ref, flow.cost_centers_list)}
    suppliers: set[str] = set()
    kinds = [CellKind.GL]
    if flow.supplier_import:
        suppliers = {m.code for m in anaplan.list_members(ref, flow.suppliers_list)}
        kinds.append(CellKind.SUPPLIER)
    periods = set(anaplan.time_periods(ref))
    rows = 0
    would_reject: dict[str, tuple[str, str]] = {}
    hint = "Run the reference flow first, fix the mapping, or set period_format to the model's labels."
    for kind in kinds:
        for key, _cell in grouped(ledger.totals(kind.prefix)):
            rows += 1
            cell = CellKey.parse(key, kind)
            if kind is CellKind.GL:
                account, cost_center = cell["account"], cell["cost_center"]
                entity = cell["entity"]
                unknown_entity = flow.columns.entity and entity not in entities
                missing = [
                    f"{entity!r} is not in {flow.entities_list!r}" if unknown_entity else "",
                    f"{account!r} is not in {flow.accounts_list!r}" if account not in accounts else "",
                    f"{cost_center!r} is not in {flow.cost_centers_list!r}" if cost_center not in cost_centers else "",
                ]
            else:
                supplier = cell["supplier"]
                missing = [f"{supplier!r} is not in {flow.suppliers_list!r}" if supplier not in suppliers else ""]
            if cell["period"] not in periods:
                missing.append(f"period {cell['period']!r} is not in the model's time dimension")
            problems = [m for m in missing if m]
            if problems:
                would_reject[key] = ("dry run: Anaplan would reject this row: " + "; ".join(problems), hint)
    audit.move_cells(RecordState.STAGED, RecordState.QUARANTINED, would_reject)
    audit.move(RecordState.STAGED, RecordState.WOULD_LOAD, reason="dry run")
    return {"rows": rows, "rows_rejected": len(would_reject)}
