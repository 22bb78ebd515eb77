"""BUS100MI, M3's budget definition interface: budget lines per period (what plan figures load into).

Transactions as the public BUS100MI definition lists them: AddBudgetLnPer (DIVI, BUNO, BVER, AIT1, CUCD, BUPE
required; AIT2..AIT7, BCUA), DelBudgetLines (DIVI, BUNO, BVER, AIT1, CUCD required; BUPE, AIT2..AIT7) and
GetBudPerPeriod (the line of one period). Budget figures live in the budget file, never in the GL, so GL
reads (GLS200MI) never meet them.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from ml_connector.emulators.infor.exceptions import M3Error

if TYPE_CHECKING:
    from ml_connector.emulators.infor.m3_programs import CallContext, Record

# ASSUMPTION: the seeded tenant has budget number 1, version PLN, defined (BUS100 / AddBudgetHeader) in every
# division; no source says which budgets a tenant has.
SEEDED_BUDGETS = frozenset({("1", "PLN")})
DIMENSIONS = ("AIT1", "AIT2", "AIT3", "AIT4", "AIT5", "AIT6", "AIT7")


def _key(ctx: CallContext, inputs: Record, *, period: bool) -> tuple[str, ...]:
    required = ["DIVI", "BUNO", "BVER", "AIT1", "CUCD"] + (["BUPE"] if period else [])
    for name in required:
        if not inputs.get(name, "").strip():
            raise M3Error(f"Field {name} must be entered", "WFL0101", name, request_level=True)
    budget = (inputs["BUNO"].strip().lstrip("0") or "0", inputs["BVER"].strip())
    if budget not in SEEDED_BUDGETS:
        raise M3Error(f"Budget {budget[0]} version {budget[1]} does not exist", "WBU0103", "BUNO")
    divi = inputs["DIVI"].strip()
    if divi not in ctx.backend.division_codes():
        raise M3Error(f"Division {divi} does not exist", "WDI0103", "DIVI")
    bupe = inputs.get("BUPE", "").strip()
    if period and (len(bupe) != 6 or not bupe.isdigit() or not 1 <= int(bupe[4:]) <= 12):
        # ASSUMPTION: BUPE is the accounting period YYYYPP with monthly periods.
        raise M3Error(f"Budget period {bupe} is invalid", "WBU0203", "BUPE")
    dims = tuple(inputs.get(d, "").strip() for d in DIMENSIONS)
    return (divi, *budget, inputs["CUCD"].strip(), *dims, bupe)


def add_budget_ln_per(ctx: CallContext, inputs: Record) -> list[Record]:
    key = _key(ctx, inputs, period=True)
    try:
        amount = Decimal(inputs.get("BCUA", "").strip() or "0")
    except InvalidOperation:
        raise M3Error(f"Amount {inputs.get('BCUA')} is invalid", "WBC0202", "BCUA") from None
    with ctx.backend.lock:
        if key in ctx.backend.m3_budget_lines:
            # ASSUMPTION: M3's usual duplicate-key NOK for an Add transaction.
            raise M3Error("Record already exists", "XRE0104", "BUPE")
        ctx.backend.m3_budget_lines[key] = amount
    return []


def del_budget_lines(ctx: CallContext, inputs: Record) -> list[Record]:
    key = _key(ctx, inputs, period=False)
    with ctx.backend.lock:
        doomed = [k for k in ctx.backend.m3_budget_lines if k[:-1] == key[:-1] and (not key[-1] or k[-1] == key[-1])]
        if not doomed:
            raise M3Error("Record does not exist", "XRE0103", "AIT1")
        for k in doomed:
            del ctx.backend.m3_budget_lines[k]
    return []


def get_bud_per_period(ctx: CallContext, inputs: Record) -> list[Record]:
    key = _key(ctx, inputs, period=True)
    with ctx.backend.lock:
        amount = ctx.backend.m3_budget_lines.get(key)
    if amount is None:
        raise M3Error("Record does not exist", "XRE0103", "BUPE")
    return [{**{d: v for d, v in zip(DIMENSIONS, key[4:11], strict=True)}, "BUPE": key[11], "BCUA": f"{amount:f}"}]


TRANSACTIONS: dict[str, Callable[[CallContext, Record], list[Record]]] = {
    "AddBudgetLnPer": add_budget_ln_per,
    "DelBudgetLines": del_budget_lines,
    "GetBudPerPeriod": get_bud_per_period,
}
