"""The actuals flow: ERP postings since the watermark → mapped → period totals → CSV → import → verify.

extract   read lines updated since (watermark - overlap), until the run's start
map       account, cost center (and supplier) to Anaplan members, period to a time label;
          what cannot be mapped or read is quarantined with its reason
stage     keyed by source key: a line read twice counts once, an unchanged one is not resent
load      the full total of every touched cell, as an overwrite, under the model lock
verify    rows sent against the task's counts; rejected rows joined back to their records
commit    merge the staged lines and move the watermark, in one transaction
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from ml_connector.config import FlowSection
from ml_connector.engine import watermarks
from ml_connector.engine.commit import WatermarkMove
from ml_connector.engine.frame import RunRequest, RunScope
from ml_connector.engine.keys import CellKey, CellKind
from ml_connector.engine.runs import RunInfo
from ml_connector.engine.staging_area import CellTotal
from ml_connector.engine.states import RunStage, Trigger
from ml_connector.failpoints import failpoint
from ml_connector.flows.checks import dry_run_check
from ml_connector.flows.context import FlowContext
from ml_connector.flows.loading import LoadResult, RowMaker, cell_rows, load_rows
from ml_connector.flows.staging import GL_PREFIX, SUPPLIER_PREFIX, Stager, batched
from ml_connector.ports import ModelRef, PlanningModel
from ml_connector.records import EntryKind, LedgerLine, RejectedRecord


@dataclass
class RunOptions:
    dry_run: bool = False
    since: datetime | None = None
    periods: set[str] | None = None
    trigger: Trigger = Trigger.MANUAL
    parent_run_id: str | None = None
    replay_records: Iterable[LedgerLine | RejectedRecord] | None = None


def gl_row(flow: FlowSection) -> tuple[list[str], RowMaker]:
    cols = flow.columns

    def make(key: str, cell: list[CellTotal]) -> dict[str, str]:
        cell_key = CellKey.parse(key, CellKind.GL)
        return {
            cols.account: cell_key["account"],
            cols.cost_center: cell_key["cost_center"],
            cols.period: cell_key["period"],
            cols.amount: str(sum((c.amount for c in cell), start=Decimal(0))),
        }

    return [cols.account, cols.cost_center, cols.period, cols.amount], make


def supplier_row(key: str, cell: list[CellTotal]) -> dict[str, str]:
    cell_key = CellKey.parse(key, CellKind.SUPPLIER)
    measures = {c.measure: c.amount for c in cell}
    return {
        "Supplier": cell_key["supplier"],
        "Period": cell_key["period"],
        "Invoiced": str(measures.get("Invoiced", 0)),
        "Paid": str(measures.get("Paid", 0)),
    }


SUPPLIER_COLUMNS = ["Supplier", "Period", "Invoiced", "Paid"]


class ActualsFlow:
    def __init__(self, ctx: FlowContext, name: str) -> None:
        self.ctx = ctx
        self.name = name
        self.flow = ctx.config.flow(name)

    def run(self, options: RunOptions) -> RunInfo:
        request = RunRequest(self.name, options.trigger, options.dry_run, options.parent_run_id)
        return self.ctx.run(request, lambda scope: self._body(scope, options))

    def _records(self, since: datetime | None, until: datetime) -> Iterator[LedgerLine | RejectedRecord]:
        erp = self.ctx.clients.erp(self.flow.source)
        kinds = set(self.flow.include)
        if EntryKind.GL.value in kinds:
            yield from erp.ledger_lines(since, until)
        if EntryKind.INVOICE.value in kinds:
            yield from erp.invoices(since)
        if EntryKind.PAYMENT.value in kinds:
            yield from erp.payments(since)

    def _body(self, scope: RunScope, options: RunOptions) -> None:
        until = datetime.now(UTC)
        since = options.since
        mark = watermarks.read(self.ctx.store, self.name, self.flow.source)
        if since is None and options.replay_records is None:
            since = mark - timedelta(minutes=self.flow.overlap_minutes) if mark else None
        # A --since later than the watermark leaves a gap unread: moving the watermark over it would lose it.
        covers_gap = options.since is None or mark is None or options.since <= mark
        scope.window(since, until)
        stager = Stager(
            self.flow,
            self.ctx.mapping(self.flow, self.name),
            scope.staging,
            scope.audit,
            periods=options.periods,
            with_suppliers=bool(self.flow.supplier_import),
        )
        self.ctx.progress.stage(f"reading {self.flow.source}")
        records = options.replay_records if options.replay_records is not None else self._records(since, until)
        for batch in batched(records):
            stager.take(batch)
            failpoint("actuals.staging_batch")
            self.ctx.progress.advance(len(batch))
        scope.detail["read"] = stager.read
        planning = self.ctx.clients.anaplan(self.flow.target)
        ref = planning.model(self.flow.workspace or None, self.flow.model)
        if options.dry_run:
            self.ctx.progress.stage("checking against the model")
            scope.detail["check"] = dry_run_check(self.flow, planning, ref, scope.staging, scope.audit)
            return
        failpoint("actuals.after_staging")
        scope.stage(RunStage.LOAD)
        self.ctx.progress.stage(f"loading {self.flow.model}")
        loads = [self._load_gl(planning, ref, scope)]
        if self.flow.supplier_import:
            loads.append(self._load_suppliers(planning, ref, scope))
        moves_watermark = options.periods is None and options.replay_records is None and covers_gap
        watermark = None
        if moves_watermark and stager.latest_update is not None:
            watermark = WatermarkMove(self.flow.source, min(stager.latest_update, until))
        failpoint("actuals.before_commit")
        scope.commit(loads, watermark)
        scope.detail["loads"] = [
            {"import": x.import_name, "task": x.task_id, "rows": x.rows_sent, "rejected": len(x.rejected_cells)}
            for x in loads
        ]

    def _load_gl(self, planning: PlanningModel, ref: ModelRef, scope: RunScope) -> LoadResult:
        columns, make = gl_row(self.flow)
        return load_rows(
            planning,
            ref,
            self.flow.actuals_import,
            cell_rows(scope.staging.totals(GL_PREFIX), make),
            scope.audit,
            prefix=GL_PREFIX,
            columns=columns,
            path=self.ctx.workdir / f"{scope.run_id}-actuals.csv",
        )

    def _load_suppliers(self, planning: PlanningModel, ref: ModelRef, scope: RunScope) -> LoadResult:
        return load_rows(
            planning,
            ref,
            self.flow.supplier_import or "",
            cell_rows(scope.staging.totals(SUPPLIER_PREFIX), supplier_row),
            scope.audit,
            prefix=SUPPLIER_PREFIX,
            columns=SUPPLIER_COLUMNS,
            path=self.ctx.workdir / f"{scope.run_id}-supplier-spend.csv",
        )
