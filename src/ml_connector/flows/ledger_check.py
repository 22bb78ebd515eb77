"""The ledger check: after a load, the cells of the periods a run touched are compared with the ERP's
own balances (Oracle `ledgerBalances`, M3 `GLS215MI`), mapped as the flow maps lines. A difference is a warning on
the run that names the cell: it catches lines the product could not see (a data-access gap, a line
the journals API left out) and lines it could not load (quarantined or failed).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from ml_connector.config import FlowSection
from ml_connector.engine.keys import CellKey, CellKind
from ml_connector.engine.staging_area import loaded_totals
from ml_connector.errors import RecordError
from ml_connector.flows.context import FlowContext
from ml_connector.flows.staging import GL_PREFIX, gl_cell
from ml_connector.mapping import MappingTable
from ml_connector.mapping.signs import SignRule
from ml_connector.records import LedgerLine

MOST_LISTED = 50


def balance_check(
    ctx: FlowContext,
    name: str,
    flow: FlowSection,
    mapping: MappingTable,
    periods: set[str],
    signs: SignRule | None = None,
) -> dict[str, Any] | None:
    """The differing cells (up to MOST_LISTED) and their count; None when the ERP publishes no balances
    or the flow loads entered amounts (balances are accounted). A balance takes the flow's sign rule
    (`flip_signs`), as its lines did."""
    signs = signs or SignRule()
    if flow.amounts != "ledger" or not periods:
        return None
    erp = ctx.clients.erp(flow.source)
    fmt = flow.period_mapping()
    held_by_label: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for key, amount in loaded_totals(ctx.store, name, GL_PREFIX).items():
        held_by_label[CellKey.parse(key, CellKind.GL)["period"]][key] = amount
    differences: list[dict[str, str]] = []
    by_period = erp.period_balances(sorted(periods))
    if by_period is None:
        return None
    for period in sorted(periods):
        try:
            label = fmt.to_anaplan(period)
        except RecordError:
            continue  # a period the flow cannot place: its lines are quarantined with the reason
        expected: dict[str, Decimal] = defaultdict(Decimal)
        for row in by_period.get(period, []):
            line = LedgerLine(
                source=flow.source,
                source_key="balance",
                ledger=row.ledger,
                period=period,
                posted_on=date(int(period[:4]), 1, 1),  # not read: the cell needs the period only
                account=row.account,
                cost_center=row.cost_center,
                amount=row.amount,
                currency=row.currency,
            )
            try:
                expected[gl_cell(flow, mapping, line, label).encode()] += signs.plan_amount(row.account, row.amount)
            except RecordError:
                continue  # a code no rule maps: its lines are quarantined, and `mapping gaps` lists it
        held = held_by_label.get(label, {})
        for cell in sorted(set(expected) | set(held)):
            erp_amount, loaded = expected.get(cell, Decimal(0)), held.get(cell, Decimal(0))
            if erp_amount != loaded:
                differences.append({"cell": cell, "erp": str(erp_amount), "loaded": str(loaded)})
    return {"periods": sorted(periods), "differing": len(differences), "cells": differences[:MOST_LISTED]}
