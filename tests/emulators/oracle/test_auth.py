from __future__ import annotations

import base64
import json
import time

import httpx

from ml_connector.emulators.common import start_in_thread
from ml_connector.emulators.oracle import build_app
from tests.emulators.oracle.conftest import CLIENT_ID, CLIENT_SECRET, PASSWORD, REST, SCOPE, USER, basic


def _token(client: httpx.Client, **form: str) -> httpx.Response:
    data = {"grant_type": "client_credentials", "scope": SCOPE, **form}
    return client.post("/oauth2/v1/token", data=data, headers={"Authorization": basic(CLIENT_ID, CLIENT_SECRET)})


def _jwt(claims: dict[str, object]) -> str:
    def part(obj: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'RS256', 'typ': 'JWT'})}.{part(claims)}.c2lnbmF0dXJl"


def test_client_credentials_token_is_idcs_shaped_and_works_as_bearer(raw: httpx.Client) -> None:
    answer = _token(raw)
    assert answer.status_code == 200
    body = answer.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert body["access_token"].count(".") == 2
    got = raw.get(f"{REST}/ledgersLOV", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert got.status_code == 200
    assert got.json()["items"][0]["Name"] == "Acme EU Ledger"
    assert raw.get("/_emulator/stats").json()["auth_calls"] == 1


def test_client_secret_in_form_is_accepted(raw: httpx.Client) -> None:
    data = {"grant_type": "client_credentials", "scope": SCOPE, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    assert raw.post("/oauth2/v1/token", data=data).status_code == 200


def test_token_errors_are_oauth_errors(raw: httpx.Client) -> None:
    wrong = raw.post(
        "/oauth2/v1/token",
        data={"grant_type": "client_credentials", "scope": SCOPE},
        headers={"Authorization": basic(CLIENT_ID, "nope")},
    )
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
    assert _token(raw, scope="urn:opc:resource:fa:instanceid=1urn:opc:resource:consumer::all").json()["error"] == (
        "invalid_scope"
    )
    assert _token(raw, grant_type="password").json()["error"] == "unsupported_grant_type"


def test_jwt_user_assertion(raw: httpx.Client) -> None:
    grant = "urn:ietf:params:oauth:grant-type:jwt-bearer"
    good = _jwt({"sub": USER, "iss": CLIENT_ID, "exp": int(time.time()) + 300})
    answer = _token(raw, grant_type=grant, assertion=good)
    assert answer.status_code == 200
    token = answer.json()["access_token"]
    assert raw.get(f"{REST}/suppliers", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    stranger = _jwt({"sub": "SOMEONE.ELSE", "exp": int(time.time()) + 300})
    assert _token(raw, grant_type=grant, assertion=stranger).json()["error"] == "invalid_grant"
    expired = _jwt({"sub": USER, "exp": int(time.time()) - 10})
    assert _token(raw, grant_type=grant, assertion=expired).status_code == 400


def test_basic_auth_and_401s(raw: httpx.Client) -> None:
    assert raw.get(f"{REST}/suppliers").status_code == 401
    bad = raw.get(f"{REST}/suppliers", headers={"Authorization": basic(USER, "wrong")})
    assert bad.status_code == 401 and "Basic" in bad.headers["WWW-Authenticate"]
    assert raw.get(f"{REST}/suppliers", headers={"Authorization": basic(USER, PASSWORD)}).status_code == 200
    junk = raw.get(f"{REST}/suppliers", headers={"Authorization": "Bearer not-a-token"})
    assert junk.status_code == 401 and "Bearer" in junk.headers["WWW-Authenticate"]


def test_expire_tokens_now_invalidates_every_token(raw: httpx.Client) -> None:
    token = _token(raw).json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    assert raw.get(f"{REST}/ledgersLOV", headers=auth).status_code == 200
    raw.put("/_emulator/faults", json={"expire_tokens_now": True}).raise_for_status()
    assert raw.get(f"{REST}/ledgersLOV", headers=auth).status_code == 401
    fresh = _token(raw).json()["access_token"]
    assert raw.get(f"{REST}/ledgersLOV", headers={"Authorization": f"Bearer {fresh}"}).status_code == 200


def test_token_lifetime_is_settable_and_enforced() -> None:
    server = start_in_thread(build_app(token_ttl=1))
    try:
        with httpx.Client(base_url=server.url) as client:
            body = _token(client).json()
            assert body["expires_in"] == 1
            auth = {"Authorization": f"Bearer {body['access_token']}"}
            assert client.get(f"{REST}/ledgersLOV", headers=auth).status_code == 200
            time.sleep(1.1)
            assert client.get(f"{REST}/ledgersLOV", headers=auth).status_code == 401
    finally:
        server.stop()


def test_custom_credentials() -> None:
    server = start_in_thread(build_app(client_id="c", client_secret="s", user="U", password="p"))
    try:
        with httpx.Client(base_url=server.url) as client:
            assert client.get(f"{REST}/ledgersLOV", headers={"Authorization": basic("U", "p")}).status_code == 200
            assert client.get(f"{REST}/ledgersLOV", headers={"Authorization": basic(USER, PASSWORD)}).status_code == 401
    finally:
        server.stop()
