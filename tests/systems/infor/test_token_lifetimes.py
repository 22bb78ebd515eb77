from __future__ import annotations

import json

import httpx
import pytest

from ml_connector.http import ApiSession
from ml_connector.systems.infor import InforAuth, IonApiCredentials
from tests.systems.infor.conftest import FAST
from tests.systems.infor.test_ionapi import GOOD


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def auth_server(lifetime: int, grants: list[str]) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        form = dict(httpx.QueryParams(request.content.decode()))
        grants.append(form["grant_type"])
        n = len(grants)
        body = {"access_token": f"access-{n}-xxxxxxxx", "expires_in": lifetime, "refresh_token": f"refresh-{n}-xxxxxx"}
        return httpx.Response(200, content=json.dumps(body), headers={"content-type": "application/json"})

    return httpx.MockTransport(handle)


@pytest.mark.parametrize("hours", [1, 2, 24])
def test_token_is_renewed_shortly_before_expiry_whatever_the_lifetime(hours: int) -> None:
    grants: list[str] = []
    clock = Clock()
    creds = IonApiCredentials.from_dict(GOOD)
    session = ApiSession("infor", creds.auth_url, transport=auth_server(hours * 3600, grants), policy=FAST)
    auth = InforAuth(creds, session, clock=clock)
    first = auth.token().value
    clock.now += hours * 3600 - 400  # still well inside the lifetime: kept
    assert auth.token().value == first
    clock.now += 200  # within the last 5 minutes: renewed by the refresh grant, not a login
    assert auth.token().value != first
    assert grants == ["password", "refresh_token"]
    clock.now += hours * 3600 * 3  # long idle: the access token is gone, the refresh token is tried first
    auth.token()
    assert grants == ["password", "refresh_token", "refresh_token"]
    assert auth.logins == 1
    session.close()
