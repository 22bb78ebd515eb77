"""Reading ahead: a source's pages are fetched in a thread of their own while the run maps and stages
what was already read, so waiting on the ERP overlaps with the store's writes.

The thread fills a bounded queue, so memory holds at most `depth` batches however long the source is.
An error in the reader reaches the run where it takes the next batch, as if it were read inline. When
the run stops taking (a failing load, Ctrl-C, a stop), the reader is told to stop and is not waited
for longer than its current page.

    with ReadAhead(batched(erp.ledger_lines(since, until)), depth=4) as batches:
        for batch in batches:
            stage(batch)

While the run waits for a batch (a bulk read waiting on its remote job can take minutes), `idle` is called
every `POLL` seconds in the run's thread: a service stop raises there, so the run can stop, and cancel
that job, without waiting for the next batch.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from types import TracebackType
from typing import Generic, TypeVar

T = TypeVar("T")
POLL = 0.2  # seconds: how often a blocked reader looks whether it was told to stop


class _End:
    """The reader finished (with the error it stopped on, if any)."""

    def __init__(self, error: BaseException | None = None) -> None:
        self.error = error


class ReadAhead(Generic[T]):
    """Iterate `items` in a reader thread, at most `depth` items ahead of the consumer."""

    def __init__(
        self,
        items: Iterable[T],
        *,
        depth: int = 4,
        name: str = "read-ahead",
        idle: Callable[[], None] | None = None,
    ) -> None:
        if depth < 1:
            raise ValueError("depth must be at least 1")
        self._items = items
        self._idle = idle
        self._queue: queue.Queue[T | _End] = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read, name=name, daemon=True)
        self._started = False

    def _put(self, item: T | _End) -> bool:
        """Put unless told to stop; False when stopped."""
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=POLL)
            except queue.Full:
                continue
            return True
        return False

    def _read(self) -> None:
        try:
            for item in self._items:
                if not self._put(item):
                    return
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, who raises it
            self._put(_End(exc))
            return
        finally:
            close = getattr(self._items, "close", None)
            if callable(close) and self._stop.is_set():
                close()
        self._put(_End())

    def __enter__(self) -> ReadAhead[T]:
        self._thread.start()
        self._started = True
        return self

    def __iter__(self) -> Iterator[T]:
        if not self._started:
            raise RuntimeError("use ReadAhead in a with block")
        while True:
            try:
                item = self._queue.get(timeout=POLL)
            except queue.Empty:
                if self._idle is not None:
                    self._idle()
                continue
            if isinstance(item, _End):
                if item.error is not None:
                    raise item.error
                return
            yield item

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()

    def stop(self, timeout: float = 5.0) -> None:
        """Tell the reader to stop and drop what it read ahead; wait a little for it to end."""
        self._stop.set()
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                break
        if self._started and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    @property
    def ready(self) -> bool:
        """Whether the next batch (or the end) is read already, so taking it will not wait on the source."""
        return not self._queue.empty()

    @property
    def alive(self) -> bool:
        """Whether the reader thread still runs (for tests)."""
        return self._thread.is_alive()
