"""Signing in to the console in a real browser: every page asks for it, wrong passwords wait and then
lock the user out, sign-out ends the session, a viewer cannot act, and a form without its token is
refused."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from ml_connector.engine.mappings import load_mapping
from ml_connector.flows.runner import run_flow
from tests.web.conftest import LOCK_AFTER, OPERATOR, PASSWORD, VIEWER, Console, form_token, sign_in


def test_sign_in_lock_out_and_sign_out(page: Page, console: Console) -> None:
    page.goto(f"{console.url}/runs")
    expect(page).to_have_url(f"{console.url}/login?next=/runs")
    sign_in(page, console.url, OPERATOR, "not the password")
    expect(page.get_by_role("alert")).to_have_text("wrong user name or password")
    for _ in range(LOCK_AFTER - 1):
        sign_in(page, console.url, OPERATOR, "not the password")
    expect(page.get_by_role("alert")).to_contain_text("too many failed sign-ins")
    sign_in(page, console.url, OPERATOR)  # the right password, but the user is locked
    expect(page.get_by_role("alert")).to_contain_text("locked")
    sign_in(page, console.url, VIEWER)
    expect(page).to_have_url(f"{console.url}/")
    expect(page.locator("header")).to_contain_text("vera (viewer)")
    cookie = next(c for c in page.context.cookies() if c["name"] == "ml_console")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert PASSWORD not in cookie["value"]
    page.click("text=sign out")
    page.goto(f"{console.url}/gaps")
    expect(page).to_have_url(f"{console.url}/login?next=/gaps")


def test_a_viewer_cannot_act(page: Page, console: Console) -> None:
    run_flow(console.ctx, "reference-infor")
    partial = run_flow(console.ctx, "actuals-infor")
    sign_in(page, console.url, VIEWER)
    page.goto(f"{console.url}/gaps")
    expect(page.locator("#gaps")).to_contain_text("1999")
    expect(page.locator("form[action='/gaps/rule']")).to_have_count(0)
    page.goto(f"{console.url}/runs/{partial.id}")
    expect(page.locator("form[action$='/replay']")).to_have_count(0)
    # Posting the form anyway, with the viewer's own valid token, is refused.
    token = form_token(page.content())
    form = {
        "csrf_token": token,
        "flow": "actuals-infor",
        "dimension": "cost_center",
        "source": "1999",
        "target": "1900",
    }
    refused = page.request.post(f"{console.url}/gaps/rule", form=form)
    assert refused.status == 403 and "only an operator" in refused.text()
    assert page.request.post(f"{console.url}/runs/{partial.id}/replay", form={"csrf_token": token}).status == 403
    page.goto(f"{console.url}/")
    expect(page.locator("form[action='/reconcile/repair']")).to_have_count(0)
    repair = {"csrf_token": token, "flow": "actuals-infor"}
    assert page.request.post(f"{console.url}/reconcile/repair", form=repair).status == 403
    assert not any(r.source == "1999" for r in load_mapping(console.ctx.store, "infor").rules)


def test_a_form_without_its_token_is_refused(page: Page, console: Console) -> None:
    run_flow(console.ctx, "reference-infor")
    run_flow(console.ctx, "actuals-infor")
    sign_in(page, console.url, OPERATOR)
    form = {"flow": "actuals-infor", "dimension": "cost_center", "source": "1999", "target": "1900"}
    for token in ("", "forged"):
        refused = page.request.post(f"{console.url}/gaps/rule", form={**form, "csrf_token": token})
        assert refused.status == 403 and "security token" in refused.text()
    assert not any(r.source == "1999" for r in load_mapping(console.ctx.store, "infor").rules)
    token = form_token(page.content())
    assert page.request.post(f"{console.url}/gaps/rule", form={**form, "csrf_token": token}).ok
    assert any(r.source == "1999" for r in load_mapping(console.ctx.store, "infor").rules)
