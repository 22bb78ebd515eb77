"""Authentication API and OAuth, per anaplan.md sections 3 and 4."""

from __future__ import annotations

import base64
import os
import re
import time

import httpx
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from ml_connector.emulators.anaplan import AnaplanEmulator
from ml_connector.emulators.anaplan.certs import make_certificate

from .conftest import basic, login

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def test_basic_authenticate_answers_201_with_token_info(http: httpx.Client, emu: AnaplanEmulator) -> None:
    before = time.time()
    resp = http.post("/token/authenticate", headers=basic(emu.backend.creds.user, emu.backend.creds.password))
    assert resp.status_code == 201
    body = resp.json()
    assert body["status"] == "SUCCESS" and body["meta"]["validationUrl"].endswith("/token/validate")
    info = body["tokenInfo"]
    assert UUID.match(info["tokenId"]) and UUID.match(info["refreshTokenId"])
    assert info["tokenValue"].count(".") == 2
    # expiresAt is epoch milliseconds, 35 minutes out.
    assert abs(info["expiresAt"] / 1000 - (before + 2100)) < 5


def test_bad_credentials_and_bad_header(http: httpx.Client, emu: AnaplanEmulator) -> None:
    resp = http.post("/token/authenticate", headers=basic(emu.backend.creds.user, "wrong"))
    assert resp.status_code == 401
    assert resp.json()["status"] == "FAILURE_BAD_CREDENTIAL" and resp.json()["statusMessage"]
    resp = http.post("/token/authenticate", headers={"Authorization": "Basic !!notbase64"})
    assert resp.status_code == 400 and resp.json()["status"] == "FAILURE_BAD_HEADER"


def test_refresh_keeps_token_and_extends_expiry(http: httpx.Client, emu: AnaplanEmulator) -> None:
    headers = login(http, emu)
    first = http.get("/token/validate", headers=headers).json()
    assert first["userInfo"]["userId"] == emu.backend.creds.user
    assert re.fullmatch(r"[0-9a-f]{32}", first["userInfo"]["userGuid"])
    time.sleep(0.01)
    refreshed = http.post("/token/refresh", headers=headers)
    assert refreshed.status_code == 200
    info = refreshed.json()["tokenInfo"]
    assert "AnaplanAuthToken " + info["tokenValue"] == headers["Authorization"]
    assert info["expiresAt"] > first["tokenInfo"]["expiresAt"]
    bearer = {"Authorization": headers["Authorization"].replace("AnaplanAuthToken", "Bearer")}
    assert http.post("/token/refresh", headers=bearer).status_code == 400


def test_logout_ends_the_token(http: httpx.Client, emu: AnaplanEmulator) -> None:
    headers = login(http, emu)
    assert http.post("/token/logout", headers=headers).status_code == 204
    assert http.get("/token/validate", headers=headers).status_code == 401
    assert http.post("/token/refresh", headers=headers).status_code == 401
    assert http.get("/2/0/workspaces", headers=headers).status_code == 401


def test_short_token_lifetime_and_expire_now(http: httpx.Client, emu: AnaplanEmulator) -> None:
    http.put("/_emulator/settings", json={"token_ttl": 0.3})
    headers = login(http, emu)
    assert http.get("/2/0/workspaces", headers=headers).status_code == 200
    time.sleep(0.4)
    expired = http.get("/2/0/workspaces", headers=headers)
    assert expired.status_code == 401 and expired.json()["status"]["code"] == 401
    http.put("/_emulator/settings", json={"token_ttl": 2100})
    headers = login(http, emu)
    http.post("/_emulator/expire-tokens").raise_for_status()
    assert http.get("/2/0/workspaces", headers=headers).status_code == 401


def _cert_auth(http: httpx.Client, cert_pem: bytes, key: rsa.RSAPrivateKey) -> httpx.Response:
    data = os.urandom(150)
    signature = key.sign(data, padding.PKCS1v15(), hashes.SHA512())
    return http.post(
        "/token/authenticate",
        headers={"Authorization": "CACertificate " + base64.b64encode(cert_pem).decode()},
        json={
            "encodedData": base64.b64encode(data).decode(),
            "encodedSignedData": base64.b64encode(signature).decode(),
        },
    )


def test_certificate_authentication(http: httpx.Client, emu: AnaplanEmulator) -> None:
    pair = emu.certificate
    key = serialization.load_pem_private_key(pair.private_key_pem, password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    ok = _cert_auth(http, pair.certificate_pem, key)
    assert ok.status_code == 201 and ok.json()["tokenInfo"]["tokenValue"]
    other = make_certificate("someone@else.example")
    other_key = serialization.load_pem_private_key(other.private_key_pem, password=None)
    assert isinstance(other_key, rsa.RSAPrivateKey)
    # The right certificate signed by the wrong key, and an unregistered certificate: both refused.
    assert _cert_auth(http, pair.certificate_pem, other_key).status_code == 401
    assert _cert_auth(http, other.certificate_pem, other_key).status_code == 401


def test_oauth_refresh_rotates_and_refuses_reuse(http: httpx.Client, emu: AnaplanEmulator) -> None:
    client_id, seeded = emu.backend.creds.oauth_client_id, emu.backend.seeded_refresh_token
    form = {"grant_type": "refresh_token", "client_id": client_id, "refresh_token": seeded}
    first = http.post("/oauth/token", data=form)
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 2100 and body["refresh_token"] != seeded
    reused = http.post("/oauth/token", data=form)
    assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"
    # JSON bodies work as well, with the rotated token.
    second = http.post("/oauth/token", json={**form, "refresh_token": body["refresh_token"]})
    assert second.status_code == 200
    access = second.json()["access_token"]
    for scheme in ("Bearer", "AnaplanAuthToken"):
        assert http.get("/2/0/workspaces", headers={"Authorization": f"{scheme} {access}"}).status_code == 200


def test_auth_calls_are_counted(http: httpx.Client, emu: AnaplanEmulator) -> None:
    login(http, emu)
    login(http, emu)
    assert http.get("/_emulator/stats").json()["auth_calls"] == 2
