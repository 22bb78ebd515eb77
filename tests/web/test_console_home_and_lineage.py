"""The home page shows every flow's last run and what waits for a fix; lineage goes from an Anaplan cell
to the source lines that make up its total (they add up to it) and from a line back to its cell."""

from __future__ import annotations

from decimal import Decimal

from playwright.sync_api import Page, expect

from ml_connector.engine.queries import mapping_gaps
from ml_connector.flows.runner import run_flow
from tests.web.conftest import OPERATOR, VIEWER, Console, sign_in


def test_home_and_lineage_both_ways(page: Page, console: Console) -> None:
    reference = run_flow(console.ctx, "reference-oracle")
    actuals = run_flow(console.ctx, "actuals-oracle")
    sign_in(page, console.url, VIEWER)
    page.goto(f"{console.url}/")
    row = page.locator("#flows tr", has_text="actuals-oracle")
    expect(row).to_contain_text(actuals.state.value)
    expect(row.locator("svg.spark")).to_have_attribute(
        "aria-label", f"loaded records per run, oldest first: {actuals.counts['loaded']}"
    )
    gaps = mapping_gaps(console.ctx.store)
    assert gaps
    expect(page.locator("#gap-total")).to_contain_text(f"{len(gaps)} open mapping gap")
    expect(page.locator("p", has=page.locator("#gap-total"))).to_contain_text(f"{sum(g.records for g in gaps)} record")
    expect(page.locator("#connections")).to_contain_text("oracle")
    page.click("#quarantined-total")
    waiting = page.locator("#records tr:has(td)")
    expect(waiting).to_have_count(sum(r.counts.get("quarantined", 0) for r in (reference, actuals)))
    expect(page.locator("#records")).to_contain_text("3999")

    page.goto(f"{console.url}/lineage?flow=actuals-oracle")
    page.locator("#cells td.n a").first.click()
    lines = page.locator("#lines tr:has(td)")
    expect(lines.first).to_be_visible()
    amounts = [Decimal(t) for t in lines.locator("td.n").all_inner_texts()]
    assert sum(amounts) == Decimal(page.locator("#cell-total").inner_text())
    cell = page.locator("#cell").inner_text()
    expect(lines.first.locator("td").nth(6)).to_contain_text(actuals.id[:8])
    lines.first.locator("a").first.click()  # the source line's record
    expect(page.locator("#record-state")).to_have_text("loaded")
    page.click("text=where this line counts now")
    page.locator("#line-cell").click()
    expect(page.locator("#cell")).to_have_text(cell)
    assert page.goto(f"{console.url}/lineage?flow=nope").status == 404  # type: ignore[union-attr]
    missing = page.goto(f"{console.url}/lineage?flow=actuals-oracle&account=x&cost_center=y&period=z")
    assert missing is not None and missing.status == 404


def test_an_operator_pings_a_connection_from_home(page: Page, console: Console) -> None:
    sign_in(page, console.url, OPERATOR)
    row = page.locator("#connections tr", has_text="oracle")
    expect(row.first).to_contain_text("never")
    row.first.get_by_role("button", name="ping").click()
    expect(page.get_by_role("status")).to_contain_text("oracle:")
    expect(page.locator("#connections tr", has_text="oracle").first.locator("td").nth(2)).to_contain_text("ok")
