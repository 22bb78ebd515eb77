"""Signing in to the console from an HTTP client (TestClient or httpx), for tests that read pages
without a browser."""

from __future__ import annotations

import re
from typing import Protocol

from ml_connector.accounts import Accounts, Role
from ml_connector.store.database import Store

PASSWORD = "a long enough password"  # noqa: S105 - a test user's password


class Client(Protocol):
    def get(self, url: str) -> object: ...


def token_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page has no form token"
    return match.group(1)


def signed_in(client: object, store: Store, name: str = "reader", role: Role = Role.VIEWER) -> None:
    """Add the user `name` and sign `client` in as it (its cookie jar keeps the session)."""
    Accounts(store).add(name, PASSWORD, role)
    login = client.get("/login")  # type: ignore[attr-defined]
    answer = client.post(  # type: ignore[attr-defined]
        "/login", data={"username": name, "password": PASSWORD, "csrf_token": token_of(login.text)}
    )
    assert answer.status_code in (200, 303) and "Sign in" not in answer.text, answer.text
