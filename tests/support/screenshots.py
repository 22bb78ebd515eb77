"""`make screenshots`: the README's pictures of the console, taken in Debian's Chromium over a sandbox
that ran the demo flows against the emulators.

    python -m tests.support.screenshots docs
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from ml_connector import config as config_module
from ml_connector.accounts import Accounts, Role
from ml_connector.demo.sandbox import configure, start_emulators
from ml_connector.errors import ConnectorError
from ml_connector.flows.runner import run_flow
from ml_connector.pings import ping
from ml_connector.root import Root
from ml_connector.serving import start_in_thread
from ml_connector.web import build_app

CHROMIUM = "/usr/bin/chromium"
USER, PASSWORD = "screenshots", "a long enough password"


def main(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    emulators = start_emulators()
    try:
        with tempfile.TemporaryDirectory() as work:
            box = configure(emulators, Path(work) / "sandbox")
            root = Root(config_module.load(box.config_path))
            try:
                ctx = root.flow_context()
                for flow in ("reference-oracle", "actuals-oracle", "reference-infor", "actuals-infor"):
                    run_flow(ctx, flow)
                run_flow(ctx, "actuals-oracle")  # a second run: the sparkline has two points
                for name in root.config.connections:
                    try:
                        ping(root.config, ctx.clients, root.store, root.redactor, name)
                    except ConnectorError:
                        pass  # a connection that does not answer shows as failed: a picture of that is fine
                Accounts(root.store).add(USER, PASSWORD, Role.OPERATOR)
                server = start_in_thread(build_app(root.store, root.redactor, flows=ctx))
                try:
                    shoot(server.url, folder)
                finally:
                    server.stop()
            finally:
                root.close()
    finally:
        emulators.stop()


def shoot(url: str, folder: Path) -> None:
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(f"{url}/login")
        page.fill("input[name=username]", USER)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.goto(f"{url}/")
        page.screenshot(path=str(folder / "console-home.png"), full_page=True)
        page.locator("#flows tr", has_text="actuals-infor").locator("td a").nth(1).click()
        page.screenshot(path=str(folder / "console-run.png"))
        page.goto(f"{url}/reconcile?flow=actuals-infor")
        page.screenshot(path=str(folder / "console-reconciliation.png"))
        page.goto(f"{url}/lineage?flow=actuals-infor")
        page.locator("#cells td.n a").first.click()
        page.screenshot(path=str(folder / "console-lineage.png"), full_page=True)
        browser.close()
    for name in ("home", "run", "reconciliation", "lineage"):
        print(folder / f"console-{name}.png")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs"))
