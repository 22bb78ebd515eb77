from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ml_connector.http.redaction import MASK, redact_headers, redact_text, redact_url, register_secret


def test_url_query_and_userinfo_are_masked() -> None:
    url = "https://user:pw@host/path?client_secret=abc123&limit=5&access_token=tok9999"
    out = redact_url(url)
    assert "abc123" not in out and "tok9999" not in out and "pw@" not in out
    assert "limit=5" in out


def test_headers_are_masked_by_name() -> None:
    out = redact_headers({"Authorization": "AnaplanAuthToken xyz", "Accept": "application/json"})
    assert out == {"Authorization": MASK, "Accept": "application/json"}


def test_json_secret_fields_are_masked_but_codes_kept() -> None:
    text = '{"access_token": "eyJabc", "code": "4000", "password":"hunter22"}'
    out = redact_text(text)
    assert "eyJabc" not in out and "hunter22" not in out and '"code": "4000"' in out


@given(secret=st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), min_size=8, max_size=40))
def test_registered_secrets_never_survive(secret: str) -> None:
    register_secret(secret)
    assert secret not in redact_text(f"error: login with {secret} failed; again {secret}")
