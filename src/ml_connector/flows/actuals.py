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
from functools import partial

from ml_connector.config import FlowSection
from ml_connector.engine import watermarks
from ml_connector.engine.commit import WatermarkMove
from ml_connector.engine.frame import RunRequest, RunScope
from ml_connector.engine.keys import CellKey, CellKind
from ml_connector.engine.read_ahead import ReadAhead
from ml_connector.engine.runs import RunInfo
from ml_connector.engine.staging_area import CellTotal, Segment
from ml_connector.engine.states import RunStage, Trigger
from ml_connector.errors import ConfigurationError
from ml_connector.failpoints import failpoint
from ml_connector.flows.checks import dry_run_check
from ml_connector.flows.context import FlowContext
from ml_connector.flows.extract import gl_route, payables_route
from ml_connector.flows.ledger_check import balance_check
from ml_connector.flows.loading import LoadResult, RowMaker, grouped, load_rows, refuse_cells
from ml_connector.flows.rates import rates_of
from ml_connector.flows.signing import flow_signs
from ml_connector.flows.staging import GL_PREFIX, SUPPLIER_PREFIX, Stager, batched, gl_columns
from ml_connector.ports import CancellableRead, ModelRef, PlanningModel
from ml_connector.records import EntryKind, LedgerLine, PeriodStatus, RejectedRecord


@dataclass
class RunOptions:
    dry_run: bool = False
    since: datetime | None = None
    periods: set[str] | None = None
    trigger: Trigger = Trigger.MANUAL
    parent_run_id: str | None = None
    replay_records: Iterable[LedgerLine | RejectedRecord] | None = None
    # A repair: every line of these GL cells is read afresh and their full totals resent.
    repair_cells: frozenset[str] | None = None


def gl_row(flow: FlowSection) -> tuple[list[str], RowMaker]:
    cols = flow.columns

    def make(key: str, cell: list[CellTotal]) -> dict[str, str]:
        cell_key = CellKey.parse(key, CellKind.GL)
        row = {
            cols.account: cell_key["account"],
            cols.cost_center: cell_key["cost_center"],
            cols.period: cell_key["period"],
            cols.amount: str(sum((c.amount for c in cell), start=Decimal(0))),
        }
        if cols.entity:
            row[cols.entity] = cell_key["entity"]
        if cols.currency:
            row[cols.currency] = cell_key["currency"]
        return row

    return gl_columns(flow), make


def mixed_currencies(cell: list[CellTotal]) -> list[str]:
    """The currencies of a cell's lines when there is more than one (lines loaded before currencies
    were recorded name none and are left out)."""
    found = sorted({c.currency for c in cell if c.currency})
    return found if len(found) > 1 else []


def one_currency_cells(
    cells: Iterable[tuple[str, list[CellTotal]]], refused: dict[str, str]
) -> Iterator[tuple[str, list[CellTotal]]]:
    """The cells whose lines share one currency; the others go into `refused` (cell key -> reason),
    never into a total."""
    for key, cell in cells:
        currencies = mixed_currencies(cell)
        if currencies:
            refused[key] = (
                f"lines in {' and '.join(currencies)} would add up in one cell; amounts of different "
                "currencies never meet unconverted"
            )
            continue
        yield key, cell


def supplier_row(key: str, cell: list[CellTotal]) -> dict[str, str]:
    cell_key = CellKey.parse(key, CellKind.SUPPLIER)
    measures: dict[str, Decimal] = {}
    for total in cell:
        measures[total.measure] = measures.get(total.measure, Decimal(0)) + total.amount
    return {
        "Supplier": cell_key["supplier"],
        "Period": cell_key["period"],
        "Invoiced": str(measures.get("Invoiced", 0)),
        "Paid": str(measures.get("Paid", 0)),
    }


SUPPLIER_COLUMNS = ["Supplier", "Period", "Invoiced", "Paid"]
READ_AHEAD = 4  # batches read ahead of staging: memory holds at most this many more
HINT_MIXED = (
    "Give the import an entity column (columns.entity) and map each entity to its own member, or load "
    'entered amounts with a currency column (amounts = "entered", columns.currency); then replay the run.'
)


def with_zero_cells(
    cells: Iterable[tuple[str, list[CellTotal]]], wanted: frozenset[str], refused: dict[str, str]
) -> Iterator[tuple[str, list[CellTotal]]]:
    """`cells`, then a zero total for each key of `wanted` they neither named nor refused."""
    named: set[str] = set()
    for key, cell in cells:
        named.add(key)
        yield key, cell
    for key in sorted(wanted - named - set(refused)):
        yield key, []


