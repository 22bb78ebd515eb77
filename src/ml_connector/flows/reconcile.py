"""Reconciliation: ERP totals by account and cost center against what Anaplan holds, per period.

The ERP side is read fresh from the ERP (not from ml-connector's own copy) and mapped as the flow
maps it; the Anaplan side is read back through an export. Lines that cannot be mapped are listed
apart: they are known, quarantined differences, not silent ones.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from ml_connector.errors import ConfigurationError, RecordError
from ml_connector.flows.context import FlowContext
from ml_connector.flows.exports import export_rows
from ml_connector.flows.signing import flow_signs
from ml_connector.mapping import Dimension, PeriodFormat
from ml_connector.records import EntryKind, LedgerLine

Cell = tuple[str, str, str]  # (account, cost center, Anaplan period)


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
        for cell in sorted(set(self.erp) | set(self.anaplan)):
            erp, plan = self.erp.get(cell, Decimal(0)), self.anaplan.get(cell, Decimal(0))
            if erp != plan:
                out.append((cell, erp, plan))
        return out

    @property
    def matched(self) -> int:
        return sum(1 for cell in set(self.erp) | set(self.anaplan) if self.erp.get(cell) == self.anaplan.get(cell))


def reconcile(ctx: FlowContext, name: str, periods: list[str] | None = None) -> Reconciliation:
    flow = ctx.config.flow(name)
    if flow.kind != "actuals":
        raise ConfigurationError(f"flow {name!r} is {flow.kind}; reconcile compares an actuals flow")
    fmt = PeriodFormat(flow.period_format)
    mapping = ctx.mapping(flow, name)
    result = Reconciliation(name, sorted(periods or []))
    wanted = {fmt.to_anaplan(p) for p in periods} if periods else None
    erp = ctx.clients.erp(flow.source)
    signs = flow_signs(flow, erp)
    ctx.progress.stage(f"reading {flow.source}")
    erp_totals: dict[Cell, Decimal] = defaultdict(Decimal)
    for record in erp.ledger_lines(None, None):
        if not isinstance(record, LedgerLine):
            result.unreadable[record.reason] = result.unreadable.get(record.reason, 0) + 1
            continue
        if record.kind is not EntryKind.GL:
            continue
        label = fmt.to_anaplan(record.period)
        if wanted is not None and label not in wanted:
            continue
        try:
            cell = (
                mapping.resolve(Dimension.ACCOUNT, record.account),
                mapping.resolve(Dimension.COST_CENTER, record.cost_center),
                label,
            )
        except RecordError as exc:
            result.unmapped[exc.message] = result.unmapped.get(exc.message, Decimal(0)) + record.amount
            continue
        erp_totals[cell] += signs.plan_amount(record.account, record.amount)
    result.erp = {c: v for c, v in erp_totals.items()}
    ctx.progress.stage(f"exporting {flow.reconcile_export!r}")
    anaplan = ctx.clients.anaplan(flow.target)
    ref = anaplan.model(flow.workspace or None, flow.model)
    path = anaplan.export(ref, flow.reconcile_export, ctx.workdir / f"reconcile-{name}.csv")
    cols = flow.columns
    for _line, row in export_rows(path, [cols.account, cols.cost_center, cols.period, cols.amount], flow.export):
        label = row[cols.period]
        if wanted is not None and label not in wanted:
            continue
        try:
            mapping.reverse(Dimension.COST_CENTER, row[cols.cost_center])  # a cell of this flow's ERP?
            amount = Decimal(row[cols.amount].replace(",", "") or "0")  # "1,234.50" as plan-return reads it
        except (RecordError, InvalidOperation):
            continue
        if amount or (row[cols.account], row[cols.cost_center], label) in result.erp:
            result.anaplan[(row[cols.account], row[cols.cost_center], label)] = amount
    result.erp = {c: v for c, v in result.erp.items() if v or c in result.anaplan}
    return result
