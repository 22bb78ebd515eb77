"""SqlTokenBucket in one process: blocks of tokens, the limit held by any mix of processes, timeouts,
and on SQLite a budget file of its own that the store's writers never block."""

from __future__ import annotations

import math
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from ml_connector.errors import RetriableError
from ml_connector.http.budget import BudgetRegistry, RequestBudget, bucket_shape
from ml_connector.store import Store
from ml_connector.store.budget import SqlTokenBucket, sql_budget_factory
from ml_connector.store.budget_file import budget_engine, budget_file_path
from ml_connector.store.models import BudgetBucket
from tests.support.budget import busiest_minute


class FakeClock:
    """A clock the test moves (wall and local alike); `sleep` moves it too."""

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


def _bucket(
    store: Store, clock: FakeClock, per_minute: int, burst: int | None = None, tenant: str = "t"
) -> SqlTokenBucket:
    return SqlTokenBucket(store, tenant, per_minute, burst, clock=clock, local_clock=clock, sleep=clock.sleep)


def test_is_a_request_budget(store: Store) -> None:
    budget: RequestBudget = SqlTokenBucket(store, "t", 600)
    budget.acquire()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    per_minute=st.integers(min_value=1, max_value=1200),
    burst=st.one_of(st.none(), st.integers(min_value=1, max_value=50)),
    processes=st.integers(min_value=1, max_value=5),
    steps=st.lists(
        st.tuples(st.integers(min_value=0, max_value=4), st.floats(min_value=0, max_value=3, allow_nan=False)),
        min_size=1,
        max_size=400,
    ),
)
def test_no_sixty_second_window_of_all_processes_exceeds_the_limit(
    store: Store, per_minute: int, burst: int | None, processes: int, steps: list[tuple[int, float]]
) -> None:
    # Several processes, each with its own reserve on one shared bucket, in any interleaving: a process
    # may spend its block at once, late, or let it expire. Each grant is a request sent at that moment.
    clock = FakeClock()
    tenant = uuid.uuid4().hex
    engine = budget_engine(store)
    buckets = [
        SqlTokenBucket(
            store, tenant, per_minute, burst, engine=engine, clock=clock, local_clock=clock, sleep=clock.sleep
        )
        for _ in range(processes)
    ]
    sent: list[float] = []
    for who, step in steps:
        clock.now += step
        bucket = buckets[who % processes]
        if bucket.try_acquire() == 0.0:
            sent.append(clock.now)
            # The token left the shared bucket less than `hold` ago...
            assert clock.now - bucket.reserve._taken_at < bucket.hold
    engine.dispose()
    assert busiest_minute(sent) <= per_minute
    # ...so a 60 s window's requests drew their whole tokens within 60 + hold s, which the shape pays
    # for: the burst plus that much refill still holds no more whole tokens than the limit.
    first = buckets[0]
    assert math.floor(first.capacity + first.refill * (60.0 + first.hold) + 1e-9) <= per_minute


@pytest.mark.parametrize(("per_minute", "burst"), [(60, None), (600, None), (120, 1), (1200, 200)])
def test_backlogged_processes_get_at_least_ninety_percent_of_the_limit(
    store: Store, per_minute: int, burst: int | None
) -> None:
    # Four processes that always have a request waiting, taking turns every 40 ms of fake time: 25
    # requests a second wanted, more than any of these budgets allows.
    clock = FakeClock()
    buckets = [_bucket(store, clock, per_minute, burst) for _ in range(4)]
    sent: list[float] = []
    for turn in range(int(130 / 0.04)):
        clock.now += 0.04
        if buckets[turn % 4].try_acquire() == 0.0:
            sent.append(clock.now)
    busiest = busiest_minute(sent)
    assert 0.9 * per_minute <= busiest <= per_minute


def test_a_busy_process_takes_a_block_per_transaction(store: Store) -> None:
    clock = FakeClock()
    bucket = _bucket(store, clock, 6000)
    for _ in range(1000):
        clock.now += 0.005  # 200 requests/s wanted, 98/s allowed: the reserve sizes blocks to demand
        bucket.acquire(timeout=10)
    assert bucket.reserve.blocks_taken <= 1000 / 10


def test_an_occasional_request_takes_one_token_at_a_time(store: Store) -> None:
    clock = FakeClock()
    bucket = _bucket(store, clock, 6000)
    engine = budget_engine(store)
    for _ in range(5):
        clock.now += 5.0
        bucket.acquire(timeout=10)
    with engine.connect() as conn:
        tokens = conn.execute(select(BudgetBucket.tokens)).scalar_one()
    engine.dispose()
    assert tokens == pytest.approx(bucket.capacity - 1)  # full again, less this one request: nothing wasted


