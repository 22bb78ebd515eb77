"""Key lists for `IN (...)` come in a few shapes: each distinct SQL text is one more prepared statement
cached on the connection, so lists of every length made a long run's memory grow."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import event

from ml_connector.engine.key_lists import key_chunks, padded
from ml_connector.engine.runs import RunLog
from ml_connector.engine.staging_area import StagedLine, StagingArea, to_micros
from ml_connector.store import Store


@given(st.lists(st.text(max_size=3), max_size=3000))
def test_chunks_keep_every_key_in_order_padded_with_the_last(keys: list[str]) -> None:
    chunks = list(key_chunks(keys))
    assert len(chunks) == -(-len(keys) // 1024)
    for number, chunk in enumerate(chunks):
        part = keys[number * 1024 : (number + 1) * 1024]
        assert chunk[: len(part)] == part
        assert chunk[len(part) :] == [part[-1]] * (len(chunk) - len(part))
        assert len(chunk) in {2**i for i in range(11)} and len(chunk) < 2 * len(part)


def test_padding_repeats_the_last_key() -> None:
    assert padded([]) == []
    assert padded(["a"]) == ["a"]
    assert padded(["a", "b", "c"]) == ["a", "b", "c", "c"]
    assert len(padded(list(range(513)))) == 1024


def test_a_chunk_size_that_is_not_a_power_of_two_is_refused() -> None:
    with pytest.raises(ValueError, match="power of two"):
        list(key_chunks(["a"], size=1000))


def test_staging_batches_of_every_size_uses_few_statement_texts(store: Store) -> None:
    texts: set[str] = set()

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        texts.add(statement)

    staging = StagingArea(store, "f", RunLog(store).start("f"))
    event.listen(store.engine, "before_cursor_execute", record)
    try:
        start = 0
        for size in range(1, 121):  # 120 batches, each of a different size
            lines = [
                StagedLine(f"k{n}", f"GL|{n % 7}", to_micros(Decimal(n)), "", f"h{n}")
                for n in range(start, start + size)
            ]
            staging.stage(lines)
            staging.tombstone([f"k{n}" for n in range(start, start + size, 3)], {})
            start += size
    finally:
        event.remove(store.engine, "before_cursor_execute", record)
    # Without padding: one text per batch size per statement (hundreds).
    assert len(texts) <= 60, len(texts)
