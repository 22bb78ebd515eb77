"""Infor `extract = "bulk"` (one Data Lake Compass query) against `"rest"` (the product line's paged API), over
real HTTP on M3, CSI and FSM: the same Anaplan cells, for GL lines and for invoices and payments; a line that
reaches the lake late is loaded by the next run; a failing lake job and a broken result page are retried, or
fail the run without moving the watermark."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from ml_connector import config as config_module
from ml_connector.demo.sandbox import FAST_RETRY, Sandbox
from ml_connector.engine import watermarks
from ml_connector.root import Root
from tests.support.cli import invoke

CONNECTIONS = {
    "m3": ("infor", {}),
    "csi": ("infor-csi", {"mongoose_config": "ACME_TST_US1"}),
    "fsm": ("infor-fsm", {"company": "100"}),
}
DAY = "2026-10-15"  # a day of a seeded month, so the model has its time period


def add_flows(box: Sandbox, product: str, include: str = '["gl"]', **bulk: Any) -> tuple[str, str]:
    """A REST and a bulk actuals flow (GL only, unless `include` says) from the product line; their names."""
    connection, options = CONNECTIONS[product]
    path = box.config_path
    if connection != "infor":
        extra = {"product": product, "allow_any_url": True, "requests_per_minute": 6000, **FAST_RETRY}
        config_module.append_connection(path, connection, "infor", extra | options)
        root = Root(config_module.load(path))
        try:
            vault = root.vault()
            vault.put(connection, "infor", vault.get("infor"))
        finally:
            root.close()
    common = f'kind = "actuals"\nsource = "{connection}"\ntarget = "anaplan"\nmapping = "infor"\n'
    common += f'workspace = "Acme Finance"\nmodel = "FP&A"\ninclude = {include}\n'
    if include != '["gl"]':
        common += 'supplier_import = "Load Supplier Spend"\n'
    settings = "".join(f"{k} = {v!r}\n" if isinstance(v, str) else f"{k} = {v}\n" for k, v in bulk.items())
    text = path.read_text(encoding="utf-8")
    tag = "" if include == '["gl"]' else "-ap"
    text += f'\n[flows.rest-{product}{tag}]\n{common}extract = "rest"\n'
    text += f'\n[flows.bulk-{product}{tag}]\n{common}extract = "bulk"\n{settings}'
    path.write_text(text, encoding="utf-8")
    return f"rest-{product}{tag}", f"bulk-{product}{tag}"


GL_READS = ("GLS200MI/LstVouchersByDt", "ido/load/SLLedgers", "GLTransactionDetail/lists")


def calls(box: Sandbox) -> dict[str, int]:
    requests = httpx.get(f"{box.url('infor')}/_emulator/stats").json()["requests"]
    return {path: sum(by_status.values()) for path, by_status in requests.items()}


def cells(box: Sandbox) -> dict[tuple[str, str, str], str]:
    rows = httpx.get(f"{box.url('anaplan')}/_emulator/models/FP&A/modules/Actuals/cells").json()
    return {(r["GL Accounts"], r["Cost Centers"], r["Time"]): r["value"] for r in rows if r["line_item"] == "Amount"}


def spend(box: Sandbox) -> dict[tuple[str, ...], str]:
    rows = httpx.get(f"{box.url('anaplan')}/_emulator/models/FP&A/modules/Supplier Spend/cells").json()
    return {tuple(str(v) for k, v in sorted(r.items()) if k != "value"): str(r["value"]) for r in rows}


def run(box: Sandbox, flow: str, *codes: int) -> str:
    result = invoke(box, "run", flow, width=200)
    assert result.exit_code in (codes or (0, 7)), result.output
    return result.output


def fresh_model(box: Sandbox) -> None:
    """Anaplan back to its seeded model (the ERP and the store keep what they hold)."""
    httpx.post(f"{box.url('anaplan')}/_emulator/reset").raise_for_status()
    run(box, "reference-infor")


def lake(box: Sandbox, **settings: float) -> None:
    httpx.put(f"{box.url('infor')}/_emulator/datalake", json=settings).raise_for_status()


def book(box: Sandbox, account: str, amount: str) -> None:
    """A person books a two-line journal in the ERP (division US1, cost center 1100)."""
    lines = [
        {"account": account, "cost_center": "1100", "amount": amount, "date": DAY},
        {"account": "1000", "cost_center": "1100", "amount": f"-{amount}", "date": DAY},
    ]
    httpx.post(f"{box.url('infor')}/_emulator/ledger", json={"division": "US1", "lines": lines}).raise_for_status()


@pytest.mark.parametrize("product", sorted(CONNECTIONS))
def test_bulk_and_rest_runs_of_the_same_data_give_identical_cells(sandbox: Sandbox, product: str) -> None:
    rest, bulk = add_flows(sandbox, product)
    book(sandbox, "6100", "12.34")  # a line changed today, on top of the seeded year
    run(sandbox, "reference-infor")
    run(sandbox, rest)
    by_rest = cells(sandbox)
    assert by_rest
    fresh_model(sandbox)
    assert cells(sandbox) != by_rest
    before = calls(sandbox)
    output = run(sandbox, bulk)
    assert cells(sandbox) == by_rest, output
    made = {path: n - before.get(path, 0) for path, n in calls(sandbox).items() if n > before.get(path, 0)}
    assert any("/DATAFABRIC/compass/v2/jobs" in p for p in made), made
    assert not any(ledger in p for p in made for ledger in GL_READS), made  # the GL came from the lake only


AP_READS = ("APS200MI", "APS130MI", "EXPORTMI", "SLAptrxps", "SLAppmts", "PayablesInvoice", "CashLedgerPayment")


@pytest.mark.parametrize("product", sorted(CONNECTIONS))
def test_invoices_and_payments_through_the_lake_give_the_cells_of_rest(sandbox: Sandbox, product: str) -> None:
    rest, bulk = add_flows(sandbox, product, include='["invoice", "payment"]')
    run(sandbox, "reference-infor")
    run(sandbox, rest)
    by_rest, spent = cells(sandbox), spend(sandbox)
    assert any(float(v) for v in spent.values())
    fresh_model(sandbox)
    assert spend(sandbox) != spent
    before = calls(sandbox)
    output = run(sandbox, bulk)
    assert (cells(sandbox), spend(sandbox)) == (by_rest, spent), output
    made = {path: n - before.get(path, 0) for path, n in calls(sandbox).items() if n > before.get(path, 0)}
    assert any("/DATAFABRIC/compass/v2/jobs" in p for p in made), made
    assert not any(read in p for p in made for read in AP_READS), made  # invoices and payments came from the lake
    # Switching back to REST over the same data: every line is the same line, nothing sent twice.
    again = run(sandbox, rest)
    assert (cells(sandbox), spend(sandbox)) == (by_rest, spent), again


@pytest.mark.parametrize(("lag", "same"), [(30, True), (0, False)])
def test_a_line_that_reaches_the_lake_late_is_loaded_by_the_next_run(sandbox: Sandbox, lag: int, same: bool) -> None:
    # CSI stamps changes to the millisecond (RecordDate), so the late line is older than the watermark.
    rest, bulk = add_flows(sandbox, "csi", lake_lag_minutes=lag, overlap_minutes=0)
    run(sandbox, "reference-infor")
    run(sandbox, bulk)
    lake(sandbox, delay_minutes=30)
    book(sandbox, "6100", "7.00")  # posted now, in the lake in 30 minutes
    lake(sandbox, delay_minutes=0)
    time.sleep(0.01)
    book(sandbox, "6200", "11.00")  # posted after it, in the lake at once
    run(sandbox, bulk)
    httpx.post(f"{sandbox.url('infor')}/_emulator/datalake/catch-up").raise_for_status()  # time passes
    run(sandbox, bulk)
    by_bulk = cells(sandbox)
    fresh_model(sandbox)
    run(sandbox, rest)
    assert (cells(sandbox) == by_bulk) is same  # without the lag the late line is never read


def test_a_failed_lake_job_is_submitted_again(sandbox: Sandbox) -> None:
    rest, bulk = add_flows(sandbox, "m3")
    run(sandbox, "reference-infor")
    lake(sandbox, fail_jobs=1, break_pages=2)
    before = calls(sandbox)
    run(sandbox, bulk)
    after = calls(sandbox)
    submits = sum(n - before.get(p, 0) for p, n in after.items() if p.endswith("/compass/v2/jobs/"))
    pages = sum(n - before.get(p, 0) for p, n in after.items() if "/result" in p)
    assert submits == 2 and pages >= 3, after  # one more job; the page read again twice from where it broke
    by_bulk = cells(sandbox)
    fresh_model(sandbox)
    run(sandbox, rest)
    assert cells(sandbox) == by_bulk


def test_a_lake_that_keeps_failing_fails_the_run_and_keeps_the_watermark(sandbox: Sandbox) -> None:
    rest, bulk = add_flows(sandbox, "fsm")
    run(sandbox, "reference-infor")
    lake(sandbox, fail_jobs=2)
    output = run(sandbox, bulk, 4)
    assert "Data Lake could not run the query" in output and "Traceback" not in output
    root = Root(config_module.load(sandbox.config_path))
    try:
        assert watermarks.read(root.store, bulk, "infor-fsm") is None
    finally:
        root.close()
    run(sandbox, bulk)  # the lake works again: the run loads
    assert cells(sandbox)
