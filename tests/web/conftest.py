"""The console over a sandbox that ran the flows against the emulators, with a viewer and an operator,
served over real HTTP; and one Chromium (Debian's, driven by Playwright) for all the console's tests.

The browser tests never skip: `make test` installs Chromium when /usr/bin/chromium is missing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from ml_connector.accounts import Accounts, Role
from ml_connector.flows.context import FlowContext
from ml_connector.http import Redactor
from ml_connector.serving import RunningServer, start_in_thread
from ml_connector.web import ConsoleSecurity, build_app

CHROMIUM = "/usr/bin/chromium"
VIEWER, OPERATOR = "vera", "otto"
PASSWORD = "a long enough password"  # noqa: S105 - a test user's password
LOCK_AFTER = 3


@dataclass
class Console:
    url: str
    ctx: FlowContext
    server: RunningServer


# Package scope: one browser for every test of tests/web, closed when they are done. The sync API keeps
# an asyncio loop marked running in this thread while it is open, which later tests that call
# asyncio.run() (the workers') must not inherit.
@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
    yield launched
    launched.close()


@pytest.fixture()
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    context.set_default_timeout(20_000)
    opened = context.new_page()
    yield opened
    context.close()


# argon2id at a test's cost: the same code path, a fraction of the CPU on a shared machine.
LIGHT_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def start_console(ctx: FlowContext, redactor: Redactor | None = None) -> RunningServer:
    accounts = Accounts(ctx.store, hasher=LIGHT_HASHER)
    accounts.add(VIEWER, PASSWORD, Role.VIEWER)
    accounts.add(OPERATOR, PASSWORD, Role.OPERATOR)
    security = ConsoleSecurity(
        login_delay=0.05, lock_after=LOCK_AFTER, lock_for=timedelta(minutes=15), hasher=LIGHT_HASHER
    )
    return start_in_thread(build_app(ctx.store, redactor or Redactor(), flows=ctx, security=security))


@pytest.fixture()
def console(ctx: FlowContext) -> Iterator[Console]:
    server = start_console(ctx)
    yield Console(server.url, ctx, server)
    server.stop()


def sign_in(page: Page, url: str, name: str, password: str = PASSWORD) -> None:
    page.goto(f"{url}/login")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def form_token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page has no form token"
    return match.group(1)
