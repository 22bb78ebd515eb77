"""Plan figures return into the ERP's fiscal periods: a label that maps back to "2026-P04" is posted as a
journal dated on a day the ERP's own calendar places in P04, so on Monterrey's 4-4-5 year (M3 division MX1)
the April plan lands in period 4 (ACYP 202604), where the April actuals came from, not in a calendar month.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

import httpx

from ml_connector import config as config_module
from ml_connector.demo.sandbox import Sandbox
from ml_connector.engine.queries import audit_page
from ml_connector.engine.states import RecordState
from ml_connector.flows.runner import run_flow
from ml_connector.root import Root
from ml_connector.systems.infor.client import InforClient
from ml_connector.systems.infor.m3 import M3Lines
from tests.flows.test_fiscal_calendars import four_four_five_label
from tests.support.returns import set_budget


def to_mx1(box: Sandbox) -> None:
    """The plan-return flow posts to Monterrey (MX1, 4-4-5, read on its own calendar) and updates its batches
    into the GL, so the test reads the journal back as vouchers with their accounting period."""
    text = box.config_path.read_text(encoding="utf-8")
    flow = "\n[flows.plan-return-infor]\n"
    text = text.replace(flow, flow + "months_of_periods = true\n")
    head = 'mapping = "infor"\nexport = "Export Approved Budget"'
    text = text.replace(f'target = "infor-us1"\n{head}', f'target = "infor-mx1"\n{head}')
    mx1 = "[connections.infor-mx1]\n"
    box.config_path.write_text(text.replace(mx1, mx1 + "m3_update_batch = true\n"), "utf-8")


def test_a_plan_return_on_a_4_4_5_division_posts_into_the_fiscal_period(sandbox: Sandbox) -> None:
    to_mx1(sandbox)
    set_budget(sandbox, "6200", "1200", "Apr 26", "1234.56")  # "Apr 26" is period 4 of the 4-4-5 year
    root = Root(config_module.load(sandbox.config_path))
    try:
        ctx = root.flow_context()
        actuals = run_flow(ctx, "actuals-mexico")  # actuals in: the April lines' period, as the ERP names it
        april = {r.payload.get("period") for r in audit_page(ctx.store, actuals.id) if r.kind == "gl"}
        info = run_flow(ctx, "plan-return-infor")
        records = audit_page(ctx.store, info.id)
        erp = ctx.clients.erp("infor-mx1")
        assert isinstance(erp, InforClient) and isinstance(erp.line, M3Lines)
        window = {"DIVI": "MX1", "FRDT": "20250101", "TODT": "20271231"}
        vouchers = erp.line.call("GLS200MI", "LstVouchersByDt", window)  # read back from the ERP over HTTP
    finally:
        root.close()
    assert not actuals.error and "2026-P04" in april
    assert not info.error, info.error
    posted = [r for r in records if r.payload.get("Period") == "Apr 26"]
    assert posted and {r.state for r in posted} == {RecordState.POSTED.value}, {r.reason for r in posted}
    ours = [v for v in vouchers if v.get("VTXT", "").startswith("MLC-")]
    by_period: dict[str, Decimal] = defaultdict(Decimal)
    for voucher in ours:
        by_period[voucher["ACYP"]] += Decimal(voucher["ACAM"])
        day = date(int(voucher["ACDT"][:4]), int(voucher["ACDT"][4:6]), int(voucher["ACDT"][6:]))
        assert four_four_five_label(day) == "Apr 26"  # the test's own definition of the 4-4-5 year
    plan_line = [v for v in ours if v["AIT1"] == "6200" and v["AIT2"] == "1200"]
    assert [Decimal(v["ACAM"]) for v in plan_line] == [Decimal("1234.56")]  # to the cent, into P04
    assert set(by_period) == {"202604"} and by_period["202604"] == 0  # balanced by its own balancing line
    # Future periods (the plan's Dec 26 .. Mar 27) have no day M3 has placed in them yet: they wait, never guessed.
    waiting = [r for r in records if r.payload.get("Period") != "Apr 26"]
    assert waiting and {r.state for r in waiting} == {RecordState.QUARANTINED.value}
    assert "infor-mx1 names no day of its fiscal period 2026-P12" in {r.reason.split(",")[0] for r in waiting}


def test_a_plan_return_on_oracles_4_4_5_ledger_posts_into_the_fiscal_period(sandbox: Sandbox) -> None:
    """On the Acme UK Ledger (4-4-5), "Apr 26" is 2026-P04: the journal is dated 29 March, the period's first day,
    and Journal Import puts it in P04-26 by the ledger's calendar; the plan's periods of FY2027, which the
    ledger's calendar does not have yet, wait with the reason."""
    text = sandbox.config_path.read_text(encoding="utf-8")
    text = text.replace('ledger_name = "Acme EU Ledger"\n', 'ledger_name = "Acme UK Ledger"\ncalendar = "erp"\n')
    flow = "\n[flows.plan-return-oracle]\n"
    text = text.replace(flow, flow + "months_of_periods = true\n").replace('currency = "EUR"', 'currency = "GBP"')
    sandbox.config_path.write_text(text.replace('ledger = "Acme EU Ledger"', 'ledger = "Acme UK Ledger"'), "utf-8")
    set_budget(sandbox, "6100", "3100", "Apr 26", "2500.40")
    root = Root(config_module.load(sandbox.config_path))
    try:
        ctx = root.flow_context()
        actuals = run_flow(ctx, "actuals-oracle")  # actuals in: the UK lines of 30 March are in 2026-P04
        periods = {r.payload.get("period") for r in audit_page(ctx.store, actuals.id) if r.kind == "gl"}
        info = run_flow(ctx, "plan-return-oracle")
        records = audit_page(ctx.store, info.id)
    finally:
        root.close()
    assert "2026-P04" in periods
    assert not info.error, info.error
    april = [r for r in records if r.payload.get("Period") == "Apr 26"]
    assert april and {r.state for r in april} == {RecordState.POSTED.value}, {r.reason for r in april}
    batches = [
        b
        for b in httpx.get(f"{sandbox.url('oracle')}/_emulator/journals", timeout=30).json()
        if str(b.get("Reference1") or "").startswith("MLC-")
    ]
    headers = [h for b in batches for h in b["headers"]]
    april_headers = [h for h in headers if h["PeriodName"] == "P04-26"]
    assert april_headers and all(h["LedgerName"] == "Acme UK Ledger" for h in april_headers)
    lines = [ln for h in april_headers for ln in h["lines"] if ln["AccountCombination"] == "300-3100-6100"]
    assert [Decimal(str(ln["EnteredDr"] or 0)) - Decimal(str(ln["EnteredCr"] or 0)) for ln in lines] == [
        Decimal("2500.40")
    ]
    assert {h["DefaultEffectiveDate"][:10] for h in april_headers} == {"2026-03-29"}
    waiting = [r for r in records if str(r.payload.get("Period", "")).endswith("27")]
    assert waiting and {r.state for r in waiting} == {RecordState.QUARANTINED.value}
