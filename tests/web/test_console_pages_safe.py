"""No secret on any page: a crawler signed in as an operator follows every link of the console (runs,
filters, records, gaps, jobs) after real runs, a replay and a failed run whose error quotes a
password, and finds no credential of any connection, no traceback and no server error."""

from __future__ import annotations

import re
from collections import deque
from html import unescape
from urllib.parse import urldefrag, urljoin, urlsplit

from playwright.sync_api import Page

from ml_connector import config as config_module
from ml_connector.demo.sandbox import Sandbox
from ml_connector.engine.runs import RunLog
from ml_connector.engine.states import RunState
from ml_connector.flows.context import FlowContext
from ml_connector.flows.replay import replay
from ml_connector.flows.runner import run_flow
from ml_connector.http import Redactor
from ml_connector.root import Root
from tests.web.conftest import OPERATOR, sign_in, start_console

MOST_PAGES = 400


def secrets_of(sandbox: Sandbox) -> list[str]:
    root = Root(config_module.load(sandbox.config_path))
    try:
        vault = root.vault()
        values = [v for name in ("anaplan", "oracle", "infor") for v in vault.get(name).values()]
    finally:
        root.close()
    return [v for v in values if isinstance(v, str) and len(v) >= 6]


def test_no_secret_on_any_page(page: Page, sandbox: Sandbox, ctx: FlowContext) -> None:
    secrets = secrets_of(sandbox)
    assert secrets
    redactor = Redactor()
    redactor.register(*secrets)  # the root's redactor knows every secret its vault handed out
    run_flow(ctx, "reference-oracle")
    partial = run_flow(ctx, "actuals-oracle")
    replay(ctx, partial.id)
    runs = RunLog(ctx.store)
    failed = runs.start("actuals-oracle")
    runs.finish(failed, RunState.FAILED, error=f"login refused for password {secrets[0]} at the token endpoint")
    server = start_console(ctx, redactor)
    try:
        sign_in(page, server.url, OPERATOR)
        seen: set[str] = set()
        queue = deque(["/runs", "/gaps", f"/runs/{failed}"])
        while queue and len(seen) < MOST_PAGES:
            path = queue.popleft()
            if path in seen:
                continue
            seen.add(path)
            answer = page.request.get(server.url + path)  # the browser's session, without rendering
            assert answer.status < 500, path
            html = answer.text()
            assert "Traceback" not in html, path
            for secret in secrets:
                assert secret not in html, f"a secret on {path}"
            for href in map(unescape, re.findall(r'href="([^"]+)"', html)):
                target = urlsplit(urldefrag(urljoin(server.url + path, href)).url)
                if target.netloc == urlsplit(server.url).netloc:
                    queue.append(target.path + (f"?{target.query}" if target.query else ""))
        assert f"/runs/{partial.id}" in seen and any(p.startswith("/records/") for p in seen)
        page.goto(f"{server.url}/runs/{failed}")
        assert "***" in page.locator(".problem").inner_text()
    finally:
        server.stop()
