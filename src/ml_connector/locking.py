"""Per-model locks: only one Anaplan action (import, export, process) runs on a model at a time.

`ModelLocks` is the interface the Anaplan client takes. `ProcessModelLocks` serializes threads of one
process; `ml_connector.store.lease.LeaseLocks` serializes processes and machines through the store.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Protocol

from ml_connector.errors import LockTimeoutError


class ModelLocks(Protocol):
    def hold(self, key: str, timeout: float | None = None) -> AbstractContextManager[None]:
        """Wait for (up to `timeout` s) and hold the lock named `key` for the `with` block."""


class ProcessModelLocks:
    """Locks shared by the threads of one process."""

    def __init__(self) -> None:
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    @contextmanager
    def hold(self, key: str, timeout: float | None = None) -> Iterator[None]:
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        if not lock.acquire(timeout=-1 if timeout is None else timeout):
            raise LockTimeoutError(f"waited {timeout:.0f} s for the lock on {key}")
        try:
            yield
        finally:
            lock.release()