def test_reserved_tokens_expire_after_the_hold(store: Store) -> None:
    clock = FakeClock()
    first = _bucket(store, clock, 6000, burst=40)
    second = _bucket(store, clock, 6000, burst=40)
    for _ in range(20):
        clock.now += 0.001
        first.acquire(timeout=10)  # the reserve grows a block it will not spend
    left = first.reserve._left
    assert left > 0
    clock.now += first.hold
    taken = first.reserve.blocks_taken
    first.acquire(timeout=10)
    assert first.reserve.blocks_taken == taken + 1  # the old block was not used after its hold
    second.acquire(timeout=10)


def test_acquire_sleeps_outside_until_a_token_is_due(store: Store) -> None:
    clock = FakeClock()
    bucket = _bucket(store, clock, 61, burst=1)
    start = clock.now
    for _ in range(4):
        bucket.acquire(timeout=10)
    # 1 at once, then one each (60.5 + hold) / 60 s.
    assert clock.now - start == pytest.approx(3 * (60.5 + bucket.hold) / 60, rel=1e-6)
    assert len(clock.slept) == 3
    assert bucket.capacity, bucket.refill == bucket_shape(61, 1, bucket.hold)


def test_two_tenants_do_not_share(any_store: Store) -> None:
    clock = FakeClock()
    first = _bucket(any_store, clock, 60, burst=2, tenant="tenant-a")
    second = _bucket(any_store, clock, 60, burst=2, tenant="tenant-b")
    assert [first.try_acquire(), first.try_acquire()] == [0.0, 0.0]
    assert first.try_acquire() > 0
    assert [second.try_acquire(), second.try_acquire()] == [0.0, 0.0]
    assert second.try_acquire() > 0
    engine = budget_engine(any_store)
    with engine.connect() as conn:
        tenants = sorted(conn.execute(select(BudgetBucket.tenant)).scalars())
    assert tenants == ["tenant-a", "tenant-b"]


def test_two_buckets_of_one_tenant_share(store: Store) -> None:
    clock = FakeClock()
    first = _bucket(store, clock, 60, burst=2, tenant="tenant-a")
    second = _bucket(store, clock, 60, burst=2, tenant="tenant-a")
    assert first.try_acquire() == 0.0
    assert second.try_acquire() == 0.0
    assert first.try_acquire() > 0
    assert second.try_acquire() > 0


def test_on_sqlite_the_buckets_are_a_file_of_their_own(store: Store, tmp_path: Path) -> None:
    assert budget_file_path(store) == tmp_path / "store.budget.db"
    SqlTokenBucket(store, "anaplan:acme", 600).acquire(timeout=1)
    assert (tmp_path / "store.budget.db").exists()
    with store.engine.connect() as conn:
        assert conn.execute(select(BudgetBucket.tenant)).scalars().all() == []


def test_a_long_store_write_does_not_block_a_token(store: Store) -> None:
    bucket = SqlTokenBucket(store, "anaplan:acme", 600)
    with store.engine.connect() as writer:
        writer.exec_driver_sql("BEGIN IMMEDIATE")  # a staging transaction holding the store's write lock
        for _ in range(3):
            bucket.acquire(timeout=1)
        writer.rollback()


def test_a_deleted_budget_file_is_made_again(store: Store, tmp_path: Path) -> None:
    SqlTokenBucket(store, "t", 600).acquire(timeout=1)
    for made in tmp_path.glob("store.budget.db*"):
        made.unlink()
    SqlTokenBucket(store, "t", 600).acquire(timeout=1)
    assert (tmp_path / "store.budget.db").exists()


def test_timeout_is_a_retriable_error(any_store: Store) -> None:
    clock = FakeClock()
    bucket = _bucket(any_store, clock, 6, burst=1, tenant="slow")
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


def test_factory_plugs_into_the_registry(any_store: Store) -> None:
    factory = sql_budget_factory(any_store)
    registry = BudgetRegistry(factory)
    budget = registry.get("anaplan:acme", 600)
    assert isinstance(budget, SqlTokenBucket)
    assert budget.tenant == "anaplan:acme" and budget.per_minute == 600
    assert registry.get("anaplan:acme", 600) is budget
    budget.acquire(timeout=1)
    engine = budget_engine(any_store)
    with engine.connect() as conn:
        assert conn.execute(select(BudgetBucket.tenant)).scalars().all() == ["anaplan:acme"]
    factory.close()
