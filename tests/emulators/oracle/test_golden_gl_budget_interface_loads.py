"""The emulator's budget balance import reads the golden GL_BUDGET_INTERFACE sample (tests/golden/README.md) as
Oracle documents it, on its own: the client's writer is tested against the same file elsewhere."""

from __future__ import annotations

import base64
import csv
import io
import zipfile

import httpx

from tests.emulators.oracle.conftest import REST
from tests.emulators.oracle.test_journal_import import _wait
from tests.golden.files import gl_budget_interface_rows

LOADER = "/oracle/apps/ess/financials/commonModules/shared/common/interfaceLoader,InterfaceLoaderController"


def load(api: httpx.Client, rows: list[list[str]]) -> tuple[str, list[str]]:
    """Submit the rows as GlBudgetInterface.csv through erpintegrations; the job's end state and log."""
    api.put("/_emulator/ess", json={"seconds": 0}).raise_for_status()
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(rows)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("GlBudgetInterface.csv", text.getvalue())
    payload = {
        "OperationName": "importBulkData",
        "DocumentContent": base64.b64encode(buffer.getvalue()).decode(),
        "ContentType": "zip",
        "FileName": "GlBudgetInterface.zip",
        "DocumentAccount": "fin$/generalLedgerBudgetBalance$/import$",
        "JobName": LOADER,
        "ParameterList": "GlBudgetInterface,#NULL,N,N",
    }
    answer = api.post(f"{REST}/erpintegrations", json=payload)
    assert answer.status_code == 201, answer.text
    request_id = str(answer.json()["ReqstId"])
    status = _wait(api, request_id)
    job = next(j for j in api.get("/_emulator/jobs").json() if str(j["ReqstId"]) == request_id)
    return status, job["log"]


def test_the_golden_sample_loads_three_budget_balances_over_two_periods(api: httpx.Client) -> None:
    status, log = load(api, gl_budget_interface_rows())
    assert status == "SUCCEEDED", log
    assert api.get("/_emulator/budgets").json() == [
        {"BudgetName": "Budget", "PeriodName": "Dec-26", "AccountCombination": "300-3100-6200", "Amount": "1200.00"},
        {"BudgetName": "Budget", "PeriodName": "Dec-26", "AccountCombination": "300-3200-6100", "Amount": "799.50"},
        {"BudgetName": "Budget", "PeriodName": "Jan-27", "AccountCombination": "300-3100-4000", "Amount": "-5000.00"},
    ]
    # Budget balances go to the balances cube, never to journals (faigl "Import Budget Data from a Flat File").
    assert api.get(f"{REST}/journalBatches", params={"q": "BatchName LIKE 'PLAN-FY27-0042%'"}).json()["count"] == 0


def test_loading_the_sample_again_replaces_the_amounts(api: httpx.Client) -> None:
    assert load(api, gl_budget_interface_rows())[0] == "SUCCEEDED"
    assert load(api, gl_budget_interface_rows())[0] == "SUCCEEDED"
    assert len(api.get("/_emulator/budgets").json()) == 3


def test_a_file_in_the_tables_column_order_is_refused(api: httpx.Client) -> None:
    # The oedmf table lists LEDGER_NAME fourth and BUDGET_INTERFACE_ID fifth; the template's CSV does not.
    shifted = [[*row[:3], "", "", *row[3:37]] for row in gl_budget_interface_rows()]
    status, log = load(api, shifted)
    assert status == "ERROR"
    assert api.get("/_emulator/budgets").json() == []
    assert any("PLAN-FY27-0042" in line for line in log), log


def test_ledger_id_and_ledger_name_together_are_refused(api: httpx.Client) -> None:
    rows = [[*row[:37], "Acme EU Ledger"] for row in gl_budget_interface_rows()]
    status, log = load(api, rows)
    assert status == "ERROR"
    assert any("not both" in line for line in log), log
