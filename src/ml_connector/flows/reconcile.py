"""Reconciliation: ERP totals per cell (entity, account, cost center, period, currency) against what
Anaplan holds.

The ERP side is read fresh from the ERP (not from ml-connector's own copy) and mapped as the flow
maps it; the Anaplan side is read back through an export. Lines that cannot be mapped are listed
apart: they are known, quarantined differences, not silent ones.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from ml_connector.config import FlowSection
from ml_connector.engine.keys import CellKey, CellKind
from ml_connector.engine.runs import RunInfo
from ml_connector.engine.states import Trigger
from ml_connector.errors import ConfigurationError, RecordError
from ml_connector.flows.actuals import ActualsFlow, RunOptions
from ml_connector.flows.context import FlowContext
from ml_connector.flows.exports import export_rows
from ml_connector.flows.rates import rates_of
from ml_connector.flows.signing import flow_signs
from ml_connector.flows.staging import amount_of, gl_cell, gl_columns
from ml_connector.mapping import Dimension, MappingTable
from ml_connector.records import EntryKind, LedgerLine, PeriodStatus

Cell = CellKey  # a GL cell: entity, account, cost center, Anaplan period, currency


@dataclass
class Reconciliation:
    flow: str
    periods: list[str]
    erp: dict[Cell, Decimal] = field(default_factory=dict)
    anaplan: dict[Cell, Decimal] = field(default_factory=dict)
    unmapped: dict[str, Decimal] = field(default_factory=dict)  # reason -> amount
    unreadable: dict[str, int] = field(default_factory=dict)  # reason -> records the ERP gave that are bad

    @property
    def differences(self) -> list[tuple[Cell, Decimal, Decimal]]:
        out = []
        for cell in sorted(set(self.erp) | set(self.anaplan), key=lambda c: c.parts):
            erp, plan = self.erp.get(cell, Decimal(0)), self.anaplan.get(cell, Decimal(0))
            if erp != plan:
                out.append((cell, erp, plan))
        return out

    @property
    def matched(self) -> int:
        return sum(1 for cell in set(self.erp) | set(self.anaplan) if self.erp.get(cell) == self.anaplan.get(cell))


def erp_cells(
    ctx: FlowContext, flow: FlowSection, mapping: MappingTable, wanted: set[str] | None, result: Reconciliation
) -> dict[Cell, Decimal]:
    """The ERP's totals per cell, mapped as the flow maps them. A cell whose lines come in two
    currencies is not a total: it is listed apart, as the run refuses to load it."""
    fmt = flow.period_mapping()
    erp = ctx.clients.erp(flow.source)
    signs = flow_signs(flow, erp)
    # A flow that loads closed periods only is compared on closed periods only.
    statuses = erp.period_statuses() if flow.periods == "closed" else {}
    rates = rates_of(ctx, flow)
    totals: dict[Cell, Decimal] = defaultdict(Decimal)
    currencies: dict[Cell, set[str]] = defaultdict(set)
    for record in erp.ledger_lines(None, None):
        if not isinstance(record, LedgerLine):
            result.unreadable[record.reason] = result.unreadable.get(record.reason, 0) + 1
            continue
        if record.kind is not EntryKind.GL:
            continue
        if statuses and statuses.get(record.period) is not PeriodStatus.CLOSED:
            continue
        try:
            label = fmt.to_anaplan(record.period)
            if wanted is not None and label not in wanted:
                continue
            cell = gl_cell(flow, mapping, record, label)
            amount, currency, _conversion = amount_of(flow, record, rates)
        except RecordError as exc:
            result.unmapped[exc.message] = result.unmapped.get(exc.message, Decimal(0)) + record.amount
            continue
        totals[cell] += signs.plan_amount(record.account, amount)
        currencies[cell].add(currency)
    for cell, found in currencies.items():
        if len(found - {""}) > 1:
            reason = f"{cell}: lines in {' and '.join(sorted(found))} would add up in one cell"
            result.unmapped[reason] = totals.pop(cell)
    return dict(totals)


def reconcile(ctx: FlowContext, name: str, periods: list[str] | None = None) -> Reconciliation:
    flow = ctx.config.flow(name)
    if flow.kind != "actuals":
        raise ConfigurationError(f"flow {name!r} is {flow.kind}; reconcile compares an actuals flow")
    fmt = flow.period_mapping()
    mapping = ctx.mapping(flow, name)
    result = Reconciliation(name, sorted(periods or []))
    wanted = {fmt.to_anaplan(p) for p in periods} if periods else None
    ctx.progress.stage(f"reading {flow.source}")
    result.erp = erp_cells(ctx, flow, mapping, wanted, result)
    if flow.periods == "closed":
        closed = {p for p, s in ctx.clients.erp(flow.source).period_statuses().items() if s is PeriodStatus.CLOSED}
        loaded = {fmt.to_anaplan(p) for p in closed}
        wanted = loaded if wanted is None else wanted & loaded
    ctx.progress.stage(f"exporting {flow.reconcile_export!r}")
    anaplan = ctx.clients.anaplan(flow.target)
    ref = anaplan.model(flow.workspace or None, flow.model)
    path = anaplan.export(ref, flow.reconcile_export, ctx.workdir / f"reconcile-{name}.csv")
    cols = flow.columns
    for _line, row in export_rows(path, gl_columns(flow), flow.export):
        label = row[cols.period]
        if wanted is not None and label not in wanted:
            continue
        try:
            mapping.reverse(Dimension.COST_CENTER, row[cols.cost_center])  # a cell of this flow's ERP?
            if cols.entity:
                mapping.reverse(Dimension.ENTITY, row[cols.entity])
            amount = Decimal(row[cols.amount].replace(",", "") or "0")  # "1,234.50" as plan-return reads it
        except (RecordError, InvalidOperation):
            continue
        cell = CellKey.of(
            CellKind.GL,
            entity=row[cols.entity] if cols.entity else "",
            account=row[cols.account],
            cost_center=row[cols.cost_center],
            period=label,
            currency=row[cols.currency] if cols.currency else "",
        )
        if amount or cell in result.erp:
            result.anaplan[cell] = amount
    result.erp = {c: v for c, v in result.erp.items() if v or c in result.anaplan}
    return result


@dataclass
class Repair:
    """What `reconcile --repair` found, did and found after."""

    before: Reconciliation
    run: RunInfo | None
    after: Reconciliation


def repair(ctx: FlowContext, name: str, periods: list[str] | None = None) -> Repair:
    """Resend the full totals of exactly the cells that differ (an actuals run of trigger `repair`,
    under the model's lock and audited like any run), then reconcile again."""
    before = reconcile(ctx, name, periods)
    cells = frozenset(cell.encode() for cell, _erp, _plan in before.differences)
    if not cells:
        return Repair(before, None, before)
    ctx.progress.stage(f"repairing {len(cells)} cell(s)")
    info = ActualsFlow(ctx, name).run(RunOptions(trigger=Trigger.REPAIR, repair_cells=cells))
    return Repair(before, info, reconcile(ctx, name, periods))
