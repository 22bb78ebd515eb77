"""Key lists for `IN (...)` in a few shapes only.

Each length of an `IN` list is a different SQL text, and each text is one more prepared statement in
the driver's cache (SQLite keeps up to 128 a connection, each with its plan): lists of every length
from 1 to 1,000 made the memory of a long run grow. A list padded to the next power of two (by
repeating its last key, which changes no answer of `IN`) comes in at most 11 shapes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")

MAX_KEYS = 1024  # keys in one list: far under every database's parameter limit


def padded(keys: Sequence[T]) -> list[T]:
    """`keys` with its last key repeated up to the next power of two (empty stays empty)."""
    items = list(keys)
    if not items:
        return items
    size = 1
    while size < len(items):
        size *= 2
    return items + [items[-1]] * (size - len(items))


def key_chunks(keys: Sequence[T], size: int = MAX_KEYS) -> Iterator[list[T]]:
    """`keys` in padded chunks of at most `size` keys (a power of two), in order."""
    if size < 1 or size & (size - 1):
        raise ValueError(f"chunk size must be a power of two, not {size}")
    for start in range(0, len(keys), size):
        yield padded(keys[start : start + size])
