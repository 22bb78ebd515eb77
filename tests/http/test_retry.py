from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ml_connector.http.retry import RetryPolicy, backoff_seconds, is_retriable, parse_retry_after

NOW = datetime(2026, 11, 22, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("method", "status", "network", "safe", "expected"),
    [
        ("GET", 429, False, None, True),
        ("POST", 429, False, None, True),  # refused, not applied: always safe
        ("GET", 503, False, None, True),
        ("GET", 502, False, None, True),
        ("GET", 504, False, None, True),
        ("POST", 503, False, None, False),  # might have been applied
        ("POST", 503, False, True, True),  # caller vouches
        ("POST", None, True, None, False),
        ("PUT", None, True, None, True),
        ("GET", None, True, None, True),
        ("GET", 500, False, None, False),
        ("GET", 400, False, None, False),
        ("GET", 401, False, None, False),
        ("GET", 404, False, None, False),
        ("PUT", 409, False, True, False),
    ],
)
def test_retry_decisions(method: str, status: int | None, network: bool, safe: bool | None, expected: bool) -> None:
    assert is_retriable(method, status, network_error=network, safe_to_repeat=safe) is expected


def test_retry_after_seconds_and_http_date() -> None:
    assert parse_retry_after("7") == 7.0
    later = format_datetime(NOW + timedelta(seconds=30), usegmt=True)
    assert parse_retry_after(later, now=NOW) == pytest.approx(30.0)
    past = format_datetime(NOW - timedelta(seconds=30), usegmt=True)
    assert parse_retry_after(past, now=NOW) == 0.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("") is None


@given(attempt=st.integers(min_value=1, max_value=200), seed=st.integers())
def test_backoff_is_capped_and_grows(attempt: int, seed: int) -> None:
    policy = RetryPolicy(base=0.5, cap=30.0)
    wait = backoff_seconds(policy, attempt, None, random.Random(seed))
    ceiling = min(30.0, 0.5 * 2 ** min(attempt - 1, 30))
    assert ceiling / 2 <= wait <= ceiling


@given(after=st.floats(min_value=0, max_value=10_000, allow_nan=False))
def test_retry_after_wins_but_is_bounded(after: float) -> None:
    policy = RetryPolicy(max_retry_after=120.0)
    assert backoff_seconds(policy, 1, after) == min(after, 120.0)
