"""Actuals on the ERP's fiscal calendar, end to end over HTTP: Monterrey (M3 division MX1) keeps a 4-4-5
year, Detroit (US1) calendar months. Each entity's cells hold its own fiscal periods' totals, to the cent,
and the 30 March accrual lands in period 4 ("Apr 26" in the model's 4-4-5 time scale), not in March.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import httpx

from ml_connector import config as config_module
from ml_connector.demo.sandbox import Sandbox
from ml_connector.engine.mappings import replace_mapping
from ml_connector.engine.queries import audit_page
from ml_connector.engine.states import RecordState
from ml_connector.flows.runner import run_flow
from ml_connector.mapping.rules import parse_csv
from ml_connector.records import LedgerLine
from ml_connector.root import Root
from ml_connector.store import Store
from tests.support.cli import invoke

CELLS = "/_emulator/models/FP&A/modules/Entity Actuals/cells"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MAPPING = """dimension,kind,source,target
account,pattern,*,=
cost_center,exact,1100,1100
cost_center,exact,1200,1200
cost_center,exact,1900,1900
entity,pattern,*,=
supplier,pattern,*,=
"""
FLOWS = """
[flows.actuals-mx1]
kind = "actuals"
source = "infor"
target = "anaplan"
workspace = "Acme Finance"
model = "FP&A"
mapping = "entities"
actuals_import = "Load Entity Actuals"
reconcile_export = "Export Entity Actuals"
columns = {entity = "Entity", currency = "Currency"}
months_of_periods = true

