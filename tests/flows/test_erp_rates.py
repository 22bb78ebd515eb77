"""A reporting currency converted with the ERP's own daily rates (Oracle `currencyRates`), when the flow
names no rate file: each line at the rate of its type on the latest date not after its period's end,
the rate and its date kept in the audit, and a line with no rate quarantined, never converted at 1."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

import httpx
import pytest

from ml_connector import config as config_module
from ml_connector.demo.sandbox import Sandbox
from ml_connector.engine.queries import audit_page
from ml_connector.engine.states import RecordState
from ml_connector.flows.context import FlowContext
from ml_connector.flows.reconcile import reconcile
from ml_connector.flows.runner import run_flow
from ml_connector.records import CurrencyRate
from ml_connector.root import Root
from tests.support.cli import invoke

COMMON = 'target = "anaplan"\nworkspace = "Acme Finance"\nmodel = "FP&A"\namounts = "reporting"\n'
FLOWS = f"""
[flows.actuals-oracle-usd]
kind = "actuals"
source = "oracle"
mapping = "oracle"
reporting_currency = "USD"
{COMMON}
[flows.actuals-infor-eur]
kind = "actuals"
source = "infor"
mapping = "infor"
reporting_currency = "EUR"
{COMMON}"""


@pytest.fixture()
def usd(sandbox: Sandbox) -> Iterator[FlowContext]:
    with sandbox.config_path.open("a", encoding="utf-8") as handle:
        handle.write(FLOWS)
    root = Root(config_module.load(sandbox.config_path))
    yield root.flow_context()
    root.close()


def anaplan_cells(box: Sandbox) -> dict[tuple[str, str, str], Decimal]:
    rows = httpx.get(f"{box.url('anaplan')}/_emulator/models/FP&A/modules/Actuals/cells").json()
    return {(r["GL Accounts"], r["Cost Centers"], r["Time"]): Decimal(str(r["value"])) for r in rows}


def test_the_erp_rates_convert_and_the_audit_keeps_them(sandbox: Sandbox, usd: FlowContext) -> None:
    run_flow(usd, "reference-oracle")
    info = run_flow(usd, "actuals-oracle-usd")
    records = [r for r in audit_page(usd.store, info.id) if r.kind == "gl"]
    march = [r for r in records if r.payload.get("period") == "2026-03" and r.state == RecordState.LOADED.value]
    assert march
    by_cell: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    for r in march:
        conversion = r.payload["conversion"]
        assert (conversion["currency"], conversion["to"], conversion["rate_type"]) == ("EUR", "USD", "Corporate")
        assert (conversion["rate"], conversion["rate_date"]) == ("1.0815", "2026-03-31")
        expected = (Decimal(conversion["amount"]) * Decimal("1.0815")).quantize(Decimal("0.01"))
        assert Decimal(conversion["converted"]) == expected
        by_cell[(r.payload["account"], r.payload["cost_center"], "Mar 26")] += expected
    held = anaplan_cells(sandbox)
    for cell, total in by_cell.items():
        assert held[cell] == total, cell
    # November 2025 ends before Oracle's first EUR-USD rate (2025-12-31): quarantined, named, not converted.
    november = [r for r in records if r.payload.get("period") == "2025-11"]
    assert november and all(r.state == RecordState.QUARANTINED.value for r in november)
    assert "no Corporate rate from EUR to USD on or before 2025-11-30" in november[0].reason
    assert "daily rates" in november[0].hint
    assert ("6300", "3100", "Nov 25") not in held
    assert reconcile(usd, "actuals-oracle-usd").differences == []


def test_the_rate_type_picks_oracle_rates(usd: FlowContext) -> None:
    oracle = usd.clients.erp("oracle")
    spot = oracle.currency_rates("USD", "Spot")
    assert spot is not None
    assert [(r.from_currency, r.day.isoformat(), r.rate) for r in spot] == [("EUR", "2026-03-31", Decimal("1.0822"))]
    corporate = oracle.currency_rates("USD", "Corporate") or []
    assert len(corporate) == 12 and all(isinstance(r, CurrencyRate) for r in corporate)
    assert oracle.currency_rates("JPY", "Corporate") == []


def test_m3_rate_types_are_numbers(sandbox: Sandbox, usd: FlowContext) -> None:
    """M3's rate types are CRTP numbers: the flow's default "Corporate" is a clear configuration error."""
    result = invoke(sandbox, "run", "actuals-infor-eur", width=200)
    assert result.exit_code == 2, result.output
    assert "'Corporate' is not an M3 exchange rate type" in result.output and 'rate_type = "1"' in result.output


def m3_flow(box: Sandbox, currency: str) -> Root:
    text = box.config_path.read_text(encoding="utf-8") + FLOWS
    flow = "\n[flows.actuals-infor-eur]\n"
    text = text.replace(flow, flow + 'rate_type = "1"\n')
    box.config_path.write_text(text.replace('reporting_currency = "EUR"', f'reporting_currency = "{currency}"'))
    return Root(config_module.load(box.config_path))


def m3_rate(local_amount: Decimal, arat: str, method: int, factor: int) -> Decimal:
    """A USD amount in the reporting currency by CRS055's definition of ARAT (the seed's rates): multiply, 10^RAFA
    units of the currency are ARAT dollars; divide, 10^RAFA dollars are ARAT units of the currency."""
    units = Decimal(10) ** factor
    converted = local_amount * Decimal(arat) / units if method == 2 else local_amount * units / Decimal(arat)
    return converted.quantize(Decimal("0.01"))


@pytest.mark.parametrize(
    ("currency", "march", "february", "method", "factor"),
    [("EUR", "1.0932", "1.0873", 1, 0), ("JPY", "15110", "14975", 2, 2)],
)
def test_m3_rates_from_crs055_convert_to_the_cent(
    sandbox: Sandbox, currency: str, march: str, february: str, method: int, factor: int
) -> None:
    """With no rates_file, an M3 flow converts each division's local (USD) amounts with CRS055MI LstRatesPerType
    rates of its rate type, at the latest rate on or before the period's end, by the currency's multiply
    (EUR) or divide (JPY, rate factor 2: per 100 dollars) method; the audit keeps the rate and its date."""
    root = m3_flow(sandbox, currency)
    try:
        ctx = root.flow_context()
        run_flow(ctx, "reference-infor")
        info = run_flow(ctx, "actuals-infor-eur")
        records = [r for r in audit_page(ctx.store, info.id) if r.kind == "gl"]
    finally:
        root.close()
    assert not info.error, info.error
    by_cell: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    seen = set()
    for r in records:
        if r.state != RecordState.LOADED.value or r.payload.get("period") not in ("2026-02", "2026-03"):
            continue
        conversion = r.payload["conversion"]
        arat = march if r.payload["period"] == "2026-03" else february
        day = "2026-03-31" if r.payload["period"] == "2026-03" else "2026-02-27"
        assert (conversion["currency"], conversion["to"], conversion["rate_date"]) == ("USD", currency, day)
        expected = m3_rate(Decimal(conversion["amount"]), arat, method, factor)
        assert Decimal(conversion["converted"]) == expected, conversion
        label = "Mar 26" if r.payload["period"] == "2026-03" else "Feb 26"
        by_cell[(r.payload["account"], r.payload["cost_center"], label)] += expected
        seen.add(label)
    assert seen == {"Feb 26", "Mar 26"}
    held = anaplan_cells(sandbox)
    for cell, total in by_cell.items():
        assert held[cell] == total, cell
