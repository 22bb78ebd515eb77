"""`erpintegrations` importBulkData of GL budget balances: the GL_BUDGET_INTERFACE FBDI file.

From Oracle's docs ("Import Budget Data from a Flat File", faigl; GL_BUDGET_INTERFACE, oedmf): the
`GlBudgetInterface.csv` file (no header row, columns by position: RUN_NAME, STATUS, LEDGER_ID, BUDGET_NAME,
PERIOD_NAME, CURRENCY_CODE, SEGMENT1..SEGMENT30, BUDGET_AMOUNT, LEDGER_NAME) is uploaded to the UCM account
`fin/generalLedgerBudgetBalance/import` and the Validate and Upload Budgets process loads the amounts to the
GL balances cube. Budget data never reaches GL_BALANCES or the journal resources, so actuals never see it.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ml_connector.emulators.oracle.models import OracleBackend

# ASSUMPTION: the seeded ledger's accounting calendar names its months "Mon-YY" (as journal import does).
PERIOD = re.compile(r"^[A-Z][a-z]{2}-\d{2}$")
BUDGET_ACCOUNT_MARK = "generalLedgerBudgetBalance"
# The GL_BUDGET_INTERFACE sheet of Oracle's "Import General Ledger Budget Balances" template
# (GeneralLedgerBudgetBalanceImportTemplate.xlsm, FBDI for Financials), in its column order, which the CSV keeps
# ("Don't change the order of the columns in the template"). tests/golden/oracle/GlBudgetInterface.csv is a sample.
TEMPLATE_ORDER = (
    "RUN_NAME",
    "STATUS",
    "LEDGER_ID",
    "BUDGET_NAME",
    "PERIOD_NAME",
    "CURRENCY_CODE",
    *(f"SEGMENT{i}" for i in range(1, 31)),
    "BUDGET_AMOUNT",
    "LEDGER_NAME",
)
PLACE = {name: place for place, name in enumerate(TEMPLATE_ORDER)}


def is_budget_load(payload: dict[str, Any]) -> bool:
    return BUDGET_ACCOUNT_MARK in str(payload.get("DocumentAccount") or "").replace("$", "")


def _field(row: list[str], name: str) -> str:
    place = PLACE[name]
    return row[place].strip() if place < len(row) else ""


def run_budget_load(backend: OracleBackend, job: dict[str, Any], rows: list[list[str]]) -> str:
    """Validate every row; load the valid ones. ASSUMPTION: a loaded amount replaces the budget balance of
    its (ledger, budget, period, account) (Validate and Upload Budgets documents loading, not adding), and
    one invalid row fails its run name whole, as journal import rejects a batch whole."""
    seeded = backend.seeded
    ledger = seeded.ledger
    by_run: dict[str, list[tuple[tuple[str, str, str], Decimal]]] = {}
    errors: dict[str, list[str]] = {}
    for number, row in enumerate(rows, start=1):
        run = _field(row, "RUN_NAME")
        problems = []
        if not run:
            problems.append("RUN_NAME is required")
        if _field(row, "STATUS") != "NEW":
            problems.append("STATUS must be NEW")
        ledger_id, ledger_name = _field(row, "LEDGER_ID"), _field(row, "LEDGER_NAME")
        if ledger_id and ledger_name:
            # oedmf GL_BUDGET_INTERFACE: "Use either LEDGER_NAME or LEDGER_ID, but not both."
            problems.append("give either LEDGER_ID or LEDGER_NAME, not both")
        elif ledger_id != str(ledger["id"]) and ledger_name != ledger["name"]:
            problems.append("the ledger is not valid")
        budget = _field(row, "BUDGET_NAME")
        if not budget:
            problems.append("BUDGET_NAME is required")
        period = _field(row, "PERIOD_NAME")
        if not PERIOD.match(period):
            problems.append(f"period {period!r} is not a period of the ledger's calendar")
        if _field(row, "CURRENCY_CODE") != ledger["currency"]:
            problems.append(f"currency must be {ledger['currency']}")
        segments = [_field(row, f"SEGMENT{i}") for i in range(1, 31)]
        company, cost_center, account = segments[:3]
        for role, value in (("company", company), ("cost_center", cost_center), ("account", account)):
            if value not in seeded.segments_valid[role]:
                problems.append(f"segment {role} value {value!r} does not exist")
        try:
            amount = Decimal(_field(row, "BUDGET_AMOUNT"))
        except InvalidOperation:
            problems.append("BUDGET_AMOUNT is not a number")
            amount = Decimal(0)
        if problems:
            errors.setdefault(run, []).append(f"Row {number} ({run}): " + "; ".join(problems) + ".")
            continue
        combination = seeded.delimiter.join((company, cost_center, account))
        by_run.setdefault(run, []).append(((budget, period, combination), amount))
    loaded = 0
    for run, amounts in by_run.items():
        if run in errors:
            continue
        for key, amount in amounts:
            backend.budget_balances[key] = amount
        loaded += 1
        job["log"].append(f"Budget run {run}: {len(amounts)} amount(s) loaded.")
    for lines in errors.values():
        job["log"].extend(lines)
    if not rows:
        job["log"].append("The file has no GL_BUDGET_INTERFACE rows.")
        return "ERROR"
    if errors:
        return "WARNING" if loaded else "ERROR"
    return "SUCCEEDED"


def budget_readout(backend: OracleBackend) -> list[dict[str, Any]]:
    with backend.lock:
        return [
            {"BudgetName": b, "PeriodName": p, "AccountCombination": c, "Amount": f"{v:f}"}
            for (b, p, c), v in sorted(backend.budget_balances.items())
        ]
