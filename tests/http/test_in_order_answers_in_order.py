"""`in_order`: fetches run at once on threads, answers come back in the items' order, bounded."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ml_connector.http.in_order import in_order


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(), max_size=40), st.integers(1, 6), st.integers(0, 2**32))
def test_answers_come_in_the_items_order_once_each(items: list[int], workers: int, seed: int) -> None:
    delays = random.Random(seed)
    waits = [delays.random() / 2000 for _ in items]  # answers finish out of order
    calls: list[int] = []
    lock = threading.Lock()

    def fetch(index: int) -> int:
        time.sleep(waits[index])
        with lock:
            calls.append(index)
        return items[index] * 2

    answers = list(in_order(range(len(items)), fetch, workers=workers))
    assert answers == [(i, x * 2) for i, x in enumerate(items)]
    assert sorted(calls) == list(range(len(items)))


def test_workers_fetch_at_the_same_time() -> None:
    together = threading.Barrier(4, timeout=10)  # broken (an error) unless four fetches wait at once

    def fetch(item: int) -> int:
        if item < 4:
            together.wait()
        return item

    assert [a for _, a in in_order(range(10), fetch, workers=4)] == list(range(10))


def test_no_more_than_ahead_items_are_pulled_past_the_one_taken() -> None:
    pulled = 0

    def items() -> Iterator[int]:
        nonlocal pulled
        for item in range(200):
            pulled += 1
            yield item

    taken = 0
    for _ in in_order(items(), lambda x: x, workers=3, ahead=5):
        taken += 1
        assert pulled - taken <= 5
    assert taken == 200


def test_an_error_is_raised_in_its_place_after_the_answers_before_it() -> None:
    def fetch(item: int) -> int:
        if item == 5:
            raise ValueError("item 5 is bad")
        return item

    got: list[int] = []
    with pytest.raises(ValueError, match="item 5 is bad"):
        for _, answer in in_order(range(20), fetch, workers=4):
            got.append(answer)
    assert got == [0, 1, 2, 3, 4]


def test_closing_stops_fetching() -> None:
    calls = 0
    lock = threading.Lock()

    def fetch(item: int) -> int:
        nonlocal calls
        with lock:
            calls += 1
        time.sleep(0.001)
        return item

    stream = in_order(range(10_000), fetch, workers=2, ahead=4)
    assert [next(stream)[1] for _ in range(3)] == [0, 1, 2]
    stream.close()
    time.sleep(0.05)
    with lock:
        assert calls <= 3 + 4 + 2  # taken, read ahead, and at most one under way per worker


def test_one_worker_fetches_in_the_callers_thread_when_taken() -> None:
    threads: list[threading.Thread] = []
    stream = in_order(range(3), lambda x: threads.append(threading.current_thread()) or x, workers=1)
    assert threads == []  # nothing before the first is taken
    assert [a for _, a in stream] == [0, 1, 2]
    assert threads == [threading.current_thread()] * 3


def test_workers_below_one_is_an_error() -> None:
    with pytest.raises(ValueError, match="workers"):
        list(in_order([1], lambda x: x, workers=0))
