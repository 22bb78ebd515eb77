"""Loading budget amounts through Oracle's documented budget route: `erpintegrations` importBulkData of the
GL_BUDGET_INTERFACE FBDI file, then Validate and Upload Budgets (faigl "Import Budget Data from a Flat File").

Budget balances go to the GL balances cube, never to journals, so an actuals read never meets them. A load
replaces the amounts of the cells it names, so loading the same figures again changes nothing: the store
still remembers the submit first (`ports.SubmitLog`) so that a job still running is waited for rather than
raced by a second load with other figures.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from ml_connector.records import BudgetDraft

# 0-based positions in GlBudgetInterface.csv: the column order of the GL_BUDGET_INTERFACE sheet of Oracle's
# "Import General Ledger Budget Balances" template. Checked against tests/golden/oracle/GlBudgetInterface.csv,
# written from the documentation (the emulator reads its own copy of the order, checked against the same file).
COLUMNS = {
    "RUN_NAME": 0,
    "STATUS": 1,
    "LEDGER_ID": 2,
    "BUDGET_NAME": 3,
    "PERIOD_NAME": 4,
    "CURRENCY_CODE": 5,
    **{f"SEGMENT{i}": 5 + i for i in range(1, 31)},
    "BUDGET_AMOUNT": 36,
    "LEDGER_NAME": 37,
}
WIDTH = 38
DOCUMENT_ACCOUNT = "fin$/generalLedgerBudgetBalance$/import$"
# ASSUMPTION: the budget load runs through the interface loader with the Validate and Upload Budgets import
# process as its first argument (as a public FBDI client does); no source names the process code, so it is
# a setting (`budget_import_process`).
JOB_NAME = "/oracle/apps/ess/financials/commonModules/shared/common/interfaceLoader,InterfaceLoaderController"


def period_name(period: str) -> str:
    """'2026-12' as Oracle's default monthly period name 'Dec-26'.

    ASSUMPTION: the ledger's accounting calendar uses Oracle's default Mon-YY names."""
    year, month = int(period[:4]), int(period[5:7])
    return f"{date(year, month, 1):%b}-{year % 100:02d}"


def budget_rows(
    draft: BudgetDraft,
    *,
    ledger_id: int,
    layout_positions: Mapping[int, str],
    cost_center_segment: int,
    account_segment: int,
) -> list[list[str]]:
    rows = []
    for line in draft.lines:
        row = [""] * WIDTH
        row[COLUMNS["RUN_NAME"]] = draft.reference
        row[COLUMNS["STATUS"]] = "NEW"
        row[COLUMNS["LEDGER_ID"]] = str(ledger_id)  # "either LEDGER_NAME or LEDGER_ID, but not both"
        row[COLUMNS["BUDGET_NAME"]] = draft.budget
        row[COLUMNS["PERIOD_NAME"]] = period_name(draft.period)
        row[COLUMNS["CURRENCY_CODE"]] = draft.currency
        segments = dict(layout_positions)
        segments[cost_center_segment] = line.cost_center
        segments[account_segment] = line.account
        for position, value in segments.items():
            row[COLUMNS[f"SEGMENT{position}"]] = value
        row[COLUMNS["BUDGET_AMOUNT"]] = f"{line.amount:f}"
        rows.append(row)
    return rows


def budget_request(document: str, process: str) -> dict[str, Any]:
    """The `erpintegrations` importBulkData body for a GL_BUDGET_INTERFACE file."""
    return {
        "OperationName": "importBulkData",
        "DocumentContent": document,
        "ContentType": "zip",
        "FileName": "GlBudgetInterface.zip",
        "DocumentAccount": DOCUMENT_ACCOUNT,
        "JobName": JOB_NAME,
        "ParameterList": f"{process},#NULL,N,N",
        "CallbackURL": "#NULL",
        "NotificationCode": "10",
        "JobOptions": "ExtractFileType=ALL",
    }
