"""Period status from the ERP (Oracle accountingPeriodStatusLOV): closed periods only, open ones as
preliminary, future ones refused. The seeded ledger is closed through Sep-26, open Oct-26 and Nov-26."""

from __future__ import annotations

import httpx

from ml_connector.demo.sandbox import Sandbox
from ml_connector.engine.queries import audit_page
from ml_connector.engine.states import RecordState
from tests.support.cli import invoke

CELLS = "/_emulator/models/FP&A/modules/Actuals/cells"


def set_flow_option(box: Sandbox, flow: str, line: str) -> None:
    text = box.config_path.read_text(encoding="utf-8")
    marker = f"\n[flows.{flow}]\n"
    box.config_path.write_text(text.replace(marker, f"{marker}{line}\n"), encoding="utf-8")


def periods_in_anaplan(box: Sandbox) -> set[str]:
    return {str(row["Time"]) for row in httpx.get(box.url("anaplan") + CELLS).json() if row["value"]}


def test_open_periods_load_as_preliminary_by_default(sandbox: Sandbox) -> None:
    assert invoke(sandbox, "run", "reference-oracle").exit_code == 0
    result = invoke(sandbox, "run", "actuals-oracle", "--period", "2026-10", width=200)
    assert "still open in the ERP, figures preliminary: 2026-10" in result.output
    assert periods_in_anaplan(sandbox) == {"Oct 26"}
    closed = invoke(sandbox, "run", "actuals-oracle", "--period", "2026-09", width=200)
    assert "preliminary" not in closed.output


def test_closed_only_leaves_open_periods_waiting_and_reconciles(sandbox: Sandbox) -> None:
    set_flow_option(sandbox, "actuals-oracle", 'periods = "closed"')
    assert invoke(sandbox, "run", "reference-oracle").exit_code == 0
    invoke(sandbox, "run", "actuals-oracle")
    loaded = periods_in_anaplan(sandbox)
    assert "Sep 26" in loaded and "Oct 26" not in loaded
    runs = invoke(sandbox, "runs", "--flow", "actuals-oracle", width=200)
    assert runs.exit_code == 0
    assert invoke(sandbox, "reconcile", "actuals-oracle").exit_code == 0


def test_closed_only_quarantines_open_period_lines_with_the_reason(sandbox: Sandbox) -> None:
    from ml_connector import config as config_module
    from ml_connector.flows.runner import run_flow
    from ml_connector.root import Root

    set_flow_option(sandbox, "actuals-oracle", 'periods = "closed"')
    root = Root(config_module.load(sandbox.config_path))
    try:
        ctx = root.flow_context()
        run_flow(ctx, "reference-oracle")
        info = run_flow(ctx, "actuals-oracle", periods={"2026-09", "2026-10"})
        records = audit_page(ctx.store, info.id)
    finally:
        root.close()
    october = [r for r in records if "period 2026-10 is still open" in r.reason]
    assert october and {r.state for r in october} == {RecordState.QUARANTINED.value}
    assert "once the period is closed" in october[0].hint
    september = [r for r in records if r.payload.get("period") == "2026-09"]
    assert september and {r.state for r in september} == {RecordState.LOADED.value}


def test_a_future_period_is_refused(sandbox: Sandbox) -> None:
    result = invoke(sandbox, "run", "actuals-oracle", "--period", "2026-12", width=200)
    assert result.exit_code == 2, result.output
    assert "2026-12 is a future period" in result.output


def test_closed_only_needs_an_erp_that_publishes_period_status(sandbox: Sandbox) -> None:
    set_flow_option(sandbox, "actuals-infor", 'periods = "closed"')
    result = invoke(sandbox, "run", "actuals-infor", width=200)
    assert result.exit_code == 2, result.output
    assert "publishes no period status" in result.output
