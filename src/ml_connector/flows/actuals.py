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
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from ml_connector.config import FlowSection
from ml_connector.engine import watermarks
from ml_connector.engine.audit import AuditTrail
from ml_connector.engine.keys import CellKey, CellKind
from ml_connector.engine.ledger import CellTotal, Ledger
from ml_connector.engine.runs import RunInfo, RunLog
from ml_connector.engine.states import RecordState, RunState
from ml_connector.errors import ConnectorError
from ml_connector.flows.checks import dry_run_check
from ml_connector.flows.context import FlowContext
from ml_connector.flows.loading import LoadResult, RowMaker, cell_rows, load_rows
from ml_connector.flows.recorded import final_state
from ml_connector.flows.staging import GL_PREFIX, SUPPLIER_PREFIX, Stager, batched
from ml_connector.records import EntryKind, LedgerLine, RejectedRecord
from ml_connector.systems.anaplan import AnaplanClient, ModelRef


@dataclass
class RunOptions:
    dry_run: bool = False
    since: datetime | None = None
    periods: set[str] | None = None
    trigger: str = "manual"
    parent_run_id: str | None = None
    replay_records: Iterable[LedgerLine | RejectedRecord] | None = None


@dataclass
class ActualsPlan:
    """The resolved pieces of one actuals run."""

    flow_name: str
    flow: FlowSection
    since: datetime | None
    until: datetime
    loads: list[LoadResult] = field(default_factory=list)


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
        self.runs = RunLog(ctx.store)

    def run(self, options: RunOptions) -> RunInfo:
        if options.dry_run:
            return self._run(options)
        # One run of a flow at a time: its staging and watermark belong to it alone.
        with self.ctx.locks.hold(f"flow:{self.name}", timeout=self.ctx.lock_timeout):
            self.runs.interrupt_stale(self.name, force=True)
            return self._run(options)

    def _records(self, since: datetime | None, until: datetime) -> Iterator[LedgerLine | RejectedRecord]:
        erp = self.ctx.clients.erp(self.flow.source)
        kinds = set(self.flow.include)
        if EntryKind.GL.value in kinds:
            yield from erp.ledger_lines(since, until)
        if EntryKind.INVOICE.value in kinds:
            yield from erp.invoices(since)
        if EntryKind.PAYMENT.value in kinds:
            yield from erp.payments(since)

    def _run(self, options: RunOptions) -> RunInfo:
        until = datetime.now(UTC)
        since = options.since
        mark = watermarks.read(self.ctx.store, self.name, self.flow.source)
        if since is None and options.replay_records is None:
            since = mark - timedelta(minutes=self.flow.overlap_minutes) if mark else None
        # A --since later than the watermark leaves a gap unread: moving the watermark over it would lose it.
        covers_gap = options.since is None or mark is None or options.since <= mark
        run_id = self.runs.start(
            self.name,
            trigger=options.trigger,
            dry_run=options.dry_run,
            parent_run_id=options.parent_run_id,
            since=since,
            until=until,
        )
        ledger = Ledger(self.ctx.store, self.name, run_id)
        audit = AuditTrail(self.ctx.store, run_id)
        detail: dict[str, object] = {"since": since, "until": until}
        try:
            stager = Stager(
                self.flow,
                self.ctx.mapping(self.flow, self.name),
                ledger,
                audit,
                periods=options.periods,
                with_suppliers=bool(self.flow.supplier_import),
            )
            self.ctx.progress.stage(f"reading {self.flow.source}")
            records = options.replay_records if options.replay_records is not None else self._records(since, until)
            for batch in batched(records):
                stager.take(batch)
                self.ctx.progress.advance(len(batch))
            detail["read"] = stager.read
            anaplan = self.ctx.clients.anaplan(self.flow.target)
            ref = anaplan.model(self.flow.workspace or None, self.flow.model)
            if options.dry_run:
                self.ctx.progress.stage("checking against the model")
                detail["check"] = dry_run_check(self.ctx, self.flow, anaplan, ref, ledger, audit)
                ledger.discard()
                return self.runs.finish(run_id, final_state(audit), detail=detail)
            self.runs.stage(run_id, "load")
            self.ctx.progress.stage(f"loading {self.flow.model}")
            loads = [self._load_gl(anaplan, ref, ledger, audit, run_id)]
            if self.flow.supplier_import:
                loads.append(self._load_suppliers(anaplan, ref, ledger, audit, run_id))
            rejected = {k for load in loads for k in load.rejected_cells}
            self.runs.stage(run_id, "commit")
            with self.ctx.store.session() as session:
                ledger.merge(session, exclude_target_keys=rejected)
                moves_watermark = options.periods is None and options.replay_records is None and covers_gap
                if moves_watermark and stager.latest_update is not None:
                    watermarks.advance(session, self.name, self.flow.source, min(stager.latest_update, until), run_id)
                # In the same transaction: a stop here must not leave loaded records looking discarded.
                for load in loads:
                    audit.move(
                        RecordState.STAGED,
                        RecordState.LOADED,
                        target_prefix=load.prefix,
                        target_ref=load.task_id,
                        session=session,
                    )
            detail["loads"] = [
                {"import": x.import_name, "task": x.task_id, "rows": x.rows_sent, "rejected": len(x.rejected_cells)}
                for x in loads
            ]
            return self.runs.finish(run_id, final_state(audit), detail=detail)
        except ConnectorError as exc:
            ledger.discard()
            audit.move(RecordState.STAGED, RecordState.FAILED, reason=str(exc), hint=exc.hint)
            self.runs.finish(run_id, RunState.FAILED, error=str(exc), detail=detail)
            raise
        except BaseException:
            # Ctrl-C, SIGTERM, a bug: nothing is merged, the watermark stays; the next run redoes it.
            ledger.discard()
            audit.move(RecordState.STAGED, RecordState.DISCARDED, reason="the run stopped before its load was verified")
            self.runs.finish(run_id, RunState.INTERRUPTED, error="interrupted", detail=detail)
            raise

    def _load_gl(
        self, anaplan: AnaplanClient, ref: ModelRef, ledger: Ledger, audit: AuditTrail, run_id: str
    ) -> LoadResult:
        columns, make = gl_row(self.flow)
        return load_rows(
            anaplan,
            ref,
            self.flow.actuals_import,
            cell_rows(ledger.totals(GL_PREFIX), make),
            audit,
            prefix=GL_PREFIX,
            columns=columns,
            path=self.ctx.workdir / f"{run_id}-actuals.csv",
        )

    def _load_suppliers(
        self, anaplan: AnaplanClient, ref: ModelRef, ledger: Ledger, audit: AuditTrail, run_id: str
    ) -> LoadResult:
        return load_rows(
            anaplan,
            ref,
            self.flow.supplier_import or "",
            cell_rows(ledger.totals(SUPPLIER_PREFIX), supplier_row),
            audit,
            prefix=SUPPLIER_PREFIX,
            columns=SUPPLIER_COLUMNS,
            path=self.ctx.workdir / f"{run_id}-supplier-spend.csv",
        )
