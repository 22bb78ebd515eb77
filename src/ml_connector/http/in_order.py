"""Requests in parallel, answers in order.

    for journal, lines in in_order(journals, fetch_lines, workers=4):
        ...

`fetch(item)` runs on up to `workers` threads for at most `ahead` items past the one being taken, and
the answers come back in the items' order, so a reader stays deterministic while the source answers
several requests at once: the source's time per request and ours overlap instead of taking turns.

Memory holds at most `ahead` answers, however long `items` is. `items` is pulled in the caller's
thread, lazily, so it may itself be paged or be another `in_order`. An error of one fetch is raised
where its answer would have been taken, after every answer before it. Closing the generator (the
caller stopped, or failed) cancels the fetches not yet started and does not wait for the ones under way.
With `workers=1` nothing runs in a thread: each item is fetched when it is taken.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

A = TypeVar("A")
B = TypeVar("B")


def in_order(
    items: Iterable[A],
    fetch: Callable[[A], B],
    *,
    workers: int,
    ahead: int | None = None,
    name: str = "in-order",
) -> Generator[tuple[A, B], None, None]:
    """(item, fetch(item)) for every item, in order, with up to `workers` fetches running at once."""
    if workers < 1:
        raise ValueError("workers must be at least 1")
    if workers == 1:
        for item in items:
            yield item, fetch(item)
        return
    limit = max(workers, ahead if ahead is not None else 2 * workers)
    source = iter(items)
    pending: deque[tuple[A, Future[B]]] = deque()
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name)
    exhausted = False
    try:
        while True:
            # Top up after each answer taken, so a slow `items` delays the next answer by one pull at most.
            while not exhausted and len(pending) < limit:
                try:
                    item = next(source)
                except StopIteration:
                    exhausted = True
                    break
                pending.append((item, pool.submit(fetch, item)))
            if not pending:
                return
            item, answer = pending.popleft()
            yield item, answer.result()
    finally:
        for _item, answer in pending:
            answer.cancel()
        pool.shutdown(wait=False, cancel_futures=True)
