"""a secret cut by the excerpt's length limit must not leak its first characters."""

from __future__ import annotations

import httpx
import pytest

from ml_connector.errors import ApiError
from ml_connector.http import ApiSession, Redactor, RetryPolicy
from ml_connector.http.session import EXCERPT_CHARS


def _failing_session(body: str, redactor: Redactor | None = None) -> ApiSession:
    transport = httpx.MockTransport(lambda request: httpx.Response(400, text=body))
    return ApiSession(
        "Scripted", "https://api.example.test", policy=RetryPolicy(attempts=1), transport=transport, redactor=redactor
    )


@pytest.mark.parametrize("cut_at", [4, 10, 20])
def test_registered_secret_straddling_the_excerpt_limit_is_masked(cut_at: int) -> None:
    secret = "Straddling-Secret-Value-0123456789"
    redactor = Redactor()
    redactor.register(secret)
    body = "x" * (EXCERPT_CHARS - cut_at) + secret + " tail"
    with _failing_session(body, redactor) as session, pytest.raises(ApiError) as info:
        session.request("GET", "/thing")
    assert secret[:cut_at] not in str(info.value)
    assert info.value.context is not None
    assert secret[:cut_at] not in info.value.context.body_excerpt


def test_json_secret_field_straddling_the_excerpt_limit_is_masked() -> None:
    value = "unregistered-access-token-abcdefghijklmnop"
    prefix = '{"detail": "' + "y" * 200 + '", "access_token": "'
    body = prefix + "z" * (EXCERPT_CHARS - len(prefix) - 12) + value + '"}'
    with _failing_session(body) as session, pytest.raises(ApiError) as info:
        session.request("GET", "/thing")
    assert "unregistered" not in str(info.value)
