"""Authorization server and gateway: grants, refresh, revoke, expiry, login limit, 401/429/504."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import pytest

from ml_connector.emulators.common import start_in_thread
from ml_connector.emulators.infor.app import build_app, write_ionapi
from tests.emulators.infor.conftest import CREDS, TI, Infor

SUPPLIERS = "/M3/m3api-rest/v2/execute/CRS620MI/LstSuppliers"


def password_form(**extra: str) -> dict[str, str]:
    return {"grant_type": "password", "username": CREDS.service_key, "password": CREDS.service_secret} | extra


def test_password_grant_with_client_in_body(infor: Infor) -> None:
    r = httpx.post(infor.token_url, data=password_form(client_id=CREDS.client_id, client_secret=CREDS.client_secret))
    assert r.status_code == 200
    body = r.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 7200
    assert body["access_token"] and body["refresh_token"]
    assert r.headers["cache-control"] == "no-store"


def test_password_grant_with_basic_client_auth_and_token_works(infor: Infor) -> None:
    r = httpx.post(infor.token_url, data=password_form(), auth=(CREDS.client_id, CREDS.client_secret))
    assert r.status_code == 200
    token = r.json()["access_token"]
    api = httpx.get(f"{infor.iu}/{TI}{SUPPLIERS}", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 200
    assert api.json()["results"][0]["records"][0]["SUNO"] == "S10001"


def test_client_credentials_grant(infor: Infor) -> None:
    r = httpx.post(
        infor.token_url, data={"grant_type": "client_credentials"}, auth=(CREDS.client_id, CREDS.client_secret)
    )
    assert r.status_code == 200 and r.json()["access_token"]


@pytest.mark.parametrize(
    ("data", "auth", "status", "error"),
    [
        (password_form(), ("wrong", "x"), 401, "invalid_client"),
        (password_form(), None, 401, "invalid_client"),
        (password_form(password="nope"), (CREDS.client_id, CREDS.client_secret), 400, "invalid_grant"),
        ({"grant_type": "implicit"}, (CREDS.client_id, CREDS.client_secret), 400, "unsupported_grant_type"),
        (
            {"grant_type": "refresh_token", "refresh_token": "x"},
            (CREDS.client_id, CREDS.client_secret),
            400,
            "invalid_grant",
        ),
    ],
)
def test_token_errors_follow_rfc6749(
    infor: Infor, data: dict[str, str], auth: tuple[str, str] | None, status: int, error: str
) -> None:
    r = httpx.post(infor.token_url, data=data, auth=auth)
    assert r.status_code == status
    assert r.json()["error"] == error and "error_description" in r.json()


def test_refresh_grant_gives_new_tokens_and_refresh_token_is_single_use(infor: Infor) -> None:
    first = httpx.post(infor.token_url, data=password_form(), auth=(CREDS.client_id, CREDS.client_secret)).json()
    form = {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    second = httpx.post(
        infor.token_url, data=form | {"client_id": CREDS.client_id, "client_secret": CREDS.client_secret}
    )
    assert second.status_code == 200 and second.json()["access_token"] != first["access_token"]
    again = httpx.post(infor.token_url, data=form, auth=(CREDS.client_id, CREDS.client_secret))
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


def test_no_refresh_token_when_the_app_does_not_issue_them() -> None:
    server = start_in_thread(build_app(issue_refresh_tokens=False))
    try:
        r = httpx.post(
            f"{server.url}/{TI}/as/token.oauth2", data=password_form(), auth=(CREDS.client_id, CREDS.client_secret)
        )
        assert r.status_code == 200 and "refresh_token" not in r.json()
    finally:
        server.stop()


def test_revoke_access_token_by_post_and_refresh_token_by_get(infor: Infor) -> None:
    body = httpx.post(infor.token_url, data=password_form(), auth=(CREDS.client_id, CREDS.client_secret)).json()
    revoke = f"{infor.iu}/{TI}/as/revoke_token.oauth2"
    form = {"token": body["access_token"], "token_type_hint": "access_token"}
    r = httpx.post(revoke, data=form, auth=(CREDS.client_id, CREDS.client_secret))
    assert r.status_code == 200
    api = httpx.get(f"{infor.iu}/{TI}{SUPPLIERS}", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert api.status_code == 401
    assert httpx.get(revoke, params={"token": body["refresh_token"]}).status_code == 200
    form = {"grant_type": "refresh_token", "refresh_token": body["refresh_token"]}
    refreshed = httpx.post(infor.token_url, data=form, auth=(CREDS.client_id, CREDS.client_secret))
    assert refreshed.status_code == 400


@pytest.mark.parametrize("header", [None, "Bearer not-a-token", "Basic abc"])
def test_gateway_answers_401_for_missing_or_bad_token(infor: Infor, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    r = httpx.get(f"{infor.iu}/{TI}{SUPPLIERS}", headers=headers)
    assert r.status_code == 401
    assert r.headers["www-authenticate"].startswith("Bearer")
    assert r.json()["status"] == 401


def test_token_expires_after_its_lifetime(infor: Infor) -> None:
    infor.admin.put("/_emulator/auth", json={"access_ttl": 1}).raise_for_status()
    r = httpx.post(infor.token_url, data=password_form(), auth=(CREDS.client_id, CREDS.client_secret))
    assert r.json()["expires_in"] == 1
    headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
    assert httpx.get(f"{infor.iu}/{TI}{SUPPLIERS}", headers=headers).status_code == 200
    time.sleep(1.1)
    assert httpx.get(f"{infor.iu}/{TI}{SUPPLIERS}", headers=headers).status_code == 401


def test_expire_tokens_now_then_reauthenticate(infor: Infor) -> None:
    assert infor.api.get(SUPPLIERS).status_code == 200
    infor.admin.put("/_emulator/faults", json={"expire_tokens_now": True}).raise_for_status()
    assert infor.api.get(SUPPLIERS).status_code == 401
    infor.authorize()
    assert infor.api.get(SUPPLIERS).status_code == 200


def test_login_limit_per_minute_answers_429_and_counts_auth_calls(infor: Infor) -> None:
    infor.admin.put("/_emulator/auth", json={"logins_per_minute": 3}).raise_for_status()
    statuses = []  # the fixture already logged in once this minute
    for _ in range(3):
        r = httpx.post(infor.token_url, data=password_form(), auth=(CREDS.client_id, CREDS.client_secret))
        statuses.append(r.status_code)
    assert statuses == [200, 200, 429]
    assert int(r.headers["retry-after"]) >= 1 and r.json()["error"] == "too_many_requests"
    # Refreshing is not a service-account login, so a client that keeps its tokens is not caught.
    assert infor.admin.get("/_emulator/stats").json()["auth_calls"] == 4


def test_injected_429_storm_uses_the_gateway_body(infor: Infor) -> None:
    infor.admin.put("/_emulator/faults", json={"next_429": 3, "retry_after_seconds": 2}).raise_for_status()
    seen = [infor.api.get(SUPPLIERS) for _ in range(4)]
    assert [r.status_code for r in seen] == [429, 429, 429, 200]
    assert seen[0].headers["retry-after"] == "2" and seen[0].json()["error"] == "Too Many Requests"
    infor.admin.put("/_emulator/faults", json={"next_429": 1, "retry_after_seconds": 0}).raise_for_status()


def test_429_without_retry_after(infor: Infor) -> None:
    infor.admin.put("/_emulator/faults", json={"rate_429_no_retry_after": 1.0}).raise_for_status()
    r = infor.api.get(SUPPLIERS)
    assert r.status_code == 429 and "retry-after" not in r.headers


def test_gateway_quota_policy(infor: Infor) -> None:
    infor.admin.put("/_emulator/gateway", json={"calls_per_minute": 2}).raise_for_status()
    codes = [infor.api.get(SUPPLIERS).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_slow_target_gets_504_after_the_gateway_timeout(infor: Infor) -> None:
    infor.admin.put(
        "/_emulator/gateway", json={"target_delay_seconds": 5, "target_delay_count": 1, "timeout_seconds": 0.3}
    ).raise_for_status()
    started = time.monotonic()
    r = infor.api.get(SUPPLIERS)
    assert r.status_code == 504 and r.json()["error"] == "Gateway Timeout"
    assert time.monotonic() - started < 3
    assert infor.api.get(SUPPLIERS).status_code == 200


def test_write_ionapi_file_works_as_documented(infor: Infor, tmp_path: Path) -> None:
    path = write_ionapi(tmp_path / "acme.ionapi", infor.iu)
    ion = json.loads(path.read_text())
    assert {"ti", "cn", "ci", "cs", "iu", "pu", "oa", "ot", "or", "saak", "sask"} <= set(ion)
    assert ion["pu"].endswith("/") and ion["saak"].startswith(f"{ion['ti']}#") and ion["ci"].startswith(f"{ion['ti']}~")
    # "Use pu and ot for token request"; "Use iu and ti to construct the URI for ION API calls."
    token = httpx.post(
        ion["pu"] + ion["ot"],
        data={
            "grant_type": "password",
            "username": ion["saak"],
            "password": ion["sask"],
            "client_id": ion["ci"],
            "client_secret": ion["cs"],
        },
    ).json()["access_token"]
    r = httpx.get(f"{ion['iu']}/{ion['ti']}{SUPPLIERS};maxrecs=1", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200 and len(r.json()["results"][0]["records"]) == 1
    assert httpx.post(ion["pu"] + ion["or"], data={"token": token}, auth=(ion["ci"], ion["cs"])).status_code == 200


def test_admin_health_and_journals_readout_start_empty(infor: Infor) -> None:
    assert infor.admin.get("/_emulator/health").json() == {"status": "ok", "system": "infor"}
    assert infor.admin.get("/_emulator/journals").json() == []
    suppliers = infor.admin.get("/_emulator/suppliers").json()
    assert [s["id"] for s in suppliers] == [f"S100{n:02d}" for n in range(1, 13)]


def test_unknown_path_and_wrong_method_use_gateway_bodies(infor: Infor) -> None:
    r = infor.api.get("/XYZ/nothing/here")
    assert r.status_code == 404 and r.json() == {"status": 404, "error": "Not Found", "message": r.json()["message"]}
    assert infor.api.delete(SUPPLIERS).status_code == 405


def test_stats_count_gateway_answers(infor: Infor) -> None:
    httpx.get(f"{infor.iu}/{TI}{SUPPLIERS}")
    infor.api.get(SUPPLIERS)
    stats = infor.admin.get("/_emulator/stats").json()
    assert stats["requests"][f"GET /{TI}{SUPPLIERS}"] == {"200": 1, "401": 1}


def test_client_credentials_ionapi_has_no_service_account(infor: Infor, tmp_path: Path) -> None:
    ion = json.loads(write_ionapi(tmp_path / "cc.ionapi", infor.iu, service_account=False).read_text())
    assert "saak" not in ion and "sask" not in ion
    r = httpx.post(ion["pu"] + ion["ot"], data={"grant_type": "client_credentials"}, auth=(ion["ci"], ion["cs"]))
    assert r.status_code == 200 and r.json()["token_type"] == "Bearer"


def test_daily_login_limit_and_refresh_token_lifetime(infor: Infor) -> None:
    infor.admin.put("/_emulator/auth", json={"logins_per_day": 2, "refresh_ttl": 1}).raise_for_status()
    first = httpx.post(infor.token_url, data=password_form(), auth=(CREDS.client_id, CREDS.client_secret))
    assert first.status_code == 200
    assert (
        httpx.post(infor.token_url, data=password_form(), auth=(CREDS.client_id, CREDS.client_secret)).status_code
        == 429
    )
    time.sleep(1.1)
    form = {"grant_type": "refresh_token", "refresh_token": first.json()["refresh_token"]}
    expired = httpx.post(infor.token_url, data=form, auth=(CREDS.client_id, CREDS.client_secret))
    assert expired.status_code == 400 and expired.json()["error"] == "invalid_grant"
