"""The suppliers-return flow: the revised supplier list exported from Anaplan, upserted into the ERP."""

from __future__ import annotations

from fnmatch import fnmatchcase

from ml_connector.engine.audit import AuditEntry, AuditTrail
from ml_connector.engine.frame import RunRequest, RunScope
from ml_connector.engine.runs import RunInfo
from ml_connector.engine.states import RecordState, Trigger
from ml_connector.failpoints import failpoint
from ml_connector.flows.context import FlowContext
from ml_connector.flows.exports import export_rows
from ml_connector.flows.staging import batched
from ml_connector.flows.supplier_checks import SupplierChecks
from ml_connector.records import Supplier

COLUMNS = ["Code", "Name", "Tax Id", "Payment Terms", "Status"]


class SuppliersReturnFlow:
    def __init__(self, ctx: FlowContext, name: str) -> None:
        self.ctx = ctx
        self.name = name
        self.flow = ctx.config.flow(name)

    def run(self, dry_run: bool = False, trigger: Trigger = Trigger.MANUAL) -> RunInfo:
        def body(scope: RunScope) -> None:
            self._run(scope.run_id, scope.audit, dry_run)

        return self.ctx.run(RunRequest(self.name, trigger, dry_run), body)

    @staticmethod
    def _predict(entry: AuditEntry, checks: SupplierChecks) -> None:
        refusal = checks.refusal(entry.payload["Code"], entry.payload["Name"])
        if refusal:
            entry.state, entry.reason = RecordState.QUARANTINED, f"dry run: the ERP would refuse it: {refusal}"
            entry.hint = "Rename the supplier in Anaplan (or use the ERP supplier's number), then run again."
        else:
            entry.reason = checks.action(entry.payload["Code"])

    def _run(self, run_id: str, audit: AuditTrail, dry_run: bool) -> None:
        flow = self.flow
        anaplan = self.ctx.clients.anaplan(flow.source)
        ref = anaplan.model(flow.workspace or None, flow.model)
        self.ctx.progress.stage(f"exporting {flow.export!r}")
        path = anaplan.export(ref, flow.export, self.ctx.workdir / f"{run_id}-suppliers.csv")
        erp = self.ctx.clients.erp(flow.target)
        checks = SupplierChecks(erp.suppliers(), names_unique=erp.supplier_names_unique) if dry_run else None
        rows = (
            (line, row)
            for line, row in export_rows(path, ["Code", "Name"], flow.export)
            if not flow.only or fnmatchcase(row["Code"], flow.only)
        )
        for batch in batched(rows, 200):
            entries = [
                AuditEntry(
                    flow.source, f"supplier:{row['Code']}", "supplier", {"line": line, **row}, RecordState.STAGED
                )
                for line, row in batch
            ]
            for entry in entries:
                entry.target_key = entry.source_key
                if not entry.payload.get("Name"):
                    entry.state, entry.reason = RecordState.QUARANTINED, "the supplier has no name"
                    entry.hint = "Give the supplier a name in Anaplan, then run again."
            if checks is not None:
                for entry in entries:
                    if entry.state is RecordState.STAGED:
                        self._predict(entry, checks)
            audit.add(entries)
            self.ctx.progress.advance(len(batch))
            if checks is not None:
                continue
            suppliers = [
                Supplier(
                    number=e.payload["Code"],
                    name=e.payload["Name"],
                    tax_id=e.payload.get("Tax Id", ""),
                    payment_terms=e.payload.get("Payment Terms", ""),
                    status=e.payload.get("Status", "") or "Active",
                    # optional export columns: written where the ERP keeps them (M3 CRS620MI)
                    address=e.payload.get("Address", ""),
                    city=e.payload.get("City", ""),
                    postal_code=e.payload.get("Postal Code", ""),
                    country=e.payload.get("Country", ""),
                )
                for e in entries
                if e.state is RecordState.STAGED
            ]
            for result in erp.upsert_suppliers(suppliers):
                failpoint("suppliers.during_batch")
                key = f"supplier:{result.number}"
                if result.ok:
                    audit.move(RecordState.STAGED, RecordState.POSTED, target_keys=[key], target_ref=result.action)
                else:
                    audit.move(
                        RecordState.STAGED,
                        RecordState.FAILED,
                        target_keys=[key],
                        reason=f"the ERP refused the supplier: {result.error}",
                        hint="Fix the supplier in Anaplan (or the ERP's rules), then run again.",
                    )
        if dry_run:
            audit.move(RecordState.STAGED, RecordState.WOULD_LOAD)  # each keeps its "would create/update" reason
