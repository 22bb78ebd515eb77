"""From "Anaplan lost the numbers" to "everything reconciles" in the browser: after the model's cells
are wiped (a model restored from a backup), an operator sees the differing cells on the reconciliation
page, starts the repair there, follows the job to its repair run, and reconciles again to agreement."""

from __future__ import annotations

import httpx
from playwright.sync_api import Page, expect

from ml_connector.demo.sandbox import Sandbox
from ml_connector.engine.queries import run_history
from ml_connector.engine.states import Trigger
from ml_connector.flows.reconcile import reconcile
from ml_connector.flows.runner import run_flow
from tests.web.conftest import OPERATOR, Console, sign_in

CELLS = "/_emulator/models/FP&A/modules/Actuals/cells"


def test_repair_the_wiped_cells_from_the_reconciliation_page(page: Page, console: Console, sandbox: Sandbox) -> None:
    ctx = console.ctx
    assert not run_flow(ctx, "reference-oracle").error
    run_flow(ctx, "actuals-oracle")
    httpx.delete(sandbox.url("anaplan") + CELLS).raise_for_status()
    lost = len(reconcile(ctx, "actuals-oracle").differences)
    assert lost > 50
    sign_in(page, console.url, OPERATOR)
    page.goto(f"{console.url}/reconcile?flow=actuals-oracle")
    expect(page.locator("#verdict")).to_contain_text(f"{lost} cells differ")
    page.locator("#repair").get_by_role("button").click()
    expect(page.locator("#job-state")).to_have_text("done", timeout=90_000)
    expect(page.locator("h1")).to_contain_text("repair the differing cells of actuals-oracle")
    latest = run_history(ctx.store, "actuals-oracle", limit=1)[0]
    assert latest.trigger == Trigger.REPAIR and latest.counts.get("loaded", 0) >= lost  # lines of the cells
    expect(page.locator("#steps a").nth(1)).to_have_attribute("href", f"/runs/{latest.id}")
    page.locator("#reconcile-again").click()
    expect(page.locator("#verdict")).to_contain_text("Every loaded cell agrees")  # the rest waits for a rule
    expect(page.locator("form#repair")).to_have_count(0)  # nothing left to repair: no button
    assert reconcile(ctx, "actuals-oracle").differences == []


def test_repair_with_nothing_to_repair_sends_nothing(page: Page, console: Console) -> None:
    ctx = console.ctx
    assert not run_flow(ctx, "reference-oracle").error
    run_flow(ctx, "actuals-oracle")
    sign_in(page, console.url, OPERATOR)
    page.goto(f"{console.url}/")
    page.locator("tr", has=page.locator("a", has_text="actuals-oracle")).locator(
        "form[action='/reconcile/repair']"
    ).get_by_role("button").click()
    expect(page.locator("#job-state")).to_have_text("done", timeout=90_000)
    expect(page.locator("#steps")).to_contain_text("every cell agreed: nothing sent")
    assert run_history(ctx.store, "actuals-oracle", limit=1)[0].trigger != Trigger.REPAIR
