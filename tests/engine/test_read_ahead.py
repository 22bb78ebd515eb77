"""Reading ahead: the source is read in a thread of its own, at most `depth` items ahead; its errors
reach the consumer; a consumer that stops (an error of its own, Ctrl-C) stops the reader."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ml_connector.engine.read_ahead import ReadAhead
from ml_connector.errors import RetriableError


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers()), st.integers(min_value=1, max_value=5))
def test_every_item_arrives_once_and_in_order(items: list[int], depth: int) -> None:
    with ReadAhead(items, depth=depth) as ahead:
        assert list(ahead) == items


def test_the_reader_stays_at_most_depth_items_ahead() -> None:
    produced: list[int] = []

    def source() -> Iterator[int]:
        for i in range(100):
            produced.append(i)
            yield i

    with ReadAhead(source(), depth=3) as ahead:
        first = next(iter(ahead))
        time.sleep(0.3)
        # One taken, three in the queue, one in the reader's hand waiting for room.
        assert first == 0
        assert len(produced) <= 1 + 3 + 1


def test_the_reader_runs_in_another_thread_while_the_consumer_works() -> None:
    threads: set[str] = set()

    def source() -> Iterator[int]:
        for i in range(3):
            threads.add(threading.current_thread().name)
            yield i

    with ReadAhead(source(), name="reader") as ahead:
        assert list(ahead) == [0, 1, 2]
    assert threads == {"reader"}


def test_an_error_in_the_reader_reaches_the_consumer_after_what_was_read_before_it() -> None:
    def source() -> Iterator[int]:
        yield 1
        yield 2
        raise RetriableError("the ERP answered 503 three times")

    seen: list[int] = []
    with pytest.raises(RetriableError, match="503"), ReadAhead(source()) as ahead:
        for item in ahead:
            seen.append(item)
    assert seen == [1, 2]


def test_a_consumer_that_stops_stops_the_reader_and_closes_the_source() -> None:
    closed = threading.Event()

    def endless() -> Iterator[int]:
        try:
            i = 0
            while True:
                i += 1
                yield i
        finally:
            closed.set()

    ahead = ReadAhead(endless(), depth=2)
    with pytest.raises(KeyboardInterrupt), ahead:
        for item in ahead:
            if item == 5:
                raise KeyboardInterrupt
    assert closed.wait(5)
    assert not ahead.alive


def test_it_must_be_used_in_a_with_block_and_with_a_positive_depth() -> None:
    with pytest.raises(RuntimeError, match="with block"):
        list(ReadAhead([1]))
    with pytest.raises(ValueError, match="depth"):
        ReadAhead([1], depth=0)
