from __future__ import annotations

import threading

import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from ml_connector.errors import RetriableError
from ml_connector.http.budget import BudgetRegistry, TokenBucket, bucket_shape


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@settings(max_examples=40, deadline=None, phases=[Phase.explicit, Phase.generate, Phase.shrink])
@given(per_minute=st.integers(min_value=1, max_value=2000), n=st.integers(min_value=1, max_value=1500))
def test_no_sixty_second_window_exceeds_the_budget(per_minute: int, n: int) -> None:
    clock = FakeClock()
    bucket = TokenBucket(per_minute, clock=clock, sleep=clock.sleep)
    times = []
    for _ in range(n):
        bucket.acquire()
        times.append(clock.now)
    start = 0
    for end, t in enumerate(times):
        while times[start] <= t - 60.0:
            start += 1
        assert end - start + 1 <= per_minute


def test_shape_for_anaplan_default() -> None:
    capacity, refill = bucket_shape(600)
    assert capacity == 60
    assert 595 < capacity + 60 * refill <= 600


def test_timeout_is_a_retriable_error() -> None:
    clock = FakeClock()
    bucket = TokenBucket(60, burst=1, clock=clock, sleep=clock.sleep)
    bucket.acquire()
    with pytest.raises(RetriableError, match="budget of 60/min"):
        bucket.acquire(timeout=0.1)


def test_registry_shares_one_bucket_per_tenant_across_threads() -> None:
    registry = BudgetRegistry()
    seen: list[object] = []

    def grab() -> None:
        seen.append(registry.get("anaplan:acme", 600))

    threads = [threading.Thread(target=grab) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(b) for b in seen}) == 1
    assert registry.get("oracle:acme", 600) is not seen[0]
