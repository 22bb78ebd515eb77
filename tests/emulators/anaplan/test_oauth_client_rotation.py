"""OAuth clients registered as rotatable hand out a new single-use refresh token each time; non-rotatable clients
keep one reusable token (anaplan.md 4, "Refresh-token rotation")."""

from __future__ import annotations

import httpx


def _refresh(http: httpx.Client, client_id: str, token: str) -> httpx.Response:
    return http.post(
        "/oauth/token", data={"grant_type": "refresh_token", "client_id": client_id, "refresh_token": token}
    )


def test_non_rotatable_client_reuses_its_refresh_token(http: httpx.Client) -> None:
    registered = http.put("/_emulator/oauth-clients", json={"client_id": "device-client-1", "rotatable": False}).json()
    token = registered["refresh_token"]
    for _ in range(3):
        answer = _refresh(http, "device-client-1", token)
        assert answer.status_code == 200 and answer.json()["refresh_token"] == token
        access = answer.json()["access_token"]
        assert http.get("/2/0/users/me", headers={"Authorization": f"Bearer {access}"}).status_code == 200


def test_rotatable_client_rotates_and_refuses_reuse(http: httpx.Client) -> None:
    token = http.put("/_emulator/oauth-clients", json={"client_id": "device-client-2"}).json()["refresh_token"]
    first = _refresh(http, "device-client-2", token)
    assert first.status_code == 200 and first.json()["refresh_token"] != token
    assert _refresh(http, "device-client-2", token).json()["error"] == "invalid_grant"
    assert _refresh(http, "device-client-2", first.json()["refresh_token"]).status_code == 200


def test_a_token_belongs_to_its_client(http: httpx.Client) -> None:
    token = http.put("/_emulator/oauth-clients", json={"client_id": "c3", "rotatable": False}).json()["refresh_token"]
    http.put("/_emulator/oauth-clients", json={"client_id": "c4", "rotatable": False}).raise_for_status()
    assert _refresh(http, "c4", token).json()["error"] == "invalid_grant"
    assert _refresh(http, "nobody", token).status_code == 401


def test_registration_is_checked_and_reset_forgets_clients(http: httpx.Client) -> None:
    assert http.put("/_emulator/oauth-clients", json={"client_id": "", "rotatable": False}).status_code == 400
    assert http.put("/_emulator/oauth-clients", json={"client_id": "c5", "rotatable": "no"}).status_code == 400
    http.put("/_emulator/oauth-clients", json={"client_id": "c5", "rotatable": False}).raise_for_status()
    http.post("/_emulator/reset").raise_for_status()
    assert [c["client_id"] for c in http.get("/_emulator/oauth-clients").json()["clients"]] == [
        "5f3c2a1b9d8e4f60a7b1c2d3e4f5a6b7"
    ]
