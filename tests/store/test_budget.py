"""SqlTokenBucket in one process: the same answers as TokenBucket, one bucket per tenant, timeouts."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from ml_connector.errors import RetriableError
from ml_connector.http.budget import BudgetRegistry, RequestBudget, TokenBucket
from ml_connector.store import Store
from ml_connector.store.budget import SqlTokenBucket, sql_budget_factory
from ml_connector.store.models import BudgetBucket


class FakeClock:
    """A wall clock the test moves; `sleep` moves it too."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_store(request: pytest.FixtureRequest) -> Store:
    made: Store = request.getfixturevalue("store" if request.param == "sqlite" else "pg_store")
    return made


def _pair(store: Store, per_minute: int, burst: int | None, tenant: str = "t") -> tuple[SqlTokenBucket, TokenBucket]:
    clock = FakeClock()
    sql = SqlTokenBucket(store, tenant, per_minute, burst, clock=clock, sleep=clock.sleep)
    memory = TokenBucket(per_minute, burst, clock=clock, sleep=clock.sleep)
    return sql, memory


def test_is_a_request_budget(store: Store) -> None:
    budget: RequestBudget = SqlTokenBucket(store, "t", 600)
    budget.acquire()


def test_same_answers_as_the_memory_bucket(any_store: Store) -> None:
    sql, memory = _pair(any_store, per_minute=120, burst=5)
    clock = sql._clock
    assert isinstance(clock, FakeClock)
    steps = [0.0] * 7 + [0.3, 0.0, 0.6, 0.0, 0.0, 5.0, 0.0, 0.0, 0.0, 120.0] + [0.0] * 6
    for step in steps:
        clock.now += step
        assert sql.try_acquire() == pytest.approx(memory.try_acquire(), abs=1e-6)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    per_minute=st.integers(min_value=1, max_value=1200),
    burst=st.one_of(st.none(), st.integers(min_value=1, max_value=50)),
    steps=st.lists(st.floats(min_value=0, max_value=5, allow_nan=False), max_size=25),
)
def test_same_answers_for_any_shape(store: Store, per_minute: int, burst: int | None, steps: list[float]) -> None:
    sql, memory = _pair(store, per_minute, burst, tenant=uuid.uuid4().hex)
    clock = sql._clock
    assert isinstance(clock, FakeClock)
    for step in steps:
        clock.now += step
        assert sql.try_acquire() == pytest.approx(memory.try_acquire(), abs=1e-6)


def test_acquire_sleeps_outside_until_a_token_is_due(store: Store) -> None:
    clock = FakeClock()
    bucket = SqlTokenBucket(store, "t", 61, burst=1, clock=clock, sleep=clock.sleep)
    start = clock.now
    for _ in range(4):
        bucket.acquire(timeout=10)
    # 1 at once, then one each 60.5 / 60 s.
    assert clock.now - start == pytest.approx(3 * 60.5 / 60, rel=1e-6)
    assert len(clock.slept) == 3


def test_two_tenants_do_not_share(any_store: Store) -> None:
    clock = FakeClock()
    first = SqlTokenBucket(any_store, "tenant-a", 60, burst=2, clock=clock, sleep=clock.sleep)
    second = SqlTokenBucket(any_store, "tenant-b", 60, burst=2, clock=clock, sleep=clock.sleep)
    assert [first.try_acquire(), first.try_acquire()] == [0.0, 0.0]
    assert first.try_acquire() > 0
    assert [second.try_acquire(), second.try_acquire()] == [0.0, 0.0]
    assert second.try_acquire() > 0
    with any_store.engine.connect() as conn:
        tenants = sorted(conn.execute(select(BudgetBucket.tenant)).scalars())
    assert tenants == ["tenant-a", "tenant-b"]


def test_two_buckets_of_one_tenant_share(store: Store) -> None:
    clock = FakeClock()
    first = SqlTokenBucket(store, "tenant-a", 60, burst=2, clock=clock, sleep=clock.sleep)
    second = SqlTokenBucket(store, "tenant-a", 60, burst=2, clock=clock, sleep=clock.sleep)
    assert first.try_acquire() == 0.0
    assert second.try_acquire() == 0.0
    assert first.try_acquire() > 0
    assert second.try_acquire() > 0


def test_timeout_is_a_retriable_error(any_store: Store) -> None:
    clock = FakeClock()
    bucket = SqlTokenBucket(any_store, "slow", 6, burst=1, clock=clock, sleep=clock.sleep)
    bucket.acquire(timeout=1)
    with pytest.raises(RetriableError) as caught:
        bucket.acquire(timeout=1)
    assert "6/min" in str(caught.value) and "slow" in str(caught.value)
    assert "requests_per_minute" in caught.value.hint
    assert clock.slept == []  # it knew the wait was too long without sleeping through it


def test_an_unreachable_store_is_a_retriable_error() -> None:
    bucket = SqlTokenBucket(Store("sqlite:////nonexistent-dir/x/store.db"), "t", 60)
    with pytest.raises(RetriableError, match="could not be read from the store"):
        bucket.acquire(timeout=1)


def test_factory_plugs_into_the_registry(store: Store) -> None:
    registry = BudgetRegistry(sql_budget_factory(store))
    budget = registry.get("anaplan:acme", 600)
    assert isinstance(budget, SqlTokenBucket)
    assert budget.tenant == "anaplan:acme" and budget.per_minute == 600
    assert registry.get("anaplan:acme", 600) is budget
    budget.acquire(timeout=1)
    with store.engine.connect() as conn:
        assert conn.execute(select(BudgetBucket.tenant)).scalars().all() == ["anaplan:acme"]
