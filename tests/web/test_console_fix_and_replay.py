"""From "a run is partial" to "everything reconciles" in the browser, as an operator: add the missing
cost center rule on the gaps page, replay the affected runs, follow the job to the replay run, find
the record loaded; the gap is gone and reconcile agrees."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from ml_connector.engine.mappings import add_rule
from ml_connector.flows.reconcile import reconcile
from ml_connector.flows.runner import run_flow
from ml_connector.mapping.rules import Dimension, Rule, RuleKind
from tests.web.conftest import OPERATOR, Console, sign_in


def test_fix_a_gap_and_replay_until_it_reconciles(page: Page, console: Console) -> None:
    run_flow(console.ctx, "reference-infor")
    partial = run_flow(console.ctx, "actuals-infor")
    assert partial.state == "partial"
    sign_in(page, console.url, OPERATOR)
    page.goto(f"{console.url}/reconcile?flow=actuals-infor")
    expect(page.locator("#not-loaded")).to_contain_text("1999")  # the waiting amount is a known difference
    page.goto(f"{console.url}/gaps")
    fix = page.locator("tr.fix", has=page.locator("input[name=code][value='1999']"))
    fix.locator("input[name=target]").fill("1900")
    fix.get_by_role("button", name="add to mapping").click()
    expect(page.get_by_role("status")).to_contain_text("cost_center exact 1999 -> 1900")
    page.locator("tr.fix", has=page.locator("input[name=code][value='1999']")).get_by_role(
        "button", name="replay affected runs"
    ).click()
    expect(page.locator("#job-state")).to_have_text("done")  # the page refreshes itself until then
    page.locator("#steps a").nth(1).click()  # the replay run
    expect(page.locator("h1")).to_contain_text("actuals-infor")
    page.fill("input[name=q]", "1999")
    page.click("text=search")
    expect(page.locator("#records td.loaded").first).to_have_text("loaded")
    page.locator("#records a").first.click()
    expect(page.locator("#record-state")).to_have_text("loaded")
    expect(page.locator("#transitions")).to_contain_text("loaded")
    expect(page.locator("body")).to_contain_text("cost center 1900")
    page.goto(f"{console.url}/gaps")
    expect(page.locator("#gaps")).not_to_contain_text("1999")
    page.goto(f"{console.url}/reconcile")
    page.select_option("select[name=flow]", "actuals-infor")
    page.click("text=reconcile")
    expect(page.locator("#verdict")).to_contain_text("Everything agrees")
    expect(page.locator("#not-loaded")).not_to_contain_text("1999")  # left: only records bad at the source
    bars = page.locator("#reconcile-chart rect.bar")
    assert bars.count() >= 2 and page.locator("#reconcile-chart rect.erp").count() == bars.count() // 2
    assert float(bars.first.get_attribute("height") or 0) > 0  # the chart is drawn to scale, not empty
    result = reconcile(console.ctx, "actuals-infor")  # the CLI's reconciliation agrees with the page
    assert not result.differences and not result.unmapped, result.unmapped


def test_replay_only_the_selected_records(page: Page, console: Console) -> None:
    run_flow(console.ctx, "reference-infor")
    partial = run_flow(console.ctx, "actuals-infor")
    assert partial.counts["quarantined"] == 2  # the unmapped cost center, and an amount that is not a number
    add_rule(console.ctx.store, "infor", Rule(Dimension.COST_CENTER, RuleKind.EXACT, "1999", "1900"))
    sign_in(page, console.url, OPERATOR)
    page.goto(f"{console.url}/runs/{partial.id}?state=quarantined")
    boxes = page.locator("#records input[type=checkbox]")
    expect(boxes).to_have_count(2)
    page.locator("#records tr", has_text="1999").locator("input[type=checkbox]").check()
    page.click("text=replay the selected records")
    expect(page.locator("#job-state")).to_have_text("done")
    expect(page.locator("h1")).to_contain_text("1 selected record(s)")
    page.locator("#steps a").nth(1).click()
    expect(page.locator("#records tr:has(td)")).to_have_count(1)  # only the one picked was sent again
    expect(page.locator("#records td.loaded")).to_have_count(1)
