from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ml_connector.http.redaction import MASK, Redactor, mask_fields, redact_headers, redact_url


def test_url_query_and_userinfo_are_masked() -> None:
    url = "https://user:pw@host/path?client_secret=abc123&limit=5&access_token=tok9999"
    for out in (redact_url(url), Redactor().redact_url(url)):
        assert "abc123" not in out and "tok9999" not in out and "pw@" not in out
        assert "limit=5" in out


def test_headers_are_masked_by_name() -> None:
    headers = {"Authorization": "AnaplanAuthToken xyz", "Accept": "application/json"}
    assert redact_headers(headers) == {"Authorization": MASK, "Accept": "application/json"}
    assert Redactor().redact_headers(headers) == {"Authorization": MASK, "Accept": "application/json"}


def test_json_secret_fields_are_masked_but_codes_kept() -> None:
    text = '{"access_token": "eyJabc", "code": "4000", "password":"hunter22"}'
    for out in (mask_fields(text), Redactor().redact(text)):
        assert "eyJabc" not in out and "hunter22" not in out and '"code": "4000"' in out


@given(secret=st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), min_size=8, max_size=40))
def test_registered_secrets_never_survive(secret: str) -> None:
    redactor = Redactor()
    redactor.register(secret)
    assert secret not in redactor.redact(f"error: login with {secret} failed; again {secret}")


@given(secret=st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), min_size=8, max_size=40))
def test_rotated_secrets_never_survive(secret: str) -> None:
    redactor = Redactor()
    redactor.rotate("token", secret)
    assert secret not in redactor.redact(f"Authorization: Bearer {secret}")


def test_a_secret_inside_a_longer_one_is_masked_whole() -> None:
    redactor = Redactor()
    redactor.register("abcd", "xxabcdxx-longer")
    assert redactor.redact("token=xxabcdxx-longer;") == f"token={MASK};"


def test_a_slot_keeps_only_its_last_values() -> None:
    redactor = Redactor()
    tokens = [f"token-value-{n:03d}" for n in range(10)]
    for token in tokens:
        redactor.rotate("anaplan token", token)
    assert redactor.count == Redactor.KEPT_PER_SLOT
    text = " ".join(tokens)
    masked = redactor.redact(text)
    assert all(token not in masked for token in tokens[-Redactor.KEPT_PER_SLOT :])
    # Slots are independent, and a lasting secret is never dropped by a rotation.
    redactor.register("the-password-1")
    redactor.rotate("another slot", "other-token-1")
    for token in tokens:
        redactor.rotate("anaplan token", token)
    assert "the-password-1" not in redactor.redact("the-password-1")
    assert "other-token-1" not in redactor.redact("other-token-1")


def test_the_pattern_is_rebuilt_only_when_the_secrets_change() -> None:
    redactor = Redactor()
    redactor.register("first-secret")
    pattern = redactor._pattern
    redactor.register("first-secret")
    redactor.rotate(("vault", "erp", "password"), "first-secret")  # already masked: same set
    redactor.register("ab", None, "")  # too short or empty: not secrets worth a pattern
    assert redactor._pattern is pattern
    redactor.rotate(("vault", "erp", "password"), "second-secret")
    assert redactor._pattern is not pattern
    assert redactor.count == 2


def test_two_redactors_share_nothing() -> None:
    one, two = Redactor(), Redactor()
    one.register("secret-of-one")
    assert "secret-of-one" not in one.redact("secret-of-one")
    assert two.redact("secret-of-one") == "secret-of-one"
    assert two.count == 0
