"""Plan-return read-outs for tests: budget cells changed in the Anaplan emulator, journals read from the ERP
emulators' own admin views (no product code), summed per (account, cost center, period)."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal

import httpx
from chaos.invariants import approved_budget as chaos_approved_budget

from ml_connector.demo.sandbox import Sandbox

FPA = "FP&A"
Cell = tuple[str, str, str]  # (account, cost center, YYYY-MM)


# The approved budget as the chaos suite reads it from the Anaplan emulator: one reading for both.
approved_budget = chaos_approved_budget


def month_of(label: str, fmt: str) -> str:
    """'Dec 26' (or 'Dec-26') as '2026-12'."""
    return datetime.strptime(label, fmt).replace(tzinfo=UTC).strftime("%Y-%m")


def set_budget(box: Sandbox, account: str, cost_center: str, label: str, amount: str | None) -> None:
    """Change (or, with None, empty) one approved Budget cell in the Anaplan emulator, as a planner would."""
    backend = box.emulators["anaplan"].backend
    with backend.lock:
        model = next(m for m in backend.models.values() if m.name == FPA)
        module = model.planning.modules["Budget"]
        key = (account, cost_center, label)
        if amount is None:
            module.cells.pop(key, None)
        else:
            module.cells.setdefault(key, {})["Amount"] = module.line_items["Amount"].parse(amount)
            module.cells[key]["Approved"] = module.line_items["Approved"].parse(True)


def erp_journals(box: Sandbox, system: str) -> dict[str, dict[Cell, Decimal]]:
    """Every journal the ERP emulator holds whose reference starts MLC-, as figures per cell."""
    out: dict[str, dict[Cell, Decimal]] = {}
    if system == "oracle":
        for batch in httpx.get(f"{box.url('oracle')}/_emulator/journals").json():
            ref = str(batch.get("Reference1") or "")
            if not ref.startswith("MLC-"):
                continue
            cells: dict[Cell, Decimal] = defaultdict(Decimal)
            for header in batch["headers"]:
                period = month_of(header["PeriodName"], "%b-%y")
                for line in header["lines"]:
                    _, cc, account = line["AccountCombination"].split("-")
                    dr, cr = Decimal(str(line["EnteredDr"] or 0)), Decimal(str(line["EnteredCr"] or 0))
                    cells[(account, cc, period)] += dr - cr
            out[ref] = dict(cells)
    else:
        for journal in httpx.get(f"{box.url('infor')}/_emulator/journals").json():
            ref = str(journal.get("reference") or "")
            if not ref.startswith("MLC-"):
                continue
            cells = defaultdict(Decimal)
            for line in journal["lines"]:
                period = f"{line['acct_date'][:4]}-{line['acct_date'][4:6]}"
                cells[(line["account"], line["cost_center"], period)] += Decimal(str(line["amount"]))
            out[ref] = dict(cells)
    return out


def erp_totals(box: Sandbox, system: str, balancing_cost_center: str) -> dict[Cell, Decimal]:
    """The sum of every MLC journal per cell, balancing lines left out, zeros dropped."""
    total: dict[Cell, Decimal] = defaultdict(Decimal)
    for cells in erp_journals(box, system).values():
        for cell, amount in cells.items():
            if cell[1] != balancing_cost_center:
                total[cell] += amount
    return {c: v for c, v in total.items() if v}