[flows.actuals-us1]
kind = "actuals"
source = "infor-us1"
target = "anaplan"
workspace = "Acme Finance"
model = "FP&A"
mapping = "entities"
actuals_import = "Load Entity Actuals"
reconcile_export = "Export Entity Actuals"
columns = {entity = "Entity", currency = "Currency"}
months_of_periods = true
"""


def four_four_five_label(day: date) -> str:
    """The label of a day's 4-4-5 period, from the calendar's definition (FY2025 starts 29 Dec 2024,
    FY2026 on 28 Dec 2025; periods of 4, 4 and 5 weeks; period n is written as the n-th month)."""
    for year, start in ((2025, date(2024, 12, 29)), (2026, date(2025, 12, 28))):
        for number, weeks in enumerate([4, 4, 5] * 4, start=1):
            end = start + timedelta(days=7 * weeks - 1)
            if start <= day <= end:
                return f"{MONTHS[number - 1]} {year % 100:02d}"
            start = end + timedelta(days=1)
    raise AssertionError(f"{day} is outside the test's calendar")


def on_erp_calendars(box: Sandbox) -> None:
    text = box.config_path.read_text(encoding="utf-8")
    text = text.replace("[connections.infor]\n", '[connections.infor]\ncalendar = "erp"\ndivision = "MX1"\n')
    text = text.replace("[connections.infor-us1]\n", '[connections.infor-us1]\ncalendar = "erp"\n')
    box.config_path.write_text(text + FLOWS, encoding="utf-8")
    store = Store(config_module.load(box.config_path).store_url)
    try:
        replace_mapping(store, "entities", parse_csv(MAPPING, "test mapping"))
    finally:
        store.dispose()


def cells(box: Sandbox) -> dict[tuple[str, ...], Decimal]:
    rows = httpx.get(box.url("anaplan") + CELLS, timeout=30).json()
    dims = ("Entities", "Currencies", "GL Accounts", "Cost Centers", "Time")
    return {tuple(str(r[d]) for d in dims): Decimal(str(r["value"])) for r in rows if r["value"]}


def lines_by_date(box: Sandbox, connection: str) -> list[LedgerLine]:
    """The same ERP lines, read on calendar months (dates only), for the test to place itself."""
    text = box.config_path.read_text(encoding="utf-8").replace('calendar = "erp"\n', "")
    plain = box.folder / "plain.toml"
    plain.write_text(text, encoding="utf-8")
    root = Root(config_module.load(plain))
    try:
        erp = root.flow_context().clients.erp(connection)
        return [r for r in erp.ledger_lines(None, None) if isinstance(r, LedgerLine)]
    finally:
        root.close()


def test_each_entity_gets_its_fiscal_periods_to_the_cent(sandbox: Sandbox) -> None:
    on_erp_calendars(sandbox)
    assert invoke(sandbox, "run", "reference-infor").exit_code == 0
    for flow in ("actuals-mx1", "actuals-us1"):
        result = invoke(sandbox, "run", flow, width=200)
        assert result.exit_code == 0, result.output
        if flow == "actuals-mx1":  # reconciled alone: the module holds only its cells yet
            checked = invoke(sandbox, "reconcile", "actuals-mx1", width=250)
            assert checked.exit_code == 0, checked.output
    held = cells(sandbox)
    mx1 = lines_by_date(sandbox, "infor")
    expected: dict[tuple[str, ...], Decimal] = defaultdict(Decimal)
    for line in mx1:  # MX1 on its 4-4-5 year
        if line.cost_center == "1200":
            expected[("MX1", "MXN", line.account, "1200", four_four_five_label(line.posted_on))] += line.amount
    for line in lines_by_date(sandbox, "infor-us1"):  # US1 on calendar months
        if line.cost_center in ("1100", "1900"):
            label = f"{MONTHS[line.posted_on.month - 1]} {line.posted_on.year % 100:02d}"
            expected[("US1", "USD", line.account, line.cost_center, label)] += line.amount
    assert {k: v for k, v in held.items() if k[3] in ("1100", "1200", "1900")} == {
        k: v for k, v in expected.items() if v
    }
    # The accrual dated 30 March is in period 4 of Monterrey's year: "Apr 26", not "Mar 26".
    march_by_date = sum(
        (
            ln.amount
            for ln in mx1
            if ln.account == "6200"
            and ln.cost_center == "1200"
            and ln.posted_on.month == 3
            and ln.posted_on.year == 2026
        ),
        Decimal(0),
    )
    assert held.get(("MX1", "MXN", "6200", "1200", "Mar 26"), Decimal(0)) == march_by_date - Decimal("2345.67")
    april = [ln for ln in mx1 if ln.account == "6200" and ln.cost_center == "1200"]
    april_total = sum((ln.amount for ln in april if four_four_five_label(ln.posted_on) == "Apr 26"), Decimal(0))
    assert held[("MX1", "MXN", "6200", "1200", "Apr 26")] == april_total
    assert Decimal("2345.67") in {ln.amount for ln in april if four_four_five_label(ln.posted_on) == "Apr 26"}


def test_a_13_period_division_is_quarantined_not_guessed_into_months(sandbox: Sandbox) -> None:
    """Toledo (US2) has 13 four-week periods: a flow with month labels and no months_of_periods quarantines
    every line with the reason, period 13 and the others alike; nothing reaches Anaplan."""
    on_erp_calendars(sandbox)
    text = sandbox.config_path.read_text(encoding="utf-8")
    text = text.replace("months_of_periods = true\n\n[flows.actuals-us1]", "\n[flows.actuals-us1]")
    sandbox.config_path.write_text(text.replace('division = "MX1"', 'division = "US2"'), encoding="utf-8")
    root = Root(config_module.load(sandbox.config_path))
    try:
        ctx = root.flow_context()
        assert not run_flow(ctx, "reference-infor").error
        info = run_flow(ctx, "actuals-mx1")
        records = [r for r in audit_page(ctx.store, info.id) if r.kind == "gl"]
    finally:
        root.close()
    p13 = [r for r in records if r.payload.get("period") == "2025-P13"]
    assert p13 and {r.state for r in p13} == {RecordState.QUARANTINED.value}
    assert all("2025-P13 is a period of the ERP's fiscal calendar and period 13 has no month" in r.reason for r in p13)
    p04 = [r for r in records if r.payload.get("period") == "2026-P04"]
    assert p04 and {r.state for r in p04} == {RecordState.QUARANTINED.value}
    assert "a fiscal period is not a month" in p04[0].reason and "months_of_periods" in p04[0].hint
    assert not [k for k in cells(sandbox) if k[0] == "US2"]


def test_the_dry_run_checks_fiscal_labels_against_the_time_dimension(sandbox: Sandbox) -> None:
    """FY26 P04 is no member of the model's Time (months): the dry run says so before anything is sent."""
    on_erp_calendars(sandbox)
    text = sandbox.config_path.read_text(encoding="utf-8")
    marker = "[flows.actuals-mx1]\n"
    sandbox.config_path.write_text(text.replace(marker, marker + 'period_format = "FY{fy2} P{pp}"\n'), "utf-8")
    root = Root(config_module.load(sandbox.config_path))
    try:
        ctx = root.flow_context()
        assert not run_flow(ctx, "reference-infor").error
        info = run_flow(ctx, "actuals-mx1", dry_run=True)
        records = [r for r in audit_page(ctx.store, info.id) if r.kind == "gl" and r.target_key.startswith("GL|")]
    finally:
        root.close()
    assert records and {r.state for r in records} == {RecordState.QUARANTINED.value}
    assert any("'FY26 P04' is not in the model's time dimension" in r.reason for r in records)


def test_plan_figures_for_fiscal_periods_the_erp_has_no_day_of_wait_quarantined(sandbox: Sandbox) -> None:
    """Labels map back to the ERP's fiscal periods ("Dec 26" is 2026-P12) through the flow's mapping; a journal
    into one is dated on a day the ERP's calendar places in it, and M3 has placed none in the plan's future
    periods yet: the figures wait with the reason, nothing is dated by a guess."""
    text = sandbox.config_path.read_text(encoding="utf-8")
    text = text.replace("[connections.infor-us1]\n", '[connections.infor-us1]\ncalendar = "erp"\n')
    text = text.replace("[flows.plan-return-infor]\n", "[flows.plan-return-infor]\nmonths_of_periods = true\n")
    sandbox.config_path.write_text(text, encoding="utf-8")
    root = Root(config_module.load(sandbox.config_path))
    try:
        ctx = root.flow_context()
        info = run_flow(ctx, "plan-return-infor")
        records = audit_page(ctx.store, info.id)
    finally:
        root.close()
    assert records and {r.state for r in records} == {RecordState.QUARANTINED.value}
    assert all("so no journal can be dated into it" in r.reason for r in records)
    assert "infor-us1 names no day of its fiscal period 2026-P12" in {r.reason.split(",")[0] for r in records}
    assert "calendar" in records[0].hint
    assert httpx.get(f"{sandbox.url('infor')}/_emulator/journals", timeout=30).json() == []
