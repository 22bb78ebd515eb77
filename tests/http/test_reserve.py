"""TokenReserve: blocks sized to demand, never above the cap, spent by all threads, dropped when stale."""

from __future__ import annotations

import threading

from hypothesis import given, settings
from hypothesis import strategies as st

from ml_connector.http.reserve import Grant, TokenReserve, max_block


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class EndlessBucket:
    """A shared bucket that always has tokens; it notes every block asked for."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.wanted: list[int] = []

    def take(self, want: int) -> Grant:
        self.wanted.append(want)
        return Grant(want, 0.0, self.clock())


@settings(max_examples=50, deadline=None)
@given(cap=st.integers(min_value=1, max_value=100), gaps=st.lists(st.floats(min_value=0, max_value=2), max_size=200))
def test_no_token_is_spent_after_its_hold_and_no_block_exceeds_the_cap(cap: int, gaps: list[float]) -> None:
    clock = Clock()
    bucket = EndlessBucket(clock)
    reserve = TokenReserve(bucket.take, max_block=cap, hold=1.0, clock=clock)
    blocks: list[tuple[float, int]] = []  # (taken at, tokens)
    for gap in gaps:
        clock.now += gap
        before = len(bucket.wanted)
        assert reserve.try_acquire() == 0.0
        if len(bucket.wanted) > before:
            blocks.append((clock.now, bucket.wanted[-1]))
        # The token just spent belongs to the last block, which is younger than the hold.
        assert clock.now - blocks[-1][0] < 1.0
    assert all(1 <= want <= cap for want in bucket.wanted)
    assert sum(want for _, want in blocks) >= len(gaps)


def test_a_quiet_process_takes_one_token_at_a_time() -> None:
    clock = Clock()
    bucket = EndlessBucket(clock)
    reserve = TokenReserve(bucket.take, max_block=50, hold=1.0, clock=clock)
    for _ in range(10):
        clock.now += 3.0
        reserve.try_acquire()
    assert bucket.wanted == [1] * 10


def test_a_busy_process_grows_its_block_to_the_cap() -> None:
    clock = Clock()
    bucket = EndlessBucket(clock)
    reserve = TokenReserve(bucket.take, max_block=8, hold=1.0, clock=clock)
    for _ in range(100):
        clock.now += 0.001
        reserve.try_acquire()
    assert bucket.wanted[0] == 1 and bucket.wanted[-1] == 8
    assert len(bucket.wanted) < 20


def test_threads_share_one_reserve() -> None:
    clock = Clock()
    bucket = EndlessBucket(clock)
    reserve = TokenReserve(bucket.take, max_block=10, hold=1e9, clock=clock)
    for _ in range(3):  # grow the block while the clock stands still
        reserve.try_acquire()
    wanted_before = sum(bucket.wanted)

    def spend() -> None:
        for _ in range(50):
            reserve.try_acquire()

    threads = [threading.Thread(target=spend) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    granted = sum(bucket.wanted)
    # 203 tokens handed out, none twice: the blocks taken cover them, with less than one block spare.
    assert 203 <= granted < 203 + 10
    assert granted > wanted_before


def test_max_block_is_half_a_second_of_refill_within_the_burst() -> None:
    assert max_block(60.0, 8.78) == 4
    assert max_block(6.0, 0.88) == 1
    assert max_block(2.0, 90.0) == 2