class ActualsFlow:
    def __init__(self, ctx: FlowContext, name: str) -> None:
        self.ctx = ctx
        self.name = name
        self.flow = ctx.config.flow(name)
        self.holdback = timedelta(0)  # how far behind the run's start the watermark stays (flows/extract.py)
        self.bulk_reads: list[CancellableRead] = []  # cancelled when the run stops while they wait on the ERP

    def run(self, options: RunOptions) -> RunInfo:
        request = RunRequest(self.name, options.trigger, options.dry_run, options.parent_run_id)
        return self.ctx.run(request, lambda scope: self._body(scope, options))

    def _records(
        self, since: datetime | None, until: datetime, scope: RunScope
    ) -> Iterator[LedgerLine | RejectedRecord]:
        erp = self.ctx.clients.erp(self.flow.source)
        kinds = set(self.flow.include)
        self.bulk_reads = []
        bulk: bool | None = None
        if EntryKind.GL.value in kinds:
            route = gl_route(erp, self.flow, since, until)
            scope.detail["extract"] = route.name
            if route.estimate is not None:
                scope.detail["estimated_lines"] = route.estimate
            if route.how:
                scope.detail["extract_how"] = route.how
            self.holdback = route.holdback
            bulk = route.name == "bulk"
            self._track(route.lines)
            yield from route.lines
        for kind in (EntryKind.INVOICE, EntryKind.PAYMENT):
            if kind.value not in kinds:
                continue
            # Chosen before the read starts, so the holdback is known before the watermark is set.
            route = payables_route(erp, self.flow, kind, since, until, bulk)
            scope.detail[f"extract_{kind.value}s"] = route.name
            self.holdback = max(self.holdback, route.holdback)
            self._track(route.lines)
            yield from route.lines

    def _track(self, lines: object) -> None:
        if isinstance(lines, CancellableRead):
            self.bulk_reads.append(lines)

    def _cancel_reads(self) -> None:
        """The run is stopping (failure, service stop, timeout): cancel the bulk jobs still running."""
        for read in self.bulk_reads:
            read.cancel()

    def _statuses(self, options: RunOptions) -> dict[str, PeriodStatus]:
        """The ERP's period statuses; a configuration error when the flow needs them and the ERP has
        none, or when a period asked for is a future one."""
        statuses = self.ctx.clients.erp(self.flow.source).period_statuses()
        if self.flow.periods == "closed" and not statuses:
            raise ConfigurationError(
                f"flow {self.name!r} loads closed periods only, and {self.flow.source!r} publishes no period status",
                hint='Set periods = "open-and-closed" on the flow.',
            )
        future = sorted(p for p in options.periods or () if statuses.get(p) is PeriodStatus.FUTURE)
        if future:
            raise ConfigurationError(
                f"period {', '.join(future)} is a future period in {self.flow.source!r}: nothing is posted in it yet",
                hint="Ask for a period that is open or closed.",
            )
        return statuses

    def _body(self, scope: RunScope, options: RunOptions) -> None:
        until = datetime.now(UTC)
        since = options.since
        mark = watermarks.read(self.ctx.store, self.name, self.flow.source)
        repair = options.repair_cells
        if since is None and options.replay_records is None and repair is None:
            since = mark - timedelta(minutes=self.flow.overlap_minutes) if mark else None
        # A --since later than the watermark leaves a gap unread: moving the watermark over it would lose it.
        covers_gap = options.since is None or mark is None or options.since <= mark
        scope.window(since, until)
        statuses = self._statuses(options)
        stager = Stager(
            self.flow,
            self.ctx.mapping(self.flow, self.name),
            scope.staging,
            scope.audit,
            periods=options.periods,
            with_suppliers=bool(self.flow.supplier_import) and repair is None,
            signs=flow_signs(self.flow, self.ctx.clients.erp(self.flow.source)),
            only_cells=repair,
            statuses=statuses,
            rates=rates_of(self.ctx, self.flow),
        )
        self.ctx.progress.stage(f"reading {self.flow.source}")
        records = options.replay_records if options.replay_records is not None else self._records(since, until, scope)
        if repair is not None:
            records = self.ctx.clients.erp(self.flow.source).ledger_lines(None, until)
        # The ERP is read in a thread of its own, a few batches ahead, while the run stages.
        # Several batches per transaction (a segment); committed early when the next batch is not read yet.
        try:
            # While the ERP is waited on, `advance(0)` lets a service stop reach the run (service/shutdown.py).
            idle = partial(self.ctx.progress.advance, 0)
            with (
                ReadAhead(batched(records), depth=READ_AHEAD, name=f"read {self.flow.source}", idle=idle) as batches,
                Segment(scope.store) as segment,
            ):
                for batch in batches:
                    stager.take(batch, segment=segment)
                    failpoint("actuals.staging_batch")
                    segment.done(len(batch))
                    if not batches.ready:
                        segment.commit()
                    self.ctx.progress.advance(len(batch))
        except BaseException:
            self._cancel_reads()
            raise
        scope.detail["read"] = stager.read
        if stager.preliminary:
            scope.detail["preliminary"] = sorted(stager.preliminary)
        if repair is not None:
            # Lines loaded into a repaired cell that the ERP no longer has must leave its total.
            gone = {k: h for k, h in scope.staging.loaded_in(repair).items() if k not in stager.seen}
            scope.staging.tombstone(list(gone), gone)
            scope.detail["repair"] = {"cells": len(repair), "lines": len(stager.seen), "gone": len(gone)}
        planning = self.ctx.clients.anaplan(self.flow.target)
        ref = planning.model(self.flow.workspace or None, self.flow.model)
        if options.dry_run:
            self.ctx.progress.stage("checking against the model")
            scope.detail["check"] = dry_run_check(self.flow, planning, ref, scope.staging, scope.audit)
            return
        failpoint("actuals.after_staging")
        scope.stage(RunStage.LOAD)
        self.ctx.progress.stage(f"loading {self.flow.model}")
        loads = [self._load_gl(planning, ref, scope, repair or frozenset())]
        if self.flow.supplier_import and repair is None:
            loads.append(self._load_suppliers(planning, ref, scope))
        moves_watermark = options.periods is None and options.replay_records is None and repair is None and covers_gap
        watermark = None
        if moves_watermark and stager.latest_update is not None:
            watermark = WatermarkMove(self.flow.source, min(stager.latest_update, until - self.holdback))
        failpoint("actuals.before_commit")
        scope.commit(loads, watermark)
        scope.detail["loads"] = [
            {"import": x.import_name, "task": x.task_id, "rows": x.rows_sent, "rejected": len(x.rejected_cells)}
            for x in loads
        ]
        # The ERP's balances are compared after a load that sent cells, and after any read asked for by hand
        # (`--since`, `--period`): a scheduled run that found nothing new leaves the last check standing, and
        # costs the ERP no balance reads.
        asked = options.since is not None or options.periods is not None
        if repair is None and options.replay_records is None and (asked or any(x.rows_sent for x in loads)):
            self.ctx.progress.stage("checking the ERP's balances")
            check = balance_check(self.ctx, self.name, self.flow, stager.mapping, stager.gl_periods, stager.signs)
            if check is not None:
                scope.detail["balance_check"] = check

    def _load_gl(
        self, planning: PlanningModel, ref: ModelRef, scope: RunScope, zero_if_empty: frozenset[str] = frozenset()
    ) -> LoadResult:
        """The full totals of every touched cell; cells of `zero_if_empty` that no line touches are sent
        as zero (a repaired cell Anaplan holds a figure for and the ERP has no line in)."""
        columns, make = gl_row(self.flow)
        refused: dict[str, str] = {}
        totals = one_currency_cells(grouped(scope.staging.totals(GL_PREFIX)), refused)
        cells = with_zero_cells(totals, zero_if_empty, refused)
        result = load_rows(
            planning,
            ref,
            self.flow.actuals_import,
            ((key, make(key, cell)) for key, cell in cells),
            scope.audit,
            prefix=GL_PREFIX,
            columns=columns,
            path=self.ctx.workdir / f"{scope.run_id}-actuals.csv",
        )
        refuse_cells(scope.audit, refused, HINT_MIXED)
        result.rejected_cells.update(refused)
        return result

    def _load_suppliers(self, planning: PlanningModel, ref: ModelRef, scope: RunScope) -> LoadResult:
        refused: dict[str, str] = {}
        cells = one_currency_cells(grouped(scope.staging.totals(SUPPLIER_PREFIX)), refused)
        result = load_rows(
            planning,
            ref,
            self.flow.supplier_import or "",
            ((key, supplier_row(key, cell)) for key, cell in cells),
            scope.audit,
            prefix=SUPPLIER_PREFIX,
            columns=SUPPLIER_COLUMNS,
            path=self.ctx.workdir / f"{scope.run_id}-supplier-spend.csv",
        )
        refuse_cells(scope.audit, refused, "Load the supplier spend of one currency per flow, then replay the run.")
        result.rejected_cells.update(refused)
        return result
