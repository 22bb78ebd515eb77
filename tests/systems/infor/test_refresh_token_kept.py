"""a refresh answer without a new refresh token leaves the old one usable (RFC 6749 section 6)."""

from __future__ import annotations

import json

import httpx

from ml_connector.http import ApiSession
from ml_connector.systems.infor import InforAuth, IonApiCredentials
from tests.systems.infor.conftest import FAST
from tests.systems.infor.test_ionapi import GOOD
from tests.systems.infor.test_token_lifetimes import Clock


def test_refresh_token_is_kept_when_the_refresh_answer_omits_it() -> None:
    grants: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        form = dict(httpx.QueryParams(request.content.decode()))
        grants.append(form["grant_type"])
        body: dict[str, object] = {"access_token": f"access-{len(grants)}-xxxxxxxx", "expires_in": 3600}
        if form["grant_type"] == "password":
            body["refresh_token"] = "the-one-refresh-token"
        else:
            assert form["refresh_token"] == "the-one-refresh-token"
        return httpx.Response(200, content=json.dumps(body), headers={"content-type": "application/json"})

    clock = Clock()
    creds = IonApiCredentials.from_dict(GOOD)
    session = ApiSession("infor", creds.auth_url, transport=httpx.MockTransport(handle), policy=FAST)
    auth = InforAuth(creds, session, clock=clock)
    try:
        auth.token()
        for _ in range(3):
            clock.now += 3600 - 100  # inside the renewal margin each time
            auth.token()
        clock.now += 3 * 3600  # idle past expiry: the refresh token still comes first
        auth.token()
    finally:
        session.close()
    assert grants == ["password"] + ["refresh_token"] * 4
    assert auth.logins == 1


def test_a_busy_token_endpoint_does_not_cost_the_refresh_token() -> None:
    grants: list[str] = []
    busy = [0]

    def handle(request: httpx.Request) -> httpx.Response:
        form = dict(httpx.QueryParams(request.content.decode()))
        grants.append(form["grant_type"])
        if form["grant_type"] == "refresh_token" and busy[0] > 0:
            busy[0] -= 1
            return httpx.Response(503, text="busy")
        body = {"access_token": f"access-{len(grants)}-xxxxxxxx", "expires_in": 3600, "refresh_token": "refresh-xxxx"}
        return httpx.Response(200, content=json.dumps(body), headers={"content-type": "application/json"})

    clock = Clock()
    creds = IonApiCredentials.from_dict(GOOD)
    session = ApiSession(
        "infor", creds.auth_url, transport=httpx.MockTransport(handle), policy=FAST, sleep=lambda s: None
    )
    auth = InforAuth(creds, session, clock=clock)
    try:
        first = auth.token().value
        busy[0] = FAST.attempts  # every retry of one refresh grant is refused
        clock.now += 3600 - 100
        assert auth.token().value == first  # the live token serves on
        clock.now += 10
        assert auth.token().value != first  # the endpoint is back: renewed with the same refresh token
    finally:
        session.close()
    assert "password" not in grants[1:]
    assert auth.logins == 1
