"""Plan-return read-outs for tests: budget cells changed in the Anaplan emulator, journals read from the ERP
emulators' own admin views (no product code), summed per (account, cost center, period)."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal

from chaos.invariants import approved_budget as chaos_approved_budget
from chaos.invariants import returned_journals as chaos_returned_journals

from ml_connector.demo.sandbox import Sandbox

FPA = "FP&A"
Cell = tuple[str, str, str]  # (account, cost center, YYYY-MM)


# The approved budget and the returned journals as the chaos suite reads them from the emulators: one
# reading for both (`erp_journals`: every MLC- journal an ERP emulator holds, as figures per cell).
approved_budget = chaos_approved_budget
erp_journals = chaos_returned_journals


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


def erp_totals(box: Sandbox, system: str, balancing_cost_center: str) -> dict[Cell, Decimal]:
    """The sum of every MLC journal per cell, balancing lines left out, zeros dropped."""
    total: dict[Cell, Decimal] = defaultdict(Decimal)
    for cells in erp_journals(box, system).values():
        for cell, amount in cells.items():
            if cell[1] != balancing_cost_center:
                total[cell] += amount
    return {c: v for c, v in total.items() if v}
