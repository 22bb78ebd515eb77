"""Review: a refresh answer without a new refresh token leaves the old one usable (RFC 6749 section 6)."""

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
