"""Which failed flow jobs are retried, and after how long (pure: no database)."""

from __future__ import annotations

import random

import pytest
from procrastinate.jobs import Job

from ml_connector.errors import (
    AuthenticationError,
    ConfigurationError,
    LockTimeoutError,
    ModelBusyError,
    RateLimitedError,
    TaskFailedError,
    UnavailableError,
)
from ml_connector.workers.backoff import FlowBackoff


def job(attempts: int) -> Job:
    return Job(id=1, queue="flows", lock=None, queueing_lock=None, task_name="t", attempts=attempts)


@pytest.mark.parametrize(
    ("error", "retried"),
    [
        (RateLimitedError("429"), True),
        (UnavailableError("503"), True),
        (ModelBusyError("409 model locked"), True),
        (LockTimeoutError("waited for the lease"), True),
        (ConfigurationError("no such flow"), False),
        (AuthenticationError("refused"), False),
        (TaskFailedError("import failed"), False),
        (RuntimeError("a bug"), False),
    ],
)
def test_only_failures_that_may_pass_later_are_retried(error: Exception, retried: bool) -> None:
    decision = FlowBackoff().get_retry_decision(exception=error, job=job(0))
    assert (decision is not None) is retried


@pytest.mark.parametrize(("attempts", "low", "high"), [(0, 7.5, 12.5), (1, 15, 25), (2, 30, 50), (3, 60, 100)])
def test_waits_double_with_jitter(attempts: int, low: float, high: float) -> None:
    backoff = FlowBackoff(base_seconds=10, jitter=0.25, _random=random.Random(attempts))
    waits = [backoff.wait_seconds(attempts) for _ in range(200)]
    assert low <= min(waits) < max(waits) <= high
    assert len({round(w, 3) for w in waits}) > 100  # spread, so jobs failed together come back apart


def test_waits_are_capped_and_attempts_limited() -> None:
    backoff = FlowBackoff(max_attempts=4, base_seconds=10, cap_seconds=30, jitter=0)
    assert backoff.wait_seconds(10) == 30
    error = UnavailableError("503")
    decision = backoff.get_retry_decision(exception=error, job=job(2))
    assert decision is not None and decision.retry_at is not None
    assert backoff.get_retry_decision(exception=error, job=job(3)) is None  # the 4th run was the last
