"""`CancelToken` and `BulkRead`: a bulk read that its run can stop, cancelling the remote job it waits on.

A bulk read submits a job (a Compass query, an ESS export) and polls it. When its run stops meanwhile (a
failure, the service stopping, a timeout), the flow calls `cancel()` on the read: the token's hooks cancel
the remote job where the API documents a cancel, and the read's next pause raises `ReadCancelled` instead
of polling on.

    read = BulkRead(lambda token: reader.lines(..., cancel=token))
    ...
    read.cancel()      # from the run's thread: the job is cancelled, the reader thread stops polling
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from typing import TypeVar

from ml_connector.errors import ApiError

T = TypeVar("T")
log = logging.getLogger("ml_connector.http")


class ReadCancelled(ApiError):
    """The run stopped while a bulk read waited on its remote job."""

    default_hint = "The run stopped; nothing was loaded from this read and the watermark did not move."


class CancelToken:
    """Set once by `cancel()`; hooks registered while a remote job runs are called then (each once)."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._hooks: dict[int, Callable[[], None]] = {}
        self._next = 0

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def on_cancel(self, hook: Callable[[], None]) -> Callable[[], None]:
        """Call `hook` on cancel (at once when already cancelled); returns a function that unregisters it."""
        with self._lock:
            number, self._next = self._next, self._next + 1
            self._hooks[number] = hook
        if self.cancelled:
            self._run(number)

        def remove() -> None:
            with self._lock:
                self._hooks.pop(number, None)

        return remove

    def cancel(self) -> None:
        self._event.set()
        with self._lock:
            numbers = list(self._hooks)
        for number in numbers:
            self._run(number)

    def _run(self, number: int) -> None:
        with self._lock:
            hook = self._hooks.pop(number, None)
        if hook is None:
            return
        try:
            hook()
        except Exception as exc:  # noqa: BLE001 - best effort: the run is stopping for another reason
            log.warning("cancelling a remote job failed: %s", exc)

    def sleep(self, seconds: float, what: str) -> None:
        """Pause `seconds`; `ReadCancelled` (naming `what`) when cancelled before or during the pause."""
        if self._event.wait(seconds):
            raise ReadCancelled(f"the run stopped while waiting for {what}")


class BulkRead(Iterator[T]):
    """An iterator over a bulk read made with its own `CancelToken`, with `cancel()` for the run."""

    def __init__(self, make: Callable[[CancelToken], Iterator[T]]) -> None:
        self.token = CancelToken()
        self._items = make(self.token)

    def __iter__(self) -> BulkRead[T]:
        return self

    def __next__(self) -> T:
        return next(self._items)

    def cancel(self) -> None:
        self.token.cancel()

    def close(self) -> None:
        close = getattr(self._items, "close", None)
        if callable(close):
            close()
