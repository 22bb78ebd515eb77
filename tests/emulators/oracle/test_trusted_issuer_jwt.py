"""A client-signed JWT from a registered trusted issuer is a Bearer token (Oracle "API Authentication")."""

from __future__ import annotations

import base64
import hashlib
import time

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.emulators.oracle.conftest import REST, USER

ISSUER = "acme-integration"


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _pem(key: rsa.RSAPrivateKey) -> str:
    public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return public.decode()


def _token(key: rsa.RSAPrivateKey, *, issuer: str = ISSUER, user: str = USER, ttl: int = 600) -> str:
    now = int(time.time())
    thumb = base64.urlsafe_b64encode(hashlib.sha1(_pem(key).encode()).digest()).rstrip(b"=").decode()  # noqa: S324
    claims = {"iss": issuer, "prn": user, "sub": user, "iat": now, "exp": now + ttl}
    return jwt.encode(claims, key, algorithm="RS256", headers={"x5t": thumb})


def _ledgers(raw: httpx.Client, token: str) -> httpx.Response:
    return raw.get(f"{REST}/ledgersLOV", headers={"Authorization": f"Bearer {token}"})


def test_registered_issuer_signed_token_is_accepted(raw: httpx.Client, key: rsa.RSAPrivateKey) -> None:
    assert _ledgers(raw, _token(key)).status_code == 401
    answer = raw.put("/_emulator/trusted-issuers", json={"issuer": ISSUER, "public_key": _pem(key)})
    assert answer.status_code == 200 and answer.json()["issuers"] == [ISSUER]
    got = _ledgers(raw, _token(key))
    assert got.status_code == 200 and got.json()["items"][0]["Name"] == "Acme EU Ledger"


@pytest.mark.parametrize("case", ["other issuer", "expired", "unknown user", "other key"])
def test_tokens_that_do_not_verify_are_refused(raw: httpx.Client, key: rsa.RSAPrivateKey, case: str) -> None:
    raw.put("/_emulator/trusted-issuers", json={"issuer": ISSUER, "public_key": _pem(key)}).raise_for_status()
    token = {
        "other issuer": lambda: _token(key, issuer="someone-else"),
        "expired": lambda: _token(key, ttl=-120),
        "unknown user": lambda: _token(key, user="NOBODY"),
        "other key": lambda: _token(rsa.generate_private_key(public_exponent=65537, key_size=2048)),
    }[case]()
    answer = _ledgers(raw, token)
    assert answer.status_code == 401 and "invalid_token" in answer.headers["www-authenticate"]


def test_a_bad_registration_is_a_clear_400(raw: httpx.Client) -> None:
    answer = raw.put("/_emulator/trusted-issuers", json={"issuer": ISSUER, "public_key": "not a key"})
    assert answer.status_code == 400 and "PEM" in answer.json()["error"]
    assert raw.put("/_emulator/trusted-issuers", json={"issuer": ISSUER}).status_code == 400
